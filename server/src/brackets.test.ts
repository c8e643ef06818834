import { treatySchema } from '@accord/schema'
import { treatyBuilders } from '@accord/schema/test-builders'
import { EditorState } from 'prosemirror-state'
import { describe, expect, expectTypeOf, it } from 'vitest'
import * as Y from 'yjs'
import { publicEntry, readAudit, type Actor, type RoomLike } from './audit'
import { BracketActionError, listBrackets, normalise, reopen, resolve, setAdRef } from './brackets'
import * as decoding from 'lib0/decoding'
import type { Connection, Room } from './Room'
import { mulberry32, waitFor } from './testing'
import { blockStarting, editOn, memoryRooms, peerDoc, peerOf, roomWith, sampleDoc } from './testRooms'
import { readTreaty, seedState } from './treatyDoc'

const chair: Actor = { participant: 'p_chair', name: 'Chair', role: 'facilitator', state: null }

function actionError(f: () => unknown): BracketActionError {
  try {
    f()
  } catch (error) {
    if (error instanceof BracketActionError) return error
    throw error
  }
  throw new Error('expected a BracketActionError')
}

it("the server's Room is a RoomLike", () => {
  expectTypeOf<Room>().toMatchTypeOf<RoomLike>()
})

describe('listBrackets on the sample protocol', () => {
  it('lists 20 groups, the linked set of 19 and the near-duplicate', () => {
    const room = roomWith(sampleDoc())
    const report = listBrackets(room)
    expect(report.groups).toHaveLength(20)
    expect(report.sets).toHaveLength(1)
    const [set] = report.sets
    expect(set).toMatchObject({ alternatives: ['议定书', '协议'], count: 19 })
    expect(set.id).toMatch(/^s_/)
    expect(set.groups).toEqual(report.groups.filter((g) => g.set === set.id).map((g) => g.id))
    for (const g of report.groups) expect(g.id).toMatch(/^g\d+\.\d+$/)
    const odd = report.groups.find((g) => g.set === null)!
    expect(odd.alternatives).toEqual(['本议定书', '协议'])
    expect(report.nearDuplicates).toEqual([{ group: odd.id, set: set.id, reason: expect.stringContaining('本'), suggestion: '本[议定书][协议]' }])
    const inArticle = report.groups.find((g) => g.article !== null)!
    expect(inArticle).toMatchObject({ article: 1, paragraph: 1, location: 'Article 1, paragraph 1', adRef: false })
    expect(report.groups[0]).toMatchObject({ article: null, paragraph: null })
    // Listing writes nothing.
    expect(room.updates).toHaveLength(0)
  })
})

