/**
 * The collaboration server's JSON API, as the editor uses it (docs/API.md). Every call but
 * the health check carries a token: the one invited to the document it concerns, else the
 * secretariat's. Errors arrive as `{error: {code, message}}`; they become ApiError with the
 * server's message so that what the person reads says what went wrong.
 */
import type { Comparison } from '@accord/compare'
import { tokens, type Participant, type Role, type StoredToken, type TokenStore } from './auth/tokens'
import {
  AMENDMENT_KINDS,
  AMENDMENT_STATUSES,
  type AmendmentKind,
  type AmendmentStatus,
  type AmendmentTarget,
  type AuditAction,
  type AuditGroup,
  type BracketGroupReport,
  type BracketsReport,
  type Decision,
  type LinkedSetReport,
  type Located,
  type NearDuplicateReport,
  type PublicAmendment,
  type TargetSpec,
} from '@accord/api'

export interface DocumentSummary {
  id: string
  title: string
  created?: string
  /** ISO date-time or epoch milliseconds of the last change. */
  updated: string | number
  /** The caller's effective role in this document (a secretariat officer is `facilitator` everywhere). */
  role?: Role
}

/** An import warning: where in the pasted text (1-based line and column) and what. */
export interface ImportWarning {
  line?: number
  column?: number
  code?: string
  message: string
}

/** What an invitation returns: the participant, their token and the link to send them. */
export interface Invitation {
  participant: Participant
  token: string
  link: string
}

export interface CreatedDocument {
  id: string
  warnings: ImportWarning[]
  /** The first facilitator's invitation, when one was named. */
  facilitator?: Invitation
}

export interface ParticipantStatus extends Participant {
  /** Open connections right now. */
  online: number
}

export interface DocumentSettings {
  openDrafting: boolean
}

/** An open group as `GET …/brackets` lists it. */
export type ServerGroup = BracketGroupReport
export type ServerLinkedSet = LinkedSetReport
export type ServerNearDuplicate = NearDuplicateReport
export type BracketsOverview = BracketsReport
export type { AuditAction }

/** One line of a document's audit log (the `audit` Y.Array, and `GET …/audit`). */
export interface AuditEntry {
  id: string
  seq: number
  time: string
  actor: { participant: string; name: string; role: Role; state: string | null }
  action: AuditAction | string
  groups: AuditGroup[]
  choice?: string | null
  set?: string | null
  detail?: string
  reopenedBy?: string | null
  /** For a `reopen` entry: the resolution it reopened (in the Y.Array; `reopenedBy` is derived from it). */
  reopens?: string | null
}

export class ApiError extends Error {
  override name = 'ApiError'
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
    /** The whole `error` object the server sent (e.g. the open items of a refused export). */
    readonly body?: Record<string, unknown>,
  ) {
    super(message)
  }
}

/** Thrown before any request when this browser holds no token that could open `docId`. */
export class NoTokenError extends ApiError {
  override name = 'NoTokenError'
  constructor(readonly docId: string | null) {
    super('no invitation for this document in this browser', 401, 'no-token')
  }
}

/** Options every call accepts: which token store to read (tests) and which token to present. */
export interface CallOptions {
  store?: TokenStore
  token?: string
}

function tokenForDoc(docId: string, opts?: CallOptions): string {
  if (opts?.token) return opts.token
  const entry = (opts?.store ?? tokens).tokenFor(docId)
  if (!entry) throw new NoTokenError(docId)
  return entry.token
}

function secretariatToken(opts?: CallOptions): string {
  if (opts?.token) return opts.token
  const entry = (opts?.store ?? tokens).secretariat()
  if (!entry) throw new NoTokenError(null)
  return entry.token
}

/** Fetches `path` with `token`; answers the parsed body, or throws ApiError with the server's message. */
export async function request(path: string, token: string | null, init?: RequestInit): Promise<unknown> {
  const res = await send(path, token, init)
  const body: unknown = res.headers.get('content-type')?.includes('json') ? await res.json().catch(() => null) : await res.text().catch(() => null)
  if (!res.ok) throw errorOf(res, body)
  return body
}

/** The raw response (exports are files, not JSON); network failures become ApiError. */
export async function send(path: string, token: string | null, init?: RequestInit): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json', ...(init?.headers as Record<string, string> | undefined) }
  if (token) headers.authorization = `Bearer ${token}`
  try {
    return await fetch(path, { ...init, headers })
  } catch (e) {
    throw new ApiError(`the server could not be reached (${(e as Error).message})`, 0, 'network')
  }
}

