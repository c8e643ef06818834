import type { Node as PMNode } from 'prosemirror-model'
import { importText, treatyStats, type TreatyStats } from '@accord/treaty-io'
import { seededRandom } from './generate'

/**
 * A seeded generator of conference-size negotiating texts with exact figures: a title and
 * preamble, parts, `articles` articles (numbered paragraphs, lettered sub-paragraphs, some
 * articles made of options), `openGroups` open bracket groups (nested ones counted) of which
 * `linkedSet` are the linked set `[Protocol][Agreement]`, a second linked set `[shall][should]`,
 * one near-duplicate `[this Protocol][Agreement]`, nested groups, `[x] [or] [y]` groups and
 * drafting notes; an annex at the end. The text goes through `importText` (the real importer),
 * and `generateLargeTreatyDoc` checks the document's figures with `treatyStats`.
 */
export interface LargeTreatySpec {
  articles: number
  openGroups: number
  linkedSet: number
  seed?: number
}

export interface LargeTreaty {
  spec: LargeTreatySpec
  text: string
  doc: PMNode
  stats: TreatyStats
  /** The linked set's key as the bracket engine spells it (for `resolveLinkedSet`). */
  linkedSetKey: string
  expected: { articles: number; groups: number; linkedSet: number; secondSet: number; notes: number; optionGroups: number }
}

export const TREATY_SIZES: Record<'sample' | 'medium' | 'large', LargeTreatySpec> = {
  sample: { articles: 20, openGroups: 60, linkedSet: 19 },
  medium: { articles: 100, openGroups: 600, linkedSet: 150 },
  large: { articles: 300, openGroups: 2000, linkedSet: 500 },
}

const WORDS =
  'the Parties shall take appropriate measures to ensure that implementation of this instrument is consistent with obligations under international law including cooperation capacity-building technology transfer finance adaptation mitigation developing country developed resources support assessment transparency reporting marine biological diversity areas beyond national jurisdiction benefit-sharing'.split(
    ' ',
  )

