import { treatySchema } from '@accord/schema'
import { importText } from '@accord/treaty-io'
import { sampleTreatyText } from '@accord/treaty-io/sample'
import type { Node as PMNode } from 'prosemirror-model'
import { EditorState, type Transaction } from 'prosemirror-state'
import { initProseMirrorDoc, updateYFragment } from 'y-prosemirror'
import * as Y from 'yjs'
import type { RoomLike } from './audit'
import { treatyEncoding } from './checkUpdate'
import { silentLogger } from './log'
import { rebaseDoc } from './rebase'
import { Rooms, type RoomsOptions } from './Rooms'
import { SqliteStorage } from './SqliteStorage'
import { WriteQueue } from './WriteQueue'
import { newServerYDoc, readTreaty, seedState } from './treatyDoc'

/*
 * Rooms without a server, for the tests of the server's actions on a document (brackets,
 * amendments): a server Y.Doc (garbage-collected, as a room's) seeded with a treaty, the
 * updates it emits, and peers kept in sync with it both ways, editing through y-prosemirror as
 * an editor would; and real `Rooms` over an in-memory SQLite store, for tests that need one.
 */

export const PEER = Symbol('peer')
export const FROM_ROOM = Symbol('from room')

export interface TestRoom extends RoomLike {
  updates: Uint8Array[]
  read(): PMNode
}

export function roomWith(doc: PMNode): TestRoom {
  const ydoc = newServerYDoc()
  Y.applyUpdate(ydoc, seedState(doc))
  const updates: Uint8Array[] = []
  ydoc.on('update', (u: Uint8Array) => updates.push(u))
  return {
    doc: ydoc,
    updates,
    transact: (actor, change) => ydoc.transact(() => change(ydoc), `server:${actor}`),
    read: () => readTreaty(ydoc),
  }
}

export const sampleDoc = () => importText(sampleTreatyText()).doc

/** Real rooms over an in-memory SQLite store and its write queue; `close` closes both. */
export function memoryRooms(config: Partial<RoomsOptions['config']> = {}): { storage: SqliteStorage; writer: WriteQueue; rooms: Rooms; close(): Promise<void> } {
  const storage = new SqliteStorage(':memory:')
  const writer = new WriteQueue(storage)
  const rooms = new Rooms({
    storage,
    writer,
    encoding: treatyEncoding(treatySchema),
    logger: silentLogger,
    titleOf: () => 'title',
    config: { maxDocumentBytes: 1 << 22, compactAfterUpdates: 1000, compactAfterBytes: 1 << 22, inspectDelayMs: 10, roomIdleMs: 60_000, rebaseAfterStructs: 0, ...config } as RoomsOptions['config'],
  })
  return {
    storage,
    writer,
    rooms,
    close: async () => {
      await rooms.closeAll()
      await storage.close()
    },
  }
}

/** A second peer kept in sync with the room both ways, as a websocket client would be. */
export function peerOf(room: RoomLike): Y.Doc {
  const peer = new Y.Doc()
  Y.applyUpdate(peer, Y.encodeStateAsUpdate(room.doc), FROM_ROOM)
  room.doc.on('update', (u: Uint8Array, origin: unknown) => origin !== PEER && Y.applyUpdate(peer, u, FROM_ROOM))
  peer.on('update', (u: Uint8Array, origin: unknown) => origin !== FROM_ROOM && Y.applyUpdate(room.doc, u, PEER))
  return peer
}

/** An edit on a peer through y-prosemirror, as its editor's ySyncPlugin would write it. */
export function editOn(peer: Y.Doc, edit: (state: EditorState) => Transaction): void {
  const fragment = peer.getXmlFragment('treaty')
  const { doc, meta } = initProseMirrorDoc(fragment, treatySchema)
  const tr = edit(EditorState.create({ schema: treatySchema, doc }))
  peer.transact(() => updateYFragment(peer, fragment, tr.doc, meta), 'peer-edit')
}

export function peerDoc(peer: Y.Doc): PMNode {
  return initProseMirrorDoc(peer.getXmlFragment('treaty'), treatySchema).doc
}

/** Position of the first textblock whose text starts with `prefix`. */
export function blockStarting(doc: PMNode, prefix: string): { pos: number; node: PMNode } {
  let found: { pos: number; node: PMNode } | undefined
  doc.descendants((node, pos) => {
    if (found) return false
    if (node.isTextblock && node.textContent.startsWith(prefix)) found = { pos, node }
    return !node.isTextblock
  })
  if (!found) throw new Error(`no block starts with ${prefix}`)
  return found
}

/**
 * The state a re-base of `doc` stores (rebase.ts rebaseDoc); `alter` changes the re-based doc
 * before it is encoded, for tests of a re-base that does not read as the history it follows.
 */
export function rebasedState(doc: Y.Doc, alter?: (rebased: Y.Doc) => void): Uint8Array {
  const { doc: rebased } = rebaseDoc(doc)
  try {
    if (alter) rebased.transact(() => alter(rebased), 'tamper')
    return Y.encodeStateAsUpdate(rebased)
  } finally {
    rebased.destroy()
  }
}
