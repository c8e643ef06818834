import type { IncomingMessage, ServerResponse } from 'node:http'
import { DocumentError, fromTreatyJSON, toTreatyFile } from '@accord/schema'
import { EXPORT_FORMATS, EXPORT_MODES, exportDocument, ImportError, importText, type ExportMode } from '@accord/treaty-io'
import type { Node as PMNode } from 'prosemirror-model'
import { exportAkomaNtoso, exportDocx } from '@accord/exports'
import { isRefusal, type Access } from './Access'
import { CLOSE } from './closeCodes'
import type { ServerConfig } from './config'
import { DocumentTooLargeError, type Documents } from './Documents'
import { isDocumentId } from './ids'
import type { Logger } from './log'
import { InvitationError, viewOf, type DocumentRole, type Participant } from './participants'
import {
  AmendmentError,
  compileRoomAmendments,
  cosponsorAmendment,
  decideAmendment,
  getAmendment,
  listAmendments,
  proposeAmendment,
  updateAmendment,
  withdrawAmendment,
} from './amendments'
import { appendAudit, appendAuditIn, publicEntry, readAudit, type Actor } from './audit'
import { BracketActionError, listBrackets, normalise, reopen, resolve, setAdRef } from './brackets'
import { compareRevisions, listRevisions, restoreRevision, revisionDoc, revisionInfo, RevisionError, saveRevision, type RevisionStore } from './revisions'
import { SETTINGS_MAP } from './Room'
import type { Rooms } from './Rooms'
import { API_SECURITY_HEADERS, serveStatic } from './static'
import type { DocumentRecord } from './storage'
import { MergeError } from './rebase'

/** An error the API answers with: `{error: {code, message, ...extra}}` and `status`. */
export class HttpError extends Error {
  override name = 'HttpError'
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
  }
}

export interface ApiDeps {
  documents: Documents
  rooms: Rooms
  access: Access
  revisions: RevisionStore
  config: Pick<ServerConfig, 'distDir' | 'maxBodyBytes' | 'documentPath'>
  logger: Logger
  /** Live figures for /api/health. */
  stats: () => Record<string, unknown>
}

/** The authenticated participant making a request. */
type Handler = (req: IncomingMessage, res: ServerResponse, params: string[], url: URL, caller: Participant) => Promise<void>

interface Route {
  pattern: RegExp
  methods: Record<string, Handler>
  /** Answered without a token (only the health check). */
  public?: boolean
}

const ROLE_PHRASE: Record<DocumentRole, string> = {
  facilitator: 'a facilitator',
  delegation: 'a delegation',
  observer: 'an observer',
}

function callerPhrase(caller: Participant, role: DocumentRole): string {
  if (role === 'delegation') return `the delegation of ${caller.state ?? '?'}`
  return ROLE_PHRASE[role]
}

/** Reads a JSON object body: the API's small requests (at most 1 MiB), or up to `limit` when `large` (a copy of a document). */
async function readJsonObject(req: IncomingMessage, limit: number, large = false): Promise<Record<string, unknown>> {
  const { type } = mediaType(req)
  const body = await readBody(req, large ? limit : Math.min(limit, 1024 * 1024))
  if (body.length === 0) return {}
  if (type !== 'application/json') throw new HttpError(415, 'unsupported-media-type', `send the request body as application/json (got ${JSON.stringify(req.headers['content-type'] ?? 'no content type')})`)
  let json: unknown
  try {
    json = JSON.parse(decodeUtf8(body))
  } catch (error) {
    if (error instanceof HttpError) throw error
    throw new HttpError(400, 'bad-json', `the body is not JSON: ${(error as Error).message}`)
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new HttpError(400, 'bad-request', 'the body must be a JSON object')
  return json as Record<string, unknown>
}

function sendJSON(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const json = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json), 'cache-control': 'no-store', ...API_SECURITY_HEADERS, ...headers })
  res.end(json)
}

function summary(record: DocumentRecord, role?: DocumentRole): { id: string; title: string; updated: string; created: string; role?: DocumentRole } {
  return { id: record.id, title: record.title, updated: new Date(record.updated).toISOString(), created: new Date(record.created).toISOString(), role }
}

