import { randomBytes } from 'node:crypto'

/**
 * Single-use websocket tickets. A token is long-lived and must never appear in a URL (URLs
 * land in proxy and server logs), so a client trades it (`POST /api/tickets`) for a ticket
 * that opens one websocket connection within `ttlMs`. Tickets live only in memory: a restart
 * invalidates them, and the client simply asks for a new one.
 */
export class Tickets {
  private readonly tickets = new Map<string, { participant: string; expires: number }>()
  private readonly perParticipant = new Map<string, number>()

  constructor(
    private readonly options: { ttlMs: number; maxOutstanding: number; maxPerParticipant: number; now?: () => number } = {
      ttlMs: 60_000,
      maxOutstanding: 100_000,
      maxPerParticipant: 50,
    },
  ) {}

  private now(): number {
    return this.options.now?.() ?? Date.now()
  }

  /** Issues a ticket for a participant; undefined when that participant (or everyone) holds too many unused ones. */
  issue(participant: string): { ticket: string; expires: number } | undefined {
    this.sweep()
    const held = this.perParticipant.get(participant) ?? 0
    if (held >= this.options.maxPerParticipant || this.tickets.size >= this.options.maxOutstanding) return undefined
    const ticket = `tk_${randomBytes(24).toString('base64url')}`
    const expires = this.now() + this.options.ttlMs
    this.tickets.set(ticket, { participant, expires })
    this.perParticipant.set(participant, held + 1)
    return { ticket, expires }
  }

  /** Uses a ticket up: the participant id when it was valid, else why not. */
  redeem(ticket: string): { participant: string } | { problem: 'unknown' | 'expired' } {
    const entry = this.tickets.get(ticket)
    if (!entry) return { problem: 'unknown' }
    this.forget(ticket, entry.participant)
    if (entry.expires < this.now()) return { problem: 'expired' }
    return { participant: entry.participant }
  }

  get size(): number {
    return this.tickets.size
  }

  private forget(ticket: string, participant: string): void {
    this.tickets.delete(ticket)
    const held = (this.perParticipant.get(participant) ?? 1) - 1
    if (held > 0) this.perParticipant.set(participant, held)
    else this.perParticipant.delete(participant)
  }

  /** Drops expired tickets (Map iteration is in insertion order, which is expiry order). */
  private sweep(): void {
    const now = this.now()
    for (const [ticket, entry] of this.tickets) {
      if (entry.expires >= now) break
      this.forget(ticket, entry.participant)
    }
  }
}
