import type { Node as PMNode } from 'prosemirror-model'
import { align, type Pair } from './align'
import { unitsOf, type BlockKind, type GroupRef, type TextBlock, type Unit, type UnitKind } from './units'
import { diffWords, similarity, words, type Segment } from './words'

/** How a unit or block fared between the two texts. */
export type ChangeStatus = 'same' | 'changed' | 'added' | 'removed'

/** One block (a paragraph, a recital, a heading, …) of the comparison. */
export interface BlockComparison {
  kind: BlockKind
  status: ChangeStatus
  /** The derived label in the later text ("2.", "Pp3"; the earlier one's when removed), or null. */
  label: string | null
  /** Where it is, in the later text (the earlier one when removed): "Article 4, paragraph 2". */
  location: string
  /** The block's negotiating text in each version (null where it does not exist). */
  before: string | null
  after: string | null
  /** The word-level diff: the whole text as one segment unless changed. */
  segments: Segment[]
}

/** An article (or the title, the preamble, an annex, …) of the comparison. */
export interface UnitComparison {
  kind: UnitKind
  status: ChangeStatus
  /** The document's label in the later text ("第五条"; the earlier one's when removed). */
  label: string | null
  /** The label in the earlier text: differs from `label` when articles were inserted or removed before it. */
  beforeLabel: string | null
  location: string
  blocks: BlockComparison[]
}

/** A bracket group opened or resolved between the two texts. */
export interface GroupChange {
  location: string
  alternatives: string[]
}

export interface ComparisonSummary {
  /** Bracket groups in the later text that the earlier one did not have, in the same place (placeholders not counted). */
  bracketsOpened: number
  /** Bracket groups of the earlier text gone from the later one (resolved, or deleted with their text). */
  bracketsResolved: number
  /** Bracket groups still open whose alternatives were reworded (counted neither as opened nor as resolved). */
  bracketsChanged: number
  articlesAdded: number
  articlesRemoved: number
  /** Blocks (paragraphs, recitals, headings, the title) changed, added or removed in units both texts have; an added or removed article counts as that alone. */
  paragraphsChanged: number
  paragraphsAdded: number
  paragraphsRemoved: number
  /** `amendment-accept` entries among the audit entries given (those between the two revisions). */
  amendmentsAccepted: number
  opened: GroupChange[]
  resolved: GroupChange[]
  changed: { location: string; before: string[]; after: string[] }[]
  /** Labels of the articles added (as in the later text) and removed (as in the earlier text). */
  addedArticles: string[]
  removedArticles: string[]
}

export interface Comparison {
  /** Nothing differs but derived labels. */
  identical: boolean
  units: UnitComparison[]
  summary: ComparisonSummary
}

export interface CompareOptions {
  /** Audit entries recorded between the two texts; only `action` is read. */
  audit?: readonly { action: string }[]
}

/** Units this alike (Dice's coefficient of their words) are one unit changed, not one removed and one added. */
const UNIT_SIMILARITY = 0.5
const BLOCK_SIMILARITY = 0.4
/** At most one of these in a treaty: they always correspond. */
const SINGLE: ReadonlySet<UnitKind> = new Set(['title', 'preamble', 'final-clauses'])

/**
 * Compares two versions of a treaty, word by word, unit by unit (title, preamble, each article,
 * annex, …) in negotiating notation, so brackets show as they are written. Units and blocks are
 * matched by content, never by their derived numbers: inserting an article before Article 4
 * adds one article and leaves the old Article 4 (now 5) unchanged.
 */
export function compareTreaties(before: PMNode, after: PMNode, options: CompareOptions = {}): Comparison {
  const b = unitsOf(before)
  const a = unitsOf(after)
  const pairs = align(
    b.units,
    a.units,
    (x, y) => x.key === y.key,
    (x, y) => x.kind === y.kind && (SINGLE.has(x.kind) || similarity(x.tokens, y.tokens) >= UNIT_SIMILARITY),
  )
  const compared = pairs.map(({ before: x, after: y }) => compareUnit(x, y, b.lang, a.lang))
  const units = compared.map((c) => c.unit)
  return { identical: units.every((u) => u.status === 'same'), units, summary: summarise(compared, a.lang, options) }
}

interface Compared {
  unit: UnitComparison
  /** The blocks compared, one pair per entry of `unit.blocks`. */
  pairs: Pair<TextBlock>[]
}

