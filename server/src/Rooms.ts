import type { Node as PMNode } from 'prosemirror-model'
import type { TreatyEncoding } from './checkUpdate'
import { CLOSE } from './closeCodes'
import type { ServerConfig } from './config'
import type { Logger } from './log'
import * as Y from 'yjs'
import { mergeOffline, rebaseDoc, RebaseError } from './rebase'
import { Room, type Connection, type Identity } from './Room'
import type { Storage } from './storage'
import { newServerYDoc, readTreaty } from './treatyDoc'
import type { WriteQueue } from './WriteQueue'

export interface RoomsOptions {
  storage: Storage
  writer: WriteQueue
  encoding: TreatyEncoding
  logger: Logger
  config: Pick<ServerConfig, 'maxDocumentBytes' | 'compactAfterUpdates' | 'compactAfterBytes' | 'inspectDelayMs' | 'roomIdleMs' | 'rebaseAfterStructs'>
  titleOf: (doc: PMNode) => string
}

/** A client named an epoch of the document that is not the current one (rebase.ts): it must not sync. */
export class StaleEpochError extends Error {
  override name = 'StaleEpochError'
  constructor(
    readonly doc: string,
    readonly held: number,
    readonly current: number,
  ) {
    super(`the document was compacted on the server while this copy was away (this copy is of epoch ${held}, the document's is ${current}): send the copy's changes to POST /api/documents/${doc}/merges and load the document again`)
  }
}

/** What a secretariat's compaction did (Rooms.compactNow). */
export type CompactionResult = { rebased: boolean; epoch: number; structs: { before: number; after: number } | null } | { busy: number }

/**
 * The rooms in memory. A document is loaded once however many connections ask for it at the
 * same moment (they all wait for the same load, so none can sync against a half-loaded
 * document), stays while anyone is connected, and is flushed, compacted and released
 * `roomIdleMs` after the last one leaves.
 */
export class Rooms {
  private readonly loading = new Map<string, Promise<Room | undefined>>()
  private readonly loaded = new Map<string, Room>()
  private readonly closing = new Map<string, Promise<void>>()
  private readonly idleTimers = new Map<string, NodeJS.Timeout>()
  private readonly merging = new Map<string, Promise<void>>()
  private shuttingDown = false

  constructor(private readonly options: RoomsOptions) {}

  /** The room of a live document, without loading it. */
  get(id: string): Room | undefined {
    return this.loaded.get(id)
  }

  get size(): number {
    return this.loaded.size
  }

  get connectionCount(): number {
    let n = 0
    for (const room of this.loaded.values()) n += room.connectionCount
    return n
  }

  /**
   * Loads the document's room (or joins the load in progress) and connects `conn` to it.
   * Resolves undefined when there is no such document. `epoch`: the epoch of the document the
   * client holds, when it holds one; another epoch than the room's rejects with StaleEpochError.
   */
  async attach(id: string, conn: Connection, epoch?: number): Promise<Room | undefined> {
    // A room can close between its load and this connection (idle timeout, failure): load again.
    for (let attempt = 0; attempt < 5; attempt++) {
      if (this.shuttingDown) throw new Error('the server is shutting down')
      const room = await this.open(id)
      if (!room) return undefined
      if (room.isClosed) continue
      if (epoch !== undefined && epoch !== room.epoch) {
        // Loaded for nobody: released after the idle time like any other.
        if (room.connectionCount === 0 && !this.idleTimers.has(id)) this.startIdle(room)
        throw new StaleEpochError(id, epoch, room.epoch)
      }
      this.cancelIdle(id)
      room.connect(conn)
      return room
    }
    throw new Error(`room ${id} kept closing while a connection joined it`)
  }

  /**
   * The document's room for a server-side change or read (an API call): loaded when needed and,
   * when nobody is connected, released after the idle time like any other. Undefined: no such document.
   */
  async use(id: string): Promise<Room | undefined> {
    for (let attempt = 0; attempt < 5; attempt++) {
      if (this.shuttingDown) throw new Error('the server is shutting down')
      const room = await this.open(id)
      if (!room) return undefined
      if (room.isClosed) continue
      if (room.connectionCount === 0 && !this.idleTimers.has(id)) this.startIdle(room)
      return room
    }
    throw new Error(`room ${id} kept closing while it was opened`)
  }

