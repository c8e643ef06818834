import { randomBytes } from 'node:crypto'
import * as Y from 'yjs'
import type { AuditAction, AuditGroup } from '@accord/api'

/*
 * The audit log: what facilitators and the secretariat did to a document, in the document's
 * own Y.Doc (the root `audit`, a Y.Array of plain entries), so that it travels, persists and
 * replays with the text and every client reads it live. Only the server writes it (a client's
 * update touching any root but `treaty` is refused by checkUpdate). Entries are append-only:
 * reopening a resolution is a new `reopen` entry, and `seq` and `reopenedBy` are derived when
 * reading.
 */

/** The name of the Y.Array root holding the audit log. */
export const AUDIT_ROOT = 'audit'

/** The minimal room the server's mutations need; server/src/Room.ts's Room is one, tests wrap a plain Y.Doc. */
export interface RoomLike {
  doc: Y.Doc
  /** Runs `change` in one Yjs transaction whose origin records `actor` (see Room.transact). */
  transact(actor: string, change: (doc: Y.Doc) => void): void
}

/** Who did it, as the participant record says at the time (names and roles can change later; the log keeps what they were). */
export interface Actor {
  participant: string
  name: string
  role: 'secretariat' | 'facilitator' | 'delegation' | 'observer'
  /** ISO 3166-1 alpha-2 code of a delegation's State, else null. */
  state: string | null
}

export type { AuditAction, AuditGroup }

/**
 * What a resolution keeps to reopen one group: where the text that replaced the bracket is
 * (Y relative positions, which follow the text through later edits) and the bracket itself.
 * Private to the server: never answered by the API.
 */
export interface GroupAnchor {
  group: string
  /** Base64 `Y.encodeRelativePosition` of the start of the replacing text (associated with its first character). */
  start: string | null
  /** …and of its end (associated with its last character); equal to start's place when the text was empty. */
  end: string | null
  /** Length (ProseMirror positions) of the replacing text when written: an empty range now means it was deleted. */
  size: number
  /** The bracket node's JSON before the resolution. */
  bracket: unknown
  /** The id of the resolved group this one was inside: it comes back with that one. */
  within: string | null
  /**
   * The fallback when the relative positions point into deleted text: y-prosemirror rewrites a
   * paragraph's text after a bracket that disappears (a later resolution before this one in the
   * same paragraph) as new characters. `parent` is the Yjs id of the element holding the text
   * (a paragraph, which keeps its id), `text` the replacing text (an element inside it counted
   * as U+FFFC), `before`/`after` up to 32 characters around it then.
   */
  context?: { parent: string; text: string; before: string; after: string } | null
}

/** The audit entry of docs/API.md. */
export interface PublicAuditEntry {
  id: string
  /** 1-based position in the log. */
  seq: number
  /** ISO 8601 time of the server. */
  time: string
  actor: Actor
  action: AuditAction
  groups: AuditGroup[]
  /** The alternative chosen (`""` for a drop), or null when the action chose nothing. */
  choice: string | null
  set: string | null
  /** A sentence for the log. */
  detail: string
  /** The `reopen` entry that undid this resolution, or null. */
  reopenedBy: string | null
  /** For an `amendment-*` entry only: the amendment's id (`m_…`). Absent on other entries. */
  amendment?: string
}

/** An entry as stored, with what the server keeps for itself. */
export interface AuditEntry extends PublicAuditEntry {
  /** For a `reopen` entry: the resolution it reopened. */
  reopens: string | null
  /** For a `resolve` entry: one per resolved group. */
  anchors: GroupAnchor[] | null
}

/** What the caller of appendAudit says; the rest (id, time, actor, seq) is the log's. */
export interface AuditFields {
  action: AuditAction
  groups?: AuditGroup[]
  choice?: string | null
  set?: string | null
  detail: string
  reopens?: string | null
  anchors?: GroupAnchor[] | null
  /** The amendment an `amendment-*` entry is about. */
  amendment?: string
}

/**
 * An entry as the Y.Array holds it. A resolution's anchors are one JSON string (see
 * packAnchors), not nested objects: a linked set of 500 groups made an entry of 300 KB of small
 * objects that every peer decoded key by key; entries written before keep their array.
 */
type StoredEntry = Omit<AuditEntry, 'seq' | 'reopenedBy' | 'anchors'> & { anchors: GroupAnchor[] | string | null }

/**
 * The anchors of a resolution as stored: `{"brackets": [bracket JSON…], "anchors": [anchor…]}`
 * where each anchor's `bracket` is an index into `brackets`, so that the members of a linked set
 * (the same bracket again and again) keep it once.
 */
export function packAnchors(anchors: readonly GroupAnchor[]): string {
  const brackets: unknown[] = []
  const byObject = new Map<unknown, number>()
  const byJson = new Map<string, number>()
  const packed = anchors.map((anchor) => {
    // The same object (the caller shares equal brackets) is not serialised again.
    let i = byObject.get(anchor.bracket)
    if (i === undefined) {
      const json = JSON.stringify(anchor.bracket)
      i = byJson.get(json)
      if (i === undefined) {
        i = brackets.push(anchor.bracket) - 1
        byJson.set(json, i)
      }
      byObject.set(anchor.bracket, i)
    }
    return { ...anchor, bracket: i }
  })
  return JSON.stringify({ brackets, anchors: packed })
}

