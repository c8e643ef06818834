import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { decideAmendment, listAmendments, proposeAmendment } from './amendments'
import { publicEntry, readAudit, type Actor, type RoomLike } from './audit'
import { listBrackets, reopen, resolve } from './brackets'
import { CLOSE } from './closeCodes'
import { MergeError, rebaseDoc, structCount } from './rebase'
import type { Identity } from './Room'
import { StaleEpochError } from './Rooms'
import type { AccordServer } from './server'
import { connectClient, invite, mulberry32, paragraphTexts, rawSocket, removeDir, startTestServer, tempDir, ticketUrl, waitFor } from './testing'
import { blockStarting, editOn, memoryRooms, peerDoc, peerOf, roomWith, sampleDoc } from './testRooms'
import { readTreaty, seedState } from './treatyDoc'

const chair: Actor = { participant: 'p_chair', name: 'Chair', role: 'facilitator', state: null }
const france: Actor = { participant: 'p_fr', name: 'Marie Dupont', role: 'delegation', state: 'FR' }
const brazil: Actor = { participant: 'p_br', name: 'Ana Souza', role: 'delegation', state: 'BR' }

const identity = (participant: string, role: Identity['role'], state: string | null = null): Identity => ({ participant, name: participant, role, state, stateName: null, color: '#336699' })

/** Every XmlText of the treaty, in document order. */
function texts(doc: Y.Doc): Y.XmlText[] {
  const out: Y.XmlText[] = []
  const walk = (el: Y.XmlFragment | Y.XmlElement) => {
    for (const child of el.toArray()) {
      if (child instanceof Y.XmlText) out.push(child)
      else if (child instanceof Y.XmlElement) walk(child)
    }
  }
  walk(doc.getXmlFragment('treaty'))
  return out
}

/**
 * A long negotiation in miniature: characters typed and removed at scattered places, each its
 * own transaction (the worst case for a CRDT: nothing merges), leaving the text as it was.
 */
function churn(doc: Y.Doc, edits: number, seed = 7): void {
  const random = mulberry32(seed)
  const all = texts(doc).filter((t) => t.length > 4)
  for (let i = 0; i < edits; i++) {
    const text = all[Math.floor(random() * all.length)]
    const at = 1 + Math.floor(random() * (text.length - 2))
    doc.transact(() => text.insert(at, 'x'))
    doc.transact(() => text.delete(at, 1))
  }
}

const treatyJSON = (doc: Y.Doc) => JSON.stringify(readTreaty(doc).toJSON())
/** How often `needle` occurs in the treaty's text. */
const occurrences = (doc: Y.Doc, needle: string) => readTreaty(doc).textContent.split(needle).length - 1

function roomOver(doc: Y.Doc): RoomLike {
  return { doc, transact: (actor, change) => doc.transact(() => change(doc), `server:${actor}`) }
}

const Q = '对不扩散条约任何缔约国开放供签署'
const proposal = { kind: 'replace', target: { article: 4, paragraph: 1, quote: Q }, text: '对所有国家开放供签署', justification: 'Universality.' }

