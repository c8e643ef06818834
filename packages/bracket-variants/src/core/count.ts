import type { Inline } from './types'
import { walkInlines } from './walk'

/**
 * The number of variants of `inlines`: the number of different ways `renderVariant` can be
 * asked to choose (distinct choice sequences, not distinct strings: `[a][a]` counts 2).
 *
 * - a sequence multiplies the counts of its parts;
 * - a group of one alternative is 1 (dropped) + the count of its content (kept);
 * - a group of several alternatives is the sum of the counts of its alternatives;
 * - a placeholder, or a group without alternatives, is 1.
 *
 * So `[A][B] x [C]` = 2 × 2 = 4 and `[A [B]]` = 1 + 2 = 3. A bigint, because a treaty with
 * 2,000 groups has far more than 2^53 variants.
 */
export function countVariants(inlines: readonly Inline[]): bigint {
  // products[k]: running product of the sequence being walked at level k;
  // sums[k]: running sum over the alternatives of the k-th open group.
  const products: bigint[] = [1n]
  const sums: bigint[] = []
  walkInlines(inlines, {
    enterGroup(group) {
      if (group.placeholder || group.alternatives.length === 0) return 'none'
      sums.push(0n)
      return 'all'
    },
    enterAlternative: () => void products.push(1n),
    leaveAlternative() {
      sums[sums.length - 1] += products.pop()!
    },
    leaveGroup(group) {
      if (group.placeholder || group.alternatives.length === 0) return
      const sum = sums.pop()!
      products[products.length - 1] *= group.alternatives.length === 1 ? 1n + sum : sum
    },
  })
  return products[0]
}
