import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { treatySchema } from '@accord/schema'
import type { Node as PMNode } from 'prosemirror-model'
import * as decoding from 'lib0/decoding'
import { WebSocket } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import type { ServerConfig } from './config'
import type { Participant } from './participants'
import { startServer, type AccordServer } from './server'
export { mulberry32 } from '@accord/testing'

/*
 * Helpers for the server's tests (not exported from index.ts): conditions are waited for by
 * polling with a generous timeout, never by sleeping a fixed time, so the tests do not depend
 * on the machine's speed.
 */

/** Polls `condition` until it returns a truthy value; fails with `message` after `timeout` ms. */
export async function waitFor<T>(condition: () => T | Promise<T>, message = 'condition', timeout = 20_000): Promise<T> {
  const deadline = Date.now() + timeout
  let lastError: unknown
  for (;;) {
    try {
      const value = await condition()
      if (value) return value
    } catch (error) {
      lastError = error
    }
    if (Date.now() > deadline) {
      const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : ''
      throw new Error(`timed out after ${timeout} ms waiting for ${message}${detail}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

export function tempDir(prefix = 'accord-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix))
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true })
}

/** A server on port 0 with a fresh data directory, quiet, no sample unless asked. */
export function startTestServer(overrides: Partial<ServerConfig> = {}): Promise<AccordServer> {
  return startServer({
    port: 0,
    host: '127.0.0.1',
    logLevel: 'silent',
    seedSample: false,
    pingIntervalMs: 0,
    inspectDelayMs: 20,
    distDir: path.join(os.tmpdir(), 'accord-no-dist'),
    ...overrides,
  })
}

/** A small treaty built from the schema: a title and `articles` articles of one paragraph each. */

export function smallTreaty(title = 'Test Protocol', articles = 2): PMNode {
  const s = treatySchema
  const body = Array.from({ length: articles }, (_, i) => s.node('article', null, [s.node('paragraph', null, [s.text(`Paragraph of article ${i + 1}.`)])]))
  return s.node('doc', null, [s.node('treaty', { lang: 'en' }, [s.node('title', null, [s.text(title)]), ...body])])
}

export function wsUrl(server: AccordServer): string {
  return `ws://127.0.0.1:${server.port}/collab`
}

export interface TestClient {
  doc: Y.Doc
  provider: WebsocketProvider
  /** Permission-denied reasons the server sent (y-protocols auth messages). */
  denied: string[]
  destroy(): void
}

/** Invites a participant to a document (or, with docId null, the secretariat) directly in the server's store. */
export function invite(
  server: AccordServer,
  docId: string | null,
  role: 'secretariat' | 'facilitator' | 'delegation' | 'observer' = 'facilitator',
  options: { name?: string; state?: string } = {},
): { participant: Participant; token: string } {
  const name = options.name ?? (role === 'delegation' ? `Delegation of ${options.state ?? 'FR'}` : role)
  return server.access.participants.invite({ docId, role, name, state: role === 'delegation' ? (options.state ?? 'FR') : undefined })
}

/** One facilitator per server and document, made on first use: what connectClient uses when no token is given. */
const facilitators = new WeakMap<AccordServer, Map<string, { participant: Participant; token: string }>>()
function defaultFacilitator(server: AccordServer, docId: string) {
  let perDoc = facilitators.get(server)
  if (!perDoc) facilitators.set(server, (perDoc = new Map()))
  let found = perDoc.get(docId)
  if (!found) perDoc.set(docId, (found = invite(server, docId, 'facilitator', { name: 'Test facilitator' })))
  return found
}

/** A websocket URL with a fresh ticket of `participant` (default: the document's test facilitator), issued in-process. */
export function ticketUrl(server: AccordServer, docId: string, participant?: Participant, urlDocId = docId): string {
  const issued = server.access.tickets.issue((participant ?? defaultFacilitator(server, docId).participant).id)
  if (!issued) throw new Error('no ticket issued')
  return `${wsUrl(server)}/${urlDocId}?ticket=${issued.ticket}`
}

/** A single-use websocket ticket for a token, from the server's API. */
export async function fetchTicket(httpBase: string, token: string): Promise<string> {
  const res = await fetch(`${httpBase.replace(/\/+$/, '')}/api/tickets`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })
  if (res.status !== 201) throw new Error(`POST /api/tickets answered ${res.status}: ${await res.text()}`)
  return ((await res.json()) as { ticket: string }).ticket
}

/**
 * A stock y-websocket client, as a browser would run it, signed in: before every (re)connection
 * it fetches a fresh single-use ticket (POST /api/tickets) and puts it in the provider's params,
 * which y-websocket reads on each connection. `server` is a server object (the token defaults to
 * a facilitator of the document) or the websocket base URL of a server in another process
 * (`ws://host:port/collab`, with a token). BroadcastChannel is off: two providers in one process
 * would otherwise sync through it and bypass the server.
 */
export function connectClient(server: AccordServer | string, docId: string, options: { connect?: boolean; token?: string } = {}): TestClient {
  const doc = new Y.Doc()
  const url = typeof server === 'string' ? server : wsUrl(server)
  const httpBase = url.replace(/^ws/, 'http').replace(/\/collab\/?$/, '')
  const token = options.token ?? (typeof server === 'string' ? undefined : defaultFacilitator(server, docId).token)
  if (!token) throw new Error('connectClient: a server in another process needs a token')
  const provider = new WebsocketProvider(url, docId, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    connect: false,
    maxBackoffTime: 200,
    // 4401: the ticket was refused (used, expired, the server restarted): a new one is fetched below.
    shouldReconnect: (event) => !(event.code >= 4400 && event.code < 4500 && event.code !== 4401),
  })
  const denied: string[] = []
  // y-protocols auth message: 0 = permission denied, then the reason.
  provider.messageHandlers[2] = (_encoder, decoder) => {
    if (decoding.readVarUint(decoder) === 0) denied.push(decoding.readVarString(decoder))
  }
  let destroyed = false
  let wanted = options.connect ?? true
  const refresh = async (): Promise<void> => {
    try {
      provider.params = { ticket: await fetchTicket(httpBase, token) }
    } catch {
      // The server is down (a restart test): the connection attempt fails and the next close retries.
      provider.params = { ticket: 'none' }
    }
  }
  provider.on('connection-close', () => {
    if (!destroyed) void refresh()
  })
  const start = () => {
    void refresh().then(() => {
      if (!destroyed && wanted) provider.connect()
    })
  }
  if (wanted) start()
  const connect = provider.connect.bind(provider)
  provider.connect = () => {
    wanted = true
    if (provider.params.ticket) connect()
    else start()
  }
  return {
    doc,
    provider,
    denied,
    destroy() {
      destroyed = true
      provider.destroy()
      doc.destroy()
    },
  }
}

/** The text of every paragraph in the treaty fragment, in order (what the tests compare). */
export function paragraphTexts(doc: Y.Doc): string[] {
  const out: string[] = []
  const walk = (el: Y.XmlElement | Y.XmlFragment) => {
    for (const child of el.toArray()) {
      if (child instanceof Y.XmlElement) {
        if (child.nodeName === 'paragraph') out.push(child.toArray().map((t) => (t instanceof Y.XmlText ? t.toString() : '')).join(''))
        else walk(child)
      }
    }
  }
  walk(doc.getXmlFragment('treaty'))
  return out
}

/** The first XmlText under the first element named `name` (depth-first). */
export function firstText(doc: Y.Doc, name: string): Y.XmlText {
  const find = (el: Y.XmlElement | Y.XmlFragment): Y.XmlText | undefined => {
    for (const child of el.toArray()) {
      if (!(child instanceof Y.XmlElement)) continue
      if (child.nodeName === name) {
        const text = child.toArray().find((c): c is Y.XmlText => c instanceof Y.XmlText)
        if (text) return text
      }
      const inner = find(child)
      if (inner) return inner
    }
    return undefined
  }
  const text = find(doc.getXmlFragment('treaty'))
  if (!text) throw new Error(`no ${name} with text in the document`)
  return text
}

/** Appends a new article with one paragraph to the treaty, as y-prosemirror would encode it. */
export function appendArticle(doc: Y.Doc, text: string): void {
  doc.transact(() => {
    const treaty = doc.getXmlFragment('treaty').get(0) as Y.XmlElement
    const article = new Y.XmlElement('article')
    const paragraph = new Y.XmlElement('paragraph')
    const content = new Y.XmlText()
    content.insert(0, text)
    paragraph.insert(0, [content])
    article.insert(0, [paragraph])
    treaty.insert(treaty.length, [article])
  })
}

/** A raw websocket that records what it receives and how it was closed. */
export interface RawSocket {
  ws: WebSocket
  messages: Uint8Array[]
  closed: { code: number; reason: string } | null
  opened: Promise<void>
}

export function rawSocket(url: string): RawSocket {
  const ws = new WebSocket(url)
  const socket: RawSocket = {
    ws,
    messages: [],
    closed: null,
    opened: new Promise((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('error', reject)
    }),
  }
  ws.on('message', (data) => socket.messages.push(new Uint8Array(data as Buffer)))
  ws.on('close', (code, reason) => {
    socket.closed = { code, reason: reason.toString() }
  })
  ws.on('error', () => {})
  return socket
}