describe('rebaseDoc', () => {
  it('keeps the treaty, the settings, the audit log and the amendments, with a fraction of the structs', () => {
    const room = roomWith(sampleDoc())
    room.transact('test', (doc) => doc.getMap('settings').set('openDrafting', true))
    churn(room.doc, 400)
    const groups = listBrackets(room).groups
    const resolution = resolve(room, chair, { group: groups[0].id, choose: groups[0].alternatives[0] })
    const open = proposeAmendment(room, france, proposal)
    const bracketed = proposeAmendment(room, brazil, { ...proposal, target: { article: 4, paragraph: 1, quote: '应经过批准' }, text: '应经过批准、接受或核准' })
    const decided = decideAmendment(room, chair, bracketed.id, { decision: 'bracket' })
    expect(decided.group).toMatch(/^g/)
    churn(room.doc, 200, 11)

    const { doc, translator, structs } = rebaseDoc(room.doc)
    const next = roomOver(doc)
    expect(treatyJSON(doc)).toBe(treatyJSON(room.doc))
    expect(doc.getMap('settings').toJSON()).toEqual({ openDrafting: true })
    expect(structs.before).toBe(structCount(room.doc))
    expect(structs.after).toBe(structCount(doc))
    expect(structs.after * 2).toBeLessThan(structs.before)

    // Every open group is there under its new id, with the same text.
    const before = listBrackets(room)
    const after = listBrackets(next)
    expect(after.groups.map((g) => g.id)).toEqual(before.groups.map((g) => translator.group(g.id)))
    expect(after.groups.map((g) => g.id)).not.toEqual(before.groups.map((g) => g.id))
    expect(after.groups.map(({ id: _id, ...rest }) => rest)).toEqual(before.groups.map(({ id: _id, ...rest }) => rest))
    expect(after.sets.map((s) => s.groups)).toEqual(before.sets.map((s) => s.groups.map((id) => translator.group(id))))

    // The audit log reads the same, with translated group ids where the group still exists.
    const entries = (d: Y.Doc) => readAudit(d).map(publicEntry)
    expect(entries(doc).map((e) => ({ ...e, groups: [] }))).toEqual(entries(room.doc).map((e) => ({ ...e, groups: [] })))
    const bracketEntry = entries(doc).find((e) => e.action === 'amendment-bracket')!
    expect(bracketEntry.groups.map((g) => g.id)).toContain(translator.group(decided.group!))
    expect(after.groups.map((g) => g.id)).toContain(translator.group(decided.group!))

    // Amendments are found where they were; the bracketed one names its group by the new id.
    expect(listAmendments(next)).toEqual(
      JSON.parse(JSON.stringify(listAmendments(room)).split(decided.group!).join(translator.group(decided.group!))),
    )
    expect(listAmendments(next).amendments.find((a) => a.id === open.id)!.located).toMatchObject({ found: true, changed: false, quote: Q })

    // The resolution is reopened exactly as it would have been without the re-base.
    expect(reopen(next, chair, { entry: resolution.entry })).toMatchObject({ reopened: 1, missing: 0 })
    expect(reopen(room, chair, { entry: resolution.entry })).toMatchObject({ reopened: 1, missing: 0 })
    expect(treatyJSON(doc)).toBe(treatyJSON(room.doc))
    doc.destroy()
  })

  it('keeps anchors into deleted paragraphs resolving to nothing, and refuses a document with a root it does not know', () => {
    const room = roomWith(sampleDoc())
    const peer = peerOf(room)
    const first = readAudit(room.doc).length
    const group = listBrackets(room).groups.find((g) => g.article === 1 && g.paragraph === 1)!
    const { entry } = resolve(room, chair, { group: group.id, choose: group.alternatives[0] })
    expect(readAudit(room.doc).length).toBe(first + 1)
    // The resolved paragraph goes away entirely.
    editOn(peer, (state) => {
      const { pos, node } = blockStarting(state.doc, '不扩散条约第九条第3款界定的')
      return state.tr.delete(pos, pos + node.nodeSize)
    })
    const { doc } = rebaseDoc(room.doc)
    expect(() => reopen(roomOver(doc), chair, { entry })).toThrow(/has been deleted since/)
    expect(() => reopen(room, chair, { entry })).toThrow(/has been deleted since/)
    doc.destroy()

    const odd = new Y.Doc()
    Y.applyUpdate(odd, seedState(sampleDoc()))
    odd.getMap('notes').set('a', 1)
    expect(() => rebaseDoc(odd)).toThrow(/root "notes"/)
  })
})