export function generateLargeTreatyText(spec: LargeTreatySpec): { text: string; expected: LargeTreaty['expected'] } {
  const rnd = seededRandom(spec.seed ?? 7)
  const int = (n: number) => Math.floor(rnd() * n)
  const words = (n: number) => Array.from({ length: n }, () => WORDS[int(WORDS.length)]).join(' ')

  // 1. The skeleton: every sentence is a slot that can take bracket groups.
  type Line = { prefix: string; slots: number; end: string; note: boolean }
  const lines: Line[] = []
  const blocks: (Line | string)[] = []
  const add = (prefix: string, end: string, noteChance = 0) => {
    const line: Line = { prefix, slots: 0, end, note: rnd() < noteChance }
    lines.push(line)
    blocks.push(line)
  }
  let optionGroups = 0
  for (let a = 1; a <= spec.articles; a++) {
    if (a % 40 === 1) blocks.push(`Part ${['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X'][Math.floor(a / 40)]}`)
    blocks.push(`Article ${a}`)
    if (a > 3 && rnd() < 0.05) {
      optionGroups++
      const n = 2 + int(2)
      for (let o = 1; o <= n; o++) add(`Option ${o}: `, '.')
      if (rnd() < 0.5) blocks.push(`Option ${n + 1}: No text`)
      continue
    }
    const paragraphs = 1 + int(5)
    for (let p = 1; p <= paragraphs; p++) {
      const subs = rnd() < 0.25 ? 2 + int(3) : 0
      add(`${p}. `, subs ? ':' : '.', 0.08)
      for (let s = 0; s < subs; s++) add(`(${'abcde'[s]}) `, s === subs - 1 ? '.' : ';')
    }
  }

  // 2. The groups, as (text, count) tokens, then spread over random slots.
  const tokens: { text: () => string; groups: number }[] = []
  // Title and the first recital carry two members of the linked set.
  const linkedInBody = spec.linkedSet - 2
  if (linkedInBody < 0) throw new Error('linkedSet must be ≥ 2')
  for (let i = 0; i < linkedInBody; i++) tokens.push({ text: () => 'this [Protocol][Agreement]', groups: 1 })
  tokens.push({ text: () => '[this Protocol][Agreement]', groups: 1 }) // the near-duplicate
  let used = spec.linkedSet + 1
  let secondSet = 0
  const rest = spec.openGroups - used
  if (rest < 0) throw new Error('openGroups must exceed linkedSet')
  let budget = rest
  while (budget > 0) {
    const r = rnd()
    if (r < 0.1) {
      secondSet++
      tokens.push({ text: () => '[shall][should]', groups: 1 })
      budget--
    } else if (r < 0.2 && budget >= 2) {
      tokens.push({ text: () => `[${words(2)} [${words(1)}][${words(2)}] ${words(2)}]`, groups: 2 })
      budget -= 2
    } else if (r < 0.3) {
      tokens.push({ text: () => `[${words(2)}] [or] [${words(3)}]`, groups: 1 })
      budget--
    } else if (r < 0.6) {
      tokens.push({ text: () => `[${words(3)}][${words(2)}][${words(2)}]`, groups: 1 })
      budget--
    } else {
      tokens.push({ text: () => `[${words(4)}]`, groups: 1 })
      budget--
    }
  }
  used += rest
  const assigned: string[][] = lines.map(() => [])
  for (const t of tokens) assigned[int(lines.length)].push(t.text())

  // 3. The text.
  const sentence = (groups: string[]) => {
    const parts = [words(5 + int(8))]
    for (const g of groups) parts.push(g, words(2 + int(5)))
    const s = parts.join(' ')
    return s[0].toUpperCase() + s.slice(1)
  }
  let notes = 0
  const out: string[] = ['Draft [Protocol][Agreement] on conservation and cooperation', 'Preamble', 'The Parties to this [Protocol][Agreement],']
  for (let i = 1; i <= 8; i++) out.push(`${['Recalling', 'Recognizing', 'Noting', 'Reaffirming'][i % 4]} ${sentence([])},`)
  out.push('Have agreed as follows:')
  let li = 0
  for (const b of blocks) {
    if (typeof b === 'string') {
      out.push(b)
      continue
    }
    let s = `${b.prefix}${sentence(assigned[li++])}${b.end}`
    if (b.note) {
      notes++
      s += ` (Source: A/CONF.${230 + int(10)}/${2020 + int(5)}/${1 + int(9)})`
    }
    out.push(s)
  }
  out.push('Annex I', `1. ${sentence([])}.`, `2. ${sentence([])}.`)
  return { text: out.join('\n\n') + '\n', expected: { articles: spec.articles, groups: used, linkedSet: spec.linkedSet, secondSet, notes, optionGroups } }
}

/** Generates, imports and checks a treaty; throws with the figures when they do not match. */
export function generateLargeTreaty(spec: LargeTreatySpec): LargeTreaty {
  const { text, expected } = generateLargeTreatyText(spec)
  const { doc } = importText(text)
  const stats = treatyStats(doc)
  const set = stats.linkedSets.find((s) => s.alternatives.join('|') === 'Protocol|Agreement')
  const second = stats.linkedSets.find((s) => s.alternatives.join('|') === 'shall|should')
  const problems: string[] = []
  const check = (what: string, got: number | undefined, want: number) => {
    if (got !== want) problems.push(`${what}: got ${got}, expected ${want}`)
  }
  check('articles', stats.articles, expected.articles)
  check('open bracket groups', stats.brackets, expected.groups)
  check('[Protocol][Agreement] linked set', set?.count, expected.linkedSet)
  if (expected.secondSet >= 2) check('[shall][should] linked set', second?.count, expected.secondSet)
  check('drafting notes', stats.notes, expected.notes)
  check('option groups', stats.optionGroups, expected.optionGroups)
  if (!stats.nearDuplicates.length) problems.push('no near-duplicate found for [this Protocol][Agreement]')
  if (stats.maxDepth < 2) problems.push(`max bracket depth ${stats.maxDepth}, expected nesting`)
  if (problems.length) throw new Error(`generated treaty ${JSON.stringify(spec)} does not have the expected figures:\n  ${problems.join('\n  ')}`)
  return { spec, text, doc, stats, linkedSetKey: '', expected }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const [name, spec] of Object.entries(TREATY_SIZES)) {
    const t0 = performance.now()
    const t = generateLargeTreaty(spec)
    console.log(name, Math.round(t.text.length / 1024), 'KB', t.expected, `${(performance.now() - t0).toFixed(0)} ms`)
  }
}