/** The ApiError for a failed response whose body was already read. */
export function errorOf(res: Pick<Response, 'status' | 'statusText'>, body: unknown): ApiError {
  const err = (body as { error?: { code?: string; message?: string } } | null)?.error
  return new ApiError(err?.message ?? `the server answered ${res.status} ${res.statusText}`, res.status, err?.code, err as Record<string, unknown> | undefined)
}

function badResponse(what: string): ApiError {
  return new ApiError(`the server sent ${what} the editor does not understand`, 200, 'bad-response')
}

const docPath = (docId: string, rest = '') => `/api/documents/${encodeURIComponent(docId)}${rest}`

const json = (body: unknown): RequestInit => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

// ── Who you are ────────────────────────────────────────────────────────────

export interface Me {
  participant: Participant
  documents: DocumentSummary[]
}

/** `GET /api/me` with a given token: who it belongs to and what it opens. 401 when unknown or revoked. */
export async function getMe(token: string): Promise<Me> {
  const body = (await request('/api/me', token)) as Partial<Me> | null
  if (!body || !body.participant || typeof body.participant.id !== 'string') throw badResponse('an identity')
  return { participant: body.participant, documents: Array.isArray(body.documents) ? body.documents : [] }
}

/**
 * What `POST /api/tickets` gives for one websocket connection: the single-use ticket (valid
 * about a minute) and the document's current epoch (0 as created, +1 each time the server
 * re-bases it onto a fresh Y.Doc; a Y.Doc of another epoch must never be synced with it).
 */
export interface Ticket {
  ticket: string
  epoch: number
}

/** A ticket to open `docId`, with the document's current epoch. */
export async function getTicket(docId: string, opts?: CallOptions): Promise<Ticket> {
  // The token says who; the body says which document, so that the answer can carry its epoch.
  const body = (await request('/api/tickets', tokenForDoc(docId, opts), { method: 'POST', ...json({ doc: docId }) })) as { ticket?: unknown; epoch?: unknown } | null
  if (!body || typeof body.ticket !== 'string') throw badResponse('a ticket')
  // A server that does not number epochs has never re-based: every document is at epoch 0.
  const epoch = body.epoch ?? 0
  if (!isEpoch(epoch)) throw badResponse('an epoch')
  return { ticket: body.ticket, epoch }
}

const isEpoch = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0

/** `merged`: the tab held changes the server did not have, now in the current epoch; `epoch`: the current one. */
export interface MergeResult {
  merged: boolean
  epoch: number
}

/**
 * Hands the state of a tab whose Y.Doc belongs to an older `epoch` (`Y.encodeStateAsUpdate`)
 * to the server, which merges what the server never received into the current document, as
 * this participant and with the same permission checks as typing. 403 (the role may not make
 * those changes; the message says why), 409 (`epoch` is the current one, or unknown), 413 (too
 * large) are ApiErrors like any other.
 */
export async function mergeOffline(docId: string, epoch: number, update: Uint8Array, opts?: CallOptions): Promise<MergeResult> {
  const body = (await request(docPath(docId, '/merges'), tokenForDoc(docId, opts), { method: 'POST', ...json({ epoch, update: toBase64(update) }) })) as Partial<MergeResult> | null
  if (!body || typeof body.merged !== 'boolean' || !isEpoch(body.epoch)) throw badResponse('a merge result')
  return { merged: body.merged, epoch: body.epoch }
}

/** Base64 of bytes, in the browser (no Buffer); in slices, since a treaty's state is larger than an argument list may be. */
export function toBase64(bytes: Uint8Array): string {
  let binary = ''
  const slice = 0x8000
  for (let i = 0; i < bytes.length; i += slice) binary += String.fromCharCode(...bytes.subarray(i, i + slice))
  return btoa(binary)
}

// ── Documents ──────────────────────────────────────────────────────────────

function documentList(body: unknown): DocumentSummary[] {
  const list = Array.isArray(body) ? body : (body as { documents?: unknown })?.documents
  if (!Array.isArray(list)) throw badResponse('a document list')
  return list as DocumentSummary[]
}

export interface DocumentListing {
  documents: DocumentSummary[]
  /** Tokens the server no longer accepts (revoked or unknown): the page says so, once each. */
  rejected: StoredToken[]
  /** Other failures, by token: the list may be incomplete. */
  failed: { entry: StoredToken; message: string }[]
}

/**
 * Every document this browser's tokens open: `GET /api/documents` once per token, merged
 * (the highest role wins when two tokens open the same document), newest first.
 */
