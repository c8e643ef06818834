import { treatySchema } from '@accord/schema'
import * as decoding from 'lib0/decoding'
import { afterEach, describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import { treatyEncoding } from './checkUpdate'
import { CLOSE } from './closeCodes'
import { silentLogger } from './log'
import { decodeAwarenessUpdate, encodeAwareness, encodeAwarenessUpdate, encodeSyncStep1, encodeUpdate } from './protocol'
import type { Connection, Room } from './Room'
import { Rooms } from './Rooms'
import { SqliteStorage } from './SqliteStorage'
import type { AppendedUpdate, CompactedLog, DocumentRecord, Storage, StoredDocument } from './storage'
import { smallTreaty, waitFor } from './testing'
import { seedState } from './treatyDoc'
import { WriteQueue } from './WriteQueue'

/** Storage whose appends and loads can be held back, to observe what waits for what. */
class GatedStorage implements Storage {
  readonly inner = new SqliteStorage(':memory:')
  appendGate: Promise<void> | null = null
  loadGate: Promise<void> | null = null
  failAppends = false
  appends: AppendedUpdate[][] = []
  loads = 0
  compactions = 0

  create(id: string, title: string, state: Uint8Array): Promise<DocumentRecord> {
    return this.inner.create(id, title, state)
  }
  get(id: string) {
    return this.inner.get(id)
  }
  list() {
    return this.inner.list()
  }
  async load(id: string): Promise<StoredDocument | undefined> {
    this.loads++
    if (this.loadGate) await this.loadGate
    return this.inner.load(id)
  }
  async append(batch: readonly AppendedUpdate[]): Promise<void> {
    this.appends.push([...batch])
    if (this.appendGate) await this.appendGate
    if (this.failAppends) throw new Error('disk full')
    return this.inner.append(batch)
  }
  compact(id: string, state: Uint8Array): Promise<CompactedLog> {
    this.compactions++
    return this.inner.compact(id, state)
  }
  rebase(id: string, make: (state: Uint8Array) => Uint8Array | null, actor?: string) {
    return this.inner.rebase(id, make, actor)
  }
  rebasesAfter(id: string, epoch: number) {
    return this.inner.rebasesAfter(id, epoch)
  }
  updateRebase(id: string, epoch: number, states: { previous: Uint8Array; state: Uint8Array }) {
    return this.inner.updateRebase(id, epoch, states)
  }
  setTitle(id: string, title: string) {
    return this.inner.setTitle(id, title)
  }
  getSetting(key: string) {
    return this.inner.getSetting(key)
  }
  setSetting(key: string, value: string) {
    return this.inner.setSetting(key, value)
  }
  close() {
    return this.inner.close()
  }
}

function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void
  const promise = new Promise<void>((resolve) => (open = resolve))
  return { promise, open }
}

class FakeConnection implements Connection {
  sent: Uint8Array[] = []
  closed: { code: number; reason: string } | null = null
  send(message: Uint8Array) {
    if (!this.closed) this.sent.push(message)
  }
  close(code: number, reason: string) {
    this.closed ??= { code, reason }
  }
  /** The Yjs updates this connection was sent (sync step 2 and updates). */
  updates(): Uint8Array[] {
    const out: Uint8Array[] = []
    for (const m of this.sent) {
      const d = decoding.createDecoder(m)
      if (decoding.readVarUint(d) !== 0) continue
      const type = decoding.readVarUint(d)
      if (type === 1 || type === 2) out.push(decoding.readVarUint8Array(d))
    }
    return out
  }
  /** The document this connection would have, built from what it was sent. */
  doc(): Y.Doc {
    const doc = new Y.Doc()
    for (const u of this.updates()) Y.applyUpdate(doc, u)
    return doc
  }
}

const ID = 'room0test000'
let storage: GatedStorage
let rooms: Rooms
let writer: WriteQueue

async function setup(config: Partial<{ compactAfterUpdates: number; roomIdleMs: number; maxDocumentBytes: number }> = {}) {
  storage = new GatedStorage()
  writer = new WriteQueue(storage)
  rooms = new Rooms({
    storage,
    writer,
    encoding: treatyEncoding(treatySchema),
    logger: silentLogger,
    titleOf: () => 'title',
    config: { maxDocumentBytes: 1 << 20, compactAfterUpdates: 1000, compactAfterBytes: 1 << 20, inspectDelayMs: 10, roomIdleMs: 60_000, rebaseAfterStructs: 0, ...config },
  })
  await storage.create(ID, 'Test', seedState(smallTreaty()))
}

