import type { Node as PMNode } from 'prosemirror-model'
import { equalityDeep } from 'lib0/function'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as Y from 'yjs'
import { inspectUpdate, structureChange, type DecodedUpdate, type TreatyEncoding } from './checkUpdate'
import { CLOSE } from './closeCodes'
import type { Logger } from './log'
import {
  decodeAwarenessUpdate,
  decodeMessage,
  encodeAwareness,
  encodeAwarenessEntry,
  encodeAwarenessEntries,
  encodePermissionDenied,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeUpdate,
  ProtocolError,
  type AwarenessEntry,
} from './protocol'
import type { DocumentRole } from './participants'
import type { Storage, StoredDocument } from './storage'
import { newServerYDoc, readTreaty, TREATY_FRAGMENT } from './treatyDoc'
import { mirroredTreaty } from './treatyMirror'
import type { WriteQueue } from './WriteQueue'

/** Who is behind a connection, from the server's participant record (never from the client). */
export interface Identity {
  participant: string
  name: string
  /** The role in this document (a secretariat officer is a facilitator here). */
  role: DocumentRole
  /** ISO 3166 code of a delegation's State. */
  state: string | null
  stateName: string | null
  /** #rrggbb, derived from the participant (or the State, so one delegation keeps one colour). */
  color: string
}

/** What a room needs from a client connection; the transport adapts a websocket to it, tests use a plain object. */
export interface Connection {
  send(message: Uint8Array): void
  close(code: number, reason: string): void
  /** The authenticated participant. Absent only for trusted in-process connections (tests, tools): full rights. */
  readonly identity?: Identity
}

/** The Y.Map of document settings; only the server writes it (see checkUpdate: clients write only the treaty). */
export const SETTINGS_MAP = 'settings'

export interface RoomOptions {
  storage: Storage
  writer: WriteQueue
  encoding: TreatyEncoding
  logger: Logger
  maxDocumentBytes: number
  compactAfterUpdates: number
  compactAfterBytes: number
  inspectDelayMs: number
  /** The treaty's title, for the document list (treaty-io's documentTitle). */
  titleOf: (doc: PMNode) => string
  /** Called when the last connection left (the registry starts its idle timer). */
  onEmpty?: (room: Room) => void
  /** Called when the room gave up (a failed write): it is closed and must be dropped. */
  onFailed?: (room: Room) => void
}

interface ConnectionState {
  /** Awareness client ids this connection introduced; only it may change them, and they leave with it. */
  awarenessIds: Set<number>
  /** Refused writes, and when the last one was logged (the log says it once per burst, not per keystroke). */
  refused: number
  lastRefusalLog: number
}

/**
 * What a room sends once one write-queue batch is durable, gathered so that each connection gets
 * at most one document message and one awareness message per batch, however many updates and
 * cursor moves the batch holds (200 delegates typing: one send per connection per commit, not
 * one per keystroke).
 */
interface Outbox {
  /** The write-queue batch it waits for (WriteQueue.durableBatch). */
  batch: object | null
  updates: Uint8Array[]
  /** Who sent each update (null: the server), so that nobody is sent their own change back. */
  senders: (Connection | null)[]
  /** Awareness entries (encodeAwarenessEntry) by client id, the latest of each, with the connection they came from. */
  awareness: Map<number, { entry: Uint8Array; sender: Connection | null }>
}

/** Up to this many connections sending updates in one batch, each gets the others' merged into one message (see Room.send). */
const MERGE_PER_SENDER_UP_TO = 4

/** Awareness ids one connection may own: a browser tab has one; the bound stops a client from flooding presence. */
const MAX_AWARENESS_IDS = 8

/**
 * One document while anyone has it open: its Y.Doc, its awareness, its connections.
 *
 * Every change to the document, a client's update or a server mutation, passes through the
 * doc's 'update' event, where it is appended to the write queue; whatever a client is sent
 * afterwards (the broadcast of that update, a sync answer, awareness) waits until the queue
 * says it is durable. An update is checked before it is applied (size, decoding, treaty
 * encoding); a bad one closes only the connection that sent it and is neither stored nor sent.
 */
