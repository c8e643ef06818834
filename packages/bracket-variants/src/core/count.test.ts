import { describe, expect, it } from 'vitest'
import { countVariants } from './count'
import { parseBrackets } from './parse'
import type { BracketGroup, Inline } from './types'

const count = (s: string) => countVariants(parseBrackets(s).inlines)

describe('countVariants', () => {
  it('is 1 for text without groups', () => {
    expect(count('')).toBe(1n)
    expect(count('no brackets')).toBe(1n)
  })

  it('counts keep or drop for one alternative, one of n for several', () => {
    expect(count('[A]')).toBe(2n)
    expect(count('[A][B]')).toBe(2n)
    expect(count('[A][B][C]')).toBe(3n)
    expect(count('[]')).toBe(2n)
  })

  it('multiplies along a sequence', () => {
    expect(count('[A][B] x [C]')).toBe(4n)
    expect(count('[a] [or] [b] x [c][d][e] y [f]')).toBe(2n * 3n * 2n)
  })

  it('adds 1 (dropped) to the variants of a kept single alternative', () => {
    expect(count('[A [B]]')).toBe(3n)
    expect(count('[A [B] [C]]')).toBe(1n + 2n)
    expect(count('[A [B] x [C]]')).toBe(1n + 4n)
    expect(count('[[a][b]]')).toBe(1n + 2n)
  })

  it('sums the variants of several alternatives', () => {
    expect(count('[A [x]][B]')).toBe(2n + 1n)
    expect(count('[A [x] and [y][z]][B [w]]')).toBe(2n * 2n + 2n)
    // [x] [y][z] is one group of three, as the grouping is positional
    expect(count('[A [x] [y][z]][B [w]]')).toBe(3n + 2n)
  })

  it('counts a placeholder, and a group without alternatives, as 1', () => {
    expect(count('[X date] [A]')).toBe(2n)
    expect(count('{Placeholder for preamble}')).toBe(1n)
    const empty: BracketGroup = { type: 'group', alternatives: [], separator: 'none' }
    expect(countVariants([empty, { type: 'text', text: 'x' }])).toBe(1n)
  })

  it('does not overflow: 2,000 independent groups are 2^2000 variants', () => {
    expect(count('[a], '.repeat(2000))).toBe(2n ** 2000n)
    // …whereas 2,000 brackets with only spaces between are one group of 2,000 alternatives
    expect(count('[a] '.repeat(2000))).toBe(2000n)
    expect(count('本[议定书][协议]'.repeat(2000))).toBe(2n ** 2000n)
  })

  it('handles nesting far deeper than a call stack', () => {
    let inner: Inline[] = [{ type: 'text', text: 'x' }]
    for (let i = 0; i < 50_000; i++) inner = [{ type: 'group', alternatives: [inner], separator: 'none' }]
    expect(countVariants(inner)).toBe(50_001n)
  })
})
