import type { Identity } from './Room'
import { roleIn, stateName, type DocumentRole, type Participant, type ParticipantStore } from './participants'
import { Tickets } from './tickets'

/** Colours for presence: distinct, dark enough for white labels, none of them the bracket red (the editor's palette). */
const COLORS = ['#1d4ed8', '#047857', '#7c3aed', '#b45309', '#0e7490', '#be185d', '#4d7c0f', '#9333ea', '#c2410c', '#0f766e'] as const

function colorOf(key: string): string {
  let h = 0
  for (const ch of key) h = (h * 31 + ch.codePointAt(0)!) >>> 0
  return COLORS[h % COLORS.length]
}

/** Why a request or a connection is refused: 401 (who are you?) or 403 (you may not). */
export type Refusal = { status: 401 | 403; message: string }

/**
 * The server's answer to "who is this, and what may they do here": tokens (Bearer) for the
 * API, single-use tickets for websockets, the effective role of a participant in a document,
 * and the identity a connection carries into its room.
 */
export class Access {
  readonly tickets: Tickets

  constructor(
    readonly participants: ParticipantStore,
    private readonly options: { publicUrl: () => string; ticketTtlMs?: number },
  ) {
    this.tickets = new Tickets({ ttlMs: options.ticketTtlMs ?? 60_000, maxOutstanding: 100_000, maxPerParticipant: 50 })
  }

  /** The invitation link for a token: the token rides in the fragment, which browsers never send. */
  link(token: string): string {
    return `${this.options.publicUrl().replace(/\/+$/, '')}/join#token=${token}`
  }

  /** The participant behind an `Authorization` header, or why there is none. */
  authenticate(header: string | undefined): Participant | Refusal {
    if (!header) return { status: 401, message: 'sign in first: this request carries no token (send Authorization: Bearer TOKEN from your invitation link)' }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
    if (!match) return { status: 401, message: 'the Authorization header must read "Bearer TOKEN"' }
    const participant = this.participants.byToken(match[1])
    if (!participant) return { status: 401, message: 'this token is not valid: check the invitation link, or ask the facilitator for a new one' }
    if (participant.revoked !== null) return { status: 401, message: 'this invitation was revoked: ask the facilitator or the secretariat for a new one' }
    return participant
  }

  roleIn(participant: Participant, docId: string): DocumentRole | null {
    return roleIn(participant, docId)
  }

  identity(participant: Participant, docId: string): Identity | null {
    const role = roleIn(participant, docId)
    if (!role) return null
    return {
      participant: participant.id,
      name: participant.name,
      role,
      state: participant.state,
      stateName: participant.state ? (stateName(participant.state) ?? participant.state) : null,
      color: colorOf(participant.state ?? participant.id),
    }
  }

  /** A websocket ticket for a participant, or why none is issued. */
  issueTicket(participant: Participant): { ticket: string; expires: number } | Refusal {
    const issued = this.tickets.issue(participant.id)
    if (!issued) return { status: 403, message: 'too many unused tickets for this participant; use the ones you have or wait a minute' }
    return issued
  }

  /** The participant a ticket was issued to (used up now), or why the connection is refused. */
  redeemTicket(ticket: string | null): Participant | Refusal {
    if (!ticket) return { status: 401, message: 'no ticket: get one from POST /api/tickets and connect with ?ticket=' }
    const redeemed = this.tickets.redeem(ticket)
    if ('problem' in redeemed) {
      return {
        status: 401,
        message: redeemed.problem === 'expired' ? 'the ticket expired (they last a minute): get a new one' : 'the ticket is unknown or was used already: get a new one for every connection',
      }
    }
    const participant = this.participants.get(redeemed.participant)
    if (!participant || participant.revoked !== null) return { status: 403, message: 'your invitation was revoked' }
    return participant
  }
}

export function isRefusal(value: unknown): value is Refusal {
  return typeof value === 'object' && value !== null && 'status' in value && 'message' in value && !('id' in value)
}
