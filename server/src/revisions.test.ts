import path from 'node:path'
import { toTreatyFile, treatySchema } from '@accord/schema'
import type { Node as PMNode } from 'prosemirror-model'
import { EditorState, type Transaction } from 'prosemirror-state'
import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from 'vitest'
import * as Y from 'yjs'
import { appendAudit, readAudit, type Actor } from './audit'
import { listBrackets, resolve } from './brackets'
import { Ledger, sha256, verifyStorage } from './ledger'
import type { Room } from './Room'
import {
  compareRevisions,
  listRevisions,
  restoreRevision,
  revisionDoc,
  RevisionError,
  RevisionStore,
  saveRevision,
  snapshotDoc,
  type RevisionRoom,
} from './revisions'
import { DATABASE_FILE, SqliteStorage } from './SqliteStorage'
import { removeDir, tempDir } from './testing'
import { editOn, peerOf, rebasedState, sampleDoc } from './testRooms'
import { newServerYDoc, readTreaty, seedState } from './treatyDoc'

const chair: Actor = { participant: 'p_chair', name: 'Chair', role: 'facilitator', state: null }

interface TestRoom extends RevisionRoom {
  /** Every update of the room's doc since it was opened, as the write queue would append them. */
  updates: Uint8Array[]
}

/** A room over the stored document, as Room loads it (checkpoint, then log), in `epoch`. */
async function openRoom(storage: SqliteStorage, id: string, epoch = 0): Promise<TestRoom> {
  const stored = (await storage.load(id))!
  const ydoc = newServerYDoc()
  ydoc.transact(() => stored.updates.forEach((u) => Y.applyUpdate(ydoc, u)), 'load')
  const updates: Uint8Array[] = []
  ydoc.on('update', (u: Uint8Array) => updates.push(u))
  return { id, epoch, doc: ydoc, updates, transact: (actor, change) => ydoc.transact(() => change(ydoc), `server:${actor}`) }
}

/** A store with the sample treaty as `docId`, its revision store, and a room over it. */
async function openSample(docId: string): Promise<{ storage: SqliteStorage; store: RevisionStore; room: TestRoom }> {
  const storage = new SqliteStorage(':memory:')
  const store = new RevisionStore(storage.database)
  await storage.create(docId, 'sample', seedState(sampleDoc()))
  return { storage, store, room: await openRoom(storage, docId) }
}

/** Replaces the first occurrence of `find` in the document's text (within one text node). */
function replaceText(find: string, by: string): (state: EditorState) => Transaction {
  return (state) => {
    let at = -1
    state.doc.descendants((node, pos) => {
      if (at < 0 && node.isText && node.text!.includes(find)) at = pos + node.text!.indexOf(find)
      return at < 0
    })
    if (at < 0) throw new Error(`no text ${JSON.stringify(find)} in the document`)
    return state.tr.insertText(by, at, at + find.length)
  }
}

function resolveLinkedSet(room: RevisionRoom): void {
  const set = listBrackets(room).sets.find((s) => s.count === 19)!
  resolve(room, chair, { set: set.id, choose: '议定书' })
}

function refusal(run: () => unknown): { status: number; code: string; message: string } {
  try {
    run()
  } catch (error) {
    if (error instanceof RevisionError) return { status: error.status, code: error.code, message: error.message }
    throw error
  }
  throw new Error('expected a RevisionError')
}

const same = (a: PMNode, b: PMNode) => expect(a.toJSON()).toEqual(b.toJSON())

