import { describe, expect, it } from 'vitest'
import { findLinkedSets, groupKey } from './linked'
import { alternativeText } from './normalize'
import { parseBrackets } from './parse'
import type { BracketGroup } from './types'
import { walkInlines } from './walk'

const allGroups = (text: string) => {
  const out: { id: string; group: BracketGroup }[] = []
  walkInlines(parseBrackets(text).inlines, { enterGroup: (group) => void out.push({ id: group.id!, group }) })
  return out
}
const key = (text: string) => groupKey(allGroups(text)[0].group)

describe('groupKey', () => {
  it('writes each normalised alternative in brackets', () => {
    expect(key('本[议定书][协议]')).toBe('[议定书][协议]')
    expect(key('[X date]')).toBe('[X date]')
    expect(key('[]')).toBe('[]')
  })

  it('ignores separators, bracket width, spacing and line wraps', () => {
    const same = ['[议定书][协议]', '[议定书] [协议]', '[议定书] [or] [协议]', '[议定书]/[协议]', '［议定书］［协议］', '[ 议定书][协\n议]']
    for (const s of same) expect(key(s)).toBe('[议定书][协议]')
    expect(key('[developed\ncountry  Parties] / [Parties]')).toBe('[developed country Parties][Parties]')
  })

  it('keeps nested groups in canonical notation', () => {
    expect(key('[developing country Parties [and others]]/[Parties]')).toBe('[developing country Parties [and others]][Parties]')
    expect(key('[a [b]/[c]]')).toBe(key('[a [b] / [c]]'))
  })

  it('distinguishes order and count of alternatives', () => {
    expect(key('[a][b]')).not.toBe(key('[b][a]'))
    expect(key('[a]')).not.toBe(key('[a][a]'))
  })

  it('is empty for a group without alternatives', () => {
    expect(groupKey({ type: 'group', alternatives: [], separator: 'none' })).toBe('')
  })
})

describe('findLinkedSets', () => {
  it('groups occurrences by key, most frequent first, then by first appearance', () => {
    const occurrences = allGroups('[a][b] x [c] x [a] [b] x [d] x [c] x [a]/[b] x [d] x [e]')
    expect(findLinkedSets(occurrences)).toEqual([
      { key: '[a][b]', alternatives: ['a', 'b'], members: ['g1', 'g3', 'g6'], count: 3 },
      { key: '[c]', alternatives: ['c'], members: ['g2', 'g5'], count: 2 },
      { key: '[d]', alternatives: ['d'], members: ['g4', 'g7'], count: 2 },
      { key: '[e]', alternatives: ['e'], members: ['g8'], count: 1 },
    ])
  })

  it('includes nested occurrences when they are passed', () => {
    const sets = findLinkedSets(allGroups('[x [a][b]], [a][b]'))
    expect(sets[0]).toMatchObject({ key: '[a][b]', count: 2 })
  })

  it('uses the alternatives an occurrence brings, with the same result', () => {
    const occurrences = allGroups('[a][b] x [c] x [ａ] [b] x 本[议定书][协议] x [a [c]]/[b]')
    const given = occurrences.map((o) => ({ ...o, alternatives: o.group.alternatives.map(alternativeText) }))
    expect(findLinkedSets(given)).toEqual(findLinkedSets(occurrences))
  })

  it('returns nothing for no occurrences', () => {
    expect(findLinkedSets([])).toEqual([])
  })
})
