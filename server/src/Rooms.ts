import type { Node as PMNode } from 'prosemirror-model'
import type { TreatyEncoding } from './checkUpdate'
import { CLOSE } from './closeCodes'
import type { ServerConfig } from './config'
import type { Logger } from './log'
import { Room, type Connection } from './Room'
import type { Storage } from './storage'
import type { WriteQueue } from './WriteQueue'

export interface RoomsOptions {
  storage: Storage
  writer: WriteQueue
  encoding: TreatyEncoding
  logger: Logger
  config: Pick<ServerConfig, 'maxDocumentBytes' | 'compactAfterUpdates' | 'compactAfterBytes' | 'inspectDelayMs' | 'roomIdleMs'>
  titleOf: (doc: PMNode) => string
}

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
   * Resolves undefined when there is no such document.
   */
  async attach(id: string, conn: Connection): Promise<Room | undefined> {
    // A room can close between its load and this connection (idle timeout, failure): load again.
    for (let attempt = 0; attempt < 5; attempt++) {
      if (this.shuttingDown) throw new Error('the server is shutting down')
      const room = await this.open(id)
      if (!room) return undefined
      if (room.isClosed) continue
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
    const closing = room.close(CLOSE.GOING_AWAY, 'idle').finally(() => this.closing.delete(room.id))
    this.closing.set(room.id, closing)
    await closing
    this.options.logger.debug('room unloaded', { doc: room.id })
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
