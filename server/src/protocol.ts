import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as Y from 'yjs'

/*
 * The y-websocket wire protocol: a message is a varUint message type followed by its payload
 * (y-protocols' sync and awareness encodings). This module only encodes and decodes; it holds
 * no socket and no document, and a message does not include the room name (the URL does).
 *
 *   sync        0, then a sync type (0 step 1 · 1 step 2 · 2 update) and a varUint8Array
 *   awareness   1, then a varUint8Array awareness update
 *   auth        2 (server → client only: permission denied)
 *   query       3, a request for every awareness state
 */

export const MESSAGE_SYNC = 0
export const MESSAGE_AWARENESS = 1
export const MESSAGE_AUTH = 2
export const MESSAGE_QUERY_AWARENESS = 3

export const SYNC_STEP_1 = 0
export const SYNC_STEP_2 = 1
export const SYNC_UPDATE = 2

/** A message a client may send. Sync step 2 and update both carry a Yjs update and are treated alike. */
export type ClientMessage =
  | { type: 'sync-step-1'; stateVector: Uint8Array }
  | { type: 'sync-step-2'; update: Uint8Array }
  | { type: 'update'; update: Uint8Array }
  | { type: 'awareness'; update: Uint8Array }
  | { type: 'query-awareness' }

/** A message that does not follow the protocol. The message says what was wrong, for the close reason. */
export class ProtocolError extends Error {
  override name = 'ProtocolError'
}

function fail(what: string, error?: unknown): never {
  const detail = error instanceof Error ? `: ${error.message}` : ''
  throw new ProtocolError(`${what}${detail}`)
}

/**
 * Decodes one client message. Strict: a truncated payload, an unknown type or trailing bytes
 * throw ProtocolError. The Yjs update inside a sync message is not decoded here (see
 * checkUpdate); a state vector is, because answering it with a bad one would throw later.
 */
export function decodeMessage(data: Uint8Array): ClientMessage {
  if (data.length === 0) fail('empty message')
  const decoder = decoding.createDecoder(data)
  let message: ClientMessage
  try {
    const type = decoding.readVarUint(decoder)
    if (type === MESSAGE_SYNC) {
      const syncType = decoding.readVarUint(decoder)
      const payload = decoding.readVarUint8Array(decoder)
      if (syncType === SYNC_STEP_1) message = { type: 'sync-step-1', stateVector: payload }
      else if (syncType === SYNC_STEP_2) message = { type: 'sync-step-2', update: payload }
      else if (syncType === SYNC_UPDATE) message = { type: 'update', update: payload }
      else fail(`unknown sync message type ${syncType}`)
    } else if (type === MESSAGE_AWARENESS) {
      message = { type: 'awareness', update: decoding.readVarUint8Array(decoder) }
    } else if (type === MESSAGE_QUERY_AWARENESS) {
      message = { type: 'query-awareness' }
    } else if (type === MESSAGE_AUTH) {
      fail('auth messages are sent by the server, not by clients')
    } else {
      fail(`unknown message type ${type}`)
    }
  } catch (error) {
    if (error instanceof ProtocolError) throw error
    fail('truncated or malformed message', error)
  }
  if (decoding.hasContent(decoder)) fail(`${decoder.arr.length - decoder.pos} unexpected bytes after the ${message.type} message`)
  if (message.type === 'sync-step-1') {
    try {
      Y.decodeStateVector(message.stateVector)
    } catch (error) {
      fail('malformed state vector in sync step 1', error)
    }
  }
  return message
}

function syncMessage(syncType: number, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MESSAGE_SYNC)
  encoding.writeVarUint(encoder, syncType)
  encoding.writeVarUint8Array(encoder, payload)
  return encoding.toUint8Array(encoder)
}

/** Sync step 1: "here is my state vector, send me what I lack". */
export const encodeSyncStep1 = (stateVector: Uint8Array): Uint8Array => syncMessage(SYNC_STEP_1, stateVector)
/** Sync step 2: the answer to a step 1, an update holding what the other side lacks. */
export const encodeSyncStep2 = (update: Uint8Array): Uint8Array => syncMessage(SYNC_STEP_2, update)
/** An incremental document update. */
export const encodeUpdate = (update: Uint8Array): Uint8Array => syncMessage(SYNC_UPDATE, update)

export function encodeAwareness(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MESSAGE_AWARENESS)
  encoding.writeVarUint8Array(encoder, update)
  return encoding.toUint8Array(encoder)
}