describe('resolve', () => {
  it('resolves the linked set of 19 in one call: one update, one audit entry', () => {
    const room = roomWith(sampleDoc())
    const { sets } = listBrackets(room)
    const result = resolve(room, chair, { set: sets[0].id, choose: '议定书' })
    expect(result.resolved).toBe(19)
    expect(room.updates).toHaveLength(1)
    const entries = readAudit(room.doc)
    expect(entries).toHaveLength(1)
    expect(publicEntry(entries[0])).toMatchObject({ id: result.entry, seq: 1, action: 'resolve', choice: '议定书', set: sets[0].id, reopenedBy: null, actor: chair })
    expect(entries[0].groups).toHaveLength(19)
    expect(entries[0].groups[0]).toMatchObject({ alternatives: ['议定书', '协议'], location: expect.any(String) })
    const after = listBrackets(room)
    expect(after.groups.map((g) => g.alternatives)).toEqual([['本议定书', '协议']])
    expect(after.sets).toEqual([])
    const text = room.read().textContent
    expect(text).toContain('本议定书缔约国')
    expect(text).not.toContain('协议缔约国')
  })

  it('resolves one group, and keeps the other ids', () => {
    const room = roomWith(sampleDoc())
    const before = listBrackets(room)
    const [first, ...rest] = before.groups
    expect(resolve(room, chair, { group: first.id, choose: '协议' })).toMatchObject({ resolved: 1 })
    expect(listBrackets(room).groups.map((g) => g.id)).toEqual(rest.map((g) => g.id))
    expect(readAudit(room.doc)[0]).toMatchObject({ choice: '协议', set: before.sets[0].id, groups: [{ id: first.id }] })
  })

  it('keeps group ids while a delegate types elsewhere on another peer', () => {
    const room = roomWith(sampleDoc())
    const peer = peerOf(room)
    const ids = listBrackets(room).groups.map((g) => g.id)
    editOn(peer, (state) => {
      const title = blockStarting(state.doc, '')
      return state.tr.insertText('（草案）', title.pos + 1 + title.node.content.size).insertText('序', 2)
    })
    const para = blockStarting(peerDoc(peer), '不扩散条约第九条第3款界定的本')
    editOn(peer, (state) => state.tr.insertText('新', para.pos + 1))
    expect(listBrackets(room).groups.map((g) => g.id)).toEqual(ids)
    expect(room.read().textContent).toContain('新不扩散条约')
    expect(resolve(room, chair, { group: ids[1], choose: '议定书' }).resolved).toBe(1)
  })

  it('refuses a group or set that is no longer open with 404', () => {
    const room = roomWith(sampleDoc())
    const { groups, sets } = listBrackets(room)
    resolve(room, chair, { set: sets[0].id, choose: '协议' })
    for (const body of [{ group: groups[0].id, choose: '协议' }, { set: sets[0].id, choose: '协议' }, { group: 'g1.1', choose: 'x' }, { group: 'nonsense', choose: 'x' }]) {
      const error = actionError(() => resolve(room, chair, body))
      expect(error).toMatchObject({ status: 404, code: 'not-found' })
      expect(error.message).toMatch(/no longer open|no open group/)
      expect(error.message).toMatch(/reload/)
    }
    expect(readAudit(room.doc)).toHaveLength(1)
  })

  it('refuses a choice that names no alternative with 422, listing them', () => {
    const room = roomWith(sampleDoc())
    const { groups, sets } = listBrackets(room)
    const before = room.updates.length
    for (const body of [{ group: groups[0].id, choose: '公约' }, { set: sets[0].id, choose: '' }]) {
      const error = actionError(() => resolve(room, chair, body))
      expect(error).toMatchObject({ status: 422, code: 'no-such-alternative' })
      expect(error.message).toContain('"议定书", "协议"')
    }
    expect(room.updates.length).toBe(before)
  })

  it('refuses malformed bodies with 400', () => {
    const room = roomWith(sampleDoc())
    const { groups } = listBrackets(room)
    for (const body of [null, 'x', [], {}, { group: groups[0].id }, { group: groups[0].id, choose: 1 }, { group: groups[0].id, set: 's_x', choose: 'a' }, { group: groups[0].id, choose: 'a', extra: 1 }]) {
      expect(actionError(() => resolve(room, chair, body))).toMatchObject({ status: 400, code: 'bad-request' })
    }
    expect(actionError(() => reopen(room, chair, { entry: 5 }))).toMatchObject({ status: 400 })
    expect(actionError(() => setAdRef(room, chair, { group: groups[0].id, adRef: 'yes' }))).toMatchObject({ status: 400 })
    expect(actionError(() => normalise(room, chair, {}))).toMatchObject({ status: 400 })
  })
})

