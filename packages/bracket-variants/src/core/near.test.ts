import { describe, expect, it } from 'vitest'
import type { LinkedSet } from './linked'
import { findNearDuplicates } from './near'

let n = 0
const set = (count: number, ...alternatives: string[]): LinkedSet => ({
  key: alternatives.map((a) => `[${a}]`).join(''),
  alternatives,
  members: Array.from({ length: count }, () => `g${++n}`),
  count,
})

describe('findNearDuplicates', () => {
  it('flags [本议定书][协议] against the 19 × [议定书][协议] and explains why 本 cannot simply move out', () => {
    const common = set(19, '议定书', '协议')
    const odd = set(1, '本议定书', '协议')
    const [near, ...rest] = findNearDuplicates([common, odd])
    expect(rest).toEqual([])
    expect(near).toEqual({
      key: '[本议定书][协议]',
      alternatives: ['本议定书', '协议'],
      count: 1,
      members: odd.members,
      likely: '[议定书][协议]',
      likelyAlternatives: ['议定书', '协议'],
      likelyCount: 19,
      reason:
        "first alternative '本议定书' contains '议定书' with an extra '本' in front; " +
        "only the first alternative carries '本', so this is not the same choice as [议定书][协议] (19 times); " +
        "writing 本[议定书][协议] instead would also turn '协议' into '本协议'; check which wording is meant",
      suggestion: ['议定书', '协议'],
      differences: [{ index: 0, found: '本议定书', expected: '议定书' }],
      rewrite: { prefix: '本', suffix: '', alternatives: ['议定书', '协议'], equivalent: false },
    })
  })

  it('calls the rewrite equivalent when every alternative carries the affix', () => {
    const [near] = findNearDuplicates([set(19, '议定书', '协议'), set(2, '本议定书', '本协议')])
    expect(near.rewrite).toEqual({ prefix: '本', suffix: '', alternatives: ['议定书', '协议'], equivalent: true })
    expect(near.reason).toContain("every alternative carries '本', so 本[议定书][协议] says the same with '本' outside the brackets")
    expect(near.differences).toHaveLength(2)
  })

  it('flags one differing character: [议定书][协定] against [议定书][协议]', () => {
    const [near] = findNearDuplicates([set(19, '议定书', '协议'), set(3, '议定书', '协定')])
    expect(near).toMatchObject({
      key: '[议定书][协定]',
      likely: '[议定书][协议]',
      differences: [{ index: 1, found: '协定', expected: '协议' }],
      suggestion: ['议定书', '协议'],
    })
    expect(near.reason).toBe("second alternative '协定' differs from '协议' in 1 character; compare [议定书][协议] (19 times)")
    expect(near.rewrite).toBeUndefined()
  })

  it('reads a one-word Latin affix and a missing affix', () => {
    const [a, b] = findNearDuplicates([set(5, 'Protocol', 'Agreement'), set(1, 'the Protocol', 'Agreement'), set(1, 'Protocol', 'Agreemen')])
    expect(a.reason).toContain("first alternative 'the Protocol' contains 'Protocol' with an extra 'the' in front")
    expect(a.rewrite).toEqual({ prefix: 'the ', suffix: '', alternatives: ['Protocol', 'Agreement'], equivalent: false })
    expect(b.reason).toContain("second alternative 'Agreemen' lacks the 't' of 'Agreement'; compare [Protocol][Agreement] (5 times)")
  })

  it('uses edit distance up to 20% of the length', () => {
    const base = set(4, 'developed country Parties')
    expect(findNearDuplicates([base, set(1, 'developped country Partys')])).toHaveLength(1)
    // 25 characters allow 5 edits; 'developing country States' needs more
    expect(findNearDuplicates([base, set(1, 'developing country States')])).toEqual([])
  })

  it('requires every alternative to be equal or close and at least one to differ', () => {
    expect(findNearDuplicates([set(3, '议定书', '协议'), set(1, '本议定书', '公约')])).toEqual([])
    expect(findNearDuplicates([set(3, 'shall', 'should'), set(3, 'shall', 'should')])).toHaveLength(0)
  })

  it('compares only sets with the same number of alternatives, against more frequent ones', () => {
    expect(findNearDuplicates([set(3, '议定书', '协议'), set(1, '本议定书', '协议', '公约')])).toEqual([])
    // equal counts are two wordings, not a deviation from a pattern
    expect(findNearDuplicates([set(1, 'Developed country Party means x'), set(1, 'Developing country Party means x')])).toEqual([])
  })

  it('does not call numbers or short Latin words near', () => {
    expect(findNearDuplicates([set(3, '4', '2'), set(1, '5', '3')])).toEqual([])
    expect(findNearDuplicates([set(3, '2030'), set(1, '2050')])).toEqual([])
    expect(findNearDuplicates([set(3, 'and'), set(1, 'any')])).toEqual([])
  })

  it('picks the most frequent near set, then the closest', () => {
    const odd = set(1, '议定书', '协定书')
    const [near] = findNearDuplicates([set(9, '议定书', '协定'), set(9, '议定书', '协定书s'), set(2, '议定书', '协议书'), odd])
    expect(near.likely).toBe('[议定书][协定]')
  })

  it('handles 2,000 distinct sets of one bucket', () => {
    const many = Array.from({ length: 2000 }, (_, i) => set(2000 - i, `clause number ${i} about topic ${i * 7919}`, `variant ${i}`))
    expect(() => findNearDuplicates(many)).not.toThrow()
  })
})
