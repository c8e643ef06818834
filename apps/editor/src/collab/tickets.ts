/**
 * Connecting with single-use tickets. The websocket URL carries `?ticket=` (never the token);
 * a ticket opens one connection and expires within a minute, so every (re)connection needs a
 * fresh one from `POST /api/tickets`.
 *
 * y-websocket reconnects on its own timer, reading `provider.params` when the timer fires, and
 * a ticket request may take longer than that timer. So the connector takes the reconnection
 * over: when a connection closes and reconnecting makes sense, it clears the provider's
 * `shouldConnect` (which turns y-websocket's pending timer into a no-op), fetches a ticket after
 * its own backoff, puts it into `provider.params.ticket` and calls `provider.connect()`.
 *
 * Close codes: 4401 (ticket missing, used or expired) reconnects with a new ticket; the rest of
 * 4400–4499 — 4403 revoked or not a participant, 4404 no such document — stops, and y-websocket
 * emits `closed`, which the connection badge shows. A ticket request refused with 401/403/404
 * (the token was revoked meanwhile) stops the same way, with the server's message.
 *
 * Epochs: the server may re-base a document while nobody is connected (a fresh Y.Doc with the
 * same content, every Yjs id new), and then the document is in its next epoch. Syncing a Y.Doc
 * of the old epoch with the new one would duplicate the whole treaty, so the connector keeps
 * the epoch of its Y.Doc and connects with `?epoch=` (the server closes a connection of another
 * epoch with 4409 before any sync message). A Y.Doc that never received anything simply adopts
 * the ticket's epoch; one that holds content of another epoch is never connected again: the
 * connector stops and reports it stale, and the page hands its state to the server to merge
 * (api.ts `mergeOffline`) and opens the document afresh.
 */

/** Close codes the server uses for access (docs/API.md). */
export const CLOSE_BAD_TICKET = 4401
export const CLOSE_FORBIDDEN = 4403
export const CLOSE_NOT_FOUND = 4404
/** The connection named an epoch that is not the document's current one (it was re-based meanwhile). */
export const CLOSE_OTHER_EPOCH = 4409

/**
 * The provider's `shouldReconnect`: a bad ticket is worth another try with a new one, and
 * another epoch is the connector's to decide (a new ticket, or stop as stale); the server's
 * other 44xx decisions are final.
 */
export function shouldReconnect(event: { code: number }): boolean {
  if (event.code === CLOSE_BAD_TICKET || event.code === CLOSE_OTHER_EPOCH) return true
  return !(event.code >= 4400 && event.code < 4500)
}

/** Backoff before reconnection attempt `attempt` (1-based): 100 ms doubling up to 5 s, as y-websocket's own but a little longer at the top. */
export function reconnectDelay(attempt: number, max = 5000): number {
  if (attempt <= 0) return 0
  return Math.min(100 * 2 ** attempt, max)
}

/** The parts of y-websocket's WebsocketProvider the connector uses. */
export interface TicketedProvider {
  params: Record<string, string>
  shouldConnect: boolean
  on(event: string, listener: (...args: any[]) => void): void
  off(event: string, listener: (...args: any[]) => void): void
  emit(event: string, args: unknown[]): void
  connect(): void
  disconnect(): void
}

/** A ticket and the document's current epoch (api.ts `getTicket`). */
export interface EpochTicket {
  ticket: string
  epoch: number
}

/** A Y.Doc that holds content of `epoch` while the document is now in `current` (null: not known, the server closed with 4409). */
export interface StaleEpoch {
  epoch: number
  current: number | null
}

/** What a failed ticket request tells: `status` 401/403/404 are final (the error's message is shown). */
export interface TicketError {
  status?: number
  message: string
}

export interface TicketConnectorOptions {
  /** Injected for tests. */
  setTimeout?: (f: () => void, ms: number) => unknown
  clearTimeout?: (handle: unknown) => void
  delay?: (attempt: number) => number
  /** Whether the Y.Doc never received anything (then it may adopt any epoch). Default: always. */
  isEmpty?: () => boolean
  /** Called once when the Y.Doc turns out to hold content of an older epoch; the connector has stopped. */
  onStale?: (stale: StaleEpoch) => void
}