describe('re-basing rooms', () => {
  let env: ReturnType<typeof memoryRooms> | null = null
  afterEach(async () => {
    await env?.close()
    env = null
  })

  async function stored(id: string) {
    const record = await env!.storage.get(id)
    const doc = new Y.Doc()
    Y.applyUpdate(doc, (await env!.storage.load(id))!.updates.reduce((a, b) => Y.mergeUpdates([a, b])))
    return { record: record!, doc }
  }

  it('re-bases an idle room whose history outweighs its text, and not one whose does not', async () => {
    env = memoryRooms({ rebaseAfterStructs: 100, roomIdleMs: 5 })
    await env.storage.create('churned', 'T', seedState(sampleDoc()))
    await env.storage.create('fresh', 'T', seedState(sampleDoc()))
    const room = (await env.rooms.use('churned'))!
    churn(room.doc, 300)
    const text = treatyJSON(room.doc)
    const items = structCount(room.doc)
    await env.rooms.use('fresh')
    await waitFor(async () => (await env!.storage.get('churned'))!.epoch === 1, 're-based')
    await waitFor(() => env!.rooms.size === 0, 'both rooms released')
    const after = await stored('churned')
    expect(treatyJSON(after.doc)).toBe(text)
    expect(structCount(after.doc) * 2).toBeLessThan(items)
    expect((await env.storage.get('fresh'))!.epoch).toBe(0)
    // The re-base is kept: the old epoch's final state and the new one's first.
    const [rebase] = await env.storage.rebasesAfter('churned', 0)
    expect(rebase.epoch).toBe(1)
    const previous = new Y.Doc()
    Y.applyUpdate(previous, rebase.previous)
    expect(treatyJSON(previous)).toBe(text)

    const reopened = (await env.rooms.use('churned'))!
    expect(reopened.epoch).toBe(1)
    expect(treatyJSON(reopened.doc)).toBe(text)
    await waitFor(() => env!.rooms.size === 0, 'the room released')
    const conn = { send() {}, close() {} }
    await expect(env.rooms.attach('churned', conn, 0)).rejects.toBeInstanceOf(StaleEpochError)
    // A stale copy that loaded the room for nobody does not keep it in memory.
    await waitFor(() => env!.rooms.size === 0, 'the room released again')
    const attached = await env.rooms.attach('churned', conn, 1)
    expect(attached!.epoch).toBe(1)
    expect(attached!.connectionCount).toBe(1)
  })

  it('a compaction re-bases only while nobody is connected', async () => {
    env = memoryRooms()
    await env.storage.create('d', 'T', seedState(sampleDoc()))
    const conn = { send() {}, close() {} }
    const room = (await env.rooms.attach('d', conn))!
    churn(room.doc, 20)
    expect(await env.rooms.compactNow('d', 'test')).toEqual({ busy: 1 })
    room.disconnect(conn)
    const result = await env.rooms.compactNow('d', 'test')
    expect(result).toMatchObject({ rebased: true, epoch: 1 })
    expect(room.isClosed).toBe(true)
    // Nothing left to gain: a second compaction leaves the epoch alone.
    expect(await env.rooms.compactNow('d', 'test')).toMatchObject({ rebased: false, epoch: 1 })
    expect(await env.rooms.compactNow('nothing', 'test')).toBeUndefined()
  })

  describe('carrying a copy of an earlier epoch across', () => {
    async function setup(options: { openDrafting?: boolean } = {}) {
      env = memoryRooms()
      await env.storage.create('d', 'T', seedState(sampleDoc()))
      const room = (await env.rooms.use('d'))!
      if (options.openDrafting) room.transact('test', (doc) => doc.getMap('settings').set('openDrafting', true))
      churn(room.doc, 50)
      // A tab that has everything so far, then goes away.
      const tab = new Y.Doc()
      Y.applyUpdate(tab, Y.encodeStateAsUpdate(room.doc))
      expect(await env.rooms.compactNow('d', 'test')).toMatchObject({ rebased: true, epoch: 1 })
      return { tab }
    }

    const typeInto = (tab: Y.Doc, prefix: string, text: string) =>
      editOn(tab, (state) => {
        const { pos, node } = blockStarting(state.doc, prefix)
        return state.tr.insertText(text, pos + 1 + node.content.size)
      })

    it('merges what the copy did offline with what others did meanwhile, once', async () => {
      const { tab } = await setup()
      typeInto(tab, '本议定书协议缔约国，', '（离线）')
      // Meanwhile, in the new epoch, someone else edits another paragraph.
      const room = (await env!.rooms.use('d'))!
      const other = peerOf(room)
      typeInto(other, '同时也是1968年', '（在线）')
      const paragraphs = paragraphTexts(room.doc).length

      const result = await env!.rooms.mergeOffline('d', identity('p_chair', 'facilitator'), 0, Y.encodeStateAsUpdate(tab))
      expect(result).toEqual({ merged: true, epoch: 1 })
      const after = paragraphTexts(room.doc)
      expect(after).toHaveLength(paragraphs)
      expect(occurrences(room.doc, '（离线）')).toBe(1)
      expect(occurrences(room.doc, '（在线）')).toBe(1)
      expect(paragraphTexts(other)).toEqual(after)
      expect(treatyJSON(other)).toBe(treatyJSON(room.doc))

      // The same copy again (its answer was lost): nothing new.
      expect(await env!.rooms.mergeOffline('d', identity('p_chair', 'facilitator'), 0, Y.encodeStateAsUpdate(tab))).toEqual({ merged: false, epoch: 1 })
      expect(paragraphTexts(room.doc)).toEqual(after)

      // The copy went on typing, and it and another copy of epoch 0 are merged at the same moment: each change once.
      typeInto(tab, '同时也是1968年', '（再次）')
      const second = new Y.Doc()
      Y.applyUpdate(second, (await env!.storage.rebasesAfter('d', 0))[0].previous)
      typeInto(second, '决定并商定如下', '（另一个）')
      const both = await Promise.all([
        env!.rooms.mergeOffline('d', identity('p_chair', 'facilitator'), 0, Y.encodeStateAsUpdate(tab)),
        env!.rooms.mergeOffline('d', identity('p_chair2', 'facilitator'), 0, Y.encodeStateAsUpdate(second)),
      ])
      expect(both).toEqual([{ merged: true, epoch: 1 }, { merged: true, epoch: 1 }])
      for (const text of ['（离线）', '（在线）', '（再次）', '（另一个）']) expect(occurrences(room.doc, text)).toBe(1)
      expect(treatyJSON(other)).toBe(treatyJSON(room.doc))
    })

    it('says when there is nothing new, and refuses the current epoch, an unknown one and bytes that are no copy', async () => {
      const { tab } = await setup()
      const chairIdentity = identity('p_chair', 'facilitator')
      expect(await env!.rooms.mergeOffline('d', chairIdentity, 0, Y.encodeStateAsUpdate(tab))).toEqual({ merged: false, epoch: 1 })
      const refused = (epoch: number, state: Uint8Array) => env!.rooms.mergeOffline('d', chairIdentity, epoch, state).then(() => null, (error: unknown) => error as MergeError)
      expect(await refused(1, Y.encodeStateAsUpdate(tab))).toMatchObject({ status: 409, code: 'current-epoch' })
      expect(await refused(4, Y.encodeStateAsUpdate(tab))).toMatchObject({ status: 409, code: 'unknown-epoch' })
      expect(await refused(0, new Uint8Array([1, 2, 3, 4, 5]))).toMatchObject({ status: 400, code: 'malformed' })
    })

    it('checks the changes as the participant’s own: observers, closed drafting and brackets are refused', async () => {
      const { tab } = await setup()
      typeInto(tab, '本议定书协议缔约国，', '（离线）')
      const state = Y.encodeStateAsUpdate(tab)
      const refused = (who: Identity) => env!.rooms.mergeOffline('d', who, 0, state).then(() => null, (error: unknown) => error as MergeError)
      expect(await refused(identity('p_obs', 'observer'))).toMatchObject({ status: 403, message: expect.stringMatching(/observers/) })
      expect(await refused(identity('p_fr', 'delegation', 'FR'))).toMatchObject({ status: 403, message: expect.stringMatching(/not open for drafting/) })
      const room = (await env!.rooms.use('d'))!
      expect(occurrences(room.doc, '（离线）')).toBe(0)
    })

    it('lets a delegation carry text edits while drafting is open, but not a bracket it removed', async () => {
      const { tab } = await setup({ openDrafting: true })
      typeInto(tab, '本议定书协议缔约国，', '（法国）')
      expect(await env!.rooms.mergeOffline('d', identity('p_fr', 'delegation', 'FR'), 0, Y.encodeStateAsUpdate(tab))).toEqual({ merged: true, epoch: 1 })

      const { tab: second } = await setup({ openDrafting: true })
      editOn(second, (state) => {
        let at = -1
        state.doc.descendants((node, pos) => {
          if (at < 0 && node.type.name === 'bracket') at = pos
          return at < 0
        })
        return state.tr.delete(at, at + state.doc.nodeAt(at)!.nodeSize)
      })
      const error = await env!.rooms.mergeOffline('d', identity('p_fr', 'delegation', 'FR'), 0, Y.encodeStateAsUpdate(second)).then(() => null, (e: unknown) => e as MergeError)
      expect(error).toMatchObject({ status: 403, message: expect.stringMatching(/only facilitators/) })
    })

    it('carries a copy across two re-bases', async () => {
      const { tab } = await setup()
      typeInto(tab, '本议定书协议缔约国，', '（两次）')
      const room = (await env!.rooms.use('d'))!
      const other = peerOf(room)
      typeInto(other, '同时也是1968年', '（第一）')
      churn(room.doc, 30, 3)
      expect(await env!.rooms.compactNow('d', 'test')).toMatchObject({ rebased: true, epoch: 2 })
      const result = await env!.rooms.mergeOffline('d', identity('p_chair', 'facilitator'), 0, Y.encodeStateAsUpdate(tab))
      expect(result).toEqual({ merged: true, epoch: 2 })
      const current = (await env!.rooms.use('d'))!.doc
      expect(occurrences(current, '（两次）')).toBe(1)
      expect(occurrences(current, '（第一）')).toBe(1)
    })
  })
})

