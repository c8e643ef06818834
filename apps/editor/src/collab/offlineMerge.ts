/**
 * Handing a stale tab's state to the server. When the server re-based the document while this
 * tab was away, the tab's Y.Doc belongs to an older epoch (tickets.ts) and may hold changes made
 * offline. Its whole state goes to `POST …/merges`; the server replays it on the old epoch's
 * final state and merges what it never received into the current document, as this participant.
 * Then the page drops this Y.Doc and opens the document afresh; this module ends there.
 *
 * Nothing may be lost while the server is unreachable: a network failure (or a 5xx) keeps the
 * tab as it is and tries again after a backoff, sending the state as it is by then. A change
 * typed while a request was under way is sent by one more request before the merge is done, so
 * that dropping the Y.Doc afterwards loses nothing either.
 */
import * as Y from 'yjs'
import type { MergeResult } from '../api'
import { reconnectDelay } from './tickets'

export type MergeOutcome =
  /** The tab held changes the server did not have; they are in the current epoch now. */
  | { kind: 'merged'; epoch: number }
  /** Nothing new in the tab: the document only needs to be opened afresh. */
  | { kind: 'unchanged'; epoch: number }
  /** The server will not take these changes (403: the role may not make them; 409, 413, 400): `message` says why. */
  | { kind: 'refused'; status: number; message: string }
  | { kind: 'cancelled' }

export interface OfflineMergeOptions {
  /** The stale tab's Y.Doc. */
  doc: Y.Doc
  /** The epoch it belongs to. */
  epoch: number
  /** api.ts `mergeOffline`, bound to the document. */
  merge: (epoch: number, update: Uint8Array) => Promise<MergeResult>
  /** Called before each retry with what went wrong (the tab stays offline meanwhile). */
  onRetry?: (error: unknown, attempt: number) => void
  /** Injected for tests. */
  setTimeout?: (f: () => void, ms: number) => unknown
  clearTimeout?: (handle: unknown) => void
  delay?: (attempt: number) => number
}

/** Whether a failed merge is worth another try as it is: the server unreachable or failing, not refusing. */
export function retryable(error: unknown): boolean {
  const status = (error as { status?: unknown } | null)?.status
  if (typeof status !== 'number') return false
  return status === 0 || status === 408 || status === 429 || status >= 500
}

export class OfflineMerge {
  /** Settles once, with the outcome (`cancelled` after `cancel()`). */
  readonly done: Promise<MergeOutcome>
  private settle!: (outcome: MergeOutcome) => void
  private finished = false
  private timer: unknown = null
  /** Counts the Y.Doc's updates, to see whether it changed while a request was under way. */
  private changes = 0
  private readonly setTimer: (f: () => void, ms: number) => unknown
  private readonly clearTimer: (handle: unknown) => void
  private readonly delay: (attempt: number) => number

  constructor(private readonly options: OfflineMergeOptions) {
    this.setTimer = options.setTimeout ?? ((f, ms) => globalThis.setTimeout(f, ms))
    this.clearTimer = options.clearTimeout ?? ((h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>))
    this.delay = options.delay ?? reconnectDelay
    this.done = new Promise((resolve) => (this.settle = resolve))
    options.doc.on('update', this.onUpdate)
    void this.send(0, false)
  }

  /** Stops retrying (the page is going away); `done` settles with `cancelled`. */
  cancel(): void {
    this.finish({ kind: 'cancelled' })
  }

  private readonly onUpdate = (): void => {
    this.changes++
  }

  private async send(attempt: number, mergedBefore: boolean): Promise<void> {
    const seen = this.changes
    let result: MergeResult
    try {
      result = await this.options.merge(this.options.epoch, Y.encodeStateAsUpdate(this.options.doc))
    } catch (e) {
      if (this.finished) return
      if (!retryable(e)) {
        const status = (e as { status?: unknown }).status
        this.finish({ kind: 'refused', status: typeof status === 'number' ? status : 0, message: e instanceof Error ? e.message : String(e) })
        return
      }
      const next = attempt + 1
      this.options.onRetry?.(e, next)
      this.timer = this.setTimer(() => {
        this.timer = null
        void this.send(next, mergedBefore)
      }, this.delay(next))
      return
    }
    if (this.finished) return
    const merged = mergedBefore || result.merged
    // Typed while the request was under way: that change is not on the server yet.
    if (this.changes !== seen) return this.send(0, merged)
    this.finish(merged ? { kind: 'merged', epoch: result.epoch } : { kind: 'unchanged', epoch: result.epoch })
  }

  private finish(outcome: MergeOutcome): void {
    if (this.finished) return
    this.finished = true
    if (this.timer !== null) this.clearTimer(this.timer)
    this.timer = null
    this.options.doc.off('update', this.onUpdate)
    this.settle(outcome)
  }
}
