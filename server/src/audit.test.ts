import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { AUDIT_ROOT, appendAudit, appendReopen, publicEntry, readAudit, type Actor, type RoomLike } from './audit'

const chair: Actor = { participant: 'p_chair', name: 'Chair', role: 'facilitator', state: null }

function roomOf(doc = new Y.Doc()): RoomLike & { origins: unknown[] } {
  const origins: unknown[] = []
  doc.on('update', (_u: Uint8Array, origin: unknown) => origins.push(origin))
  return { doc, origins, transact: (actor, change) => doc.transact(() => change(doc), `server:${actor}`) }
}

describe('the audit log', () => {
  it('appends entries in one update each, with the actor as origin, and reads them back in order with seq', () => {
    const room = roomOf()
    const a = appendAudit(room, chair, { action: 'settings', detail: 'Opened drafting.' })
    const b = appendAudit(room, { ...chair, participant: 'p_sec', role: 'secretariat' }, { action: 'invite', detail: 'Invited Marie Dupont (FR).' })
    expect(room.origins).toEqual(['server:facilitator:p_chair', 'server:secretariat:p_sec'])
    expect(a.id).toMatch(/^a_[A-Za-z0-9_-]{12}$/)
    expect(a.id).not.toBe(b.id)
    const entries = readAudit(room.doc)
    expect(entries.map((e) => [e.seq, e.action, e.actor.participant])).toEqual([
      [1, 'settings', 'p_chair'],
      [2, 'invite', 'p_sec'],
    ])
    expect(new Date(entries[0].time).toISOString()).toBe(entries[0].time)
    expect(room.doc.getArray(AUDIT_ROOT).length).toBe(2)
  })

  it('answers only the fields of the API', () => {
    const room = roomOf()
    appendAudit(room, chair, {
      action: 'resolve',
      groups: [{ id: 'g1.2', location: 'Article 1, paragraph 1', alternatives: ['议定书', '协议'] }],
      choice: '议定书',
      set: 's_x',
      detail: 'Chose "议定书".',
      anchors: [{ group: 'g1.2', start: 'AAA=', end: 'AAA=', size: 3, bracket: { type: 'bracket' }, within: null }],
    })
    const [entry] = readAudit(room.doc)
    expect(entry.anchors).toHaveLength(1)
    expect(Object.keys(publicEntry(entry)).sort()).toEqual(['action', 'actor', 'choice', 'detail', 'groups', 'id', 'reopenedBy', 'seq', 'set', 'time'])
    expect(JSON.stringify(publicEntry(entry))).not.toMatch(/anchors|AAA=|reopens/)
  })

  it('keeps a resolution\'s anchors as one string, each distinct bracket once; reads entries written before as they were', () => {
    const room = roomOf()
    const bracket = { type: 'bracket', content: [{ type: 'alternative', content: [{ type: 'text', text: 'A' }] }] }
    const other = { type: 'bracket', attrs: { adRef: true } }
    const anchors = [
      { group: 'g1.2', start: 'AAA=', end: 'AAA=', size: 1, bracket, within: null, context: { parent: '1.1', text: 'A', before: 'x ', after: '' } },
      { group: 'g1.9', start: null, end: null, size: 0, bracket: other, within: 'g1.2', context: null },
      { group: 'g1.20', start: 'AAB=', end: 'AAC=', size: 1, bracket: JSON.parse(JSON.stringify(bracket)), within: null },
    ]
    const appended = appendAudit(room, chair, { action: 'resolve', detail: 'Chose "A".', anchors })
    expect(appended.anchors).toEqual(anchors)
    const stored = room.doc.getArray<{ anchors: unknown }>(AUDIT_ROOT).get(0).anchors
    expect(typeof stored).toBe('string')
    expect(JSON.parse(stored as string).brackets).toEqual([bracket, other])
    expect(readAudit(room.doc)[0].anchors).toEqual(anchors)
    // An entry as written before anchors were packed.
    room.transact('test', (doc) => doc.getArray(AUDIT_ROOT).push([{ id: 'a_old', time: '2026-11-24T09:14:03.120Z', actor: chair, action: 'resolve', groups: [], choice: 'A', set: null, detail: 'x', reopens: null, anchors }]))
    expect(readAudit(room.doc)[1].anchors).toEqual(anchors)
  })

  it('records a reopening as a new entry and derives reopenedBy; a resolution is reopened once', () => {
    const room = roomOf()
    const resolution = appendAudit(room, chair, { action: 'resolve', detail: 'Chose "A".', anchors: [] })
    const other = appendAudit(room, chair, { action: 'settings', detail: 'Opened drafting.' })
    expect(() => appendReopen(room, chair, other.id, { detail: 'x' })).toThrow(/no resolution/)
    const reopening = appendReopen(room, chair, resolution.id, { detail: 'Reopened.' })
    const entries = readAudit(room.doc)
    expect(entries.map((e) => e.reopenedBy)).toEqual([reopening.id, null, null])
    expect(entries[2]).toMatchObject({ action: 'reopen', reopens: resolution.id, seq: 3 })
    expect(() => appendReopen(room, chair, resolution.id, { detail: 'Again.' })).toThrow(/already reopened/)
    expect(readAudit(room.doc)).toHaveLength(3)
  })

  it('travels to another peer with the document', () => {
    const room = roomOf()
    appendAudit(room, chair, { action: 'settings', detail: 'Opened drafting.' })
    const peer = new Y.Doc()
    Y.applyUpdate(peer, Y.encodeStateAsUpdate(room.doc))
    expect(readAudit(peer).map(publicEntry)).toEqual(readAudit(room.doc).map(publicEntry))
  })
})