describe('reopen', () => {
  it('brings back exactly the original document, even after unrelated edits elsewhere', () => {
    const original = sampleDoc()
    const room = roomWith(original)
    const peer = peerOf(room)
    const { sets } = listBrackets(room)
    const { entry } = resolve(room, chair, { set: sets[0].id, choose: '协议' })
    // Unrelated edits on another peer: typing in the title, a new paragraph's worth of text in a recital.
    editOn(peer, (state) => state.tr.insertText('草案：', 2))
    const expected = EditorState.create({ schema: treatySchema, doc: original }).tr.insertText('草案：', 2).doc
    room.updates.length = 0
    expect(reopen(room, chair, { entry })).toMatchObject({ reopened: 19, missing: 0 })
    expect(room.updates).toHaveLength(1)
    expect(room.read().toJSON()).toEqual(expected.toJSON())
    expect(peerDoc(peer).toJSON()).toEqual(expected.toJSON())
    const log = readAudit(room.doc)
    expect(log.map((e) => [e.action, e.reopenedBy])).toEqual([
      ['resolve', log[1].id],
      ['reopen', null],
    ])
    expect(listBrackets(room).sets[0].count).toBe(19)
  })

  it('refuses to reopen twice (409), or an entry that is not a resolution, or one that does not exist (404)', () => {
    const room = roomWith(sampleDoc())
    const { groups } = listBrackets(room)
    const { entry } = resolve(room, chair, { group: groups[0].id, choose: '议定书' })
    const second = reopen(room, chair, { entry })
    expect(actionError(() => reopen(room, chair, { entry }))).toMatchObject({ status: 409, code: 'already-reopened' })
    expect(actionError(() => reopen(room, chair, { entry: second.entry }))).toMatchObject({ status: 409, code: 'not-a-resolution' })
    expect(actionError(() => reopen(room, chair, { entry: 'a_nothing' }))).toMatchObject({ status: 404 })
  })

  it('reports as missing the groups whose paragraph was deleted since', () => {
    const room = roomWith(sampleDoc())
    const peer = peerOf(room)
    const { sets } = listBrackets(room)
    const { entry } = resolve(room, chair, { set: sets[0].id, choose: '议定书' })
    editOn(peer, (state) => {
      const para = blockStarting(state.doc, '本议定书应从缔约国交存')
      return state.tr.delete(para.pos, para.pos + para.node.nodeSize)
    })
    expect(reopen(room, chair, { entry })).toMatchObject({ reopened: 18, missing: 1 })
    expect(listBrackets(room).sets[0].count).toBe(18)
    expect(readAudit(room.doc)[1].detail).toMatch(/1 could not come back/)
    room.read().check()
  })

  it('reopens a group whose text was edited inside: the bracket replaces what is there now', () => {
    const room = roomWith(sampleDoc())
    const peer = peerOf(room)
    const group = listBrackets(room).groups.find((g) => g.location === 'Article 1, paragraph 1')!
    const { entry } = resolve(room, chair, { group: group.id, choose: '议定书' })
    editOn(peer, (state) => {
      const para = blockStarting(state.doc, '不扩散条约第九条第3款界定的本议定书')
      const at = para.pos + 1 + '不扩散条约第九条第3款界定的本议'.length
      return state.tr.insertText('X', at)
    })
    // Typed right before and right after the chosen text (one keystroke each): outside the range, so kept.
    const para = blockStarting(room.read(), '不扩散条约第九条第3款界定的本议')
    const at = para.pos + 1 + '不扩散条约第九条第3款界定的本'.length
    editOn(peer, (state) => state.tr.insertText('Y', at + '议X定书'.length))
    editOn(peer, (state) => state.tr.insertText('Z', at))
    expect(reopen(room, chair, { entry })).toMatchObject({ reopened: 1, missing: 0 })
    expect(blockStarting(room.read(), '不扩散条约').node.textContent).toMatch(/^不扩散条约第九条第3款界定的本Z议定书协议Y核武器/)
  })
})

describe('ad referendum and normalisation', () => {
  it('toggles adRef on a group, which keeps its id', () => {
    const room = roomWith(sampleDoc())
    const { groups } = listBrackets(room)
    const id = groups[3].id
    const { entry } = setAdRef(room, chair, { group: id, adRef: true })
    expect(room.updates).toHaveLength(1)
    let listed = listBrackets(room).groups
    expect(listed.map((g) => g.id)).toEqual(groups.map((g) => g.id))
    expect(listed.filter((g) => g.adRef).map((g) => g.id)).toEqual([id])
    expect(readAudit(room.doc)[0]).toMatchObject({ id: entry, action: 'ad-ref', groups: [{ id }], detail: expect.stringMatching(/ad referendum/) })
    setAdRef(room, chair, { group: id, adRef: false })
    listed = listBrackets(room).groups
    expect(listed.some((g) => g.adRef)).toBe(false)
    expect(actionError(() => setAdRef(room, chair, { group: 'g9.9', adRef: true }))).toMatchObject({ status: 404 })
  })

  it('normalises [本议定书][协议] into 本[议定书][协议], a member of the linked set', () => {
    const room = roomWith(sampleDoc())
    const { nearDuplicates, groups } = listBrackets(room)
    const id = nearDuplicates[0].group
    expect(normalise(room, chair, { group: id })).toMatchObject({ entry: expect.stringMatching(/^a_/) })
    expect(room.updates).toHaveLength(1)
    const after = listBrackets(room)
    expect(after.nearDuplicates).toEqual([])
    expect(after.sets).toHaveLength(1)
    expect(after.sets[0].count).toBe(20)
    expect(after.groups.map((g) => g.id)).toEqual(groups.map((g) => g.id))
    expect(room.read().textContent).toContain('在本[议定书][协议]上签字'.replace(/\[|\]/g, ''))
    expect(readAudit(room.doc)[0]).toMatchObject({ action: 'normalise', detail: expect.stringContaining('本[议定书][协议]') })
    expect(actionError(() => normalise(room, chair, { group: id }))).toMatchObject({ status: 409, code: 'no-suggestion' })
    // Now the whole set, 20 groups, resolves at once.
    expect(resolve(room, chair, { set: after.sets[0].id, choose: '协议' }).resolved).toBe(20)
    expect(room.read().textContent).toContain('在本协议上签字')
  })
})