export class Room {
  readonly doc: Y.Doc
  /** The document's epoch (rebase.ts): how many times it was re-based. A client of another epoch must not sync with it. */
  readonly epoch: number
  readonly awareness: awarenessProtocol.Awareness
  private readonly connections = new Map<Connection, ConnectionState>()
  private readonly awarenessOwners = new Map<number, Connection>()
  private readonly options: RoomOptions
  /** Bytes of stored state: checkpoint plus log. Exact after a compaction, an upper bound between. */
  private bytes: number
  private logCount: number
  private logBytes: number
  private title: string
  private lastProblem: string | null = null
  private inspectTimer: NodeJS.Timeout | null = null
  private firstUninspected = 0
  private lastChange = 0
  private compaction: Promise<void> | null = null
  private compactScheduled = false
  private closed = false
  private closing: Promise<void> | null = null
  /** The sends waiting for the batch being gathered now (older outboxes wait for their own batches). */
  private outbox: Outbox | null = null
  /** Sync step 1 (the state vector) and the sync step 2 a client with an empty document gets: both valid until the document changes. */
  private stepOne: Uint8Array | null = null
  private freshAnswer: Uint8Array | null = null

  constructor(
    readonly id: string,
    stored: StoredDocument,
    options: RoomOptions,
  ) {
    this.options = options
    this.doc = newServerYDoc()
    this.doc.getXmlFragment(TREATY_FRAGMENT)
    this.doc.transact(() => {
      for (const update of stored.updates) Y.applyUpdate(this.doc, update)
    }, 'load')
    this.bytes = stored.bytes
    this.logCount = stored.logCount
    this.logBytes = stored.logBytes
    this.title = stored.record.title
    this.epoch = stored.record.epoch ?? 0
    // Listen only after loading: stored updates are not appended again.
    this.doc.on('update', this.onDocUpdate)
    this.awareness = new awarenessProtocol.Awareness(this.doc)
    this.awareness.setLocalState(null)
    this.awareness.on('update', this.onAwarenessUpdate)
    if (this.needsCompaction()) this.scheduleCompaction()
  }

  get connectionCount(): number {
    return this.connections.size
  }

  /** Closed, or closing: no connection may join it any more (the registry loads the document again). */
  get isClosed(): boolean {
    return this.closed || this.closing !== null
  }

  /** Stored size in bytes (see `bytes`). */
  get size(): number {
    return this.bytes
  }

