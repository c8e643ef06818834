import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { auditEntriesOf, openDraftingOf } from './shared'

describe('server-written roots', () => {
  it('reads open drafting', () => {
    const doc = new Y.Doc()
    const settings = doc.getMap('settings')
    expect(openDraftingOf(settings)).toBe(false)
    settings.set('openDrafting', true)
    expect(openDraftingOf(settings)).toBe(true)
    settings.set('openDrafting', 'yes')
    expect(openDraftingOf(settings)).toBe(false)
  })
  it('reads audit entries, plain or as Y.Maps, skipping what it cannot read', () => {
    const doc = new Y.Doc()
    const audit = doc.getArray('audit')
    const entry = { id: 'a_1', seq: 1, time: '2026-11-24T09:14:03.120Z', actor: { participant: 'p_1', name: 'Chair', role: 'facilitator', state: null }, action: 'resolve', groups: [{ id: 'g1.2', location: 'Article 1', alternatives: ['A', 'B'] }], choice: 'A', set: null, detail: 'x', reopenedBy: null }
    const asMap = new Y.Map<unknown>()
    audit.push([entry, 'junk', asMap])
    for (const [k, v] of Object.entries({ ...entry, id: 'a_2', seq: 2 })) asMap.set(k, v)
    expect(auditEntriesOf(audit).map((e) => e.id)).toEqual(['a_1', 'a_2'])
    expect(auditEntriesOf(audit)[0].groups[0].alternatives).toEqual(['A', 'B'])
    audit.push([{ ...entry, id: 'a_3', action: 'reopen', reopens: 'a_1' }])
    expect(auditEntriesOf(audit).map((e) => [e.id, e.seq, e.reopenedBy])).toEqual([
      ['a_1', 1, 'a_3'],
      ['a_2', 2, null],
      ['a_3', 3, null],
    ])
  })
})
