import type { IncomingMessage, ServerResponse } from 'node:http'
import { DocumentError, fromTreatyJSON, toTreatyFile } from '@accord/schema'
import { EXPORT_FORMATS, EXPORT_MODES, exportDocument, ImportError, importText, type ExportMode } from '@accord/treaty-io'
import type { Node as PMNode } from 'prosemirror-model'
import { exportAkomaNtoso, exportDocx } from '@accord/exports'
import type { ServerConfig } from './config'
import { DocumentTooLargeError, type Documents } from './Documents'
import { isDocumentId } from './ids'
import type { Logger } from './log'
import { serveStatic } from './static'
import type { DocumentRecord } from './storage'

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
  config: Pick<ServerConfig, 'distDir' | 'maxBodyBytes' | 'documentPath'>
  logger: Logger
  /** Live figures for /api/health. */
  stats: () => Record<string, unknown>
}

type Handler = (req: IncomingMessage, res: ServerResponse, params: string[], url: URL) => Promise<void>

interface Route {
  pattern: RegExp
  methods: Record<string, Handler>
}

function sendJSON(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const json = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json), 'cache-control': 'no-store', ...headers })
  res.end(json)
}

function summary(record: DocumentRecord): { id: string; title: string; updated: string; created: string } {
  return { id: record.id, title: record.title, updated: new Date(record.updated).toISOString(), created: new Date(record.created).toISOString() }
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
  const { documents, config, logger } = deps

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

  const routes: Route[] = [
    {
      pattern: /^\/api\/health$/,
      methods: {
        GET: async (_req, res) => sendJSON(res, 200, { ok: true, ...deps.stats() }),
      },
    },
    {
      pattern: /^\/api\/documents$/,
      methods: {
        GET: async (_req, res) => sendJSON(res, 200, (await documents.list()).map(summary)),
        POST: async (req, res) => {
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
          sendJSON(res, 201, { id: record.id, title: record.title, warnings, url: config.documentPath(record.id) }, { location: `/api/documents/${record.id}` })
        },
      },
    },
    {
      pattern: /^\/api\/documents\/([^/]+)$/,
      methods: {
        GET: async (_req, res, [id]) => {
          const { doc } = await readDocument(id)
          sendJSON(res, 200, toTreatyFile(doc))
        },
      },
    },
    {
      pattern: /^\/api\/documents\/([^/]+)\/export$/,
      methods: {
        GET: async (_req, res, [id], url) => {
          const format = (url.searchParams.get('format') ?? 'text') as Format
          const mode = (url.searchParams.get('mode') ?? 'negotiating') as ExportMode
          if (!FORMATS.includes(format)) throw new HttpError(400, 'bad-format', `format must be one of ${FORMATS.join(', ')} (got ${JSON.stringify(format)})`)
          if (!EXPORT_MODES.includes(mode)) throw new HttpError(400, 'bad-mode', `mode must be one of ${EXPORT_MODES.join(', ')} (got ${JSON.stringify(mode)})`)
          const { doc, record } = await readDocument(id)
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
            'content-type': result.contentType,
            'content-length': typeof result.content === 'string' ? Buffer.byteLength(result.content) : result.content.byteLength,
            'content-disposition': contentDisposition(record.title, result.extension, typeof result.content === 'string' ? 'inline' : 'attachment'),
            'cache-control': 'no-store',
          })
          res.end(result.content)
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
        return handler(req, res, params, url)
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