  /** Adds a connection and opens the sync: the server's state vector, then (once durable) who is here. */
  connect(conn: Connection): void {
    if (this.isClosed) throw new Error(`room ${this.id} is closed; open it again`)
    this.connections.set(conn, { awarenessIds: new Set(), refused: 0, lastRefusalLog: 0 })
    conn.send((this.stepOne ??= encodeSyncStep1(Y.encodeStateVector(this.doc))))
    this.options.writer.afterDurable(() => {
      if (!this.connections.has(conn) || this.awareness.getStates().size === 0) return
      conn.send(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...this.awareness.getStates().keys()])))
    })
  }

  /** Handles one message from a connection. Never throws: a bad message closes its own connection. */
  receive(conn: Connection, data: Uint8Array): void {
    if (this.closed || !this.connections.has(conn)) return
    let message: ReturnType<typeof decodeMessage>
    try {
      message = decodeMessage(data)
    } catch (error) {
      if (error instanceof ProtocolError) return this.reject(conn, CLOSE.MALFORMED, error.message)
      throw error
    }
    switch (message.type) {
      case 'sync-step-1': {
        // The answer is the state now, sent once all of it is durable (what arrives later reaches
        // this connection as broadcasts). Made now, not when sent: with the fsync off the event
        // loop, updates of the next batch are applied meanwhile and must not slip into it early.
        // A client that holds nothing yet (every delegate opening the document at 10:00) gets the
        // whole state, encoded once for all of them while the document does not change.
        const { stateVector } = message
        const answer =
          stateVector.length === 1 && stateVector[0] === 0
            ? (this.freshAnswer ??= encodeSyncStep2(Y.encodeStateAsUpdate(this.doc)))
            : encodeSyncStep2(Y.encodeStateAsUpdate(this.doc, stateVector))
        this.options.writer.afterDurable((error) => {
          if (!error && this.connections.has(conn)) conn.send(answer)
        })
        return
      }
      case 'sync-step-2':
      case 'update':
        return this.applyClientUpdate(conn, message.update)
      case 'awareness':
        return this.applyAwareness(conn, message.update)
      case 'query-awareness':
        this.options.writer.afterDurable(() => {
          if (!this.connections.has(conn)) return
          conn.send(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...this.awareness.getStates().keys()])))
        })
        return
    }
  }

  /** Whether delegations may edit the text directly (a facilitator's switch, in the settings map). */
  get openDrafting(): boolean {
    return this.doc.getMap(SETTINGS_MAP).get('openDrafting') === true
  }

  /** The identities connected now (one per connection). */
  identities(): Identity[] {
    const out: Identity[] = []
    for (const conn of this.connections.keys()) if (conn.identity) out.push(conn.identity)
    return out
  }

  /** Closes every connection of one participant (revoked): returns how many were closed. */
  disconnectParticipant(participant: string, code: number, reason: string): number {
    let n = 0
    for (const conn of [...this.connections.keys()]) {
      if (conn.identity?.participant !== participant) continue
      this.options.logger.info('closing a connection', { doc: this.id, participant, code, reason })
      this.disconnect(conn)
      conn.close(code, reason)
      n++
    }
    return n
  }

  /** Removes a connection (its socket closed); its presence leaves with it. */
  disconnect(conn: Connection): void {
    const state = this.connections.get(conn)
    if (!state) return
    this.connections.delete(conn)
    const ids = [...state.awarenessIds].filter((id) => this.awarenessOwners.get(id) === conn)
    for (const id of ids) this.awarenessOwners.delete(id)
    if (ids.length) awarenessProtocol.removeAwarenessStates(this.awareness, ids, null)
    if (this.connections.size === 0 && !this.closed) this.options.onEmpty?.(this)
  }

  /**
   * The one place where the server changes a shared document: `actor` says who (a facilitator
   * action, a migration) and becomes the transaction origin, so the change is logged, stored
   * and broadcast like a client's.
   */
  transact(actor: string, change: (doc: Y.Doc) => void): void {
    if (this.closed) throw new Error(`room ${this.id} is closed`)
    const before = this.logCount
    this.doc.transact(() => change(this.doc), `server:${actor}`)
    // Logged only when it changed something (an action refused half-way through changes nothing).
    if (this.logCount !== before) this.options.logger.info('server change', { doc: this.id, actor })
  }

  /**
   * The treaty from the room's mirror (treatyMirror.ts: read again only where it changed) when
   * the mirror can answer and the treaty fits the schema as it is; null otherwise (read() then
   * says what is wrong, or repairs what createAndFill can).
   */
  private checkedMirror(): PMNode | null {
    const doc = mirroredTreaty(this.doc)?.doc
    if (!doc) return null
    try {
      doc.check()
      return doc
    } catch {
      return null
    }
  }

  /** Reads the treaty now (a copy; see readTreaty). Throws DocumentError when it no longer fits the schema. */
  read(): PMNode {
    return readTreaty(this.doc)
  }

  /**
   * Re-reads the document as a treaty: refreshes the stored title and reports, once per
   * distinct problem, content that no longer fits the schema (y-prosemirror drops such content
   * in every editor; the log line says where it came from).
   */
  async inspect(): Promise<void> {
    if (this.inspectTimer) clearTimeout(this.inspectTimer)
    this.inspectTimer = null
    if (this.closed) return
    let title = this.title
    try {
      const doc = this.checkedMirror() ?? this.read()
      title = this.options.titleOf(doc)
      this.lastProblem = null
    } catch (error) {
      const problem = (error as Error).message
      if (problem !== this.lastProblem) this.options.logger.warn('document does not fit the schema', { doc: this.id, problem })
      this.lastProblem = problem
    }
    if (title !== this.title) {
      this.title = title
      await this.options.storage.setTitle(this.id, title)
    }
  }

  /** Folds the log into one checkpoint so the next load replays one update. Concurrent calls share one run. */
  compact(): Promise<void> {
    if (!this.compaction) {
      this.compaction = this.runCompaction().finally(() => {
        this.compaction = null
      })
    }
    return this.compaction
  }

  private async runCompaction(): Promise<void> {
    // No flush needed first: the checkpoint is the whole document, a superset of the log it
    // replaces; updates still queued are appended after it and replay harmlessly. But they are
    // still log entries: only what the storage says it dropped leaves the counts, so the queued
    // ones are folded by a later compaction (close's at the latest) instead of being forgotten.
    if (this.logCount === 0 || this.closed) return
    const state = Y.encodeStateAsUpdate(this.doc)
    // The state holds every update appended so far: the storage contract for compact.
    const folded = await this.options.storage.compact(this.id, state)
    this.logCount = Math.max(0, this.logCount - folded.count)
    this.logBytes = Math.max(0, this.logBytes - folded.bytes)
    this.bytes = state.length + this.logBytes
    this.options.logger.debug('compacted', { doc: this.id, bytes: state.length })
  }

  /**
   * Closes the room: connections are closed with `code` (none are left when the room was idle),
   * pending writes are flushed, the log compacted, the title refreshed, the document released.
   */
  close(code: number = CLOSE.GOING_AWAY, reason = 'the server is shutting down'): Promise<void> {
    if (this.closed) return Promise.resolve()
    return (this.closing ??= this.runClose(code, reason))
  }

  private async runClose(code: number, reason: string): Promise<void> {
    for (const conn of [...this.connections.keys()]) {
      this.connections.delete(conn)
      conn.close(code, reason)
    }
    await this.options.writer.flush()
    await this.inspect()
    await this.compact()
    // Updates appended while a compaction ran (a server change; one already in flight that this
    // call joined) are written, then folded by one more pass.
    if (this.logCount > 0) {
      await this.options.writer.flush()
      await this.compact()
    }
    this.release()
  }

  private release(): void {
    this.closed = true
    if (this.inspectTimer) clearTimeout(this.inspectTimer)
    this.inspectTimer = null
    this.doc.off('update', this.onDocUpdate)
    this.awareness.off('update', this.onAwarenessUpdate)
    this.awareness.destroy()
    this.doc.destroy()
  }

  /** A write failed: memory is ahead of the disk. Drop everything; clients reconnect and resend what they have. */
  private fail(error: Error): void {
    if (this.closed) return
    this.options.logger.error('could not save changes; closing the room', { doc: this.id, error })
    for (const conn of [...this.connections.keys()]) {
      this.connections.delete(conn)
      conn.close(CLOSE.INTERNAL_ERROR, 'the server could not save changes; reconnecting will resend them')
    }
    this.release()
    this.options.onFailed?.(this)
  }

  private reject(conn: Connection, code: number, reason: string): void {
    this.options.logger.warn('closing a connection', { doc: this.id, code, reason })
    this.disconnect(conn)
    conn.close(code, reason)
  }

  /**
   * Why this connection may not make this (well-formed) change, or null when it may. `quiet`:
   * nothing to refuse (an empty sync step 2, which every client sends on connecting). `decoded`
   * is null when the update was not decoded (a large write from someone who may not write).
   */
  private refusal(conn: Connection, decoded: DecodedUpdate | null): string | 'quiet' | null {
    return this.refusalFor(conn.identity, decoded, this.doc)
  }

  /**
   * Why `identity` may not make this change to `against` (this room's document, or the final
   * state of an earlier epoch for edits carried across a re-base), or null when it may.
   */
  refusalFor(identity: Identity | undefined, decoded: DecodedUpdate | null, against: Y.Doc): string | 'quiet' | null {
    if (!identity || identity.role === 'facilitator') return null
    if (decoded && decoded.structs.length === 0 && decoded.ds.clients.size === 0) return 'quiet'
    if (identity.role === 'observer') return 'observers read the text; they cannot change it. Your change was not saved.'
    if (!this.openDrafting) {
      return 'the text is not open for drafting: delegations propose amendments, or a facilitator opens drafting. Your change was not saved.'
    }
    const change = decoded ? structureChange(decoded, against) : 'was not read'
    if (change) return `only facilitators create, resolve or change brackets and options; this change ${change}. It was not saved.`
    return null
  }

  /**
   * Applies a change made on a participant's behalf: edits a tab made offline in an earlier
   * epoch, carried across the re-base (rebase.ts carryAcross). Stored with the participant as
   * its author and broadcast like a client's update.
   */
  applyOnBehalf(participant: string, update: Uint8Array): void {
    if (this.closed) throw new Error(`room ${this.id} is closed`)
    Y.applyUpdate(this.doc, update, participant)
  }

  /** A write this connection may not make: dropped (not stored, not sent), answered with the reason, logged once per burst. */
  private refuse(conn: Connection, reason: string): void {
    const state = this.connections.get(conn)
    if (!state) return
    state.refused++
    const now = Date.now()
    if (now - state.lastRefusalLog > 10_000) {
      state.lastRefusalLog = now
      const who = conn.identity
      this.options.logger.warn('refused a change', { doc: this.id, participant: who?.participant, role: who?.role, state: who?.state, refused: state.refused, reason })
    }
    conn.send(encodePermissionDenied(reason))
  }

  private applyClientUpdate(conn: Connection, update: Uint8Array): void {
    // Someone who may not write at all (an observer; a delegation while drafting is closed) gets
    // no decoding of a large update: decoding costs time on the one thread every room shares.
    // The empty update every client sends on connecting is a few bytes and takes the normal path.
    const role = conn.identity?.role
    if (update.length > 64 && (role === 'observer' || (role === 'delegation' && !this.openDrafting))) {
      const refusal = this.refusal(conn, null)
      return this.refuse(conn, typeof refusal === 'string' && refusal !== 'quiet' ? refusal : 'you may not change the text')
    }
    if (this.bytes + update.length > this.options.maxDocumentBytes) {
      return this.reject(conn, CLOSE.DOCUMENT_TOO_LARGE, `the document would exceed its limit of ${this.options.maxDocumentBytes} bytes`)
    }
    const inspected = inspectUpdate(update, this.doc, this.options.encoding)
    if ('problem' in inspected) return this.reject(conn, CLOSE.MALFORMED, `rejected update: ${inspected.problem}`)
    const refusal = this.refusal(conn, inspected.decoded)
    if (refusal === 'quiet') return
    if (refusal) return this.refuse(conn, refusal)
    try {
      // Origin = the connection, so the broadcast skips its sender. If applying throws half-way,
      // what was integrated still went through onDocUpdate: memory and disk stay equal.
      Y.applyUpdate(this.doc, update, conn)
    } catch (error) {
      this.reject(conn, CLOSE.MALFORMED, `rejected update: ${(error as Error).message}`)
    }
  }

  /**
   * Yjs emits here only what is new to the document (a duplicate emits nothing; an update
   * waiting for a missing one is emitted, with it, once that arrives), which is exactly what
   * must be stored and forwarded.
   */
  private readonly onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    const { writer } = this.options
    writer.append(this.id, update, (origin as Connection | null)?.identity?.participant ?? (typeof origin === 'string' ? origin : 'server'))
    this.bytes += update.length
    this.logCount++
    this.logBytes += update.length
    this.stepOne = null
    this.freshAnswer = null
    const box = this.outboxFor(writer.durableBatch)
    box.updates.push(update)
    box.senders.push(typeof origin === 'object' && origin !== null ? (origin as Connection) : null)
    this.scheduleInspection()
  }

  /** The outbox that goes out when `batch` is durable (at once when batch is null). */
  private outboxFor(batch: object | null): Outbox {
    if (this.outbox && this.outbox.batch === batch && batch !== null) return this.outbox
    const box: Outbox = { batch, updates: [], senders: [], awareness: new Map() }
    if (batch === null) return box
    this.outbox = box
    this.options.writer.afterDurable((error) => {
      if (this.outbox === box) this.outbox = null
      if (error) return this.fail(error)
      if (this.closed) return
      this.send(box)
      if (box.updates.length && this.needsCompaction()) this.scheduleCompaction()
    })
    return box
  }

  /**
   * Sends an outbox: to each connection, the batch's updates (without the ones it sent itself),
   * then the awareness entries in one message (without its own). Connections that sent nothing
   * in the batch, nearly all of them, share one message of each kind, the updates merged into
   * one. A connection that sent some of the updates gets the others merged too while few
   * connections sent (each such merge is a pass over the batch); past that, one message per
   * update, each encoded once for all: merging per sender would cost the square of the batch,
   * and a batch grows exactly when the server is busiest.
   */
  private send(box: Outbox): void {
    const { updates, senders, awareness } = box
    const updateSenders = new Set(senders)
    const mergePerSender = updateSenders.size <= MERGE_PER_SENDER_UP_TO
    const awarenessSenders = new Set<Connection | null>()
    for (const { sender } of awareness.values()) awarenessSenders.add(sender)
    let shared: Uint8Array[] | null = null
    let single: Uint8Array[] | null = null
    let sharedAwareness: Uint8Array | null = null
    for (const conn of this.connections.keys()) {
      if (updates.length) {
        if (!updateSenders.has(conn)) {
          for (const message of (shared ??= updateMessages(updates, senders))) conn.send(message)
        } else if (mergePerSender) {
          for (const message of updateMessages(updates, senders, conn)) conn.send(message)
        } else {
          single ??= updates.map(encodeUpdate)
          for (let i = 0; i < single.length; i++) if (senders[i] !== conn) conn.send(single[i])
        }
      }
      if (awareness.size) {
        if (awarenessSenders.has(conn)) {
          const entries: Uint8Array[] = []
          for (const { entry, sender } of awareness.values()) if (sender !== conn) entries.push(entry)
          if (entries.length) conn.send(encodeAwareness(encodeAwarenessEntries(entries)))
        } else {
          sharedAwareness ??= encodeAwareness(encodeAwarenessEntries([...awareness.values()].map(({ entry }) => entry)))
          conn.send(sharedAwareness)
        }
      }
    }
  }

  private applyAwareness(conn: Connection, update: Uint8Array): void {
    let entries: ReturnType<typeof decodeAwarenessUpdate>
    try {
      entries = decodeAwarenessUpdate(update)
    } catch (error) {
      return this.reject(conn, CLOSE.MALFORMED, (error as Error).message)
    }
    const state = this.connections.get(conn)
    if (!state) return
    // A connection may only speak for the awareness ids it introduced: no forging another user's presence.
    const allowed = entries.filter((entry) => {
      const owner = this.awarenessOwners.get(entry.clientID)
      if (owner === conn) return true
      if (owner !== undefined || entry.state === null || state.awarenessIds.size >= MAX_AWARENESS_IDS) return false
      this.awarenessOwners.set(entry.clientID, conn)
      state.awarenessIds.add(entry.clientID)
      return true
    })
    if (!allowed.length) return
    // Who someone is comes from the server's record, never from the client: `user` is overwritten.
    const identity = conn.identity
    const stamped = identity ? allowed.map((entry) => ({ ...entry, state: withIdentity(entry.state, identity) })) : allowed
    applyAwarenessEntries(this.awareness, stamped, conn)
  }

  private readonly onAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    const changed = added.concat(updated, removed)
    for (const id of removed) {
      const owner = this.awarenessOwners.get(id)
      if (owner) {
        this.awarenessOwners.delete(id)
        this.connections.get(owner)?.awarenessIds.delete(id)
      }
    }
    // Behind the write queue too: a cursor may point into an update that is not yet sent. So the
    // entries join the outbox of the batch being written, or go out at once when none is.
    const box = this.outboxFor(this.options.writer.durableBatch)
    const sender = typeof origin === 'object' && origin !== null && this.connections.has(origin as Connection) ? (origin as Connection) : null
    const states = this.awareness.getStates()
    for (const id of changed) {
      const clock = this.awareness.meta.get(id)?.clock ?? 0
      const entry = encodeAwarenessEntry(id, clock, states.get(id) ?? null)
      box.awareness.delete(id) // the latest entry of a client goes out last
      box.awareness.set(id, { entry, sender })
    }
    if (box.batch === null && !this.closed) this.send(box)
  }

  private needsCompaction(): boolean {
    return this.logCount > 0 && (this.logCount >= this.options.compactAfterUpdates || this.logBytes >= this.options.compactAfterBytes)
  }

  private scheduleCompaction(): void {
    if (this.compactScheduled || this.compaction) return
    this.compactScheduled = true
    // Off the current turn, so the broadcasts waiting in this batch go out first.
    setImmediate(() => {
      this.compactScheduled = false
      if (this.closed) return
      this.compact().catch((error: unknown) => this.options.logger.error('compaction failed', { doc: this.id, error }))
    })
  }

  /**
   * Inspection waits for a pause in the edits (inspectDelayMs without a change), but never
   * longer than 30 pauses' worth while someone types without stopping.
   */
  private scheduleInspection(): void {
    const now = Date.now()
    this.lastChange = now
    if (this.inspectTimer || this.closed) return
    this.firstUninspected = now
    this.armInspection(this.options.inspectDelayMs)
  }

  private armInspection(delay: number): void {
    this.inspectTimer = setTimeout(() => {
      this.inspectTimer = null
      const now = Date.now()
      const quietFor = now - this.lastChange
      const waited = now - this.firstUninspected
      if (quietFor < this.options.inspectDelayMs && waited < 30 * this.options.inspectDelayMs) {
        return this.armInspection(this.options.inspectDelayMs - quietFor)
      }
      this.inspect().catch((error: unknown) => this.options.logger.error('inspection failed', { doc: this.id, error }))
    }, delay)
    this.inspectTimer.unref()
  }
}

