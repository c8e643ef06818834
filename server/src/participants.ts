import { createHash, randomBytes } from 'node:crypto'
import type Database from 'better-sqlite3'
import { newDocumentId } from './ids'

/**
 * Who takes part in a negotiation, and the tokens they sign in with.
 *
 * A participant is invited to one document with a role (facilitator, a State's delegation,
 * observer), or is a secretariat officer (no document: every document). The invitation
 * carries a secret token; the server keeps only its SHA-256, so a copy of the data directory
 * does not hand out anybody's access. Revoking sets `revoked`; the token stops working at once
 * and live connections are cut (the server watches the table, so a revocation made by the
 * `accord` command while the server runs takes effect too).
 */

export const ROLES = ['secretariat', 'facilitator', 'delegation', 'observer'] as const
export type Role = (typeof ROLES)[number]
/** The roles one can hold within one document (the secretariat counts as a facilitator there). */
export const DOCUMENT_ROLES = ['facilitator', 'delegation', 'observer'] as const
export type DocumentRole = (typeof DOCUMENT_ROLES)[number]

export interface Participant {
  id: string
  /** The document; null for the secretariat (every document). */
  docId: string | null
  role: Role
  /** The person's or delegation's name, as others see it. */
  name: string
  /** ISO 3166-1 alpha-2 code of a delegation's State (upper case); null for other roles. */
  state: string | null
  /** Epoch milliseconds. */
  created: number
  /** Participant id of whoever invited (null: the command line). */
  createdBy: string | null
  /** Epoch milliseconds of the revocation, or null. */
  revoked: number | null
}

/** A participant as the API shows it. */
export interface ParticipantView {
  id: string
  role: Role
  name: string
  state: string | null
  stateName: string | null
  docId: string | null
  created: string
  revoked: string | null
}

/** A mistake in an invitation (the API answers 422 with it, the command line exits 2). */
export class InvitationError extends Error {
  override name = 'InvitationError'
}

const TOKEN_PREFIX = 'acc_'

export function newToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url')
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

/** Whether a string looks like a token at all (cheap check before hashing and a lookup). */
export function isTokenShaped(value: string): boolean {
  return /^acc_[A-Za-z0-9_-]{43}$/.test(value)
}

const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' })

/**
 * The English short name of an ISO 3166-1 alpha-2 code (also "EU", a party to many treaties),
 * or undefined when the code names no country.
 */
export function stateName(code: string): string | undefined {
  if (!/^[A-Z]{2}$/.test(code)) return undefined
  // ZZ (unknown region) and the private-use codes are not States.
  if (code === 'ZZ' || /^(AA|Q[M-Z]|X[A-Z])$/.test(code)) return undefined
  try {
    const name = regionNames.of(code)
    return name && name !== code ? name : undefined
  } catch {
    return undefined
  }
}

/** Checks and normalises what an invitation says; throws InvitationError with what is wrong. */
export function checkInvitation(input: { role: unknown; name: unknown; state?: unknown; docId: string | null }): {
  role: Role
  name: string
  state: string | null
} {
  const { role } = input
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) {
    throw new InvitationError(`role must be one of ${ROLES.join(', ')} (got ${JSON.stringify(role)})`)
  }
  if (role === 'secretariat' && input.docId !== null) throw new InvitationError('the secretariat is not invited to one document: leave out the document')
  if (role !== 'secretariat' && input.docId === null) throw new InvitationError(`a ${role} is invited to one document: name it`)
  if (typeof input.name !== 'string') throw new InvitationError('name must be a string: the name others see')
  // Control characters and line breaks would garble logs and presence labels.
  const name = input.name.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').replace(/\s+/g, ' ').trim()
  if (!name) throw new InvitationError('name is empty: give the name others will see (a person, or a delegation)')
  if ([...name].length > 80) throw new InvitationError(`name is ${[...name].length} characters long; at most 80`)
  let state: string | null = null
  if (role === 'delegation') {
    if (typeof input.state !== 'string' || !input.state.trim()) throw new InvitationError('a delegation speaks for a State: give its ISO 3166 code (e.g. FR, CN, BR)')
    const code = input.state.trim().toUpperCase()
    if (!stateName(code)) throw new InvitationError(`${JSON.stringify(input.state)} is not an ISO 3166-1 alpha-2 country code (e.g. FR, CN, BR)`)
    state = code
  } else if (input.state !== undefined && input.state !== null && input.state !== '') {
    throw new InvitationError(`only a delegation has a State; a ${role} does not (leave out state)`)
  }
  return { role: role as Role, name, state }
}

