/*
 * What the tests, fuzzers and benchmarks of every package share. Imports nothing, so that any
 * package may use it in its tests (a dev dependency) without breaking the dependency direction.
 */

/**
 * mulberry32: a small seeded generator of numbers in [0, 1), so that a randomised test names
 * the seed that reproduces a failure and a benchmark generates the same text every run.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