describe('revisions', () => {
  let storage: SqliteStorage
  let store: RevisionStore
  let room: TestRoom
  const docId = 'd_test'

  beforeEach(async () => ({ storage, store, room } = await openSample(docId)))
  afterEach(() => {
    room.doc.destroy()
    storage.database.close()
  })

  it('lists the initial text as revision 0, then saved revisions in order, named Rev.1, Rev.2 by default', () => {
    expect(listRevisions(store, docId).revisions).toMatchObject([{ number: 0, name: 'Initial text', author: null }])
    const r1 = saveRevision(store, room, chair, {}).revision
    editOn(room.doc, replaceText('无限期有效', '有效期为二十五年'))
    const r2 = saveRevision(store, room, chair, undefined).revision
    const named = saveRevision(store, room, { ...chair, participant: 'p_co', name: 'Co-chair' }, { name: '  Chair’s   text ' }).revision
    const r4 = saveRevision(store, room, chair, { name: null }).revision
    expect([r1, r2, named, r4].map((r) => [r.number, r.name])).toEqual([
      [1, 'Rev.1'],
      [2, 'Rev.2'],
      [3, 'Chair’s text'],
      [4, 'Rev.4'],
    ])
    expect(r1.id).toMatch(/^r_[0-9a-z]{12}$/)
    const listed = listRevisions(store, docId).revisions
    expect(listed.map((r) => r.name)).toEqual(['Initial text', 'Rev.1', 'Rev.2', 'Chair’s text', 'Rev.4'])
    expect(listed[3]).toEqual({ id: named.id, name: 'Chair’s text', number: 3, created: named.created, author: { participant: 'p_co', name: 'Co-chair' } })
    expect(Date.parse(listed[1].created)).toBeGreaterThan(0)
    // Each save is in the audit log.
    const saves = readAudit(room.doc).filter((e) => e.action === 'revision')
    expect(saves.map((e) => e.detail)).toEqual([
      'Saved the text as revision 1, “Rev.1”.',
      'Saved the text as revision 2, “Rev.2”.',
      'Saved the text as revision 3, “Chair’s text”.',
      'Saved the text as revision 4, “Rev.4”.',
    ])
    expect(saves[2].actor).toEqual({ participant: 'p_co', name: 'Co-chair', role: 'facilitator', state: null })
  })

  it('keeps names unique per document and refuses bad bodies', () => {
    saveRevision(store, room, chair, { name: 'Rev.1' })
    expect(refusal(() => saveRevision(store, room, chair, { name: 'Rev.1' }))).toMatchObject({ status: 409, code: 'conflict' })
    expect(refusal(() => saveRevision(store, room, chair, { name: 'rev. 1' }))).toMatchObject({ status: 409, code: 'conflict' })
    expect(refusal(() => saveRevision(store, room, chair, { name: 'initial text' }))).toMatchObject({ status: 409 })
    expect(refusal(() => saveRevision(store, room, chair, { name: 'current' }))).toMatchObject({ status: 422, code: 'invalid-name' })
    expect(refusal(() => saveRevision(store, room, chair, { name: '   ' }))).toMatchObject({ status: 422, code: 'invalid-name' })
    expect(refusal(() => saveRevision(store, room, chair, { name: 'x'.repeat(81) }))).toMatchObject({ status: 422 })
    expect(refusal(() => saveRevision(store, room, chair, { name: 3 }))).toMatchObject({ status: 400, code: 'bad-request' })
    expect(refusal(() => saveRevision(store, room, chair, { title: 'Rev.2' })).message).toContain('unknown field "title"')
    expect(refusal(() => saveRevision(store, room, chair, 'Rev.2'))).toMatchObject({ status: 400 })
    // The default name skips a name already given by hand.
    expect(saveRevision(store, room, chair, {}).revision).toMatchObject({ number: 2, name: 'Rev.2' })
    expect(saveRevision(store, room, chair, { name: 'Rev.3' }).revision.number).toBe(3)
    expect(saveRevision(store, room, chair, {}).revision).toMatchObject({ number: 4, name: 'Rev.4' })
    // Another document may use the same names.
    expect(listRevisions(store, 'd_other').revisions).toEqual([])
    expect(refusal(() => revisionDoc(store, docId, 'r_nothing'))).toMatchObject({ status: 404, code: 'not-found' })
  })

  /** Stores what the room did so far, as its write queue would: the ledger is the history snapshots are rebuilt from. */
  const flush = () => storage.append(room.updates.splice(0).map((update) => ({ docId, update })))

  it("keeps a revision's text as it was, and the room's history rebuilds the same text from its snapshot", async () => {
    const initial = readTreaty(room.doc)
    const r1 = saveRevision(store, room, chair, {}).revision
    resolveLinkedSet(room)
    const afterResolution = readTreaty(room.doc)
    const r2 = saveRevision(store, room, chair, {}).revision
    editOn(room.doc, replaceText('应当签署并对不扩散条约任何缔约国开放供签署', '应当签署并对所有国家开放供签署'))
    editOn(room.doc, (state) => {
      // Deletes Article 5.
      let from = -1
      let to = -1
      let n = 0
      state.doc.descendants((node, pos) => {
        if (node.type.name === 'article' && ++n === 5) [from, to] = [pos, pos + node.nodeSize]
        return from < 0
      })
      return state.tr.delete(from, to)
    })
    expect(readTreaty(room.doc).toJSON()).not.toEqual(afterResolution.toJSON())

    same(revisionDoc(store, docId, r1.id), initial)
    same(revisionDoc(store, docId, 'initial'), initial)
    same(revisionDoc(store, docId, r2.id), afterResolution)
    same(revisionDoc(store, docId, 'Rev.2'), afterResolution)
    await flush()
    for (const ref of ['initial', r1.id, r2.id]) same(snapshotDoc(store, room, ref), revisionDoc(store, docId, ref))
  })

  it('restores a revision as the next state of the text; a synced peer converges to it', async () => {
    const peer = peerOf(room)
    const r1 = saveRevision(store, room, chair, {}).revision
    resolveLinkedSet(room)
    editOn(peer, replaceText('无限期有效', '有效期为二十五年'))
    const r2 = saveRevision(store, room, chair, {}).revision
    editOn(peer, replaceText('不得对本', '不得对'))

    const { revision, entry } = restoreRevision(store, room, chair, r1.id)
    expect(revision).toMatchObject({ id: r1.id, name: 'Rev.1' })
    same(readTreaty(room.doc), revisionDoc(store, docId, r1.id))
    const peerText = readTreaty(peer)
    peerText.check()
    same(peerText, revisionDoc(store, docId, r1.id))
    expect(Y.encodeStateVector(peer)).toEqual(Y.encodeStateVector(room.doc))
    const last = readAudit(room.doc).at(-1)!
    expect(last).toMatchObject({ id: entry, action: 'restore', detail: 'Restored the text of revision 1, “Rev.1”.', actor: chair })

    // Nothing is lost: the later revision still rebuilds from the history, and can be restored in turn.
    await flush()
    same(snapshotDoc(store, room, r2.id), revisionDoc(store, docId, r2.id))
    restoreRevision(store, room, chair, 'Rev.2')
    same(readTreaty(peer), revisionDoc(store, docId, r2.id))
    // And editing goes on from the restored text.
    editOn(peer, replaceText('有效期为二十五年', '有效期为三十年'))
    expect(readTreaty(room.doc).textContent).toContain('有效期为三十年')
    expect(refusal(() => restoreRevision(store, room, chair, 'Rev.9'))).toMatchObject({ status: 404 })
    peer.destroy()
  })

  it('compares the initial text with a revision after the linked set was resolved: exactly that change', () => {
    resolveLinkedSet(room)
    const r1 = saveRevision(store, room, chair, {}).revision
    const result = compareRevisions(store, room, 'initial', r1.id)
    expect(result.from).toMatchObject({ name: 'Initial text', number: 0 })
    expect(result.to).toMatchObject({ id: r1.id, name: 'Rev.1', number: 1 })
    const { summary, units } = result.comparison
    expect(summary).toMatchObject({ bracketsResolved: 19, bracketsOpened: 0, articlesAdded: 0, articlesRemoved: 0, paragraphsAdded: 0, paragraphsRemoved: 0, amendmentsAccepted: 0 })
    const changes = units.flatMap((u) => u.blocks).flatMap((b) => b.segments.filter((s) => s.kind !== 'same'))
    expect(changes.filter((s) => s.kind === 'removed').every((s) => /^(\[议定书\]\[协议\])+$/.test(s.text))).toBe(true)
    expect(changes.filter((s) => s.kind === 'added').every((s) => /^(议定书)+$/.test(s.text))).toBe(true)

    // Against the current text, with an accepted amendment logged since.
    appendAudit(room, chair, { action: 'amendment-accept', detail: 'Accepted an amendment.' })
    editOn(room.doc, replaceText('无限期有效', '有效期为二十五年'))
    const now = compareRevisions(store, room, r1.id, 'current')
    expect(now.to).toEqual({ id: 'current', name: 'Current text', number: null, created: null })
    expect(now.comparison.summary).toMatchObject({ bracketsResolved: 0, paragraphsChanged: 1, amendmentsAccepted: 1 })
    const r2 = saveRevision(store, room, chair, {}).revision
    expect(compareRevisions(store, room, r1.id, r2.id).comparison.summary.amendmentsAccepted).toBe(1)
    expect(compareRevisions(store, room, r2.id, r1.id).comparison.summary.amendmentsAccepted).toBe(1)
    expect(compareRevisions(store, room, 'initial', r1.id).comparison.summary.amendmentsAccepted).toBe(0)
    expect(compareRevisions(store, room, r2.id, 'current').comparison.identical).toBe(true)
    expect(refusal(() => compareRevisions(store, room, 'r_nothing', 'current'))).toMatchObject({ status: 404 })
  })
})