/**
 * y-protocols' auth message "permission denied" (type 2, then 0, then the reason): how the
 * server tells a client that it dropped a write the client may not make. y-websocket hands
 * the reason to its permission-denied handler; the connection stays open for reading.
 */
export function encodePermissionDenied(reason: string): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MESSAGE_AUTH)
  encoding.writeVarUint(encoder, 0)
  encoding.writeVarString(encoder, reason)
  return encoding.toUint8Array(encoder)
}

export function encodeQueryAwareness(): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MESSAGE_QUERY_AWARENESS)
  return encoding.toUint8Array(encoder)
}

/** One client's entry in an awareness update; `state` null means the client left. */
export interface AwarenessEntry {
  clientID: number
  clock: number
  state: unknown
}

/** Longest awareness state (JSON characters) a client may send. */
export const MAX_AWARENESS_STATE_CHARS = 64 * 1024
/** Deepest nesting of arrays and objects in an awareness state. */
export const MAX_AWARENESS_DEPTH = 32

/** Nesting depth of a parsed JSON value (iterative: the value may be deeper than the stack). */
function jsonDepth(value: unknown): number {
  let deepest = 0
  const stack: [unknown, number][] = [[value, 0]]
  while (stack.length) {
    const [v, depth] = stack.pop()!
    if (typeof v !== 'object' || v === null) continue
    if (depth + 1 > deepest) deepest = depth + 1
    if (deepest > MAX_AWARENESS_DEPTH) return deepest
    for (const child of Object.values(v)) stack.push([child, depth + 1])
  }
  return deepest
}

/** Decodes an awareness update completely (JSON included), so that a bad one is refused before any of it applies. */
export function decodeAwarenessUpdate(update: Uint8Array): AwarenessEntry[] {
  const decoder = decoding.createDecoder(update)
  const entries: AwarenessEntry[] = []
  try {
    const count = decoding.readVarUint(decoder)
    for (let i = 0; i < count; i++) {
      const clientID = decoding.readVarUint(decoder)
      const clock = decoding.readVarUint(decoder)
      const json = decoding.readVarString(decoder)
      // A presence is a name and a cursor (well under 1 KiB); the server keeps every state and
      // sends it to everyone in the room, on every change and every query, so a huge one is refused.
      if (json.length > MAX_AWARENESS_STATE_CHARS) fail(`awareness state of client ${clientID} is ${json.length} characters; at most ${MAX_AWARENESS_STATE_CHARS} are accepted`)
      let state: unknown
      try {
        state = JSON.parse(json)
      } catch {
        fail(`awareness state of client ${clientID} is not JSON`)
      }
      // JSON.parse takes any depth, but re-encoding the state for the others (JSON.stringify)
      // recurses and would overflow the stack: refuse it here, as this client's error.
      if (jsonDepth(state) > MAX_AWARENESS_DEPTH) fail(`awareness state of client ${clientID} nests deeper than ${MAX_AWARENESS_DEPTH} levels`)
      entries.push({ clientID, clock, state })
    }
  } catch (error) {
    if (error instanceof ProtocolError) throw error
    fail('truncated or malformed awareness update', error)
  }
  if (decoding.hasContent(decoder)) fail('unexpected bytes after the awareness update')
  return entries
}

/** One entry of an awareness update (client id, clock, state as JSON), encoded once and sent to many in encodeAwarenessEntries. */
export function encodeAwarenessEntry(clientID: number, clock: number, state: unknown): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, clientID)
  encoding.writeVarUint(encoder, clock)
  encoding.writeVarString(encoder, JSON.stringify(state))
  return encoding.toUint8Array(encoder)
}

/** An awareness update made of entries from encodeAwarenessEntry (y-protocols' encoding: count, then the entries). */
export function encodeAwarenessEntries(entries: readonly Uint8Array[]): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, entries.length)
  for (const entry of entries) encoding.writeUint8Array(encoder, entry)
  return encoding.toUint8Array(encoder)
}

export function encodeAwarenessUpdate(entries: readonly AwarenessEntry[]): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, entries.length)
  for (const entry of entries) {
    encoding.writeVarUint(encoder, entry.clientID)
    encoding.writeVarUint(encoder, entry.clock)
    encoding.writeVarString(encoder, JSON.stringify(entry.state))
  }
  return encoding.toUint8Array(encoder)
}
