import { diffArrays } from 'diff'

/** One step of an alignment: an element of each side, or of one side only. */
export interface Pair<T> {
  before: T | null
  after: T | null
}

/**
 * Aligns two sequences in two passes. The first (jsdiff's diffArrays, Myers' algorithm) keeps
 * the longest run of elements that are `same`; inside each stretch it could not match, the
 * second pairs the elements that are `similar` (the same article with a few words changed), so
 * one inserted article is one addition and not a cascade of changed articles after it. Within a
 * stretch, removals come before additions.
 */
export function align<T>(before: readonly T[], after: readonly T[], same: (a: T, b: T) => boolean, similar: (a: T, b: T) => boolean): Pair<T>[] {
  const out: Pair<T>[] = []
  let b = 0
  let a = 0
  let runB: T[] = []
  let runA: T[] = []
  const flush = () => {
    if (runB.length || runA.length) out.push(...pairSimilar(runB, runA, similar))
    runB = []
    runA = []
  }
  for (const change of diffArrays(before as T[], after as T[], { comparator: same })) {
    if (change.removed) {
      runB.push(...before.slice(b, b + change.count))
      b += change.count
    } else if (change.added) {
      runA.push(...after.slice(a, a + change.count))
      a += change.count
    } else {
      flush()
      for (let i = 0; i < change.count; i++) out.push({ before: before[b + i], after: after[a + i] })
      b += change.count
      a += change.count
    }
  }
  flush()
  return out
}

function pairSimilar<T>(before: T[], after: T[], similar: (a: T, b: T) => boolean): Pair<T>[] {
  const out: Pair<T>[] = []
  if (!before.length || !after.length) {
    for (const x of before) out.push({ before: x, after: null })
    for (const x of after) out.push({ before: null, after: x })
    return out
  }
  let b = 0
  let a = 0
  let removed: Pair<T>[] = []
  let added: Pair<T>[] = []
  const flush = () => {
    out.push(...removed, ...added)
    removed = []
    added = []
  }
  for (const change of diffArrays(before, after, { comparator: similar })) {
    if (change.removed) {
      for (let i = 0; i < change.count; i++) removed.push({ before: before[b + i], after: null })
      b += change.count
    } else if (change.added) {
      for (let i = 0; i < change.count; i++) added.push({ before: null, after: after[a + i] })
      a += change.count
    } else {
      flush()
      for (let i = 0; i < change.count; i++) out.push({ before: before[b + i], after: after[a + i] })
      b += change.count
      a += change.count
    }
  }
  flush()
  return out
}
