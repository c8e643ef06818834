/**
 * The collaboration server's JSON API, as the editor uses it. Errors arrive as
 * `{error: {code, message}}`; they become ApiError with the server's message so that what
 * the person reads says what went wrong.
 */

export interface DocumentSummary {
  id: string
  title: string
  /** ISO date-time or epoch milliseconds of the last change. */
  updated: string | number
}

/** An import warning: where in the pasted text (1-based line and column) and what. */
export interface ImportWarning {
  line?: number
  column?: number
  code?: string
  message: string
}

export interface CreatedDocument {
  id: string
  warnings: ImportWarning[]
}

export class ApiError extends Error {
  override name = 'ApiError'
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
  ) {
    super(message)
  }
}

async function request(path: string, init?: RequestInit): Promise<unknown> {
  let res: Response
  try {
    res = await fetch(path, { ...init, headers: { accept: 'application/json', ...init?.headers } })
  } catch (e) {
    throw new ApiError(`the server could not be reached (${(e as Error).message})`, 0, 'network')
  }
  const body: unknown = res.headers.get('content-type')?.includes('json') ? await res.json().catch(() => null) : await res.text().catch(() => null)
  if (!res.ok) {
    const err = (body as { error?: { code?: string; message?: string } } | null)?.error
    throw new ApiError(err?.message ?? `the server answered ${res.status} ${res.statusText}`, res.status, err?.code)
  }
  return body
}

export async function listDocuments(): Promise<DocumentSummary[]> {
  const body = await request('/api/documents')
  const list = Array.isArray(body) ? body : (body as { documents?: unknown })?.documents
  if (!Array.isArray(list)) throw new ApiError('the server sent a document list the editor does not understand', 200, 'bad-response')
  return list as DocumentSummary[]
}

/** Imports a treaty from plain text (the server parses it and seeds the new document). */
export async function createDocument(text: string): Promise<CreatedDocument> {
  const body = (await request('/api/documents', { method: 'POST', headers: { 'content-type': 'text/plain; charset=utf-8' }, body: text })) as Partial<CreatedDocument> | null
  if (!body || typeof body.id !== 'string') throw new ApiError('the server did not say which document it created', 200, 'bad-response')
  return { id: body.id, warnings: normaliseWarnings(body.warnings) }
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

/** The websocket endpoint of the document rooms, on the page's own origin (the dev server proxies it). */
export function collabUrl(location: Pick<Location, 'protocol' | 'host'> = globalThis.location): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/collab`
}
