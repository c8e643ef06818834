import { keyOf, type LinkedSet } from './linked'

/** One alternative that differs from the set it probably belongs to. */
export interface Difference {
  index: number
  found: string
  expected: string
}

/**
 * A set of alternatives that is almost, but not quite, a more frequent one: usually a typo or
 * an inconsistency worth a drafter's look, e.g. one `[本议定书][协议]` among 19 `本[议定书][协议]`.
 */
export interface NearDuplicate {
  key: string
  alternatives: string[]
  count: number
  /** Ids of its occurrences, as in the `LinkedSet`. */
  members: string[]
  /** Key of the set it probably belongs to. */
  likely: string
  likelyAlternatives: string[]
  likelyCount: number
  /** A sentence for the drafter: what differs and whether a mechanical fix is safe. */
  reason: string
  /** The alternatives to use instead: the likely set's. */
  suggestion: string[]
  differences: Difference[]
  /**
   * Present when every difference is the same extra text around the expected alternative
   * (`本议定书` for `议定书`): writing `prefix` + the likely set + `suffix` would make this a
   * member of that set. `equivalent` is true only when every alternative carries the affix;
   * otherwise the rewrite changes the wording of the alternatives that do not (`本[议定书][协议]`
   * turns `协议` into `本协议`), and `reason` says so.
   */
  rewrite?: { prefix: string; suffix: string; alternatives: string[]; equivalent: boolean }
}

type Closeness = { kind: 'affix'; prefix: string; suffix: string; foundLonger: boolean; cost: number } | { kind: 'edit'; distance: number; cost: number }

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u
// Numbers (paragraph numbers `[4][2]`, years, percentages) differ by one digit without being typos.
const NUMERIC = /^[\d\s.,:;%()\-–—/]*$/

/**
 * Finds sets that are near a more frequent set with the same number of alternatives. Two sets are near when every alternative is equal or close and at
 * least one is not equal. Close means:
 *
 * - one contains the other with a short affix: at most 2 characters when the affix is CJK
 *   (`本议定书` / `议定书`), exactly one word otherwise (`the Protocol` / `Protocol`); or
 * - edit distance at most max(1, 20% of the longer length), counted in code points, for CJK
 *   text or text of 4 or more characters (shorter Latin words are too easily one letter apart).
 *
 * Purely numeric alternatives are never close to each other. Each near set is reported once,
 * against the most frequent candidate, then the one with the smallest difference.
 *
 * Cost: sets are compared pairwise only within the same alternative count, with a length check
 * before a distance bounded by the threshold: O(sets²) comparisons, most rejected at once.
 */
export function findNearDuplicates(sets: readonly LinkedSet[]): NearDuplicate[] {
  const order = sets.map((s, index) => ({ s, index })).sort((a, b) => b.s.count - a.s.count || a.index - b.index)
  const buckets = new Map<number, LinkedSet[]>()
  const result: NearDuplicate[] = []
  for (const { s } of order) {
    const bucket = buckets.get(s.alternatives.length) ?? []
    let best: { set: LinkedSet; closeness: (Closeness | null)[]; cost: number } | undefined
    for (const candidate of bucket) {
      // Only a more frequent set is a pattern to deviate from; equal counts are two wordings.
      if (candidate.count <= s.count || (best && candidate.count < best.set.count)) break
      const closeness = compareSets(s.alternatives, candidate.alternatives)
      if (!closeness) continue
      const cost = closeness.reduce((sum, c) => sum + (c?.cost ?? 0), 0)
      if (!best || cost < best.cost) best = { set: candidate, closeness, cost }
    }
    if (best) result.push(describe(s, best.set, best.closeness))
    bucket.push(s)
    buckets.set(s.alternatives.length, bucket)
  }
  return result
}

/** Per alternative: null when equal, the closeness when close; undefined when the sets are not near. */
function compareSets(found: readonly string[], expected: readonly string[]): (Closeness | null)[] | undefined {
  const out: (Closeness | null)[] = []
  let differs = false
  for (let i = 0; i < found.length; i++) {
    if (found[i] === expected[i]) {
      out.push(null)
      continue
    }
    const c = closeness(found[i], expected[i])
    if (!c) return undefined
    differs = true
    out.push(c)
  }
  return differs ? out : undefined
}