afterEach(async () => {
  storage.appendGate = null
  storage.failAppends = false
  await rooms.closeAll()
  await storage.close()
})

/** An update that appends text to the title of a document like the one `conn` was sent. */
function titleEdit(base: Y.Doc, text: string): Uint8Array {
  const before = Y.encodeStateVector(base)
  const treaty = base.getXmlFragment('treaty').get(0) as Y.XmlElement
  const title = treaty.get(0) as Y.XmlElement
  ;(title.get(0) as Y.XmlText).insert(0, text)
  return Y.encodeStateAsUpdate(base, before)
}

async function joined(conn: FakeConnection): Promise<Room> {
  const room = await rooms.attach(ID, conn)
  if (!room) throw new Error('no room')
  room.receive(conn, encodeSyncStep1(Y.encodeStateVector(new Y.Doc())))
  await waitFor(() => conn.updates().length > 0, 'the sync step 2 answer')
  return room
}

/** `n` connections joined to the room, in order. */
async function joinedConnections(n: number): Promise<{ room: Room; conns: FakeConnection[] }> {
  const conns = Array.from({ length: n }, () => new FakeConnection())
  let room: Room | undefined
  for (const conn of conns) room = await joined(conn)
  return { room: room!, conns }
}

describe('Room', () => {
  test('answers sync step 1 with the whole document and sends its own step 1 first', async () => {
    await setup()
    const conn = new FakeConnection()
    await joined(conn)
    expect(conn.sent[0][0]).toBe(0)
    expect(conn.sent[0][1]).toBe(0)
    const text = (conn.doc().getXmlFragment('treaty').get(0) as Y.XmlElement).toString()
    expect(text).toContain('Paragraph of article 2.')
  })

  test('broadcasts an update to the others only once it is durable', async () => {
    await setup()
    const a = new FakeConnection()
    const b = new FakeConnection()
    const room = await joined(a)
    await joined(b)
    const held = gate()
    storage.appendGate = held.promise
    const update = titleEdit(a.doc(), 'Durable ')
    const before = b.sent.length
    room.receive(a, encodeUpdate(update))
    await waitFor(() => storage.appends.length === 1, 'the append to start')
    // A sync answer asked for meanwhile waits as well: nobody sees state that is not on disk.
    const c = new FakeConnection()
    await rooms.attach(ID, c)
    room.receive(c, encodeSyncStep1(Y.encodeStateVector(new Y.Doc())))
    await new Promise((resolve) => setImmediate(resolve))
    expect(b.sent.length).toBe(before)
    expect(c.updates()).toEqual([])
    held.open()
    await waitFor(() => b.sent.length > before, 'the broadcast')
    expect(a.sent.some((m) => m[0] === 0 && m[1] === 2)).toBe(false)
    expect((b.doc().getXmlFragment('treaty').get(0) as Y.XmlElement).toString()).toContain('Durable Test Protocol')
    // c joined while the update was held, so it gets it twice (broadcast and sync answer); Yjs ignores the repeat.
    await waitFor(() => c.updates().length >= 1, 'the held sync answer')
    expect((c.doc().getXmlFragment('treaty').get(0) as Y.XmlElement).toString()).toContain('Durable Test Protocol')
  })

  test('the updates of one batch reach each connection as one message, without its own', async () => {
    await setup()
    const {
      room,
      conns: [a, b, c],
    } = await joinedConnections(3)
    const la = a.doc()
    const lb = b.doc()
    const counts = [a, b, c].map((conn) => conn.sent.length)
    // One turn: a types twice, b once; the write queue commits them together.
    room.receive(a, encodeUpdate(titleEdit(la, 'A1 ')))
    room.receive(b, encodeUpdate(titleEdit(lb, 'B1 ')))
    room.receive(a, encodeUpdate(titleEdit(la, 'A2 ')))
    await writer.flush()
    await waitFor(() => c.sent.length > counts[2], 'the broadcast')
    expect(storage.appends).toHaveLength(1)
    expect([a, b, c].map((conn, i) => conn.sent.length - counts[i])).toEqual([1, 1, 1])
    // Nobody is sent their own edits back.
    const senders = (conn: FakeConnection) => [...Y.parseUpdateMeta(conn.updates().at(-1)!).from.keys()].sort()
    expect(senders(a)).toEqual([lb.clientID])
    expect(senders(b)).toEqual([la.clientID])
    expect(senders(c)).toEqual([la.clientID, lb.clientID].sort())
    const title = (conn: FakeConnection) => (conn.doc().getXmlFragment('treaty').get(0) as Y.XmlElement).toString()
    expect(title(c)).toMatch(/A2 A1 .*Test Protocol/)
    expect(title(c)).toContain('B1 ')
  })

  test('cursor moves made while a batch is written go out with it, one awareness message per connection', async () => {
    await setup()
    const {
      room,
      conns: [a, b, c],
    } = await joinedConnections(3)
    const held = gate()
    storage.appendGate = held.promise
    room.receive(a, encodeUpdate(titleEdit(a.doc(), 'Held ')))
    await waitFor(() => storage.appends.length === 1, 'the append to start')
    const presence = (clientID: number, cursor: number) => encodeAwareness(encodeAwarenessUpdate([{ clientID, clock: cursor, state: { cursor } }]))
    const counts = [a, b, c].map((conn) => conn.sent.length)
    room.receive(a, presence(101, 1))
    room.receive(b, presence(202, 1))
    room.receive(a, presence(101, 2))
    expect(c.sent.length).toBe(counts[2])
    held.open()
    await waitFor(() => c.sent.length >= counts[2] + 2, 'the update and the awareness')
    const awarenessOf = (conn: FakeConnection, from: number) =>
      conn.sent.slice(from).filter((m) => m[0] === 1).map((m) => decodeAwarenessUpdate(decoding.readVarUint8Array(decoding.createDecoder(m.subarray(1)))))
    expect(awarenessOf(c, counts[2]).map((entries) => entries.map((e) => [e.clientID, (e.state as { cursor: number }).cursor]))).toEqual([[[202, 1], [101, 2]]])
    expect(awarenessOf(a, counts[0]).map((entries) => entries.map((e) => e.clientID))).toEqual([[202]])
    expect(awarenessOf(b, counts[1]).map((entries) => entries.map((e) => e.clientID))).toEqual([[101]])
  })

  test('a client with an empty document gets the document as it is now, also after a change', async () => {
    await setup()
    const a = new FakeConnection()
    const room = await joined(a)
    const b = new FakeConnection()
    await joined(b)
    room.receive(a, encodeUpdate(titleEdit(a.doc(), 'Changed ')))
    await writer.flush()
    const c = new FakeConnection()
    await joined(c)
    expect(c.updates()).toHaveLength(1)
    expect((c.doc().getXmlFragment('treaty').get(0) as Y.XmlElement).toString()).toContain('Changed Test Protocol')
  })

  test('a duplicate update is neither stored nor sent again', async () => {
    await setup()
    const a = new FakeConnection()
    const b = new FakeConnection()
    const room = await joined(a)
    await joined(b)
    const update = titleEdit(a.doc(), 'Once ')
    room.receive(a, encodeUpdate(update))
    await waitFor(() => b.updates().length === 2, 'the broadcast')
    room.receive(a, encodeUpdate(update))
    room.receive(b, encodeUpdate(update))
    await writer.flush()
    await new Promise((resolve) => setImmediate(resolve))
    expect(storage.appends.flat()).toHaveLength(1)
    expect(b.updates()).toHaveLength(2)
  })

  test('a malformed message closes its connection only', async () => {
    await setup()
    const a = new FakeConnection()
    const b = new FakeConnection()
    const bad = new FakeConnection()
    const room = await joined(a)
    await joined(b)
    await joined(bad)
    room.receive(bad, new Uint8Array([0, 2, 5, 1, 2]))
    expect(bad.closed?.code).toBe(CLOSE.MALFORMED)
    expect(room.connectionCount).toBe(2)
    room.receive(a, encodeUpdate(titleEdit(a.doc(), 'Still ')))
    await waitFor(() => b.updates().length === 2, 'the broadcast to b')
    expect(a.closed).toBeNull()
  })

  test('a failed write closes the room\'s connections with 1011 and drops the room; reopening reloads from disk', async () => {
    await setup()
    const a = new FakeConnection()
    const b = new FakeConnection()
    const room = await joined(a)
    await joined(b)
    storage.failAppends = true
    room.receive(a, encodeUpdate(titleEdit(a.doc(), 'Lost ')))
    await waitFor(() => a.closed && b.closed, 'both connections to close')
    expect(a.closed!.code).toBe(CLOSE.INTERNAL_ERROR)
    expect(b.updates()).toHaveLength(1)
    expect(rooms.get(ID)).toBeUndefined()
    storage.failAppends = false
    const again = new FakeConnection()
    await joined(again)
    expect((again.doc().getXmlFragment('treaty').get(0) as Y.XmlElement).toString()).not.toContain('Lost')
  })

  test('an update past maxDocumentBytes closes its connection with 4413', async () => {
    await setup({ maxDocumentBytes: 12_000 })
    const a = new FakeConnection()
    const room = await joined(a)
    room.receive(a, encodeUpdate(titleEdit(a.doc(), 'y'.repeat(20_000))))
    expect(a.closed?.code).toBe(CLOSE.DOCUMENT_TOO_LARGE)
    await writer.flush()
    expect(storage.appends).toHaveLength(0)
  })

  test('compaction folds the log into a checkpoint and loading gives the same document', async () => {
    await setup({ compactAfterUpdates: 5 })
    const a = new FakeConnection()
    const room = await joined(a)
    const local = a.doc()
    for (let i = 0; i < 12; i++) {
      room.receive(a, encodeUpdate(titleEdit(local, `${i} `)))
      await writer.flush()
      await new Promise((resolve) => setImmediate(resolve))
    }
    await waitFor(() => storage.compactions >= 2, 'two compactions')
    await writer.flush()
    await room.compact()
    const stored = await storage.inner.load(ID)
    expect(stored!.logCount).toBe(0)
    expect(stored!.updates).toHaveLength(1)
    const reloaded = new Y.Doc()
    Y.applyUpdate(reloaded, stored!.updates[0])
    expect(reloaded.getXmlFragment('treaty').toString()).toBe(room.doc.getXmlFragment('treaty').toString())
    expect(reloaded.getXmlFragment('treaty').toString()).toContain('11 10 9 8')
  })

  test('closing folds every log row, also those appended while a compaction ran', async () => {
    await setup({ compactAfterUpdates: 5 })
    const a = new FakeConnection()
    const room = await joined(a)
    const local = a.doc()
    // Five updates reach the threshold: once durable, a compaction is scheduled (setImmediate).
    for (let i = 0; i < 5; i++) room.receive(a, encodeUpdate(titleEdit(local, `${i} `)))
    const late = titleEdit(local, 'late ')
    // A sixth arrives in the same turn, before that compaction runs (as a socket's next message
    // would): it is in the document, so in the checkpoint, but still queued, so its row is
    // written after the checkpoint and stays in the log.
    await new Promise<void>((resolve) =>
      writer.afterDurable(() => {
        expect(storage.compactions).toBe(0)
        room.receive(a, encodeUpdate(late))
        resolve()
      }),
    )
    await waitFor(() => storage.compactions === 1, 'the compaction')
    await writer.flush()
    expect((await storage.inner.load(ID))!.logCount).toBe(1)
    await rooms.closeAll()
    const stored = await storage.inner.load(ID)
    expect(stored!.logCount).toBe(0)
    expect(stored!.updates).toHaveLength(1)
    const reloaded = new Y.Doc()
    Y.applyUpdate(reloaded, stored!.updates[0])
    expect(reloaded.getXmlFragment('treaty').toString()).toContain('late 4 3 2 1 0 Test Protocol')
  })
})

