import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { runTextBench } from './treatyText'

/**
 * `npm run bench`: prints figures and writes a Markdown report under bench/results/.
 * Benchmarks are not tests: machines are noisy, so each section compares against a baseline
 * measured in the same run and reports ratios; absolute times are indicative.
 * `--full` runs the large sizes.
 */
const full = process.argv.includes('--full')
const lines: string[] = []
const say = (s = '') => {
  console.log(s)
  lines.push(s)
}

say(`# Accord benchmark (${new Date().toISOString()})`)
say()
say(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}${full ? ', full sizes' : ''}`)
say()
say('## Import, stats and clean export of generated treaties')
say()
say('Goal: linear growth (the per-KB ratio stays near 1× of the smallest size) and under 1 s for 1 MB.')
say()
const sizes = full ? [100_000, 1_000_000, 10_000_000] : [100_000, 1_000_000, 3_000_000]
const rows = runTextBench(sizes)
const base = rows[0]
say('| size | articles | groups | import | stats | clean export | import ms/KB vs 100 KB |')
say('| ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
for (const r of rows) {
  const ratio = r.importMs / r.sizeKB / (base.importMs / base.sizeKB)
  say(`| ${r.sizeKB} KB | ${r.articles} | ${r.groups} | ${r.importMs.toFixed(0)} ms | ${r.statsMs.toFixed(0)} ms | ${r.cleanExportMs.toFixed(0)} ms | ${ratio.toFixed(2)}× |`)
}
say()

try {
  const collab = (await import('./collab')) as { runCollabBench?: (opts: { clients: number[]; durationMs: number; editsPerSecond: [number, number] }) => Promise<unknown>; formatReport?: (r: unknown) => string }
  if (collab.runCollabBench) {
    say('## Collaboration server against a bare y-protocols relay')
    say()
    const report = await collab.runCollabBench({ clients: full ? [10, 50, 200] : [10, 50, 200], durationMs: full ? 20_000 : 8_000, editsPerSecond: [2, 5] })
    say(collab.formatReport ? collab.formatReport(report) : '```\n' + JSON.stringify(report, null, 2) + '\n```')
  }
} catch (e) {
  say(`(collaboration benchmark failed: ${(e as Error).message})`)
}

mkdirSync(new URL('./results/', import.meta.url), { recursive: true })
const file = new URL(`./results/bench-${new Date().toISOString().replace(/[:.]/g, '-')}.md`, import.meta.url)
writeFileSync(file, lines.join('\n') + '\n')
console.log(`\nreport written to ${file.pathname}`)
process.exit(0)