export function viewOf(p: Participant): ParticipantView {
  return {
    id: p.id,
    role: p.role,
    name: p.name,
    state: p.state,
    stateName: p.state ? (stateName(p.state) ?? p.state) : null,
    docId: p.docId,
    created: new Date(p.created).toISOString(),
    revoked: p.revoked === null ? null : new Date(p.revoked).toISOString(),
  }
}

/** The role a participant has in a document, or null when it has none there. */
export function roleIn(p: Participant, docId: string): DocumentRole | null {
  if (p.revoked !== null) return null
  if (p.role === 'secretariat') return 'facilitator'
  return p.docId === docId ? p.role : null
}

interface Row {
  id: string
  doc: string | null
  role: Role
  name: string
  state: string | null
  created: number
  created_by: string | null
  revoked: number | null
}

function fromRow(row: Row): Participant {
  return { id: row.id, docId: row.doc, role: row.role, name: row.name, state: row.state, created: row.created, createdBy: row.created_by, revoked: row.revoked }
}

/** The participants table, in the server's SQLite file (opened by the server or by the `accord` command). */
export class ParticipantStore {
  private readonly s: ReturnType<ParticipantStore['prepare']>

  constructor(private readonly db: Database.Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS participants (
        id TEXT PRIMARY KEY,
        doc TEXT REFERENCES documents(id),
        role TEXT NOT NULL,
        name TEXT NOT NULL,
        state TEXT,
        token_hash TEXT NOT NULL UNIQUE,
        created INTEGER NOT NULL,
        created_by TEXT,
        revoked INTEGER
      );
      CREATE INDEX IF NOT EXISTS participants_by_doc ON participants(doc);
    `)
    this.s = this.prepare()
  }

  private prepare() {
    const db = this.db
    const columns = 'id, doc, role, name, state, created, created_by, revoked'
    return {
      insert: db.prepare('INSERT INTO participants (id, doc, role, name, state, token_hash, created, created_by, revoked) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)'),
      byHash: db.prepare(`SELECT ${columns} FROM participants WHERE token_hash = ?`),
      byId: db.prepare(`SELECT ${columns} FROM participants WHERE id = ?`),
      byDoc: db.prepare(`SELECT ${columns} FROM participants WHERE doc = ? ORDER BY created, id`),
      revoke: db.prepare('UPDATE participants SET revoked = ? WHERE id = ? AND revoked IS NULL'),
      revokedSince: db.prepare(`SELECT ${columns} FROM participants WHERE revoked IS NOT NULL AND revoked >= ?`),
      docExists: db.prepare('SELECT 1 FROM documents WHERE id = ?'),
    }
  }

  /** Invites someone; the token is returned once and never stored. */
  invite(input: { docId: string | null; role: unknown; name: unknown; state?: unknown; createdBy?: string | null }): { participant: Participant; token: string } {
    const { role, name, state } = checkInvitation(input)
    if (input.docId !== null && !this.s.docExists.get(input.docId)) throw new InvitationError(`there is no document ${JSON.stringify(input.docId)}`)
    const token = newToken()
    const participant: Participant = {
      id: `p_${newDocumentId()}`,
      docId: input.docId,
      role,
      name,
      state,
      created: Date.now(),
      createdBy: input.createdBy ?? null,
      revoked: null,
    }
    this.s.insert.run(participant.id, participant.docId, role, name, state, hashToken(token), participant.created, participant.createdBy)
    return { participant, token }
  }

  /** The participant a token belongs to (revoked ones included: the caller says why it is refused). */
  byToken(token: string): Participant | undefined {
    if (!isTokenShaped(token)) return undefined
    const row = this.s.byHash.get(hashToken(token)) as Row | undefined
    return row && fromRow(row)
  }

  get(id: string): Participant | undefined {
    const row = this.s.byId.get(id) as Row | undefined
    return row && fromRow(row)
  }

  list(docId: string): Participant[] {
    return (this.s.byDoc.all(docId) as Row[]).map(fromRow)
  }

  /** Revokes; answers the participant as it is now, or undefined for an unknown id. */
  revoke(id: string, now = Date.now()): Participant | undefined {
    this.s.revoke.run(now, id)
    return this.get(id)
  }

  /** Participants revoked at or after `since` (epoch ms): how the server learns of revocations made elsewhere. */
  revokedSince(since: number): Participant[] {
    return (this.s.revokedSince.all(since) as Row[]).map(fromRow)
  }
}