describe('Rooms', () => {
  test('connections that arrive while a room loads all wait for the one load', async () => {
    await setup()
    const held = gate()
    storage.loadGate = held.promise
    const a = new FakeConnection()
    const b = new FakeConnection()
    const pa = rooms.attach(ID, a)
    const pb = rooms.attach(ID, b)
    await new Promise((resolve) => setImmediate(resolve))
    expect(a.sent).toHaveLength(0)
    held.open()
    const [ra, rb] = await Promise.all([pa, pb])
    expect(ra).toBe(rb)
    expect(storage.loads).toBe(1)
    expect(a.sent).toHaveLength(1)
    expect(b.sent).toHaveLength(1)
  })

  test('an unknown document attaches nothing', async () => {
    await setup()
    expect(await rooms.attach('unknown00000', new FakeConnection())).toBeUndefined()
  })

  test('an idle room is flushed, compacted and released; the next connection loads it again', async () => {
    await setup({ roomIdleMs: 10 })
    const a = new FakeConnection()
    const room = await joined(a)
    room.receive(a, encodeUpdate(titleEdit(a.doc(), 'Idle ')))
    await writer.flush()
    room.disconnect(a)
    await waitFor(() => room.isClosed && !rooms.get(ID), 'the room to be released')
    const stored = await storage.inner.load(ID)
    expect(stored!.logCount).toBe(0)
    const b = new FakeConnection()
    await joined(b)
    expect((b.doc().getXmlFragment('treaty').get(0) as Y.XmlElement).toString()).toContain('Idle Test Protocol')
    expect(storage.loads).toBe(2)
  })
})
