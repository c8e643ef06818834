import { EditorState } from 'prosemirror-state'
import { treatySchema } from '@accord/schema'
import { variantDocument } from '@accord/bracket-variants/prosemirror'
import { exportDocument, importText, treatyStats } from '@accord/treaty-io'
import { generateTreaty } from './generate'

export interface TextBenchRow {
  sizeKB: number
  articles: number
  groups: number
  importMs: number
  statsMs: number
  cleanExportMs: number
}

function time<T>(fn: () => T, repeat: number): { ms: number; value: T } {
  let value!: T
  const runs: number[] = []
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now()
    value = fn()
    runs.push(performance.now() - t0)
  }
  runs.sort((a, b) => a - b)
  return { ms: runs[Math.floor(runs.length / 2)], value }
}

/** Import, stats and clean export of generated treaties of the given sizes (in bytes of text). */
export function runTextBench(sizes: number[]): TextBenchRow[] {
  const rows: TextBenchRow[] = []
  for (const size of sizes) {
    const repeat = size <= 200_000 ? 7 : size <= 2_000_000 ? 3 : 1
    const gen = generateTreaty(size, 42)
    const imported = time(() => importText(gen.text), repeat)
    const doc = imported.value.doc
    const stats = time(() => treatyStats(doc), repeat)
    // The clean text of the variant that keeps every first alternative.
    const resolved = variantDocument(doc, () => 0)
    EditorState.create({ schema: treatySchema, doc: resolved })
    const clean = time(() => exportDocument(resolved, { format: 'text', mode: 'clean' }), repeat)
    if (!clean.value.ok) throw new Error('the resolved variant must export clean')
    rows.push({ sizeKB: Math.round(gen.text.length / 1024), articles: stats.value.articles, groups: stats.value.brackets, importMs: imported.ms, statsMs: stats.ms, cleanExportMs: clean.ms })
  }
  return rows
}