  /** Cuts every live connection of a participant (revoked), in every room: how many were closed. */
  disconnectParticipant(participant: string, code: number, reason: string): number {
    let n = 0
    for (const room of this.loaded.values()) n += room.disconnectParticipant(participant, code, reason)
    return n
  }

  private open(id: string): Promise<Room | undefined> {
    const existing = this.loaded.get(id)
    if (existing && !existing.isClosed) return Promise.resolve(existing)
    let promise = this.loading.get(id)
    if (!promise) {
      promise = this.load(id).finally(() => this.loading.delete(id))
      this.loading.set(id, promise)
    }
    return promise
  }

  private async load(id: string): Promise<Room | undefined> {
    const closing = this.closing.get(id)
    if (closing) await closing
    const stored = await this.options.storage.load(id)
    if (!stored) return undefined
    const { config } = this.options
    const started = Date.now()
    const room = new Room(id, stored, {
      storage: this.options.storage,
      writer: this.options.writer,
      encoding: this.options.encoding,
      logger: this.options.logger,
      maxDocumentBytes: config.maxDocumentBytes,
      compactAfterUpdates: config.compactAfterUpdates,
      compactAfterBytes: config.compactAfterBytes,
      inspectDelayMs: config.inspectDelayMs,
      titleOf: this.options.titleOf,
      onEmpty: (r) => this.startIdle(r),
      onFailed: (r) => {
        if (this.loaded.get(r.id) === r) this.loaded.delete(r.id)
        this.cancelIdle(r.id)
      },
    })
    this.loaded.set(id, room)
    this.options.logger.debug('room loaded', { doc: id, updates: stored.updates.length, bytes: stored.bytes, ms: Date.now() - started })
    return room
  }

  private startIdle(room: Room): void {
    if (this.shuttingDown) return
    this.cancelIdle(room.id)
    const timer = setTimeout(() => {
      this.idleTimers.delete(room.id)
      this.unload(room).catch((error: unknown) => this.options.logger.error('could not unload a room', { doc: room.id, error }))
    }, this.options.config.roomIdleMs)
    timer.unref()
    this.idleTimers.set(room.id, timer)
  }

  private cancelIdle(id: string): void {
    const timer = this.idleTimers.get(id)
    if (timer) clearTimeout(timer)
    this.idleTimers.delete(id)
  }

  private async unload(room: Room): Promise<void> {
    if (room.connectionCount > 0 || room.isClosed) return
    if (this.loaded.get(room.id) === room) this.loaded.delete(room.id)
    const threshold = this.options.config.rebaseAfterStructs
    await this.exclusive(room.id, async () => {
      await room.close(CLOSE.GOING_AWAY, 'idle')
      if (threshold > 0 && !this.shuttingDown) await this.rebase(room.id, 'server', threshold)
    })
    this.options.logger.debug('room unloaded', { doc: room.id })
  }

  /** Runs `work` while loads of the document wait for it (a room closing, a re-base). */
  private exclusive<T>(id: string, work: () => Promise<T>): Promise<T> {
    return inTurn(this.closing, id, work)
  }

  /**
   * Re-bases a stored document (rebase.ts) when that saves at least `minimum` Yjs structs, and
   * at least as many as the re-based document keeps (idle rooms: only a document that has
   * become at least twice what it needs), or whenever it saves any (`minimum` 1, a
   * secretariat's compaction). The room must be closed. Checks that the re-based document
   * reads as the same treaty first; a document it cannot copy exactly is left as it is.
   */
  private async rebase(id: string, actor: string, minimum: number): Promise<{ epoch: number | null; structs: { before: number; after: number } | null }> {
    let structs: { before: number; after: number } | null = null
    try {
      const epoch = await this.options.storage.rebase(
        id,
        (state) => {
          const source = newServerYDoc()
          try {
            Y.applyUpdate(source, state)
            const rebased = rebaseDoc(source)
            try {
              structs = rebased.structs
              const saved = rebased.structs.before - rebased.structs.after
              if (saved < minimum || (minimum > 1 && saved < rebased.structs.after)) return null
              const next = Y.encodeStateAsUpdate(rebased.doc)
              const same = JSON.stringify(readTreaty(source).toJSON()) === JSON.stringify(readTreaty([next]).toJSON())
              if (!same) throw new RebaseError('the re-based document does not read as the same treaty')
              return next
            } finally {
              rebased.doc.destroy()
            }
          } finally {
            source.destroy()
          }
        },
        actor,
      )
      if (epoch !== null) this.options.logger.info('re-based a document', { doc: id, epoch, structs })
      return { epoch, structs }
    } catch (error) {
      this.options.logger.error('could not re-base a document; it is left as it is', { doc: id, error })
      return { epoch: null, structs }
    }
  }

