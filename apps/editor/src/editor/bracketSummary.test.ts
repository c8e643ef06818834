import fs from 'node:fs'
import { importText } from '@accord/treaty-io'
import { treatySchema } from '@accord/schema'
import { article, bracket, para, treaty } from './testNodes'
import { describe, expect, it } from 'vitest'
import { formatVariantCount, summarizeBrackets, variantCountText } from './bracketSummary'

const SAMPLE = fs.readFileSync(new URL('../../../../packages/treaty-io/samples/npt-2005-security-assurances-protocol.zh.txt', import.meta.url), 'utf8')


describe('variantCountText', () => {
  it('groups the digits of counts people can read', () => {
    expect(variantCountText(1n)).toBe('1')
    expect(variantCountText(1_048_576n)).toBe('1,048,576')
    expect(variantCountText(999_999_999_999_999n)).toBe('999,999,999,999,999')
  })
  it('gives the order of magnitude of huge counts, never overstating', () => {
    expect(variantCountText(10n ** 42n)).toBe('≈ 10^42')
    expect(variantCountText(2n ** 64n)).toBe('≈ 1.8 × 10^19')
    expect(variantCountText(10n ** 15n)).toBe('≈ 10^15')
    expect(formatVariantCount(3n ** 1000n)).toEqual({ approx: { mantissa: '1.3', exponent: 477 } })
  })
  it('uses the locale for exact counts', () => {
    expect(variantCountText(1_048_576n, 'de')).toBe('1.048.576')
  })
})

describe('summarizeBrackets', () => {
  it('summarises the sample: 20 groups, a linked set of 19 and its near-duplicate', () => {
    const summary = summarizeBrackets(importText(SAMPLE).doc)
    expect(summary.openGroups).toBe(20)
    expect(summary.placeholders).toBe(0)
    expect(summary.variants).toBe(2n ** 20n)
    expect(summary.linkedSets).toHaveLength(1)
    const [set] = summary.linkedSets
    expect(set.alternatives).toEqual(['议定书', '协议'])
    expect(set.count).toBe(19)
    expect(set.nearDuplicates).toHaveLength(1)
    expect(set.nearDuplicates[0].alternatives).toEqual(['本议定书', '协议'])
    expect(set.nearDuplicates[0].members).toEqual([{ pos: expect.any(Number), location: 'Article 6, paragraph 2' }])
    expect(summary.units.reduce((n, u) => n + u.groups.length, 0)).toBe(20)
    expect(summary.units[0].label).toBe('Title')
    expect(summary.units.at(-1)!.label).toBe('Article 6')
    expect(summary.units.at(-1)!.groups.at(-1)!.notation).toBe('[本议定书][协议]')
  })

  it('groups by article in document order, nested groups after their parent', () => {
    const s = treatySchema
    const inner = s.node('bracket', null, [s.node('alternative', null, [s.text('all '), bracket('developing')])])
    const doc = treaty(article(para('A ', bracket('x', 'y'))), article(para('B ', inner), para('C ', bracket('z'))))
    const summary = summarizeBrackets(doc)
    expect(summary.units.map((u) => [u.label, u.groups.map((g) => [g.notation, g.depth])])).toEqual([
      ['Article 1', [['[x][y]', 1]]],
      ['Article 2', [['[all [developing]]', 1], ['[developing]', 2], ['[z]', 1]]],
    ])
    expect(summary.units[1].groups[2].location).toBe('Article 2, paragraph 2')
    expect(summary.variants).toBe(2n * 3n * 2n)
    expect(summary.linkedSets).toEqual([])
  })
})