function closeness(found: string, expected: string): Closeness | null {
  if (NUMERIC.test(found) && NUMERIC.test(expected)) return null
  const foundLonger = found.length > expected.length
  const [longer, shorter] = foundLonger ? [found, expected] : [expected, found]
  if (shorter.length > 0) {
    const at = longer.indexOf(shorter)
    if (at !== -1) {
      const prefix = longer.slice(0, at)
      const suffix = longer.slice(at + shorter.length)
      const extra = (prefix + suffix).replace(/\s/g, '')
      const words = [prefix.trim(), suffix.trim()].filter((w) => w !== '')
      const short = CJK.test(extra) ? [...extra].length <= 2 : words.length === 1 && !/\s/.test(words[0])
      if (short) return { kind: 'affix', prefix, suffix, foundLonger, cost: [...extra].length }
    }
  }
  const a = [...found]
  const b = [...expected]
  const length = Math.max(a.length, b.length)
  if (!CJK.test(found + expected) && length < 4) return null
  const limit = Math.max(1, Math.floor(length * 0.2))
  if (Math.abs(a.length - b.length) > limit) return null
  const distance = boundedDistance(a, b, limit)
  return distance <= limit ? { kind: 'edit', distance, cost: distance } : null
}

/** Levenshtein distance of `a` and `b`, or `limit + 1` as soon as it must exceed `limit` (Ukkonen's band). */
function boundedDistance(a: readonly string[], b: readonly string[], limit: number): number {
  const over = limit + 1
  let prev = new Array<number>(b.length + 1)
  let cur = new Array<number>(b.length + 1)
  for (let j = 0; j <= b.length; j++) prev[j] = j <= limit ? j : over
  for (let i = 1; i <= a.length; i++) {
    const from = Math.max(1, i - limit)
    const to = Math.min(b.length, i + limit)
    cur.fill(over)
    cur[0] = i <= limit ? i : over
    let rowMin = cur[0]
    for (let j = from; j <= to; j++) {
      const v = Math.min(prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1), prev[j] + 1, cur[j - 1] + 1, over)
      cur[j] = v
      if (v < rowMin) rowMin = v
    }
    if (rowMin > limit) return over
    ;[prev, cur] = [cur, prev]
  }
  return Math.min(prev[b.length], over)
}

const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth']
function ordinal(i: number): string {
  return ORDINALS[i] ?? `${i + 1}th`
}
function list(words: string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`
}
function quote(s: string): string {
  return `'${s}'`
}

function describe(set: LinkedSet, likely: LinkedSet, closeness: (Closeness | null)[]): NearDuplicate {
  const differences: Difference[] = []
  const parts: string[] = []
  closeness.forEach((c, index) => {
    if (!c) return
    const found = set.alternatives[index]
    const expected = likely.alternatives[index]
    differences.push({ index, found, expected })
    const which = `${ordinal(index)} alternative ${quote(found)}`
    if (c.kind === 'edit') {
      parts.push(`${which} differs from ${quote(expected)} in ${c.distance} character${c.distance === 1 ? '' : 's'}`)
    } else {
      const where = [c.prefix.trim() && `${quote(c.prefix.trim())} in front`, c.suffix.trim() && `${quote(c.suffix.trim())} at the end`].filter(Boolean).join(' and ')
      const extra = quote((c.prefix + c.suffix).trim())
      parts.push(c.foundLonger ? `${which} contains ${quote(expected)} with an extra ${where || extra}` : `${which} lacks the ${extra} of ${quote(expected)}`)
    }
  })

  const likelyText = `${likely.key} (${likely.count} time${likely.count === 1 ? '' : 's'})`
  let rewrite: NearDuplicate['rewrite']
  const affixes = closeness.filter((c): c is Extract<Closeness, { kind: 'affix' }> => c !== null)
  const uniform =
    affixes.length === differences.length &&
    affixes.every((c) => c.foundLonger && c.prefix === affixes[0].prefix && c.suffix === affixes[0].suffix)
  if (uniform) {
    const { prefix, suffix } = affixes[0]
    const equivalent = differences.length === set.alternatives.length
    rewrite = { prefix, suffix, alternatives: [...likely.alternatives], equivalent }
    const written = `${prefix}${keyOf(likely.alternatives)}${suffix}`
    const affix = quote((prefix + suffix).trim())
    if (equivalent) {
      parts.push(`every alternative carries ${affix}, so ${written} says the same with ${affix} outside the brackets and joins ${likelyText}`)
    } else {
      const carriers = differences.map((d) => ordinal(d.index))
      const other = closeness.findIndex((c) => c === null)
      const bare = likely.alternatives[other]
      parts.push(
        `only the ${list(carriers)} alternative${carriers.length === 1 ? '' : 's'} carr${carriers.length === 1 ? 'ies' : 'y'} ${affix}, so this is not the same choice as ${likelyText}; ` +
          `writing ${written} instead would also turn ${quote(bare)} into ${quote(prefix + bare + suffix)}; check which wording is meant`,
      )
    }
  } else {
    parts.push(`compare ${likelyText}`)
  }

  return {
    key: set.key,
    alternatives: [...set.alternatives],
    count: set.count,
    members: [...set.members],
    likely: likely.key,
    likelyAlternatives: [...likely.alternatives],
    likelyCount: likely.count,
    reason: parts.join('; '),
    suggestion: [...likely.alternatives],
    differences,
    ...(rewrite ? { rewrite } : {}),
  }
}
