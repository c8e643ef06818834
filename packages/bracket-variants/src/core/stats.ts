import { findLinkedSets, type LinkedSet } from './linked'
import { findNearDuplicates, type NearDuplicate } from './near'
import type { BracketGroup, Inline } from './types'
import { walkInlines } from './walk'

export interface BracketStats {
  /** Every group, nested ones included, placeholders included. */
  openGroups: number
  /** Alternatives summed over every group. */
  alternatives: number
  /** Deepest nesting: 0 without groups, 1 when no group is inside another. */
  maxDepth: number
  placeholders: number
  perUnit: { label: string; openGroups: number }[]
  /** Sets of 2 or more occurrences, most frequent first. */
  linkedSets: LinkedSet[]
  /** Near-duplicates among all sets, those seen once included. */
  nearDuplicates: NearDuplicate[]
}

/**
 * Statistics over the units (paragraphs, articles…) of a document. Linked-set members are the
 * groups' `id`s, or `label#n` (n-th group of the unit, document order) for groups without one;
 * give ids that are unique across units (`parseBrackets`' `idPrefix`) for members to identify
 * groups.
 */
export function bracketStats(units: readonly { label: string; inlines: readonly Inline[] }[]): BracketStats {
  let openGroups = 0
  let alternatives = 0
  let maxDepth = 0
  let placeholders = 0
  const perUnit: BracketStats['perUnit'] = []
  const occurrences: { id: string; group: BracketGroup }[] = []
  for (const { label, inlines } of units) {
    let inUnit = 0
    walkInlines(inlines, {
      enterGroup(group, _path, depth) {
        inUnit++
        alternatives += group.alternatives.length
        if (depth > maxDepth) maxDepth = depth
        if (group.placeholder) placeholders++
        occurrences.push({ id: group.id ?? `${label}#${inUnit}`, group })
      },
    })
    openGroups += inUnit
    perUnit.push({ label, openGroups: inUnit })
  }
  const sets = findLinkedSets(occurrences)
  return {
    openGroups,
    alternatives,
    maxDepth,
    placeholders,
    perUnit,
    linkedSets: sets.filter((s) => s.count >= 2),
    nearDuplicates: findNearDuplicates(sets),
  }
}