export async function listDocuments(opts?: { store?: TokenStore }): Promise<DocumentListing> {
  const store = opts?.store ?? tokens
  const entries = store.all()
  const rank: Record<string, number> = { observer: 0, delegation: 1, facilitator: 2, secretariat: 3 }
  const merged = new Map<string, DocumentSummary>()
  const rejected: StoredToken[] = []
  const failed: { entry: StoredToken; message: string }[] = []
  await Promise.all(
    entries.map(async (entry) => {
      try {
        for (const d of documentList(await request('/api/documents', entry.token))) {
          const role = d.role ?? (entry.participant.role === 'secretariat' ? 'facilitator' : entry.participant.role)
          const seen = merged.get(d.id)
          if (!seen || rank[role] > rank[seen.role ?? 'observer']) merged.set(d.id, { ...d, role })
        }
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) rejected.push(entry)
        else failed.push({ entry, message: (e as Error).message })
      }
    }),
  )
  const documents = [...merged.values()].sort((a, b) => time(b.updated) - time(a.updated))
  return { documents, rejected, failed }
}

export function time(value: string | number | undefined): number {
  const ms = typeof value === 'number' ? value : Date.parse(value ?? '')
  return Number.isFinite(ms) ? ms : 0
}

/** Imports a treaty from plain text (secretariat only); `facilitator` also invites the first facilitator by that name. */
export async function createDocument(text: string, facilitator?: string, opts?: CallOptions): Promise<CreatedDocument> {
  const query = facilitator?.trim() ? `?facilitator=${encodeURIComponent(facilitator.trim())}` : ''
  const body = (await request(`/api/documents${query}`, secretariatToken(opts), { method: 'POST', headers: { 'content-type': 'text/plain; charset=utf-8' }, body: text })) as Partial<CreatedDocument> | null
  if (!body || typeof body.id !== 'string') throw new ApiError('the server did not say which document it created', 200, 'bad-response')
  const created: CreatedDocument = { id: body.id, warnings: normaliseWarnings(body.warnings) }
  if (body.facilitator && typeof body.facilitator.link === 'string') created.facilitator = body.facilitator
  return created
}

function normaliseWarnings(raw: unknown): ImportWarning[] {
  if (!Array.isArray(raw)) return []
  return raw.map((w): ImportWarning => {
    if (typeof w === 'string') return { message: w }
    const o = (w ?? {}) as Record<string, unknown>
    return {
      line: typeof o.line === 'number' ? o.line : undefined,
      column: typeof o.column === 'number' ? o.column : undefined,
      code: typeof o.code === 'string' ? o.code : undefined,
      message: typeof o.message === 'string' ? o.message : JSON.stringify(w),
    }
  })
}

/** The export of `docId` as the server answers it (a file, or an error the caller reads). */
export function fetchExport(docId: string, format: string, mode: string, opts?: CallOptions): Promise<Response> {
  return send(docPath(docId, `/export?format=${encodeURIComponent(format)}&mode=${encodeURIComponent(mode)}`), tokenForDoc(docId, opts))
}

// ── Participants and settings ──────────────────────────────────────────────

export async function listParticipants(docId: string, opts?: CallOptions): Promise<ParticipantStatus[]> {
  const body = (await request(docPath(docId, '/participants'), tokenForDoc(docId, opts))) as { participants?: unknown } | null
  if (!body || !Array.isArray(body.participants)) throw badResponse('a participant list')
  return body.participants as ParticipantStatus[]
}

export async function invite(docId: string, invitation: { role: Exclude<Role, 'secretariat'>; name: string; state?: string }, opts?: CallOptions): Promise<Invitation> {
  const payload: Record<string, string> = { role: invitation.role, name: invitation.name.trim() }
  if (invitation.role === 'delegation' && invitation.state) payload.state = invitation.state.trim().toUpperCase()
  const body = (await request(docPath(docId, '/invitations'), tokenForDoc(docId, opts), { method: 'POST', ...json(payload) })) as Partial<Invitation> | null
  if (!body || typeof body.link !== 'string' || !body.participant) throw badResponse('an invitation')
  return body as Invitation
}

export async function revoke(docId: string, participantId: string, opts?: CallOptions): Promise<Participant> {
  const body = (await request(docPath(docId, `/participants/${encodeURIComponent(participantId)}/revoke`), tokenForDoc(docId, opts), { method: 'POST' })) as { participant?: Participant } | null
  if (!body?.participant) throw badResponse('a participant')
  return body.participant
}

export async function setOpenDrafting(docId: string, openDrafting: boolean, opts?: CallOptions): Promise<DocumentSettings> {
  return (await request(docPath(docId, '/settings'), tokenForDoc(docId, opts), { method: 'PATCH', ...json({ openDrafting }) })) as DocumentSettings
}