/**
 * y-protocols' applyAwarenessUpdate for entries already decoded: decodeAwarenessUpdate checked
 * and parsed them, and encoding them again only for y-protocols to parse them again cost a JSON
 * round trip per cursor move per delegate. Same rules and events: an entry applies when its
 * clock is newer (or equal, to remove a state); 'change' lists the states that differ, 'update'
 * every one applied.
 */
function applyAwarenessEntries(awareness: awarenessProtocol.Awareness, entries: readonly AwarenessEntry[], origin: unknown): void {
  const now = Date.now()
  const added: number[] = []
  const updated: number[] = []
  const changed: number[] = []
  const removed: number[] = []
  for (const entry of entries) {
    const { clientID, state } = entry
    let clock = entry.clock
    const meta = awareness.meta.get(clientID)
    const previous = awareness.states.get(clientID)
    const current = meta === undefined ? 0 : meta.clock
    if (!(current < clock || (current === clock && state === null && awareness.states.has(clientID)))) continue
    if (state === null) {
      // Never let a client remove the server's own state (it has none; kept as in y-protocols).
      if (clientID === awareness.clientID && awareness.getLocalState() != null) clock++
      else awareness.states.delete(clientID)
    } else {
      awareness.states.set(clientID, state as Record<string, unknown>)
    }
    awareness.meta.set(clientID, { clock, lastUpdated: now })
    if (meta === undefined && state !== null) added.push(clientID)
    else if (meta !== undefined && state === null) removed.push(clientID)
    else if (state !== null) {
      if (!equalityDeep(state, previous)) changed.push(clientID)
      updated.push(clientID)
    }
  }
  if (added.length || changed.length || removed.length) awareness.emit('change', [{ added, updated: changed, removed }, origin])
  if (added.length || updated.length || removed.length) awareness.emit('update', [{ added, updated, removed }, origin])
}