describe('a second peer', () => {
  it('converges with the room after every action, on a document that fits the schema', () => {
    const room = roomWith(sampleDoc())
    const peer = peerOf(room)
    const same = () => {
      const fromPeer = peerDoc(peer)
      fromPeer.check()
      expect(fromPeer.toJSON()).toEqual(room.read().toJSON())
    }
    const { sets, nearDuplicates, groups } = listBrackets(room)
    setAdRef(room, chair, { group: groups[0].id, adRef: true })
    same()
    normalise(room, chair, { group: nearDuplicates[0].group })
    same()
    const { entry } = resolve(room, chair, { set: sets[0].id, choose: '议定书' })
    same()
    editOn(peer, (state) => state.tr.insertText('!', 2))
    reopen(room, chair, { entry })
    same()
    expect(Y.encodeStateVector(peer)).toEqual(Y.encodeStateVector(room.doc))
  })
})

describe('a treaty built by hand: nested brackets, single alternatives', () => {
  const { doc, treaty, title, art, p, br, alt } = treatyBuilders
  const handmade = () =>
    doc(
      treaty(
        title('Draft ', br(alt('Protocol'), alt('Agreement'))),
        art(p('Parties ', br(alt('shall ', br(alt('promptly')), ' report')), ' and ', br(alt('may')), ' act.'), p(br(alt('Protocol'), alt('Agreement')), ' enters into force.')),
      ),
    )

  it('lists nested groups with their alternatives in notation', () => {
    const room = roomWith(handmade())
    const { groups, sets } = listBrackets(room)
    expect(groups.map((g) => g.alternatives)).toEqual([['Protocol', 'Agreement'], ['shall [promptly] report'], ['promptly'], ['may'], ['Protocol', 'Agreement']])
    expect(groups.map((g) => g.location)).toEqual(['Title', 'Article 1, paragraph 1', 'Article 1, paragraph 1', 'Article 1, paragraph 1', 'Article 1, paragraph 2'])
    expect(sets).toEqual([{ id: expect.stringMatching(/^s_/), alternatives: ['Protocol', 'Agreement'], count: 2, groups: [groups[0].id, groups[4].id] }])
  })

  it('drops a single bracket with "" and keeps one with its text', () => {
    const room = roomWith(handmade())
    const { groups } = listBrackets(room)
    expect(actionError(() => resolve(room, chair, { group: groups[3].id, choose: 'must' })).message).toMatch(/"may" \(or "" to drop it\)/)
    resolve(room, chair, { group: groups[3].id, choose: '' })
    resolve(room, chair, { group: groups[2].id, choose: 'promptly' })
    expect(blockStarting(room.read(), 'Parties').node.textContent).toBe('Parties shall promptly report and  act.')
    expect(listBrackets(room).groups.map((g) => g.alternatives)).toEqual([['Protocol', 'Agreement'], ['shall promptly report'], ['Protocol', 'Agreement']])
  })

  it('resolves an outer group (its nested group stays open) and reopens it to the original', () => {
    const original = handmade()
    const room = roomWith(original)
    const { groups } = listBrackets(room)
    const { entry } = resolve(room, chair, { group: groups[1].id, choose: 'shall [promptly] report' })
    const after = listBrackets(room)
    expect(after.groups.map((g) => g.alternatives)).toEqual([['Protocol', 'Agreement'], ['promptly'], ['may'], ['Protocol', 'Agreement']])
    expect(reopen(room, chair, { entry })).toMatchObject({ reopened: 1, missing: 0 })
    expect(room.read().toJSON()).toEqual(original.toJSON())
  })

  it('reopens a dropped group where it was', () => {
    const original = handmade()
    const room = roomWith(original)
    const { groups } = listBrackets(room)
    const { entry } = resolve(room, chair, { group: groups[3].id, choose: '' })
    expect(reopen(room, chair, { entry })).toMatchObject({ reopened: 1, missing: 0 })
    expect(room.read().toJSON()).toEqual(original.toJSON())
  })

  it('resolves the set across the title and an article, and reopens both', () => {
    const original = handmade()
    const room = roomWith(original)
    const { sets } = listBrackets(room)
    const { entry, resolved } = resolve(room, chair, { set: sets[0].id, choose: 'Agreement' })
    expect(resolved).toBe(2)
    expect(room.read().firstChild!.firstChild!.textContent).toBe('Draft Agreement')
    expect(reopen(room, chair, { entry })).toMatchObject({ reopened: 2, missing: 0 })
    expect(room.read().toJSON()).toEqual(original.toJSON())
  })

  it('reopens a group after another group before it in the same paragraph was resolved', () => {
    const original = doc(treaty(art(p('A ', br(alt('x'), alt('y')), ' B ', br(alt('u'), alt('v')), ' C'))))
    const room = roomWith(original)
    const { groups } = listBrackets(room)
    const second = resolve(room, chair, { group: groups[1].id, choose: 'v' })
    resolve(room, chair, { group: groups[0].id, choose: 'x' })
    expect(reopen(room, chair, { entry: second.entry })).toMatchObject({ reopened: 1, missing: 0 })
    expect(room.read().toJSON()).toEqual(doc(treaty(art(p('A x B ', br(alt('u'), alt('v')), ' C')))).toJSON())
  })

  it('reopens a dropped group after the group before it in the same paragraph was resolved', () => {
    const room = roomWith(doc(treaty(art(p('A ', br(alt('x'), alt('y')), ' B ', br(alt('u')), ' C')))))
    const { groups } = listBrackets(room)
    const dropped = resolve(room, chair, { group: groups[1].id, choose: '' })
    resolve(room, chair, { group: groups[0].id, choose: 'y' })
    expect(reopen(room, chair, { entry: dropped.entry })).toMatchObject({ reopened: 1, missing: 0 })
    expect(room.read().toJSON()).toEqual(doc(treaty(art(p('A y B ', br(alt('u')), ' C')))).toJSON())
  })
})

