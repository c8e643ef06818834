import { describe, expect, it } from 'vitest'
import { parseBrackets } from './parse'
import { bracketStats } from './stats'

const unit = (label: string, text: string) => ({ label, inlines: parseBrackets(text, { idPrefix: `${label}-` }).inlines })

describe('bracketStats', () => {
  it('counts groups (nested included), alternatives, depth and placeholders per document and unit', () => {
    const stats = bracketStats([
      unit('pp1', '本[议定书][协议]缔约国，[X date]'),
      unit('art1', '[a [b [c]]] x [议定书][协议]'),
      unit('art2', 'no brackets'),
    ])
    expect(stats.openGroups).toBe(6)
    expect(stats.alternatives).toBe(8)
    expect(stats.maxDepth).toBe(3)
    expect(stats.placeholders).toBe(1)
    expect(stats.perUnit).toEqual([
      { label: 'pp1', openGroups: 2 },
      { label: 'art1', openGroups: 4 },
      { label: 'art2', openGroups: 0 },
    ])
    expect(stats.linkedSets).toEqual([{ key: '[议定书][协议]', alternatives: ['议定书', '协议'], members: ['pp1-g1', 'art1-g4'], count: 2 }])
    expect(stats.nearDuplicates).toEqual([])
  })

  it('reports near-duplicates, and names groups without ids by unit and position', () => {
    const inlines = parseBrackets('本[议定书][协议]; 本[议定书][协议]; [本议定书][协议]').inlines
    for (const i of inlines) if (i.type === 'group') delete i.id
    const stats = bracketStats([{ label: '第六条', inlines }])
    expect(stats.linkedSets[0].members).toEqual(['第六条#1', '第六条#2'])
    expect(stats.nearDuplicates.map((n) => [n.key, n.likely, n.members])).toEqual([['[本议定书][协议]', '[议定书][协议]', ['第六条#3']]])
  })

  it('is all zeros for no units', () => {
    expect(bracketStats([])).toEqual({ openGroups: 0, alternatives: 0, maxDepth: 0, placeholders: 0, perUnit: [], linkedSets: [], nearDuplicates: [] })
  })
})