/**
 * The messages that carry a batch's updates, in order, leaving out those `exclude` sent: clients'
 * updates merged into one message per run; a server change (a facilitator's action: one
 * transaction, one update) stays a message of its own, as it was made.
 */
function updateMessages(updates: readonly Uint8Array[], senders: readonly (Connection | null)[], exclude?: Connection): Uint8Array[] {
  const messages: Uint8Array[] = []
  let run: Uint8Array[] = []
  const flush = () => {
    if (run.length === 1) messages.push(encodeUpdate(run[0]))
    else if (run.length > 1) {
      try {
        messages.push(encodeUpdate(Y.mergeUpdates(run)))
      } catch {
        messages.push(...run.map(encodeUpdate))
      }
    }
    run = []
  }
  for (let i = 0; i < updates.length; i++) {
    if (senders[i] === exclude && exclude !== undefined) continue
    if (senders[i] === null) {
      flush()
      messages.push(encodeUpdate(updates[i]))
    } else run.push(updates[i])
  }
  flush()
  return messages
}

/** An awareness state with its `user` field replaced by the connection's identity (null stays null: the client left). */
function withIdentity(state: unknown, identity: Identity): unknown {
  if (state === null) return null
  const user = { name: identity.name, color: identity.color, role: identity.role, state: identity.state, stateName: identity.stateName, participant: identity.participant }
  const base = typeof state === 'object' && !Array.isArray(state) ? (state as Record<string, unknown>) : {}
  return { ...base, user }
}