describe('revisions, with the bracket workflow and concurrent peers', () => {
  let storage: SqliteStorage
  let store: RevisionStore
  let room: TestRoom
  const docId = 'd_flow'

  beforeEach(async () => ({ storage, store, room } = await openSample(docId)))
  afterEach(() => {
    room.doc.destroy()
    storage.database.close()
  })

  it('is what a server Room is', () => {
    expectTypeOf<Room>().toMatchTypeOf<RevisionRoom>()
  })

  it('shows a replacement that was bracketed and then resolved as exactly that change between the initial text and Rev.1', () => {
    // The facilitator brackets a delegation's replacement in Article 4, paragraph 2: original and proposed wording become alternatives.
    const original = '从缔约国交存批准书之日起'
    const proposed = '在第四十份批准书交存之日后第九十天'
    editOn(room.doc, (state) => {
      let at = -1
      state.doc.descendants((node, pos) => {
        if (at < 0 && node.isText && node.text!.includes(original)) at = pos + node.text!.indexOf(original)
        return at < 0
      })
      const s = treatySchema
      const group = s.nodes.bracket.create(null, [s.nodes.alternative.create(null, s.text(original)), s.nodes.alternative.create({ sponsors: ['FR', 'DE'] }, s.text(proposed))])
      return state.tr.replaceWith(at, at + original.length, group)
    })
    const group = listBrackets(room).groups.find((g) => g.alternatives.includes(proposed))!
    expect(group.location).toBe('Article 4, paragraph 2')
    resolve(room, chair, { group: group.id, choose: proposed })
    const r1 = saveRevision(store, room, chair, {}).revision

    const { comparison } = compareRevisions(store, room, 'initial', r1.id)
    expect(comparison.summary).toMatchObject({ bracketsOpened: 0, bracketsResolved: 0, bracketsChanged: 0, paragraphsChanged: 1, paragraphsAdded: 0, paragraphsRemoved: 0, articlesAdded: 0, articlesRemoved: 0 })
    const changed = comparison.units.filter((u) => u.status !== 'same')
    expect(changed.map((u) => u.label)).toEqual(['第四条'])
    const blocks = changed[0].blocks.filter((b) => b.status !== 'same')
    expect(blocks.map((b) => [b.label, b.location])).toEqual([['2.', 'Article 4, paragraph 2']])
    expect(blocks[0].segments).toEqual([
      { kind: 'same', text: '本[议定书][协议]应' },
      { kind: 'removed', text: original },
      { kind: 'added', text: proposed },
      { kind: 'same', text: '对其生效。' },
    ])
  })

  it('converges when a peer edits while offline and a restore happens meanwhile', () => {
    const r1 = saveRevision(store, room, chair, {}).revision
    resolveLinkedSet(room)
    // A peer that got everything so far, then goes offline and edits two paragraphs.
    const peer = new Y.Doc()
    Y.applyUpdate(peer, Y.encodeStateAsUpdate(room.doc))
    editOn(peer, replaceText('无限期有效', '有效期为二十五年'))
    editOn(peer, replaceText('在使用或威胁使用核武器的情况下', '在使用核武器的情况下'))
    restoreRevision(store, room, chair, r1.id)
    // Back online: both sides exchange what the other lacks.
    Y.applyUpdate(room.doc, Y.encodeStateAsUpdate(peer, Y.encodeStateVector(room.doc)))
    Y.applyUpdate(peer, Y.encodeStateAsUpdate(room.doc, Y.encodeStateVector(peer)))
    const onRoom = readTreaty(room.doc)
    const onPeer = readTreaty(peer)
    onRoom.check()
    same(onPeer, onRoom)
    // The restore put the brackets back; the peer's concurrent wording survives where y-prosemirror could merge it.
    expect(compareRevisions(store, room, r1.id, 'current').comparison.summary.bracketsOpened).toBe(0)
    peer.destroy()
  })
})