describe('through a real Room', () => {
  it('stores and broadcasts a linked-set resolution with its audit entry as one update', async () => {
    const { storage, writer, rooms, close } = memoryRooms()
    try {
      await storage.create('brackets0001', 'Sample', seedState(sampleDoc()))
      const sent: Uint8Array[] = []
      const conn: Connection = { send: (m) => void sent.push(m), close: () => {} }
      const room = (await rooms.attach('brackets0001', conn))!
      await writer.flush()
      sent.length = 0
      const { sets } = listBrackets(room)
      const result = resolve(room, chair, { set: sets[0].id, choose: '议定书' })
      expect(result.resolved).toBe(19)
      await writer.flush()
      await waitFor(() => sent.length > 0, 'the broadcast')
      expect(sent).toHaveLength(1)
      const decoder = decoding.createDecoder(sent[0])
      expect([decoding.readVarUint(decoder), decoding.readVarUint(decoder)]).toEqual([0, 2])
      const stored = (await storage.load('brackets0001'))!
      expect(readTreaty(stored.updates).toJSON()).toEqual(room.read().toJSON())
      const reloaded = new Y.Doc()
      for (const u of stored.updates) Y.applyUpdate(reloaded, u)
      expect(readAudit(reloaded).map(publicEntry)).toEqual(readAudit(room.doc).map(publicEntry))
    } finally {
      await close()
    }
  })
})