/**
 * Reads a request body up to `limit` bytes. A declared or actual length past it is a 413
 * without reading (or keeping) the rest.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > limit) {
    return Promise.reject(new HttpError(413, 'too-large', `the body is ${declared} bytes; this server accepts at most ${limit}`))
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let done = false
    req.on('data', (chunk: Buffer) => {
      if (done) return
      size += chunk.length
      if (size > limit) {
        done = true
        reject(new HttpError(413, 'too-large', `the body is larger than ${limit} bytes, the most this server accepts`))
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => {
      if (!done) resolve(Buffer.concat(chunks))
      done = true
    })
    req.on('error', (error) => {
      if (!done) reject(new HttpError(400, 'bad-request', `the request body could not be read: ${error.message}`))
      done = true
    })
  })
}

function mediaType(req: IncomingMessage): { type: string; charset: string | undefined } {
  const header = req.headers['content-type'] ?? ''
  const [type, ...params] = header.split(';').map((part) => part.trim())
  const charset = params.find((p) => p.toLowerCase().startsWith('charset='))?.slice(8).replace(/^"|"$/g, '').toLowerCase()
  return { type: (type ?? '').toLowerCase(), charset }
}

function decodeUtf8(body: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body)
  } catch {
    throw new HttpError(400, 'bad-encoding', 'the body is not valid UTF-8; send the text as UTF-8')
  }
}

function importError(error: ImportError): HttpError {
  return new HttpError(error.code === 'too-large' ? 413 : 422, error.code, error.message)
}

/** `filename*` (RFC 6266/5987) so that a Chinese title survives as the download name. */
function contentDisposition(title: string, extension: string, disposition: 'inline' | 'attachment' = 'inline'): string {
  const base = title.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, ' ').trim().slice(0, 120) || 'treaty'
  const ascii = base.replace(/[^\x20-\x7e]/g, '_')
  return `${disposition}; filename="${ascii}.${extension}"; filename*=UTF-8''${encodeURIComponent(`${base}.${extension}`)}`
}

/** Every export format: the text formats, Word, Akoma Ntoso and PDF. */
const FORMATS = [...EXPORT_FORMATS, 'docx', 'akn', 'pdf'] as const
type Format = (typeof FORMATS)[number]

/** Chromium is heavy: PDFs are printed one at a time, and the module is loaded on the first one. */
let pdfQueue: Promise<unknown> = Promise.resolve()
function printPdf(doc: PMNode, mode: ExportMode) {
  const job = pdfQueue.then(async () => (await import('@accord/exports/pdf')).exportPdf(doc, { mode }))
  pdfQueue = job.catch(() => undefined)
  return job
}

async function exportAs(doc: PMNode, format: Format, mode: ExportMode) {
  switch (format) {
    case 'docx':
      return exportDocx(doc, { mode })
    case 'akn':
      return exportAkomaNtoso(doc, { mode })
    case 'pdf':
      return printPdf(doc, mode)
    default:
      return exportDocument(doc, { format, mode })
  }
}