describe('the initial text', () => {
  it('is kept when the seed checkpoint is compacted away, also for documents created before the store', async () => {
    const storage = new SqliteStorage(':memory:')
    const early = 'd_early'
    await storage.create(early, 'early', seedState(sampleDoc()))
    const store = new RevisionStore(storage.database)
    const late = 'd_late'
    await storage.create(late, 'late', seedState(sampleDoc()))
    for (const id of [early, late]) {
      const room = await openRoom(storage, id)
      editOn(room.doc, replaceText('无限期有效', '有效期为二十五年'))
      await storage.append(room.updates.map((update) => ({ docId: id, update })))
      await storage.compact(id, Y.encodeStateAsUpdate(room.doc))
      // The seed is gone from the storage: what it loads now is the edited text.
      const reloaded = await openRoom(storage, id)
      expect(readTreaty(reloaded.doc).textContent).toContain('有效期为二十五年')
      same(revisionDoc(store, id, 'initial'), sampleDoc())
      same(snapshotDoc(store, reloaded, 'initial'), sampleDoc())
      room.doc.destroy()
      reloaded.doc.destroy()
    }
    // A second store on the same file (another server start, the `accord` command) sees the same revision 0.
    const again = new RevisionStore(storage.database)
    expect(listRevisions(again, early).revisions).toEqual(listRevisions(store, early).revisions)
    storage.database.close()
  })

  it('is missing, with a message that says so, when the seed was compacted before revisions existed', async () => {
    const storage = new SqliteStorage(':memory:')
    await storage.create('d_old', 'old', seedState(sampleDoc()))
    const room = await openRoom(storage, 'd_old')
    editOn(room.doc, replaceText('无限期有效', '有效期为二十五年'))
    await storage.append(room.updates.map((update) => ({ docId: 'd_old', update })))
    await storage.compact('d_old', Y.encodeStateAsUpdate(room.doc))
    const store = new RevisionStore(storage.database)
    expect(listRevisions(store, 'd_old').revisions).toEqual([])
    expect(refusal(() => revisionDoc(store, 'd_old', 'initial'))).toMatchObject({ status: 404, message: expect.stringContaining('initial text of this document was not kept') })
    expect(saveRevision(store, room, chair, {}).revision).toMatchObject({ number: 1, name: 'Rev.1' })
    room.doc.destroy()
    storage.database.close()
  })
})