/** The anchors of a stored entry, packed (packAnchors) or as entries written before kept them. */
export function unpackAnchors(stored: GroupAnchor[] | string | null | undefined): GroupAnchor[] | null {
  if (typeof stored !== 'string') return stored ?? null
  const { brackets, anchors } = JSON.parse(stored) as { brackets: unknown[]; anchors: (Omit<GroupAnchor, 'bracket'> & { bracket: number })[] }
  return anchors.map((anchor) => ({ ...anchor, bracket: brackets[anchor.bracket] }))
}

/** The label a change by `actor` carries as its transaction origin (Room prefixes `server:`) and in the server log. */
export function actorLabel(actor: Actor): string {
  return `${actor.role}:${actor.participant}`
}

/** The audit log of a document (the Y.Array root, created empty when absent). */
export function auditArray(doc: Y.Doc): Y.Array<StoredEntry> {
  return doc.getArray<StoredEntry>(AUDIT_ROOT)
}

/**
 * Appends an entry inside the transaction that is already running (the one making the change
 * it records, so that both are one update). Use appendAudit when the entry is the whole change.
 */
export function appendAuditIn(doc: Y.Doc, actor: Actor, fields: AuditFields): AuditEntry {
  const log = auditArray(doc)
  const stored: StoredEntry = {
    id: `a_${randomBytes(9).toString('base64url')}`,
    time: new Date().toISOString(),
    actor: { participant: actor.participant, name: actor.name, role: actor.role, state: actor.state },
    action: fields.action,
    groups: fields.groups ?? [],
    choice: fields.choice ?? null,
    set: fields.set ?? null,
    detail: fields.detail,
    reopens: fields.reopens ?? null,
    anchors: fields.anchors ? packAnchors(fields.anchors) : null,
    ...(fields.amendment ? { amendment: fields.amendment } : {}),
  }
  log.push([stored])
  return { ...stored, anchors: fields.anchors ?? null, seq: log.length, reopenedBy: null }
}

/** Appends an entry in a transaction of its own, on behalf of `actor`. */
export function appendAudit(room: RoomLike, actor: Actor, fields: AuditFields): AuditEntry {
  let entry: AuditEntry | undefined
  room.transact(actorLabel(actor), (doc) => {
    entry = appendAuditIn(doc, actor, fields)
  })
  return entry!
}

/**
 * Records that `entry` (a resolution) was reopened: a `reopen` entry pointing at it. Fails when
 * it is not a resolution or was already reopened (a resolution is reopened at most once).
 */
export function appendReopen(room: RoomLike, actor: Actor, entry: string, fields: Omit<AuditFields, 'action' | 'reopens'>): AuditEntry {
  let result: AuditEntry | undefined
  room.transact(actorLabel(actor), (doc) => {
    const target = readAudit(doc).find((e) => e.id === entry)
    if (!target || target.action !== 'resolve') throw new RangeError(`the audit log has no resolution ${entry}`)
    if (target.reopenedBy) throw new RangeError(`the resolution ${entry} was already reopened by ${target.reopenedBy}`)
    result = appendAuditIn(doc, actor, { ...fields, action: 'reopen', reopens: entry })
  })
  return result!
}

/** Every entry, oldest first, with `seq` and `reopenedBy` derived. */
export function readAudit(doc: Y.Doc): AuditEntry[] {
  const stored = auditArray(doc).toArray()
  const reopenedBy = new Map<string, string>()
  for (const e of stored) {
    if (e.action === 'reopen' && e.reopens && !reopenedBy.has(e.reopens)) reopenedBy.set(e.reopens, e.id)
  }
  return stored.map((e, i) => ({
    ...e,
    groups: e.groups ?? [],
    choice: e.choice ?? null,
    set: e.set ?? null,
    reopens: e.reopens ?? null,
    anchors: unpackAnchors(e.anchors),
    seq: i + 1,
    reopenedBy: reopenedBy.get(e.id) ?? null,
  }))
}

/** The entry as the API answers it: the fields of docs/API.md, nothing private. */
export function publicEntry(entry: AuditEntry): PublicAuditEntry {
  const { id, seq, time, actor, action, groups, choice, set, detail, reopenedBy, amendment } = entry
  return { id, seq, time, actor, action, groups, choice, set, detail, reopenedBy, ...(amendment ? { amendment } : {}) }
}

/** Base64 of a Y relative position, for storing it in an entry. */
export function encodeAnchor(position: Y.RelativePosition): string {
  return Buffer.from(Y.encodeRelativePosition(position)).toString('base64')
}

export function decodeAnchor(anchor: string): Y.RelativePosition {
  return Y.decodeRelativePosition(new Uint8Array(Buffer.from(anchor, 'base64')))
}