/** The JSON API and the editor's static files, as one request handler. Nothing a client sends escapes it as an exception. */
export function createRequestHandler(deps: ApiDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const { documents, config, logger, access, rooms, revisions } = deps

  /**
   * The caller's role in a document, checked against what the action needs. A document the
   * caller was not invited to answers 404, exactly like one that does not exist.
   */
  async function authorize(caller: Participant, id: string, needs?: { role: 'facilitator' | 'delegation'; action: string }): Promise<{ record: DocumentRecord; role: DocumentRole }> {
    const record = isDocumentId(id) ? await documents.get(id) : undefined
    const role = record ? access.roleIn(caller, id) : null
    if (!record || !role) throw new HttpError(404, 'not-found', `there is no document ${JSON.stringify(id)} that you were invited to`)
    if (needs && role !== needs.role) {
      logger.warn('refused a request', { doc: id, participant: caller.id, role, action: needs.action })
      const who = needs.role === 'facilitator' ? 'facilitators' : 'delegations (in their State\'s name)'
      throw new HttpError(403, 'forbidden', `only ${who} may ${needs.action}; you take part as ${callerPhrase(caller, role)}`)
    }
    return { record, role }
  }

  function requireSecretariat(caller: Participant, action: string): void {
    if (caller.role === 'secretariat') return
    logger.warn('refused a request', { participant: caller.id, role: caller.role, action })
    throw new HttpError(403, 'forbidden', `only the secretariat may ${action}; you take part in one document as ${callerPhrase(caller, caller.role as DocumentRole)}`)
  }

  async function openRoom(id: string) {
    const room = await rooms.use(id)
    if (!room) throw new HttpError(404, 'not-found', `there is no document ${JSON.stringify(id)} that you were invited to`)
    return room
  }

  const actorOf = (caller: Participant): Actor => ({ participant: caller.id, name: caller.name, role: caller.role, state: caller.state })

  /** Runs an action on the document's room (brackets, revisions, amendments), turning its refusals into API errors. */
  async function roomAction<T>(id: string, run: (room: Awaited<ReturnType<typeof openRoom>>) => T | Promise<T>): Promise<T> {
    const room = await openRoom(id)
    try {
      // Awaited here, so that an asynchronous action's refusal is answered like a synchronous one's.
      return await run(room)
    } catch (error) {
      if (error instanceof BracketActionError || error instanceof RevisionError || error instanceof AmendmentError) throw new HttpError(error.status, error.code, error.message)
      if (error instanceof DocumentError) throw new HttpError(500, 'invalid-document', error.message)
      throw error
    }
  }

  function invite(caller: Participant | null, docId: string | null, body: Record<string, unknown>) {
    try {
      const { participant, token } = access.participants.invite({ docId, role: body.role, name: body.name, state: body.state, createdBy: caller?.id ?? null })
      logger.info('invited', { doc: docId, participant: participant.id, role: participant.role, state: participant.state, by: caller?.id })
      if (docId && caller) {
        const who = participant.state ? `${participant.name} (${participant.state})` : participant.name
        openRoom(docId)
          .then((room) => appendAudit(room, actorOf(caller), { action: 'invite', detail: `invited ${who} as ${participant.role}` }))
          .catch((error: unknown) => logger.error('could not record an invitation in the audit log', { doc: docId, error }))
      }
      return { participant: viewOf(participant), token, link: access.link(token) }
    } catch (error) {
      if (error instanceof InvitationError) throw new HttpError(422, 'bad-invitation', error.message)
      throw error
    }
  }

  async function readDocument(id: string): Promise<{ doc: PMNode; record: DocumentRecord }> {
    const record = isDocumentId(id) ? await documents.get(id) : undefined
    if (!record) throw new HttpError(404, 'not-found', `there is no document with id ${JSON.stringify(id)}`)
    let doc: PMNode | undefined
    try {
      doc = await documents.read(id)
    } catch (error) {
      if (error instanceof DocumentError) throw new HttpError(500, 'invalid-document', error.message)
      throw error
    }
    if (!doc) throw new HttpError(404, 'not-found', `there is no document with id ${JSON.stringify(id)}`)
    return { doc, record }
  }

  function exportOptions(url: URL): { format: Format; mode: ExportMode } {
    const format = (url.searchParams.get('format') ?? 'text') as Format
    const mode = (url.searchParams.get('mode') ?? 'negotiating') as ExportMode
    if (!FORMATS.includes(format)) throw new HttpError(400, 'bad-format', `format must be one of ${FORMATS.join(', ')} (got ${JSON.stringify(format)})`)
    if (!EXPORT_MODES.includes(mode)) throw new HttpError(400, 'bad-mode', `mode must be one of ${EXPORT_MODES.join(', ')} (got ${JSON.stringify(mode)})`)
    return { format, mode }
  }

  /** Writes an export (or the 409 listing what is still open, for a clean one). */
  async function sendExport(res: ServerResponse, doc: PMNode, title: string, format: Format, mode: ExportMode): Promise<void> {
    const result = await exportAs(doc, format, mode)
    if (!result.ok) {
      const n = result.open.length
      throw new HttpError(
        409,
        'open-brackets',
        `the clean text cannot be exported while ${n} ${n === 1 ? 'item is' : 'items are'} still open (first: ${result.open[0].location}, ${result.open[0].text}); resolve them, or export with mode=negotiating`,
        { open: result.open.map(({ kind, location, text }) => ({ kind, location, text })) },
      )
    }
    res.writeHead(200, {
      ...API_SECURITY_HEADERS,
      'content-type': result.contentType,
      'content-length': typeof result.content === 'string' ? Buffer.byteLength(result.content) : result.content.byteLength,
      'content-disposition': contentDisposition(title, result.extension, typeof result.content === 'string' ? 'inline' : 'attachment'),
      'cache-control': 'no-store',
    })
    res.end(result.content)
  }

  const routes: Route[] = [
    {
      pattern: /^\/api\/health$/,
      public: true,
      methods: {
        GET: async (_req, res) => sendJSON(res, 200, { ok: true, ...deps.stats() }),
      },
    },
    {
      pattern: /^\/api\/me$/,
      methods: {
        GET: async (_req, res, _params, _url, caller) => {
          const visible = (await documents.list()).flatMap((record) => {
            const role = access.roleIn(caller, record.id)
            return role ? [summary(record, role)] : []
          })
          sendJSON(res, 200, { participant: viewOf(caller), documents: visible })
        },
      },
    },
    {
      pattern: /^\/api\/tickets$/,
      methods: {
        POST: async (req, res, _params, _url, caller) => {
          // The body is optional: `{doc}` asks for the document's epoch too (the editor connects with it).
          const body = await readJsonObject(req, 4096)
          let epoch: number | undefined
          if (body.doc !== undefined) {
            if (typeof body.doc !== 'string') throw new HttpError(400, 'bad-request', '`doc` must be a document id')
            epoch = (await authorize(caller, body.doc)).record.epoch
          }
          const issued = access.issueTicket(caller)
          if (isRefusal(issued)) throw new HttpError(429, 'too-many-tickets', issued.message)
          sendJSON(res, 201, { ticket: issued.ticket, expiresAt: new Date(issued.expires).toISOString(), ...(epoch !== undefined ? { epoch } : {}) })
        },
      },
    },
    {
      pattern: /^\/api\/documents$/,
      methods: {
        GET: async (_req, res, _params, _url, caller) => {
          const visible = (await documents.list()).flatMap((record) => {
            const role = access.roleIn(caller, record.id)
            return role ? [summary(record, role)] : []
          })
          sendJSON(res, 200, visible)
        },
        POST: async (req, res, _params, url, caller) => {
          requireSecretariat(caller, 'create documents')
          const facilitatorName = url.searchParams.get('facilitator')
          const { type, charset } = mediaType(req)
          if (type !== 'text/plain' && type !== 'application/json') {
            throw new HttpError(415, 'unsupported-media-type', `send the treaty as text/plain or a document as application/json (got ${JSON.stringify(req.headers['content-type'] ?? 'no content type')})`)
          }
          if (charset && charset !== 'utf-8' && charset !== 'utf8' && charset !== 'us-ascii') {
            throw new HttpError(415, 'unsupported-charset', `send the body as UTF-8 (got charset ${charset})`)
          }
          const text = decodeUtf8(await readBody(req, config.maxBodyBytes))
          let doc: PMNode
          let warnings: unknown[] = []
          if (type === 'text/plain') {
            try {
              ;({ doc, warnings } = importText(text))
            } catch (error) {
              if (error instanceof ImportError) throw importError(error)
              throw error
            }
          } else {
            let json: unknown
            try {
              json = JSON.parse(text)
            } catch (error) {
              throw new HttpError(400, 'bad-json', `the body is not JSON: ${(error as Error).message}`)
            }
            try {
              doc = fromTreatyJSON(json)
            } catch (error) {
              if (error instanceof DocumentError) throw new HttpError(422, 'invalid-document', error.message)
              throw error
            }
          }
          let record: DocumentRecord
          try {
            record = await documents.create(doc)
          } catch (error) {
            if (error instanceof DocumentTooLargeError) throw new HttpError(413, 'too-large', error.message)
            throw error
          }
          const facilitator = facilitatorName !== null ? invite(caller, record.id, { role: 'facilitator', name: facilitatorName }) : undefined
          sendJSON(res, 201, { id: record.id, title: record.title, warnings, url: config.documentPath(record.id), facilitator }, { location: `/api/documents/${record.id}` })
        },
      },
    },
    {
      pattern: /^\/api\/documents\/([^/]+)$/,
      methods: {
        GET: async (_req, res, [id], _url, caller) => {
          await authorize(caller, id)
          const { doc } = await readDocument(id)
          sendJSON(res, 200, toTreatyFile(doc))
        },
      },
    },
    {
      pattern: /^\/api\/documents\/([^/]+)\/participants$/,
      methods: {
        GET: async (_req, res, [id], _url, caller) => {
          await authorize(caller, id)
          const online = new Map<string, number>()
          for (const identity of rooms.get(id)?.identities() ?? []) online.set(identity.participant, (online.get(identity.participant) ?? 0) + 1)
          const participants = access.participants.list(id).map((p) => ({ ...viewOf(p), online: online.get(p.id) ?? 0 }))
          sendJSON(res, 200, { participants })
        },
      },
    },
    {
      pattern: /^\/api\/documents\/([^/]+)\/invitations$/,
      methods: {
        POST: async (req, res, [id], _url, caller) => {
          await authorize(caller, id, { role: 'facilitator', action: 'invite participants' })
          const body = await readJsonObject(req, config.maxBodyBytes)
          if (body.role === 'secretariat') throw new HttpError(422, 'bad-invitation', 'the secretariat is not invited to a document; the `accord invite --role secretariat` command makes secretariat tokens')
          sendJSON(res, 201, invite(caller, id, body))
        },
      },
    },
    {
      pattern: /^\/api\/documents\/([^/]+)\/participants\/([^/]+)\/revoke$/,
      methods: {
        POST: async (req, res, [id, pid], _url, caller) => {
          await authorize(caller, id, { role: 'facilitator', action: 'revoke invitations' })
          await readBody(req, 4096)
          const target = access.participants.get(pid)
          if (!target || target.docId !== id) throw new HttpError(404, 'not-found', `there is no participant ${JSON.stringify(pid)} in this document`)
          if (target.id === caller.id) throw new HttpError(409, 'revoke-self', 'you cannot revoke your own invitation; ask another facilitator or the secretariat')
          const revoked = access.participants.revoke(pid)!
          const cut = rooms.disconnectParticipant(pid, CLOSE.FORBIDDEN, 'your invitation was revoked')
          appendAudit(await openRoom(id), actorOf(caller), { action: 'revoke', detail: `revoked the invitation of ${target.name}${target.state ? ` (${target.state})` : ''}, ${target.role}` })
          logger.info('revoked', { doc: id, participant: pid, by: caller.id, connections: cut })
          sendJSON(res, 200, { participant: viewOf(revoked), disconnected: cut })
        },
      },
    },
    {
      pattern: /^\/api\/documents\/([^/]+)\/settings$/,
      methods: {
        GET: async (_req, res, [id], _url, caller) => {
          await authorize(caller, id)
          const room = await openRoom(id)
          sendJSON(res, 200, { openDrafting: room.openDrafting })
        },
        PATCH: async (req, res, [id], _url, caller) => {
          await authorize(caller, id, { role: 'facilitator', action: 'change the document settings' })
          const body = await readJsonObject(req, config.maxBodyBytes)
          const unknown = Object.keys(body).filter((key) => key !== 'openDrafting')
          if (unknown.length) throw new HttpError(422, 'bad-settings', `unknown setting ${JSON.stringify(unknown[0])}; the settings are: openDrafting`)
          if ('openDrafting' in body && typeof body.openDrafting !== 'boolean') throw new HttpError(422, 'bad-settings', 'openDrafting must be true or false')
          const room = await openRoom(id)
          if (typeof body.openDrafting === 'boolean' && body.openDrafting !== room.openDrafting) {
            const value = body.openDrafting
            room.transact(caller.id, (doc) => {
              doc.getMap(SETTINGS_MAP).set('openDrafting', value)
              appendAuditIn(doc, actorOf(caller), { action: 'settings', detail: value ? 'opened the text for drafting by delegations' : 'closed the text to drafting by delegations' })
            })
          }
          sendJSON(res, 200, { openDrafting: room.openDrafting })
        },
      },
    },
    {
      pattern: /^\/api\/documents\/([^/]+)\/brackets$/,
      methods: {
        GET: async (_req, res, [id], _url, caller) => {
          await authorize(caller, id)
          sendJSON(res, 200, await roomAction(id, (room) => listBrackets(room)))
        },
      },
    },
    {
      pattern: /^\/api\/documents\/([^/]+)\/merges$/,
      methods: {
        POST: async (req, res, [id], _url, caller) => {
          await authorize(caller, id)
          const body = await readJsonObject(req, config.maxBodyBytes, true)
          if (!Number.isInteger(body.epoch) || (body.epoch as number) < 0) {
            throw new HttpError(400, 'bad-request', '`epoch` must be the epoch of the copy (a whole number)')
          }
          if (typeof body.update !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(body.update)) throw new HttpError(400, 'bad-request', '`update` must be the copy\'s Yjs state, base64')
          const state = new Uint8Array(Buffer.from(body.update, 'base64'))
          let result: { merged: boolean; epoch: number } | undefined
          try {
            result = await rooms.mergeOffline(id, access.identity(caller, id) ?? undefined, body.epoch as number, state)
          } catch (error) {
            if (error instanceof MergeError) throw new HttpError(error.status, error.code, error.message)
            throw error
          }
          if (!result) throw new HttpError(404, 'not-found', `there is no document ${JSON.stringify(id)} that you were invited to`)
          logger.info('merged a copy of an earlier epoch', { doc: id, participant: caller.id, from: body.epoch, ...result })
          sendJSON(res, 200, result)
        },
      },
    },
    {
      pattern: /^\/api\/documents\/([^/]+)\/compactions$/,
      methods: {
        POST: async (req, res, [id], _url, caller) => {
          requireSecretariat(caller, 'compact a document\'s history')
          await authorize(caller, id)
          await readJsonObject(req, 4096)
          const result = await rooms.compactNow(id, `server:secretariat:${caller.id}`)
          if (!result) throw new HttpError(404, 'not-found', `there is no document ${JSON.stringify(id)}`)
          if ('busy' in result) {
            throw new HttpError(409, 'document-open', `the document is open in ${result.busy} ${result.busy === 1 ? 'tab' : 'tabs'}; compact it when nobody has it open (every open copy would have to be loaded again)`, { connections: result.busy })
          }
          logger.info('compacted a document', { doc: id, participant: caller.id, ...result })
          sendJSON(res, 200, result)
        },
      },
    },
    {
      pattern: /^\/api\/documents\/([^/]+)\/audit$/,
      methods: {
        GET: async (_req, res, [id], _url, caller) => {
          await authorize(caller, id)
          const room = await openRoom(id)
          sendJSON(res, 200, { entries: readAudit(room.doc).map(publicEntry) })
        },
      },
    },
    ...(
      [
        ['resolutions', 'resolve brackets', resolve, 200],
        ['reopenings', 'reopen brackets', reopen, 200],
        ['ad-ref', 'mark brackets agreed ad referendum', setAdRef, 200],
        ['normalisations', 'normalise brackets', normalise, 200],
      ] as const
    ).map(
      ([name, action, run, status]): Route => ({
        pattern: new RegExp(`^/api/documents/([^/]+)/${name}$`),
        methods: {
          POST: async (req, res, [id], _url, caller) => {
            await authorize(caller, id, { role: 'facilitator', action })
            const body = await readJsonObject(req, config.maxBodyBytes)
            const result = await roomAction(id, (room) => run(room, actorOf(caller), body))
            logger.info(name, { doc: id, participant: caller.id, ...result })
            sendJSON(res, status, result)
          },
        },
      }),
    ),
    {
      pattern: /^\/api\/documents\/([^/]+)\/export$/,
      methods: {
        GET: async (_req, res, [id], url, caller) => {
          await authorize(caller, id)
          const { format, mode } = exportOptions(url)
          const { doc, record } = await readDocument(id)
          await sendExport(res, doc, record.title, format, mode)
        },
      },
    },
    {
      pattern: /^\/api\/documents\/([^/]+)\/amendments$/,
      methods: {
        GET: async (_req, res, [id], url, caller) => {
          await authorize(caller, id)
          sendJSON(res, 200, await roomAction(id, (room) => listAmendments(room, Object.fromEntries(url.searchParams))))
        },
        POST: async (req, res, [id], _url, caller) => {
          await authorize(caller, id, { role: 'delegation', action: 'propose amendments' })
          const body = await readJsonObject(req, config.maxBodyBytes)
          const revision = (await roomAction(id, () => listRevisions(revisions, id))).revisions.at(-1)?.name ?? null
          const result = await roomAction(id, (room) => proposeAmendment(room, actorOf(caller), body, { revision }))
          logger.info('amendment proposed', { doc: id, participant: caller.id, state: caller.state, amendment: result.id })
          sendJSON(res, 201, result)
        },
      },
    },
    {
      pattern: /^\/api\/documents\/([^/]+)\/amendments\/compilation$/,
      methods: {
        GET: async (_req, res, [id], url, caller) => {
          const { record } = await authorize(caller, id)
          const compiled = await roomAction(id, (room) => compileRoomAmendments(room, Object.fromEntries(url.searchParams)))
          const bytes = typeof compiled.body === 'string' ? Buffer.from(compiled.body) : compiled.body
          res.writeHead(200, {
            ...API_SECURITY_HEADERS,
            'content-type': compiled.contentType,
            'content-length': bytes.byteLength,
            'content-disposition': contentDisposition(`${record.title} — amendments`, compiled.extension, typeof compiled.body === 'string' ? 'inline' : 'attachment'),
            'cache-control': 'no-store',
          })
          res.end(bytes)
        },
      },
    },
    {
      pattern: /^\/api\/documents\/([^/]+)\/amendments\/([^/]+)$/,
      methods: {
        GET: async (_req, res, [id, aid], _url, caller) => {
          await authorize(caller, id)
          sendJSON(res, 200, { amendment: await roomAction(id, (room) => getAmendment(room, aid)) })
        },
        PATCH: async (req, res, [id, aid], _url, caller) => {
          await authorize(caller, id, { role: 'delegation', action: 'edit amendments' })
          const body = await readJsonObject(req, config.maxBodyBytes)
          sendJSON(res, 200, { amendment: await roomAction(id, (room) => updateAmendment(room, actorOf(caller), aid, body)) })
        },
      },
    },
    ...(
      [
        ['withdraw', 'delegation', 'withdraw amendments', withdrawAmendment],
        ['cosponsors', 'delegation', 'co-sponsor amendments', cosponsorAmendment],
      ] as const
    ).map(
      ([name, role, action, run]): Route => ({
        pattern: new RegExp(`^/api/documents/([^/]+)/amendments/([^/]+)/${name}$`),
        methods: {
          POST: async (req, res, [id, aid], _url, caller) => {
            await authorize(caller, id, { role, action })
            await readBody(req, 4096)
            const amendment = await roomAction(id, (room) => run(room, actorOf(caller), aid))
            logger.info(`amendment ${name}`, { doc: id, participant: caller.id, state: caller.state, amendment: aid })
            sendJSON(res, 200, { amendment })
          },
        },
      }),
    ),
    {
      pattern: /^\/api\/documents\/([^/]+)\/amendments\/([^/]+)\/decision$/,
      methods: {
        POST: async (req, res, [id, aid], _url, caller) => {
          await authorize(caller, id, { role: 'facilitator', action: 'decide on amendments' })
          const body = await readJsonObject(req, config.maxBodyBytes)
          const result = await roomAction(id, (room) => decideAmendment(room, actorOf(caller), aid, body))
          logger.info('amendment decided', { doc: id, participant: caller.id, amendment: aid, decision: body.decision })
          sendJSON(res, 200, result)
        },
      },
    },
    {
      pattern: /^\/api\/documents\/([^/]+)\/revisions$/,
      methods: {
        GET: async (_req, res, [id], _url, caller) => {
          await authorize(caller, id)
          // The room is opened so that the initial text is recorded as revision 0 on first use.
          await openRoom(id)
          sendJSON(res, 200, await roomAction(id, () => listRevisions(revisions, id)))
        },
        POST: async (req, res, [id], _url, caller) => {
          await authorize(caller, id, { role: 'facilitator', action: 'save revisions' })
          const body = await readJsonObject(req, config.maxBodyBytes)
          const result = await roomAction(id, (room) => saveRevision(revisions, room, actorOf(caller), body))
          logger.info('revision saved', { doc: id, participant: caller.id, revision: result.revision.id, name: result.revision.name })
          sendJSON(res, 201, result)
        },
      },
    },
    {
      pattern: /^\/api\/documents\/([^/]+)\/revisions\/([^/]+)$/,
      methods: {
        GET: async (_req, res, [id, rid], _url, caller) => {
          await authorize(caller, id)
          const doc = await roomAction(id, () => revisionDoc(revisions, id, rid))
          sendJSON(res, 200, { revision: revisionInfo(revisions, id, rid), ...toTreatyFile(doc) })
        },
      },
    },
    {
      pattern: /^\/api\/documents\/([^/]+)\/revisions\/([^/]+)\/export$/,
      methods: {
        GET: async (_req, res, [id, rid], url, caller) => {
          const { record } = await authorize(caller, id)
          const { format, mode } = exportOptions(url)
          const doc = await roomAction(id, () => revisionDoc(revisions, id, rid))
          const info = revisionInfo(revisions, id, rid)
          await sendExport(res, doc, `${record.title} (${info.name})`, format, mode)
        },
      },
    },
    {
      pattern: /^\/api\/documents\/([^/]+)\/revisions\/([^/]+)\/restore$/,
      methods: {
        POST: async (req, res, [id, rid], _url, caller) => {
          await authorize(caller, id, { role: 'facilitator', action: 'restore revisions' })
          await readBody(req, 4096)
          const result = await roomAction(id, (room) => restoreRevision(revisions, room, actorOf(caller), rid))
          logger.info('revision restored', { doc: id, participant: caller.id, revision: rid })
          sendJSON(res, 200, result)
        },
      },
    },
    {
      pattern: /^\/api\/documents\/([^/]+)\/compare$/,
      methods: {
        GET: async (_req, res, [id], url, caller) => {
          await authorize(caller, id)
          const from = url.searchParams.get('from')
          const to = url.searchParams.get('to') ?? 'current'
          if (!from) throw new HttpError(400, 'bad-request', 'say what to compare: ?from=REVISION (an id, a name such as Rev.1, or initial)&to=REVISION|current')
          sendJSON(res, 200, await roomAction(id, (room) => compareRevisions(revisions, room, from, to)))
        },
      },
    },
  ]

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const pathname = url.pathname
    if (pathname === '/api' || pathname.startsWith('/api/')) {
      for (const route of routes) {
        const match = route.pattern.exec(pathname)
        if (!match) continue
        const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET')
        const handler = route.methods[method]
        if (!handler) {
          const allow = Object.keys(route.methods).join(', ')
          throw new HttpError(405, 'method-not-allowed', `${req.method} is not allowed on ${pathname}; use ${allow}`, {}, { allow })
        }
        let params: string[]
        try {
          params = match.slice(1).map(decodeURIComponent)
        } catch {
          throw new HttpError(400, 'bad-path', 'the path is not valid URL encoding')
        }
        if (route.public) return handler(req, res, params, url, undefined as unknown as Participant)
        const caller = access.authenticate(req.headers.authorization)
        if (isRefusal(caller)) throw new HttpError(401, 'unauthenticated', caller.message, {}, { 'www-authenticate': 'Bearer realm="accord"' })
        return handler(req, res, params, url, caller)
      }
      throw new HttpError(404, 'not-found', `no API route ${req.method} ${pathname}`)
    }
    if (pathname === '/collab' || pathname.startsWith('/collab/')) {
      throw new HttpError(426, 'upgrade-required', 'this is the collaboration websocket; connect with a WebSocket (y-websocket protocol)', {}, { upgrade: 'websocket' })
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'method-not-allowed', `${req.method} is not allowed here`, {}, { allow: 'GET, HEAD' })
    serveStatic(req, res, config.distDir, pathname)
  }

  return (req, res) => {
    handle(req, res).catch((error: unknown) => {
      const known = error instanceof HttpError
      if (!known) logger.error('request failed', { method: req.method, url: req.url, error })
      const httpError = known ? error : new HttpError(500, 'internal', 'the server failed to answer this request; the failure is logged')
      if (res.headersSent) return void res.destroy()
      // A body we refused to read would otherwise be read into the void; close the connection instead.
      const headers = httpError.status === 413 ? { ...httpError.headers, connection: 'close' } : httpError.headers
      sendJSON(res, httpError.status, { error: { code: httpError.code, message: httpError.message, ...httpError.extra } }, headers)
    })
  }
}