const columnsOf = (storage: SqliteStorage) => (storage.database.prepare('PRAGMA table_info(revisions)').all() as { name: string }[]).map((c) => c.name)

describe('revisions across re-bases', () => {
  const docId = 'd_epochs'
  let dir: string
  let storage: SqliteStorage
  let store: RevisionStore
  let room: TestRoom

  beforeEach(async () => {
    dir = tempDir('accord-revisions-')
    storage = new SqliteStorage(path.join(dir, DATABASE_FILE))
    store = new RevisionStore(storage.database)
    await storage.create(docId, 'sample', seedState(sampleDoc()))
    room = await openRoom(storage, docId)
  })
  afterEach(async () => {
    room.doc.destroy()
    await storage.close()
    removeDir(dir)
  })

  /** Stores what the room did so far, as its write queue would. */
  const flush = () => storage.append(room.updates.splice(0).map((update) => ({ docId, update, actor: 'p_delegate' })))

  /** Re-bases the idle room (everything stored) and opens it again in the next epoch. */
  const rebase = async () => {
    await flush()
    const epoch = await storage.rebase(docId, () => rebasedState(room.doc))
    expect(epoch).toBe((room.epoch ?? 0) + 1)
    room.doc.destroy()
    room = await openRoom(storage, docId, epoch!)
  }

  it('keeps the epoch each revision was saved in and rebuilds it over that epoch’s history; verify agrees', async () => {
    editOn(room.doc, replaceText('无限期有效', '有效期为二十五年'))
    // Saved while its update is still queued: the ledger's revision entry comes before it.
    const r1 = saveRevision(store, room, chair, {}).revision
    const atR1 = readTreaty(room.doc)
    resolveLinkedSet(room)
    room.transact('facilitator:p_chair', (doc) => doc.getMap('settings').set('openDrafting', true))
    const end0 = readTreaty(room.doc)
    await rebase()
    same(readTreaty(room.doc), end0)
    editOn(room.doc, replaceText('有效期为二十五年', '有效期为三十年'))
    const r2 = saveRevision(store, room, chair, {}).revision
    const atR2 = readTreaty(room.doc)
    editOn(room.doc, replaceText('在使用或威胁使用核武器的情况下', '在使用核武器的情况下'))
    await flush()
    const end1 = readTreaty(room.doc)
    await rebase()
    editOn(room.doc, replaceText('有效期为三十年', '有效期为五十年'))
    await flush()

    expect(storage.database.prepare('SELECT name, epoch FROM revisions WHERE doc = ? ORDER BY number').all(docId)).toEqual([
      { name: 'Initial text', epoch: 0 },
      { name: 'Rev.1', epoch: 0 },
      { name: 'Rev.2', epoch: 1 },
    ])
    const records = (storage.database.prepare("SELECT content FROM ledger WHERE doc = ? AND kind = 'revision' ORDER BY n").all(docId) as { content: Buffer }[]).map((r) => JSON.parse(r.content.toString('utf8')))
    expect(records.map((r) => [r.name, r.epoch])).toEqual([
      ['Rev.1', 0],
      ['Rev.2', 1],
    ])

    const report = await verifyStorage(storage, docId)
    expect(report.problems).toEqual([])
    expect(report).toMatchObject({ ok: true, rebases: 2, revisions: 3, revisionsRebuilt: 3 })

    same(revisionDoc(store, docId, r1.id), atR1)
    same(revisionDoc(store, docId, r2.id), atR2)
    for (const ref of ['initial', r1.id, r2.id]) same(snapshotDoc(store, room, ref), revisionDoc(store, docId, ref))

    // Each epoch's history ends with the text the re-base started the next one from.
    for (const [epoch, text] of [end0, end1, readTreaty(room.doc)].entries()) {
      const history = store.history(docId, epoch)
      try {
        same(readTreaty(history), text)
      } finally {
        history.destroy()
      }
    }
    const last = store.history(docId)
    same(readTreaty(last), readTreaty(room.doc))
    last.destroy()

    // Comparisons and restores read the stored text, and the audit log kept its entries in order.
    const between = compareRevisions(store, room, r1.id, r2.id).comparison.summary
    expect(between).toMatchObject({ bracketsResolved: 19, paragraphsChanged: expect.any(Number) })
    restoreRevision(store, room, chair, r1.id)
    same(readTreaty(room.doc), atR1)
    await flush()
    expect((await verifyStorage(storage, docId)).problems).toEqual([])
  })

  it('finds a revision whose stored epoch was altered', async () => {
    const r1 = saveRevision(store, room, chair, {}).revision
    await rebase()
    editOn(room.doc, replaceText('无限期有效', '有效期为二十五年'))
    const r2 = saveRevision(store, room, chair, {}).revision
    await flush()
    expect((await verifyStorage(storage, docId)).problems).toEqual([])

    storage.database.prepare('UPDATE revisions SET epoch = 0 WHERE id = ?').run(r2.id)
    storage.database.prepare('UPDATE revisions SET epoch = 1 WHERE id = ?').run(r1.id)
    const report = await verifyStorage(storage, docId)
    expect(report.problems).toEqual([
      expect.stringMatching(/^revision Rev\.1: its stored epoch 1 is wrong \(the ledger's entry \d+ \(revision “Rev\.1” by p_chair at .*\) follows 0 re-bases\)$/),
      expect.stringMatching(/^revision Rev\.2: its stored epoch 0 is wrong \(the ledger's entry \d+ \(revision “Rev\.2” by p_chair at .*\) follows 1 re-base\)$/),
    ])
    expect(report).toMatchObject({ ok: false, revisions: 3, revisionsRebuilt: 1 })
  })
})

describe('a revisions table from before re-basing', () => {
  it('gets the epoch column, its revisions in epoch 0, recorded without an epoch in the ledger', async () => {
    const dir = tempDir('accord-revisions-old-')
    const storage = new SqliteStorage(path.join(dir, DATABASE_FILE))
    try {
      await storage.create('d_old', 'old', seedState(sampleDoc()))
      // The table as the server wrote it then, and a revision saved then, with its ledger entry.
      storage.database.exec(`
        CREATE TABLE revisions (
          id TEXT PRIMARY KEY, doc TEXT NOT NULL REFERENCES documents(id), number INTEGER NOT NULL, name TEXT NOT NULL,
          created INTEGER NOT NULL, author TEXT, author_name TEXT, snapshot BLOB NOT NULL, treaty TEXT NOT NULL,
          audit_length INTEGER NOT NULL, UNIQUE (doc, number), UNIQUE (doc, name)
        );
      `)
      const room = await openRoom(storage, 'd_old')
      editOn(room.doc, replaceText('无限期有效', '有效期为二十五年'))
      const old = { id: 'r_old', number: 1, name: 'Rev.1', snapshot: Y.encodeSnapshot(Y.snapshot(room.doc)), treaty: JSON.stringify(toTreatyFile(readTreaty(room.doc))) }
      const created = Date.now()
      storage.database.transaction(() => {
        storage.database
          .prepare("INSERT INTO revisions (id, doc, number, name, created, author, author_name, snapshot, treaty, audit_length) VALUES (?, 'd_old', ?, ?, ?, 'p_chair', 'Chair', ?, ?, 0)")
          .run(old.id, old.number, old.name, created, old.snapshot, old.treaty)
        const record = { id: old.id, number: old.number, name: old.name, treaty: sha256(old.treaty), snapshot: Buffer.from(old.snapshot).toString('base64') }
        new Ledger(storage.database).record([{ doc: 'd_old', actor: 'p_chair', kind: 'revision', name: old.name, content: Buffer.from(JSON.stringify(record)) }], created)
      })()
      await storage.append(room.updates.map((update) => ({ docId: 'd_old', update })))
      expect(columnsOf(storage)).not.toContain('epoch')
      // `accord verify` opens no RevisionStore: it reads such a file as it is.
      expect((await verifyStorage(storage, 'd_old')).problems).toEqual([])

      const store = new RevisionStore(storage.database)
      expect(columnsOf(storage)).toContain('epoch')
      new RevisionStore(storage.database)
      expect(storage.database.prepare("SELECT number, epoch FROM revisions WHERE doc = 'd_old' ORDER BY number").all()).toEqual([
        { number: 1, epoch: 0 },
      ])
      same(snapshotDoc(store, room, old.id), revisionDoc(store, 'd_old', old.id))
      // Revision 0 joins it, and a revision saved now goes on in epoch 0.
      expect(saveRevision(store, room, chair, {}).revision).toMatchObject({ number: 2, name: 'Rev.2' })
      await storage.append(room.updates.splice(0).map((update) => ({ docId: 'd_old', update })))
      expect(await verifyStorage(storage, 'd_old')).toMatchObject({ ok: true, revisions: 3, revisionsRebuilt: 3 })
      room.doc.destroy()
    } finally {
      await storage.close()
      removeDir(dir)
    }
  })
})
