import type { AppendedUpdate, Storage } from './storage'

type Callback = (error?: Error) => void

interface Batch {
  updates: AppendedUpdate[]
  callbacks: Callback[]
}

/**
 * Makes updates durable before anyone hears of them. Rooms append each update as they apply it
 * and hand everything they would send (broadcasts, sync answers, awareness) to `afterDurable`;
 * the queue commits all the updates of one event-loop turn in one storage transaction, then
 * runs the waiting callbacks in the order they were given. So a client can only ever receive
 * state that is already on disk, and a crash (kill -9) loses nothing anyone saw.
 *
 * One batch is written at a time; updates arriving meanwhile form the next batch.
 */
export class WriteQueue {
  private open: Batch | null = null
  private writing: Promise<void> | null = null
  private writingBatch: Batch | null = null
  private scheduled = false

  constructor(
    private readonly storage: Storage,
    private readonly onError: (error: Error, batch: readonly AppendedUpdate[]) => void = () => {},
  ) {}

  /** Queues an update of a document (made by `actor`, for the ledger); it is written within this event-loop turn. */
  append(docId: string, update: Uint8Array, actor?: string): void {
    if (!this.open) this.open = { updates: [], callbacks: [] }
    this.open.updates.push(actor === undefined ? { docId, update } : { docId, update, actor })
    this.schedule()
  }

  /**
   * Runs `callback` once every update appended so far is durable (at once when none is
   * pending), with the error when their write failed.
   */
  afterDurable(callback: Callback): void {
    if (this.open && this.open.updates.length) this.open.callbacks.push(callback)
    else if (this.writingBatch) this.writingBatch.callbacks.push(callback)
    else callback()
  }

  /**
   * The batch a callback given to `afterDurable` now would wait for, or null when it would run at
   * once. Callers that gather their sends per batch (a room's broadcasts) use it as the key: two
   * calls answering the same object are made durable by the same commit.
   */
  get durableBatch(): object | null {
    if (this.open && this.open.updates.length) return this.open
    return this.writingBatch
  }

  /** Whether updates are waiting or being written. */
  get pending(): boolean {
    return this.open !== null || this.writing !== null
  }

  /** Writes everything appended so far and waits for it (shutdown, unloading a room). */
  async flush(): Promise<void> {
    while (this.open || this.writing) {
      if (this.writing) await this.writing
      else this.write()
    }
  }

  private schedule(): void {
    if (this.scheduled || this.writing) return
    this.scheduled = true
    // setImmediate, not a microtask: every message already read from the sockets in this turn joins the batch.
    setImmediate(() => {
      this.scheduled = false
      this.write()
    })
  }

  private write(): void {
    const batch = this.open
    if (!batch || this.writing) return
    this.open = null
    this.writingBatch = batch
    let failure: Error | undefined
    this.writing = Promise.resolve()
      // Inside a promise so that a storage that throws synchronously still reaches the callbacks.
      .then(() => this.storage.append(batch.updates))
      .catch((error: unknown) => {
        failure = error instanceof Error ? error : new Error(String(error))
        this.onError(failure, batch.updates)
      })
      .then(() => {
        this.writing = null
        this.writingBatch = null
        for (const callback of batch.callbacks) {
          try {
            callback(failure)
          } catch (error) {
            // A callback that throws must not keep the others (other rooms' broadcasts) from running.
            this.onError(error instanceof Error ? error : new Error(String(error)), [])
          }
        }
        if (this.open) this.schedule()
      })
  }
}