export class TicketConnector {
  private attempt = 0
  private timer: unknown = null
  private running = false
  private destroyed = false
  /** Bumped by every schedule, so that a ticket arriving after a newer schedule is dropped. */
  private generation = 0
  private readonly setTimer: (f: () => void, ms: number) => unknown
  private readonly clearTimer: (handle: unknown) => void
  private readonly delay: (attempt: number) => number
  private readonly isEmpty: () => boolean
  private readonly onStale: (stale: StaleEpoch) => void
  private docEpoch: number | null = null
  private staleEpoch: StaleEpoch | null = null

  constructor(
    private readonly provider: TicketedProvider,
    private readonly fetchTicket: () => Promise<EpochTicket>,
    options: TicketConnectorOptions = {},
  ) {
    this.setTimer = options.setTimeout ?? ((f, ms) => globalThis.setTimeout(f, ms))
    this.clearTimer = options.clearTimeout ?? ((h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>))
    this.delay = options.delay ?? reconnectDelay
    this.isEmpty = options.isEmpty ?? (() => true)
    this.onStale = options.onStale ?? (() => {})
    provider.on('connection-close', this.onClose)
    provider.on('sync', this.onSync)
  }

  /** The epoch of the Y.Doc's content: null until the first ticket. */
  get epoch(): number | null {
    return this.docEpoch
  }

  /** Set once the Y.Doc was found to belong to an older epoch (the connector has stopped for good). */
  get stale(): StaleEpoch | null {
    return this.staleEpoch
  }

  /** Fetches the first ticket and connects. */
  start(): void {
    if (this.running || this.destroyed) return
    this.running = true
    this.schedule(0)
  }

  destroy(): void {
    this.destroyed = true
    this.running = false
    this.generation++
    if (this.timer !== null) this.clearTimer(this.timer)
    this.timer = null
    this.provider.off('connection-close', this.onClose)
    this.provider.off('sync', this.onSync)
  }

  private readonly onSync = (synced: boolean): void => {
    // A connection that synced did useful work: the next drop starts the backoff afresh.
    if (synced) this.attempt = 0
  }

  private readonly onClose = (event: { code: number; reason?: string } | null): void => {
    if (this.destroyed || !this.running) return
    // A final close: y-websocket stops by itself (our shouldReconnect said no) and emits `closed`.
    if (event && !shouldReconnect(event)) {
      this.running = false
      return
    }
    // Keep y-websocket's own timer from reconnecting with the used ticket; we reconnect below.
    this.provider.shouldConnect = false
    if (event?.code === CLOSE_OTHER_EPOCH && !this.isEmpty()) {
      // Re-based between our ticket and the connection: this content must not meet the new epoch.
      this.reportStale({ epoch: this.docEpoch ?? 0, current: null })
      return
    }
    this.attempt++
    this.schedule(this.delay(this.attempt))
  }

  private schedule(ms: number): void {
    if (this.timer !== null) this.clearTimer(this.timer)
    const generation = ++this.generation
    this.timer = this.setTimer(() => {
      this.timer = null
      void this.connectWithTicket(generation)
    }, ms)
  }

  private async connectWithTicket(generation: number): Promise<void> {
    let ticket: EpochTicket
    try {
      ticket = await this.fetchTicket()
    } catch (e) {
      if (generation !== this.generation || this.destroyed) return
      const err = e as TicketError
      if (err.status === 401 || err.status === 403 || err.status === 404) {
        this.running = false
        this.provider.shouldConnect = false
        this.provider.emit('closed', [{ code: err.status === 404 ? CLOSE_NOT_FOUND : CLOSE_FORBIDDEN, reason: err.message }, this.provider])
        return
      }
      // The server is unreachable (or failing): try again later, like a dropped connection.
      this.attempt++
      this.schedule(this.delay(this.attempt))
      return
    }
    if (generation !== this.generation || this.destroyed) return
    if (ticket.epoch !== this.docEpoch) {
      if (this.docEpoch !== null && !this.isEmpty()) {
        this.reportStale({ epoch: this.docEpoch, current: ticket.epoch })
        return
      }
      // Nothing in the Y.Doc yet (first connection, or a 4409 before any sync): it is of the current epoch.
      this.docEpoch = ticket.epoch
    }
    this.provider.params = { ...this.provider.params, ticket: ticket.ticket, epoch: String(ticket.epoch) }
    this.provider.connect()
  }

  private reportStale(stale: StaleEpoch): void {
    this.running = false
    this.provider.shouldConnect = false
    this.generation++
    if (this.timer !== null) this.clearTimer(this.timer)
    this.timer = null
    this.staleEpoch = stale
    this.onStale(stale)
  }
}