describe('random resolutions, reopened in any order', () => {
  const { doc, treaty, title, art, p, br, alt } = treatyBuilders
  const treatyUnderTest = () =>
    doc(
      treaty(
        title('Draft ', br(alt('Protocol'), alt('Agreement')), ' on ', br(alt('security')), ' assurances'),
        art(p('The ', br(alt('Protocol'), alt('Agreement')), ' shall ', br(alt('promptly ', br(alt('and fully')), ' ')), 'apply ', br(alt('here')), br(alt('there'), alt('')), '.')),
        art(p(br(alt('Each'), alt('Every')), ' Party ', br(alt('shall'), alt('may')), ' report ', br(alt('annually'), alt('every two years')), ' to the ', br(alt('Protocol'), alt('Agreement')), '.'), p('Plain text.')),
      ),
    )

  /** Resolves random groups and sets; meanwhile a delegate types in the unrelated last paragraph. */
  function randomRun(seed: number) {
    const random = mulberry32(seed)
    const original = treatyUnderTest()
    const room = roomWith(original)
    const peer = peerOf(room)
    const entries: string[] = []
    const typeElsewhere = () =>
      editOn(peer, (state) => {
        const plain = blockStarting(state.doc, 'Plain')
        const at = plain.pos + 1 + 5 + Math.floor(random() * (plain.node.content.size - 5))
        return state.tr.insertText(String.fromCharCode(97 + Math.floor(random() * 26)), at)
      })
    for (let step = 0; step < 6; step++) {
      const { groups, sets } = listBrackets(room)
      if (!groups.length) break
      if (sets.length && random() < 0.2) {
        const set = sets[Math.floor(random() * sets.length)]
        entries.push(resolve(room, chair, { set: set.id, choose: set.alternatives[Math.floor(random() * set.alternatives.length)] }).entry)
      } else {
        const g = groups[Math.floor(random() * groups.length)]
        const options = g.alternatives.length === 1 ? [...g.alternatives, ''] : g.alternatives
        entries.push(resolve(room, chair, { group: g.id, choose: options[Math.floor(random() * options.length)] }).entry)
      }
      if (random() < 0.5) typeElsewhere()
    }
    /** The original with the last paragraph as the delegate left it. */
    const expected = () => {
      const now = blockStarting(room.read(), 'Plain').node
      const plain = blockStarting(original, 'Plain')
      return original.replace(plain.pos + 1, plain.pos + 1 + plain.node.content.size, now.slice(0, now.content.size))
    }
    return { random, room, peer, entries, expected, typeElsewhere }
  }

  it.each(Array.from({ length: 24 }, (_, i) => i + 1))('seed %i: reopened in reverse order, the document comes back exactly and a peer converges', (seed) => {
    const { room, peer, entries, expected, typeElsewhere, random } = randomRun(seed)
    for (const entry of entries.reverse()) {
      expect(reopen(room, chair, { entry }), `reopening ${entry}`).toMatchObject({ missing: 0 })
      if (random() < 0.5) typeElsewhere()
    }
    expect(room.read().toJSON()).toEqual(expected().toJSON())
    const fromPeer = peerDoc(peer)
    fromPeer.check()
    expect(fromPeer.toJSON()).toEqual(room.read().toJSON())
  })

  it.each(Array.from({ length: 24 }, (_, i) => i + 1))('seed %i: reopened in any order, every answer is a reopening or a refusal and the document stays valid', (seed) => {
    const { room, peer, entries, random } = randomRun(seed)
    for (let i = entries.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1))
      ;[entries[i], entries[j]] = [entries[j], entries[i]]
    }
    for (const entry of entries) {
      try {
        const result = reopen(room, chair, { entry })
        expect(result.reopened + result.missing).toBeGreaterThan(0)
      } catch (error) {
        expect(error).toMatchObject({ status: 409, code: 'nothing-to-reopen' })
      }
    }
    room.read().check()
    const fromPeer = peerDoc(peer)
    fromPeer.check()
    expect(fromPeer.toJSON()).toEqual(room.read().toJSON())
  })
})
