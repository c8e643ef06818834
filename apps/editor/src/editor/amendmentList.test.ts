import { describe, expect, it } from 'vitest'
import type { Amendment } from '../api'
import { translator } from '../i18n/catalogue'
import { actionsFor, describeAmendment, filterAmendments, filterOptions, placeKey } from './amendmentList'

function amendment(id: string, number: number, extra: Partial<Amendment>): Amendment {
  return {
    id,
    number,
    state: 'FR',
    kind: 'replace',
    target: { article: 4, paragraph: 1, quote: '应经过批准', location: 'Article 4, paragraph 1' },
    text: '须经批准',
    justification: '',
    status: 'open',
    cosponsors: [],
    created: '',
    updated: '',
    author: { participant: 'p', name: 'France' },
    ...extra,
  }
}

const list = [
  amendment('m_3', 3, { state: 'US', status: 'rejected', target: { preamble: 2, quote: '回顾', location: 'Preamble, paragraph 2' } }),
  amendment('m_1', 1, { cosponsors: ['CN'] }),
  amendment('m_2', 2, {
    state: 'CN',
    status: 'bracketed',
    // Proposed on Article 5; an article inserted before it since: it is Article 6 now.
    target: { article: 5, paragraph: 2, quote: 'x', location: 'Article 5, paragraph 2' },
    located: { article: 6, paragraph: 2, preamble: null, location: 'Article 6, paragraph 2', quote: 'x', found: true, changed: false },
  }),
  amendment('m_4', 4, { state: 'BR', target: { article: 2, quote: 'y', location: 'Article 2' }, located: { article: null, paragraph: null, preamble: null, location: 'Article 2 (deleted)', quote: null, found: false, changed: false } }),
]

describe('filterAmendments', () => {
  it('filters by State (proposed or co-sponsored), status and place, in order of proposal', () => {
    expect(filterAmendments(list, {}).map((a) => a.id)).toEqual(['m_1', 'm_2', 'm_3', 'm_4'])
    expect(filterAmendments(list, { state: 'CN' }).map((a) => a.id)).toEqual(['m_1', 'm_2'])
    expect(filterAmendments(list, { status: 'open' }).map((a) => a.id)).toEqual(['m_1', 'm_4'])
    expect(filterAmendments(list, { place: 'article:6' }).map((a) => a.id)).toEqual(['m_2'])
    expect(filterAmendments(list, { place: 'article:5' })).toEqual([])
    expect(filterAmendments(list, { place: 'preamble' }).map((a) => a.id)).toEqual(['m_3'])
    // Its text deleted: filed where it was proposed.
    expect(filterAmendments(list, { place: 'article:2' }).map((a) => a.id)).toEqual(['m_4'])
    expect(filterAmendments(list, { state: 'FR', status: 'open', place: 'article:4' }).map((a) => a.id)).toEqual(['m_1'])
  })

  it('offers the States and places there are, places in the order of the text', () => {
    expect(filterOptions(list)).toEqual({ states: ['BR', 'CN', 'FR', 'US'], places: ['preamble', 'article:2', 'article:4', 'article:6'] })
    expect(placeKey(list[0])).toBe('preamble')
  })
})

describe('actionsFor', () => {
  const open = list[1]
  it('lets its own State edit and withdraw, another delegation co-sponsor once, facilitators decide; nothing once decided', () => {
    expect(actionsFor({ role: 'delegation', state: 'FR' }, open)).toEqual({ edit: true, withdraw: true, cosponsor: false, decide: false })
    expect(actionsFor({ role: 'delegation', state: 'BR' }, open)).toEqual({ edit: false, withdraw: false, cosponsor: true, decide: false })
    expect(actionsFor({ role: 'delegation', state: 'CN' }, open)).toEqual({ edit: false, withdraw: false, cosponsor: false, decide: false })
    expect(actionsFor({ role: 'facilitator', state: null }, open)).toEqual({ edit: false, withdraw: false, cosponsor: false, decide: true })
    expect(actionsFor({ role: 'observer', state: null }, open)).toEqual({ edit: false, withdraw: false, cosponsor: false, decide: false })
    expect(actionsFor({ role: 'facilitator', state: null }, list[2])).toEqual({ edit: false, withdraw: false, cosponsor: false, decide: false })
    expect(actionsFor({ role: 'delegation', state: 'CN' }, list[2]).edit).toBe(false)
  })
})

describe('describeAmendment', () => {
  it('says who proposes what, in the interface language', () => {
    expect(describeAmendment(translator('en'), list[1])).toBe('FR with CN: replace with «须经批准»')
    expect(describeAmendment(translator('zh'), { ...list[1], kind: 'delete', cosponsors: [] })).toBe('FR：删除这段文字')
  })
})