function compareUnit(x: Unit | null, y: Unit | null, lang: string, afterLang: string): Compared {
  const unit = (y ?? x)!
  if (!x || !y) {
    const status = x ? 'removed' : 'added'
    return {
      unit: { kind: unit.kind, status, label: unit.label, beforeLabel: x?.label ?? null, location: unit.location, blocks: unit.blocks.map((blk) => whole(blk, status)) },
      pairs: unit.blocks.map((blk) => ({ before: x ? blk : null, after: y ? blk : null })),
    }
  }
  const pairs = align(
    x.blocks,
    y.blocks,
    (p, q) => p.kind === q.kind && p.text === q.text,
    (p, q) => p.kind === q.kind && similarity(p.tokens, q.tokens) >= BLOCK_SIMILARITY,
  )
  const blocks = pairs.map(({ before: p, after: q }): BlockComparison => {
    if (!p || !q) return whole((q ?? p)!, p ? 'removed' : 'added')
    if (p.text === q.text) return whole(q, 'same', p)
    return { kind: q.kind, status: 'changed' as const, label: q.label, location: q.location, before: p.text, after: q.text, segments: diffWords(p.text, q.text, lang, afterLang) }
  })
  const status = blocks.every((blk) => blk.status === 'same') ? 'same' : 'changed'
  return { unit: { kind: y.kind, status, label: y.label, beforeLabel: x.label, location: y.location, blocks }, pairs }
}

function whole(block: TextBlock, status: 'same' | 'added' | 'removed', before: TextBlock = block): BlockComparison {
  const kind = status === 'same' ? 'same' : status
  return {
    kind: block.kind,
    status,
    label: block.label,
    location: block.location,
    before: status === 'added' ? null : before.text,
    after: status === 'removed' ? null : block.text,
    segments: block.text ? [{ kind, text: block.text }] : [],
  }
}

function summarise(compared: readonly Compared[], lang: string, options: CompareOptions): ComparisonSummary {
  const s: ComparisonSummary = {
    bracketsOpened: 0,
    bracketsResolved: 0,
    bracketsChanged: 0,
    articlesAdded: 0,
    articlesRemoved: 0,
    paragraphsChanged: 0,
    paragraphsAdded: 0,
    paragraphsRemoved: 0,
    amendmentsAccepted: (options.audit ?? []).filter((e) => e.action === 'amendment-accept').length,
    opened: [],
    resolved: [],
    changed: [],
    addedArticles: [],
    removedArticles: [],
  }
  const groups = (gone: readonly GroupRef[], come: readonly GroupRef[]) => {
    // The same alternatives in the same block are the same group, however many there are of them.
    const left = new Map<string, GroupRef[]>()
    for (const g of gone) left.set(g.key, [...(left.get(g.key) ?? []), g])
    const opened: GroupRef[] = []
    for (const g of come) {
      const match = left.get(g.key)
      if (match?.length) match.shift()
      else opened.push(g)
    }
    const resolved = [...left.values()].flat()
    // A group gone and one come in the same block, as many alternatives and mostly the same
    // words, is one group whose wording changed (`[shall][should]` → `[must][should]`).
    for (const g of opened) {
      const k = resolved.findIndex((r) => r.alternatives.length === g.alternatives.length && alike(r, g, lang))
      if (k >= 0) {
        const [r] = resolved.splice(k, 1)
        s.changed.push({ location: g.location, before: r.alternatives, after: g.alternatives })
      } else s.opened.push({ location: g.location, alternatives: g.alternatives })
    }
    for (const g of resolved) s.resolved.push({ location: g.location, alternatives: g.alternatives })
  }

  for (const { unit: u, pairs } of compared) {
    if (u.kind === 'article' && u.status === 'added') s.addedArticles.push(u.label ?? u.location)
    if (u.kind === 'article' && u.status === 'removed') s.removedArticles.push(u.label ?? u.location)
    pairs.forEach(({ before: p, after: q }, i) => {
      groups(p?.groups ?? [], q?.groups ?? [])
      if (u.status === 'added' || u.status === 'removed') return
      const status = u.blocks[i].status
      if (status === 'changed') s.paragraphsChanged++
      else if (status === 'added') s.paragraphsAdded++
      else if (status === 'removed') s.paragraphsRemoved++
    })
  }
  s.bracketsOpened = s.opened.length
  s.bracketsResolved = s.resolved.length
  s.bracketsChanged = s.changed.length
  s.articlesAdded = s.addedArticles.length
  s.articlesRemoved = s.removedArticles.length
  return s
}

const GROUP_SIMILARITY = 0.5

function alike(a: GroupRef, b: GroupRef, lang: string): boolean {
  return similarity(words(a.alternatives.join(' '), lang), words(b.alternatives.join(' '), lang)) >= GROUP_SIMILARITY
}
