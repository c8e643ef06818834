import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { runTextBench } from './treatyText'
import { generateLargeTreaty, TREATY_SIZES } from './largeTreaty'
import { formatHistory, runHistoryBench } from './history'
import { formatResolve, runResolveBench } from './resolve'
import { formatBrowser, runBrowserBench } from './browser'

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

say('## Generated conference-size treaties')
say()
say('Seeded; every figure below is asserted against `treatyStats` of the imported document (the run aborts otherwise).')
say()
say('| size | text | articles | open groups | `[Protocol][Agreement]` set | `[shall][should]` set | notes | option groups | generate + import + check |')
say('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
for (const [name, spec] of Object.entries(TREATY_SIZES)) {
  const t0 = performance.now()
  const t = generateLargeTreaty(spec)
  const ms = performance.now() - t0
  const set = t.stats.linkedSets.find((s) => s.alternatives.join('|') === 'Protocol|Agreement')?.count
  const second = t.stats.linkedSets.find((s) => s.alternatives.join('|') === 'shall|should')?.count
  say(`| ${name} | ${Math.round(t.text.length / 1024)} KB | ${t.stats.articles} | ${t.stats.brackets} | ${set} | ${second} | ${t.stats.notes} | ${t.stats.optionGroups} | ${ms.toFixed(0)} ms |`)
}
say()

try {
  say('## Resolving a linked set')
  say()
  say(formatResolve(await runResolveBench(TREATY_SIZES.large, full ? 9 : 5)))
  say()
} catch (e) {
  say(`(resolution benchmark failed: ${(e as Error).stack})`)
}

try {
  say('## Opening a document with a long history')
  say()
  say('Each stored update is one edit sent by a y-websocket client through the server (insert a character at one random place, delete one at another: the text keeps the sample\'s size, the history grows). The server is then closed and started again on the same data directory; a fresh client\'s connect → synced is timed on a cold room (restart before each run) and a warm one. Goal: flat (ratio ≈ 1×).')
  say()
  say(formatHistory(await runHistoryBench(full ? [100, 100_000] : [100, 20_000], 5)))
  say()
} catch (e) {
  say(`(history benchmark failed: ${(e as Error).stack})`)
}

try {
  say('## Typing in the browser (Chromium)')
  say()
  say('The 300-article treaty, caret in the middle; per keystroke, keydown → after the next frame (requestAnimationFrame, then a task). Goal: ≤ 1.5× the plain editor, p95 < 16 ms as an indication (the figure includes waiting for the frame).')
  say()
  say(formatBrowser(await runBrowserBench(TREATY_SIZES.large, full ? 300 : 100)))
  say()
} catch (e) {
  say(`(browser benchmark failed: ${(e as Error).stack})`)
}

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
