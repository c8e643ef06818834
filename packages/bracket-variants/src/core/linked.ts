import { alternativeText } from './normalize'
import type { BracketGroup } from './types'

/**
 * Alternatives repeated across the text: `[议定书][协议]` 19 times in the sample. Members of
 * one set are normally resolved together.
 */
export interface LinkedSet {
  /** `groupKey` of every member. */
  key: string
  /** The normalised alternatives, as in `key`. */
  alternatives: string[]
  /** Occurrence ids, in the order given. */
  members: string[]
  count: number
}

/**
 * A normalised signature of a group's alternatives: each alternative's `alternativeText` in
 * square brackets, e.g. `[议定书][协议]`. The separator and the source spelling do not count:
 * `[A] [or] [B]` and `［A］／［B］` have the same key as `[A][B]`. A group without
 * alternatives has the key ''.
 */
export function groupKey(group: BracketGroup): string {
  return keyOf(group.alternatives.map(alternativeText))
}

export function keyOf(alternatives: readonly string[]): string {
  return alternatives.map((a) => `[${a}]`).join('')
}

/**
 * Groups occurrences by `groupKey`. Returns every key, including those seen once (count 1):
 * sorted by count, most frequent first, then by first appearance. Callers wanting linked sets
 * proper keep `count >= 2`. Linear in the number of occurrences. An occurrence may bring its
 * `alternatives` already as `alternativeText` gives them (the caller computed them anyway).
 */
export function findLinkedSets(occurrences: readonly { id: string; group: BracketGroup; alternatives?: readonly string[] }[]): LinkedSet[] {
  const byKey = new Map<string, LinkedSet & { first: number }>()
  occurrences.forEach(({ id, group, alternatives: given }, index) => {
    const alternatives = given ? [...given] : group.alternatives.map(alternativeText)
    const key = keyOf(alternatives)
    const set = byKey.get(key)
    if (set) {
      set.members.push(id)
      set.count++
    } else byKey.set(key, { key, alternatives, members: [id], count: 1, first: index })
  })
  return [...byKey.values()]
    .sort((a, b) => b.count - a.count || a.first - b.first)
    .map(({ key, alternatives, members, count }) => ({ key, alternatives, members, count }))
}