// ── Brackets ───────────────────────────────────────────────────────────────

export async function getBrackets(docId: string, opts?: CallOptions): Promise<BracketsOverview> {
  const body = (await request(docPath(docId, '/brackets'), tokenForDoc(docId, opts))) as Partial<BracketsOverview> | null
  if (!body || !Array.isArray(body.groups)) throw badResponse('a bracket overview')
  return { groups: body.groups, sets: body.sets ?? [], nearDuplicates: body.nearDuplicates ?? [] }
}

/** What to resolve: one group or a whole linked set, by the server's ids, and the alternative's text (`""` drops a single bracket). */
export type Resolution = { group: string; choose: string } | { set: string; choose: string }

export async function resolve(docId: string, resolution: Resolution, opts?: CallOptions): Promise<{ resolved: number; entry: string }> {
  return (await request(docPath(docId, '/resolutions'), tokenForDoc(docId, opts), { method: 'POST', ...json(resolution) })) as { resolved: number; entry: string }
}

export async function reopen(docId: string, entry: string, opts?: CallOptions): Promise<{ reopened: number; missing: number; entry: string }> {
  return (await request(docPath(docId, '/reopenings'), tokenForDoc(docId, opts), { method: 'POST', ...json({ entry }) })) as { reopened: number; missing: number; entry: string }
}

export async function markAdRef(docId: string, group: string, adRef: boolean, opts?: CallOptions): Promise<{ entry: string }> {
  return (await request(docPath(docId, '/ad-ref'), tokenForDoc(docId, opts), { method: 'POST', ...json({ group, adRef }) })) as { entry: string }
}

export async function normalise(docId: string, group: string, opts?: CallOptions): Promise<{ entry: string }> {
  return (await request(docPath(docId, '/normalisations'), tokenForDoc(docId, opts), { method: 'POST', ...json({ group }) })) as { entry: string }
}

export async function getAudit(docId: string, opts?: CallOptions): Promise<AuditEntry[]> {
  const body = (await request(docPath(docId, '/audit'), tokenForDoc(docId, opts))) as { entries?: unknown } | null
  if (!body || !Array.isArray(body.entries)) throw badResponse('an audit log')
  return body.entries as AuditEntry[]
}

// ── Amendments ─────────────────────────────────────────────────────────────

export { AMENDMENT_KINDS, AMENDMENT_STATUSES, type AmendmentKind, type AmendmentStatus, type AmendmentTarget, type Located, type TargetSpec }
export type AmendmentDecision = Decision

/**
 * An amendment as `GET …/amendments` answers it; read from the `amendments` Y.Map too, whose
 * older records may lack the base, the decision and the location.
 */
export type Amendment = Omit<PublicAmendment, 'base' | 'decision' | 'located'> & Partial<Pick<PublicAmendment, 'base' | 'decision' | 'located'>>

export interface Proposal {
  kind: AmendmentKind
  target: TargetSpec
  text: string
  justification: string
}

export async function listAmendments(docId: string, opts?: CallOptions): Promise<Amendment[]> {
  const body = (await request(docPath(docId, '/amendments'), tokenForDoc(docId, opts))) as { amendments?: unknown } | null
  if (!body || !Array.isArray(body.amendments)) throw badResponse('a list of amendments')
  return body.amendments as Amendment[]
}

export async function proposeAmendment(docId: string, proposal: Proposal, opts?: CallOptions): Promise<{ id: string; warning?: string | null }> {
  const body = (await request(docPath(docId, '/amendments'), tokenForDoc(docId, opts), { method: 'POST', ...json(proposal) })) as { id?: unknown; warning?: string | null } | null
  if (!body || typeof body.id !== 'string') throw badResponse('an amendment id')
  return { id: body.id, warning: body.warning ?? null }
}

function amendmentOf(body: unknown): Amendment {
  const a = (body as { amendment?: Amendment } | null)?.amendment
  if (!a || typeof a.id !== 'string') throw badResponse('an amendment')
  return a
}

const amendmentPath = (docId: string, id: string, rest = '') => docPath(docId, `/amendments/${encodeURIComponent(id)}${rest}`)

export async function updateAmendment(docId: string, id: string, changes: { text?: string; justification?: string }, opts?: CallOptions): Promise<Amendment> {
  return amendmentOf(await request(amendmentPath(docId, id), tokenForDoc(docId, opts), { method: 'PATCH', ...json(changes) }))
}

