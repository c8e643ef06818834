/**
 * The invitation tokens this browser holds, in localStorage under `accord.tokens`. A person
 * may hold several: one per document they were invited to, and possibly a secretariat token
 * (server-wide). Each entry remembers what `GET /api/me` said about it, so that the app knows
 * which token opens which document without asking the server first.
 *
 * The store tolerates a missing, blocked or malformed localStorage (the tokens then last for
 * this page only) and never throws.
 */

export type Role = 'secretariat' | 'facilitator' | 'delegation' | 'observer'

export const ROLES: readonly Role[] = ['secretariat', 'facilitator', 'delegation', 'observer']

/** A participant record as the server answers it everywhere (docs/API.md). */
export interface Participant {
  id: string
  role: Role
  name: string
  state: string | null
  stateName: string | null
  /** null for the secretariat. */
  docId: string | null
  created?: string
  revoked?: string | null
}

export interface StoredToken {
  token: string
  participant: Participant
  /** When this browser stored it (ISO): the newest token for a document wins. */
  saved: string
}

export const TOKENS_KEY = 'accord.tokens'

/** The parts of Storage the store uses (tests pass a Map-backed fake). */
export interface StorageLike {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
}

const TOKEN_RE = /^acc_[A-Za-z0-9_-]{20,}$/

/** Whether `value` looks like an Accord token (`acc_` + base64url). */
export function isToken(value: unknown): value is string {
  return typeof value === 'string' && TOKEN_RE.test(value)
}

function isParticipant(v: unknown): v is Participant {
  const p = v as Partial<Participant> | null
  return !!p && typeof p.id === 'string' && typeof p.name === 'string' && typeof p.role === 'string' && (ROLES as readonly string[]).includes(p.role) && (p.docId === null || typeof p.docId === 'string')
}

function defaultStorage(): StorageLike | null {
  try {
    return globalThis.localStorage ?? null
  } catch {
    return null
  }
}

export class TokenStore {
  /** Kept in memory too, so that a blocked localStorage still works for this page. */
  private entries: StoredToken[]

  constructor(private readonly storage: StorageLike | null = defaultStorage()) {
    this.entries = this.read()
  }

  private read(): StoredToken[] {
    let raw: string | null = null
    try {
      raw = this.storage?.getItem(TOKENS_KEY) ?? null
    } catch {
      return []
    }
    if (!raw) return []
    try {
      const list = JSON.parse(raw) as unknown
      if (!Array.isArray(list)) return []
      return list.filter((e): e is StoredToken => !!e && isToken((e as StoredToken).token) && isParticipant((e as StoredToken).participant)).map((e) => ({ ...e, saved: typeof e.saved === 'string' ? e.saved : '' }))
    } catch {
      return []
    }
  }

  /** False once a write failed: from then on this page's copy is the truth. */
  private writable = true

  private write(): void {
    try {
      if (!this.storage) throw new Error('no storage')
      this.storage.setItem(TOKENS_KEY, JSON.stringify(this.entries))
      this.writable = true
    } catch {
      // Full or blocked: the tokens last for this page only.
      this.writable = false
    }
  }

  /** Every stored token, newest first. */
  all(): StoredToken[] {
    return [...this.current()].sort((a, b) => b.saved.localeCompare(a.saved))
  }

  /** What localStorage holds now (another tab may have joined a document), else what this page kept. */
  private current(): StoredToken[] {
    const stored = this.read()
    if (stored.length || this.writable) this.entries = stored
    return this.entries
  }

  /**
   * Keeps `token` for what `participant` is. A newer token for the same document (or a second
   * secretariat token) replaces the older one: a person re-invited after a revocation should
   * not keep presenting the dead token.
   */
  save(token: string, participant: Participant, now: Date = new Date()): StoredToken {
    const entry: StoredToken = { token, participant, saved: now.toISOString() }
    this.entries = [entry, ...this.current().filter((e) => e.token !== token && e.participant.docId !== participant.docId)]
    this.write()
    return entry
  }

  remove(token: string): void {
    this.entries = this.current().filter((e) => e.token !== token)
    this.write()
  }

  /** The token invited to `docId`, else null. */
  forDocument(docId: string): StoredToken | null {
    return this.all().find((e) => e.participant.docId === docId) ?? null
  }

  /** The secretariat token, else null. */
  secretariat(): StoredToken | null {
    return this.all().find((e) => e.participant.role === 'secretariat') ?? null
  }

  /** The token to present for `docId`: the one invited to it, else the secretariat's. */
  tokenFor(docId: string): StoredToken | null {
    return this.forDocument(docId) ?? this.secretariat()
  }
}

/** The browser's store; tests make their own. */
export const tokens = new TokenStore()