  /**
   * A secretariat's compaction: folds the document's history and re-bases it when that saves
   * anything, so that it opens as fast as a new one. Only while nobody is connected (their
   * copies would all have to be reloaded): `{busy}` says how many are. Undefined: no such document.
   */
  async compactNow(id: string, actor: string): Promise<CompactionResult | undefined> {
    if (this.shuttingDown) throw new Error('the server is shutting down')
    const loading = this.loading.get(id)
    if (loading) await loading
    const room = this.loaded.get(id)
    if (room && room.connectionCount > 0) return { busy: room.connectionCount }
    if (room) {
      this.cancelIdle(id)
      if (this.loaded.get(id) === room) this.loaded.delete(id)
    }
    const outcome = await this.exclusive(id, async () => {
      if (room) await room.close(CLOSE.GOING_AWAY, 'compacted')
      if (!(await this.options.storage.get(id))) return undefined
      return this.rebase(id, actor, 1)
    })
    if (!outcome) return undefined
    const record = await this.options.storage.get(id)
    return { rebased: outcome.epoch !== null, epoch: record?.epoch ?? 0, structs: outcome.structs }
  }

  /**
   * Carries a copy's edits from an earlier epoch into the document (rebase.ts mergeOffline), as
   * `identity`. Undefined: no such document. Throws MergeError when they cannot be.
   */
  async mergeOffline(id: string, identity: Identity | undefined, epoch: number, state: Uint8Array): Promise<{ merged: boolean; epoch: number } | undefined> {
    // One merge per document at a time: each records what it carried for the next to see.
    return inTurn(this.merging, id, () => this.mergeNow(id, identity, epoch, state))
  }

  private async mergeNow(id: string, identity: Identity | undefined, epoch: number, state: Uint8Array): Promise<{ merged: boolean; epoch: number } | undefined> {
    for (let attempt = 0; ; attempt++) {
      const room = await this.use(id)
      if (!room) return undefined
      try {
        const result = await mergeOffline(this.options.storage, room, identity, epoch, state, this.options.encoding, () => this.options.writer.flush())
        return { ...result, epoch: room.epoch }
      } catch (error) {
        // The room closed (and maybe was re-based) while the old epochs were read: once more, on the new one.
        if (room.isClosed && attempt < 3) continue
        throw error
      }
    }
  }

  /** Shutdown: every room closes its connections (1001), flushes, compacts and is released. */
  async closeAll(): Promise<void> {
    this.shuttingDown = true
    for (const id of [...this.idleTimers.keys()]) this.cancelIdle(id)
    await Promise.allSettled([...this.loading.values()])
    const rooms = [...this.loaded.values()]
    this.loaded.clear()
    const results = await Promise.allSettled([...rooms.map((room) => room.close(CLOSE.GOING_AWAY, 'the server is shutting down')), ...this.closing.values()])
    for (const result of results) {
      if (result.status === 'rejected') this.options.logger.error('a room did not close cleanly', { error: result.reason })
    }
  }
}

/**
 * Runs `work` after whatever `turns` holds for `id` has settled, and holds its own turn there
 * until it settles (the next one waits for it; a failure does not stop the next one).
 */
function inTurn<T>(turns: Map<string, Promise<void>>, id: string, work: () => Promise<T>): Promise<T> {
  const before = turns.get(id)
  const run = before ? before.then(work) : work()
  const settled = run.then(
    () => {},
    () => {},
  )
  turns.set(id, settled)
  void settled.then(() => {
    if (turns.get(id) === settled) turns.delete(id)
  })
  return run
}