export async function cosponsorAmendment(docId: string, id: string, opts?: CallOptions): Promise<Amendment> {
  return amendmentOf(await request(amendmentPath(docId, id, '/cosponsors'), tokenForDoc(docId, opts), { method: 'POST' }))
}

export async function withdrawAmendment(docId: string, id: string, opts?: CallOptions): Promise<Amendment> {
  return amendmentOf(await request(amendmentPath(docId, id, '/withdraw'), tokenForDoc(docId, opts), { method: 'POST' }))
}

export async function decideAmendment(docId: string, id: string, decision: AmendmentDecision, opts?: CallOptions): Promise<{ amendment: Amendment; entry: string; group: string | null }> {
  const body = (await request(amendmentPath(docId, id, '/decision'), tokenForDoc(docId, opts), { method: 'POST', ...json({ decision }) })) as { entry?: string; group?: string | null } | null
  return { amendment: amendmentOf(body), entry: body?.entry ?? '', group: body?.group ?? null }
}

/** The compilation a secretariat circulates (a file). */
export function fetchCompilation(docId: string, format: 'text' | 'html', by: 'state' | 'article', opts?: CallOptions): Promise<Response> {
  return send(docPath(docId, `/amendments/compilation?format=${format}&by=${by}`), tokenForDoc(docId, opts))
}

// ── Revisions and compare ──────────────────────────────────────────────────

/** A named revision (server/src/revisions.ts `RevisionView`); number 0 is the initial text. */
export interface Revision {
  id: string
  name: string
  number: number
  created: string
  author: { participant: string; name: string } | null
}

/** One side of a comparison: a revision, or `current`. */
export interface ComparedVersion {
  id: string
  name: string
  number: number | null
  created: string | null
}

export type { Comparison, ComparisonSummary, UnitComparison, BlockComparison } from '@accord/compare'

export interface RevisionComparison {
  from: ComparedVersion
  to: ComparedVersion
  comparison: Comparison
}

/** `to`/`from` values that are not revision ids. */
export const INITIAL_REF = 'initial'
export const CURRENT_REF = 'current'

export async function listRevisions(docId: string, opts?: CallOptions): Promise<Revision[]> {
  const body = (await request(docPath(docId, '/revisions'), tokenForDoc(docId, opts))) as { revisions?: unknown } | null
  if (!body || !Array.isArray(body.revisions)) throw badResponse('a list of revisions')
  return body.revisions as Revision[]
}

export async function saveRevision(docId: string, name: string | null, opts?: CallOptions): Promise<Revision> {
  const payload = name?.trim() ? { name: name.trim() } : {}
  const body = (await request(docPath(docId, '/revisions'), tokenForDoc(docId, opts), { method: 'POST', ...json(payload) })) as { revision?: Revision } | null
  if (!body?.revision) throw badResponse('a revision')
  return body.revision
}

/** A revision's treaty file (read-only) and its metadata. */
export async function getRevision(docId: string, rid: string, opts?: CallOptions): Promise<{ revision: Revision; file: unknown }> {
  const body = (await request(docPath(docId, `/revisions/${encodeURIComponent(rid)}`), tokenForDoc(docId, opts))) as ({ revision?: Revision } & Record<string, unknown>) | null
  if (!body || !body.revision) throw badResponse('a revision')
  const { revision, ...file } = body
  return { revision, file }
}

export function fetchRevisionExport(docId: string, rid: string, format: string, mode: string, opts?: CallOptions): Promise<Response> {
  return send(docPath(docId, `/revisions/${encodeURIComponent(rid)}/export?format=${encodeURIComponent(format)}&mode=${encodeURIComponent(mode)}`), tokenForDoc(docId, opts))
}

export async function compareRevisions(docId: string, from: string, to: string, opts?: CallOptions): Promise<RevisionComparison> {
  const body = (await request(docPath(docId, `/compare?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`), tokenForDoc(docId, opts))) as Partial<RevisionComparison> | null
  if (!body || !body.comparison || !Array.isArray(body.comparison.units)) throw badResponse('a comparison')
  return body as RevisionComparison
}

export async function restoreRevision(docId: string, rid: string, opts?: CallOptions): Promise<{ entry: string }> {
  return (await request(docPath(docId, `/revisions/${encodeURIComponent(rid)}/restore`), tokenForDoc(docId, opts), { method: 'POST' })) as { entry: string }
}

/** The websocket endpoint of the document rooms, on the page's own origin (the dev server proxies it). */
export function collabUrl(location: Pick<Location, 'protocol' | 'host'> = globalThis.location): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/collab`
}