describe('re-basing through the server', () => {
  let dir: string
  let server: AccordServer

  afterEach(async () => {
    await server?.close()
    removeDir(dir)
  })

  it('tells the epoch with a ticket, refuses a socket of another epoch (4409), and merges a copy through the API', async () => {
    dir = tempDir()
    server = await startTestServer({ dataDir: dir })
    const docId = (await server.documents.create(sampleDoc())).id
    const base = `http://127.0.0.1:${server.port}`
    const secretariat = invite(server, null, 'secretariat')
    const chairInvite = invite(server, docId, 'facilitator')
    const post = (path: string, token: string, body?: unknown) =>
      fetch(`${base}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined })

    const ticket = await post('/api/tickets', chairInvite.token, { doc: docId })
    expect(ticket.status).toBe(201)
    expect(await ticket.json()).toMatchObject({ ticket: expect.any(String), epoch: 0 })

    const tab = connectClient(server, docId, { token: chairInvite.token })
    await waitFor(() => paragraphTexts(tab.doc).length > 0, 'the tab synced')
    expect((await post(`/api/documents/${docId}/compactions`, chairInvite.token)).status).toBe(403)
    const busy = await post(`/api/documents/${docId}/compactions`, secretariat.token)
    expect(busy.status).toBe(409)
    expect(await busy.json()).toMatchObject({ error: { code: 'document-open', connections: 1 } })

    // A little history to fold, then the tab goes away.
    churn(tab.doc, 20)
    await waitFor(() => server.rooms.get(docId)!.doc.store.clients.has(tab.doc.clientID), 'the edits arrived')
    await new Promise((r) => setTimeout(r, 200))
    tab.provider.disconnect()
    await waitFor(() => server.rooms.connectionCount === 0, 'the tab left')
    const compacted = await post(`/api/documents/${docId}/compactions`, secretariat.token)
    expect(compacted.status).toBe(200)
    expect(await compacted.json()).toMatchObject({ rebased: true, epoch: 1 })

    // The tab's copy is of epoch 0: a socket that says so is closed before any sync.
    const stale = rawSocket(`${ticketUrl(server, docId, chairInvite.participant)}&epoch=0`)
    await waitFor(() => stale.closed, 'the stale socket closed')
    expect(stale.closed).toMatchObject({ code: CLOSE.STALE_EPOCH })
    expect(stale.messages).toHaveLength(0)
    const bad = rawSocket(`${ticketUrl(server, docId, chairInvite.participant)}&epoch=one`)
    await waitFor(() => bad.closed, 'the malformed socket closed')
    expect(bad.closed).toMatchObject({ code: CLOSE.MALFORMED })

    // Offline, the tab typed; its copy goes to the merges endpoint.
    editOn(tab.doc, (state) => {
      const { pos, node } = blockStarting(state.doc, '本议定书协议缔约国，')
      return state.tr.insertText('（离线）', pos + 1 + node.content.size)
    })
    const update = Buffer.from(Y.encodeStateAsUpdate(tab.doc)).toString('base64')
    const merged = await post(`/api/documents/${docId}/merges`, chairInvite.token, { epoch: 0, update })
    expect(merged.status).toBe(200)
    expect(await merged.json()).toEqual({ merged: true, epoch: 1 })
    const again = await post(`/api/documents/${docId}/merges`, chairInvite.token, { epoch: 1, update })
    expect(again.status).toBe(409)
    expect((await post(`/api/documents/${docId}/merges`, chairInvite.token, { epoch: 0, update: '%%%' })).status).toBe(400)
    const paragraphs = paragraphTexts(tab.doc).length
    tab.destroy()

    // A fresh tab of the new epoch has the text once.
    const fresh = connectClient(server, docId, { token: chairInvite.token })
    await waitFor(() => occurrences(fresh.doc, '（离线）') > 0, 'the merged text')
    expect(occurrences(fresh.doc, '（离线）')).toBe(1)
    expect(paragraphTexts(fresh.doc)).toHaveLength(paragraphs)
    fresh.destroy()
  })
})
