import { treatySchema } from '@accord/schema'
import * as decoding from 'lib0/decoding'
import * as prng from 'lib0/prng'
import { expect, test } from 'vitest'
import { yXmlFragmentToProseMirrorRootNode } from 'y-prosemirror'
import * as Y from 'yjs'
import { encodeSyncStep1, encodeSyncStep2, encodeUpdate } from './protocol'
import type { Connection } from './Room'
import type { Rooms } from './Rooms'
import { smallTreaty, waitFor } from './testing'
import { memoryRooms } from './testRooms'
import { seedState } from './treatyDoc'

/*
 * Several peers in memory around one room, with a seeded random generator: random edits of the
 * treaty, random disconnects and reconnects, messages delivered asynchronously. At the end every
 * peer, the room and a reload from storage hold the same treaty.
 */

const ID = 'peers0000000'

class Peer implements Connection {
  readonly doc = new Y.Doc()
  online = false
  private inbox: Uint8Array[] = []

  constructor(
    readonly name: string,
    private readonly rooms: Rooms,
  ) {
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== this && this.online) this.toServer(encodeUpdate(update))
    })
  }

  async connect(): Promise<void> {
    this.online = true
    await this.rooms.attach(ID, this)
    this.toServer(encodeSyncStep1(Y.encodeStateVector(this.doc)))
  }

  disconnect(): void {
    this.online = false
    this.rooms.get(ID)?.disconnect(this)
  }

  private toServer(message: Uint8Array): void {
    // Asynchronous, like a network: the room never runs inside a peer's transaction.
    setImmediate(() => {
      if (this.online) this.rooms.get(ID)?.receive(this, message)
    })
  }

  // Connection: what the room sends this peer.
  send(message: Uint8Array): void {
    this.inbox.push(message)
    setImmediate(() => this.deliver())
  }

  close(code: number, reason: string): void {
    throw new Error(`${this.name} was closed (${code} ${reason}); no peer here sends anything bad`)
  }

  private deliver(): void {
    for (const message of this.inbox.splice(0)) {
      if (!this.online) continue
      const d = decoding.createDecoder(message)
      if (decoding.readVarUint(d) !== 0) continue
      const type = decoding.readVarUint(d)
      const payload = decoding.readVarUint8Array(d)
      if (type === 0) this.toServer(encodeSyncStep2(Y.encodeStateAsUpdate(this.doc, payload)))
      else Y.applyUpdate(this.doc, payload, this)
    }
  }

  treaty(): Y.XmlElement | undefined {
    return this.doc.getXmlFragment('treaty').get(0) as Y.XmlElement | undefined
  }
}

function texts(el: Y.XmlElement): Y.XmlText[] {
  const out: Y.XmlText[] = []
  for (const child of el.toArray()) {
    if (child instanceof Y.XmlText) out.push(child)
    else if (child instanceof Y.XmlElement) out.push(...texts(child))
  }
  return out
}

function randomEdit(gen: prng.PRNG, peer: Peer): void {
  const treaty = peer.treaty()
  if (!treaty) return
  const all = texts(treaty)
  const choice = prng.uint32(gen, 0, 9)
  if (choice <= 5 && all.length) {
    const text = prng.oneOf(gen, all)
    text.insert(prng.uint32(gen, 0, text.length), prng.word(gen, 1, 6))
  } else if (choice <= 7 && all.length) {
    const text = prng.oneOf(gen, all)
    if (text.length > 0) {
      const at = prng.uint32(gen, 0, text.length - 1)
      text.delete(at, prng.uint32(gen, 1, Math.min(4, text.length - at)))
    }
  } else if (choice === 8) {
    peer.doc.transact(() => {
      const article = new Y.XmlElement('article')
      const paragraph = new Y.XmlElement('paragraph')
      const text = new Y.XmlText()
      text.insert(0, `${peer.name} wrote this.`)
      paragraph.insert(0, [text])
      article.insert(0, [paragraph])
      treaty.insert(prng.uint32(gen, 1, treaty.length), [article])
    })
  } else if (treaty.length > 2) {
    // Deleting an article: concurrent deletes and inserts inside it must merge too.
    treaty.delete(prng.uint32(gen, 1, treaty.length - 1), 1)
  }
}

test.each([1, 2, 3])('random edits and disconnects from 4 peers converge (seed %i)', async (seed) => {
  const { storage, writer, rooms, close } = memoryRooms({ maxDocumentBytes: 1 << 24, compactAfterUpdates: 40, compactAfterBytes: 1 << 20, inspectDelayMs: 5 })
  await storage.create(ID, '', seedState(smallTreaty('Random', 3)))
  const gen = prng.create(seed)
  const peers = ['A', 'B', 'C', 'D'].map((name) => new Peer(name, rooms))
  for (const p of peers) await p.connect()
  await waitFor(() => peers.every((p) => p.treaty()), 'every peer to receive the treaty')

  for (let step = 0; step < 300; step++) {
    const peer = prng.oneOf(gen, peers)
    const roll = prng.uint32(gen, 0, 19)
    if (roll === 0 && peer.online) peer.disconnect()
    else if (roll === 1 && !peer.online) await peer.connect()
    else randomEdit(gen, peer)
    if (step % 7 === 0) await new Promise((resolve) => setImmediate(resolve))
  }
  for (const p of peers) if (!p.online) await p.connect()

  const room = rooms.get(ID)!
  const json = (doc: Y.Doc) => JSON.stringify(doc.getXmlFragment('treaty').toJSON())
  await waitFor(() => peers.every((p) => json(p.doc) === json(room.doc)), 'every peer to converge with the room')
  // What every peer shows is one treaty, and storage reloads to the same.
  const pm = yXmlFragmentToProseMirrorRootNode(peers[0].doc.getXmlFragment('treaty'), treatySchema)
  pm.check()
  await writer.flush()
  const stored = (await storage.load(ID))!
  const reloaded = new Y.Doc()
  for (const u of stored.updates) Y.applyUpdate(reloaded, u)
  expect(json(reloaded)).toBe(json(room.doc))

  for (const p of peers) p.disconnect()
  await close()
})
