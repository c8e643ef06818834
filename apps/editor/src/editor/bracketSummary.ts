import type { Node as PMNode } from 'prosemirror-model'
import { alternativeText, renderNegotiating } from '@accord/bracket-variants'
import { collectGroups, collectOptionGroups, countDocumentVariants, treatyBracketStats, unitLabel } from '@accord/bracket-variants/prosemirror'
import { outline, type Location } from '@accord/schema'

/** One open bracket group (or placeholder) as the bracket navigator lists it. */
export interface NavigatorGroup {
  /** Position of the `bracket` / `placeholder` node in the document the summary was made from. */
  pos: number
  /** "Article 6, paragraph 2", as the engine describes it. */
  location: string
  /** The group in bracket notation: `[本议定书][协议]`. */
  notation: string
  /** Each alternative's text (normalised), in order; empty for a placeholder. */
  alternatives: string[]
  placeholder: boolean
  /** 1 for a group not inside another. */
  depth: number
  /** The linked-set key of the group. */
  key: string
  /** Agreed ad referendum (the facilitator marked it; still open). */
  adRef: boolean
}

/** Open groups of one article (or "Preamble", "Title", "Annex I, Article 1" …), in document order. */
export interface NavigatorUnit {
  label: string
  groups: NavigatorGroup[]
}

/** A group that looks as if it belongs to a linked set but differs from it. */
export interface NavigatorNearDuplicate {
  key: string
  alternatives: string[]
  reason: string
  /** The mechanical rewrite into the set (`本[议定书][协议]`), when there is one: what "normalise" writes. */
  suggestion?: string
  /** Where its occurrences are: position and location. */
  members: { pos: number; location: string }[]
}

/** A linked set (the same alternatives at least twice), with the near-duplicates that probably belong to it. */
export interface NavigatorLinkedSet {
  key: string
  alternatives: string[]
  count: number
  nearDuplicates: NavigatorNearDuplicate[]
}

/** Everything the bracket navigator shows, computed from one document. */
export interface BracketSummary {
  openGroups: number
  placeholders: number
  optionGroups: number
  variants: bigint
  linkedSets: NavigatorLinkedSet[]
  units: NavigatorUnit[]
}

/** The summary of `doc`'s open brackets for the navigator: a few passes over the document, so callers throttle it. */
export function summarizeBrackets(doc: PMNode): BracketSummary {
  // One outline and one walk over the groups serve every figure: this runs once a frame while the panel is open.
  const blocks = outline(doc)
  const occurrences = collectGroups(doc, blocks)
  const stats = treatyBracketStats(doc, blocks, occurrences)
  const byPos = new Map(occurrences.map((g) => [g.id, g]))
  const groups: NavigatorGroup[] = occurrences.map((g) => ({
    pos: g.pos,
    location: g.location.text,
    notation: renderNegotiating([g.group], { notes: false }),
    alternatives: g.group.placeholder ? [] : g.group.alternatives.map(alternativeText),
    placeholder: !!g.group.placeholder,
    depth: g.depth,
    key: g.key,
    adRef: doc.nodeAt(g.pos)?.attrs.adRef === true,
  }))
  const linkedSets: NavigatorLinkedSet[] = stats.linkedSets.map((set) => ({
    key: set.key,
    alternatives: set.alternatives,
    count: set.count,
    nearDuplicates: stats.nearDuplicates
      .filter((n) => n.likely === set.key)
      .map((n) => ({
        key: n.key,
        alternatives: n.alternatives,
        reason: n.reason,
        suggestion: n.rewrite ? `${n.rewrite.prefix}${n.likelyAlternatives.map((a) => `[${a}]`).join('')}${n.rewrite.suffix}` : undefined,
        members: n.members.flatMap((id) => {
          const g = byPos.get(id)
          return g ? [{ pos: g.pos, location: g.location.text }] : []
        }),
      })),
  }))
  return {
    openGroups: stats.openGroups,
    placeholders: stats.placeholders,
    optionGroups: collectOptionGroups(doc, blocks).length,
    variants: countDocumentVariants(doc, blocks),
    linkedSets,
    units: groupByUnit(occurrences.map((g, i) => ({ location: g.location, group: groups[i] }))),
  }
}

/** Groups in document order, gathered under their article (or other unit); units keep the order they first appear in. */
export function groupByUnit(items: readonly { location: Location; group: NavigatorGroup }[]): NavigatorUnit[] {
  const units: NavigatorUnit[] = []
  const byLabel = new Map<string, NavigatorUnit>()
  for (const { location, group } of items) {
    const label = unitLabel(location)
    let unit = byLabel.get(label)
    if (!unit) {
      unit = { label, groups: [] }
      byLabel.set(label, unit)
      units.push(unit)
    }
    unit.groups.push(group)
  }
  return units
}

export { unitLabel }

/** A variant count as people read it: exact with digit grouping up to 15 digits, else its order of magnitude. */
export type VariantCount = { exact: string } | { approx: { mantissa: string; exponent: number } }

const EXACT_DIGITS = 15

/**
 * Formats how many texts the brackets allow. Counts are products over every group and can
 * have hundreds of digits: beyond 15 digits the count is shown as mantissa × 10^exponent
 * (the mantissa truncated to one decimal, so "≈" never overstates).
 */
export function formatVariantCount(n: bigint, locale = 'en'): VariantCount {
  const digits = (n < 0n ? -n : n).toString()
  if (digits.length <= EXACT_DIGITS) return { exact: new Intl.NumberFormat(locale).format(n) }
  const mantissa = digits[1] === '0' ? digits[0] : `${digits[0]}.${digits[1]}`
  return { approx: { mantissa: n < 0n ? '-' + mantissa : mantissa, exponent: digits.length - 1 } }
}

/** The same as plain text: "1,048,576", "≈ 10^42", "≈ 2.5 × 10^17". */
export function variantCountText(n: bigint, locale = 'en'): string {
  const f = formatVariantCount(n, locale)
  if ('exact' in f) return f.exact
  const { mantissa, exponent } = f.approx
  return mantissa === '1' ? `≈ 10^${exponent}` : `≈ ${mantissa} × 10^${exponent}`
}
