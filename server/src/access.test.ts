import { importText } from '@accord/treaty-io'
import { sampleTreatyText } from '@accord/treaty-io/sample'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { WebSocket } from 'ws'
import * as Y from 'yjs'
import { CLOSE } from './closeCodes'
import { encodeUpdate } from './protocol'
import { checkInvitation, hashToken, InvitationError, stateName } from './participants'
import type { AccordServer } from './server'
import { Tickets } from './tickets'
import {
  connectClient,
  firstText,
  invite,
  paragraphTexts,
  rawSocket,
  removeDir,
  smallTreaty,
  startTestServer,
  tempDir,
  ticketUrl,
  waitFor,
  wsUrl,
  type RawSocket,
  type TestClient,
} from './testing'

/*
 * Who may do what, checked with raw clients that bypass the editor: plain HTTP with each
 * role's token, and stock y-websocket clients (or bare sockets) that send whatever they like.
 */

let dir: string
let server: AccordServer
let base: string
let docId: string
let otherDocId: string
const tokens: Record<'secretariat' | 'facilitator' | 'delegation' | 'observer' | 'outsider', string> = {} as never
const clients: TestClient[] = []
const sockets: RawSocket[] = []
/** Every line the server logged during these tests, at every level (tokens must never be among them). */
const logged: string[] = []
const capture = (level: string) => (message: string, fields?: Record<string, unknown>) => {
  logged.push(`${level} ${message} ${JSON.stringify(fields ?? {}, (_k, v) => (v instanceof Error ? v.message : v))}`)
}

beforeAll(async () => {
  dir = tempDir()
  server = await startTestServer({ dataDir: dir, logger: { debug: capture('debug'), info: capture('info'), warn: capture('warn'), error: capture('error') } })
  base = `http://127.0.0.1:${server.port}`
  docId = (await server.documents.create(smallTreaty('Role Test Protocol', 3))).id
  otherDocId = (await server.documents.create(smallTreaty('Another Protocol', 1))).id
  tokens.secretariat = invite(server, null, 'secretariat').token
  tokens.facilitator = invite(server, docId, 'facilitator', { name: 'Chair' }).token
  tokens.delegation = invite(server, docId, 'delegation', { name: 'Marie Dupont', state: 'FR' }).token
  tokens.observer = invite(server, docId, 'observer', { name: 'Press' }).token
  tokens.outsider = invite(server, otherDocId, 'facilitator', { name: 'Chair of another text' }).token
})

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy()
  for (const s of sockets.splice(0)) s.ws.terminate()
  // Back to closed drafting for the next test.
  await call('facilitator', 'PATCH', `/api/documents/${docId}/settings`, { openDrafting: false })
})

afterAll(async () => {
  await server.close()
  removeDir(dir)
})

async function call(who: keyof typeof tokens | null, method: string, pathname: string, body?: unknown): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = {}
  if (who) headers.authorization = `Bearer ${tokens[who]}`
  if (body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(base + pathname, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  const text = await res.text()
  return { status: res.status, body: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text }
}

const client = (who: keyof typeof tokens, id = docId) => {
  const c = connectClient(server, id, { token: tokens[who] })
  clients.push(c)
  return c
}

/** The server's text of the document, paragraph by paragraph. */
const serverParagraphs = () => paragraphTexts(server.rooms.get(docId)!.doc)

describe('HTTP: every call needs a token', () => {
  const everyEndpoint: [string, string][] = [
    ['GET', '/api/me'],
    ['POST', '/api/tickets'],
    ['GET', '/api/documents'],
    ['POST', '/api/documents'],
    ['GET', `/api/documents/${'DOC'}`],
    ['GET', `/api/documents/${'DOC'}/export?format=text`],
    ['GET', `/api/documents/${'DOC'}/participants`],
    ['POST', `/api/documents/${'DOC'}/invitations`],
    ['GET', `/api/documents/${'DOC'}/settings`],
    ['PATCH', `/api/documents/${'DOC'}/settings`],
  ]

  test.each(everyEndpoint)('%s %s without a token answers 401 and says how to sign in', async (method, pathname) => {
    const res = await call(null, method, pathname.replace('DOC', docId))
    expect(res.status).toBe(401)
    expect(res.body.error.code).toBe('unauthenticated')
    expect(res.body.error.message).toMatch(/token/)
  })

  test('a made-up token, a malformed header and a revoked token answer 401; health stays public', async () => {
    const bad = await fetch(`${base}/api/me`, { headers: { authorization: 'Bearer acc_' + 'x'.repeat(43) } })
    expect(bad.status).toBe(401)
    const basic = await fetch(`${base}/api/me`, { headers: { authorization: 'Basic Zm9vOmJhcg==' } })
    expect(basic.status).toBe(401)
    expect((await basic.json()).error.message).toMatch(/Bearer/)
    const { participant, token } = invite(server, docId, 'observer', { name: 'Leaving' })
    expect((await fetch(`${base}/api/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200)
    server.access.participants.revoke(participant.id)
    const revoked = await fetch(`${base}/api/me`, { headers: { authorization: `Bearer ${token}` } })
    expect(revoked.status).toBe(401)
    expect((await revoked.json()).error.message).toMatch(/revoked/)
    expect((await fetch(`${base}/api/health`)).status).toBe(200)
  })

  test('tokens are stored only as hashes', () => {
    const db = (server as unknown as { access: { participants: { db: { prepare(sql: string): { all(): { token_hash: string }[] } } } } }).access.participants.db
    const stored = db.prepare('SELECT token_hash FROM participants').all().map((r) => r.token_hash)
    expect(stored).toContain(hashToken(tokens.delegation))
    expect(stored).not.toContain(tokens.delegation)
  })
})

describe('HTTP: the role matrix', () => {
  type Who = keyof typeof tokens
  const roles: Who[] = ['secretariat', 'facilitator', 'delegation', 'observer', 'outsider']
  // What each role gets for each action: 2xx, 403 or 404 (a document one was not invited to does not exist for them).
  const matrix: { action: string; method: string; path: () => string; body?: unknown; expect: Record<Who, number> }[] = [
    { action: 'read the document', method: 'GET', path: () => `/api/documents/${docId}`, expect: { secretariat: 200, facilitator: 200, delegation: 200, observer: 200, outsider: 404 } },
    { action: 'export', method: 'GET', path: () => `/api/documents/${docId}/export?format=text`, expect: { secretariat: 200, facilitator: 200, delegation: 200, observer: 200, outsider: 404 } },
    { action: 'see participants', method: 'GET', path: () => `/api/documents/${docId}/participants`, expect: { secretariat: 200, facilitator: 200, delegation: 200, observer: 200, outsider: 404 } },
    { action: 'read settings', method: 'GET', path: () => `/api/documents/${docId}/settings`, expect: { secretariat: 200, facilitator: 200, delegation: 200, observer: 200, outsider: 404 } },
    {
      action: 'invite',
      method: 'POST',
      path: () => `/api/documents/${docId}/invitations`,
      body: { role: 'observer', name: 'Guest' },
      expect: { secretariat: 201, facilitator: 201, delegation: 403, observer: 403, outsider: 404 },
    },
    {
      action: 'change settings',
      method: 'PATCH',
      path: () => `/api/documents/${docId}/settings`,
      body: { openDrafting: false },
      expect: { secretariat: 200, facilitator: 200, delegation: 403, observer: 403, outsider: 404 },
    },
    { action: 'create a document', method: 'POST', path: () => '/api/documents', body: { format: 'accord-treaty', version: 1, doc: smallTreaty('Created').toJSON() }, expect: { secretariat: 201, facilitator: 403, delegation: 403, observer: 403, outsider: 403 } },
  ]

  for (const row of matrix) {
    test.each(roles)(`${row.action}: %s`, async (who) => {
      const res = await call(who, row.method, row.path(), row.body)
      expect(res.status, JSON.stringify(res.body)).toBe(row.expect[who])
      if (res.status === 403) {
        expect(res.body.error.code).toBe('forbidden')
        expect(res.body.error.message).toMatch(/only (facilitators|the secretariat) may/)
      }
    })
  }

  test('each person sees only the documents they were invited to', async () => {
    const ids = async (who: Who) => ((await call(who, 'GET', '/api/documents')).body as { id: string }[]).map((d) => d.id)
    expect(await ids('delegation')).toEqual([docId])
    expect(await ids('outsider')).toEqual([otherDocId])
    expect(await ids('secretariat')).toEqual(expect.arrayContaining([docId, otherDocId]))
    const me = (await call('delegation', 'GET', '/api/me')).body
    expect(me.participant).toMatchObject({ role: 'delegation', name: 'Marie Dupont', state: 'FR', stateName: 'France', docId })
    expect(me.documents).toEqual([expect.objectContaining({ id: docId, role: 'delegation' })])
  })

  test('a refused request changes nothing', async () => {
    const before = (await call('facilitator', 'GET', `/api/documents/${docId}/participants`)).body.participants.length
    expect((await call('delegation', 'POST', `/api/documents/${docId}/invitations`, { role: 'facilitator', name: 'Me again' })).status).toBe(403)
    expect((await call('observer', 'PATCH', `/api/documents/${docId}/settings`, { openDrafting: true })).status).toBe(403)
    expect((await call('facilitator', 'GET', `/api/documents/${docId}/participants`)).body.participants.length).toBe(before)
    expect((await call('facilitator', 'GET', `/api/documents/${docId}/settings`)).body.openDrafting).toBe(false)
  })

  test('invitations are checked and say what is wrong', async () => {
    const bad = async (body: unknown, message: RegExp) => {
      const res = await call('facilitator', 'POST', `/api/documents/${docId}/invitations`, body)
      expect(res.status).toBe(422)
      expect(res.body.error.message).toMatch(message)
    }
    await bad({ role: 'delegation', name: 'No State' }, /ISO 3166/)
    await bad({ role: 'delegation', name: 'Atlantis', state: 'AT2' }, /not an ISO 3166-1 alpha-2/)
    await bad({ role: 'observer', name: 'Press', state: 'FR' }, /only a delegation has a State/)
    await bad({ role: 'king', name: 'X' }, /role must be one of/)
    await bad({ role: 'observer', name: '   ' }, /name is empty/)
    await bad({ role: 'secretariat', name: 'Sneaky' }, /secretariat is not invited/)
    const ok = await call('facilitator', 'POST', `/api/documents/${docId}/invitations`, { role: 'delegation', name: 'Delegation of Brazil', state: 'br' })
    expect(ok.status).toBe(201)
    expect(ok.body.participant).toMatchObject({ role: 'delegation', state: 'BR', stateName: 'Brazil' })
    expect(ok.body.link).toMatch(/\/join#token=acc_/)
    expect(ok.body.link).toContain(ok.body.token)
  })

  test('the secretariat creates a document and names its first facilitator', async () => {
    const res = await fetch(`${base}/api/documents?facilitator=${encodeURIComponent('Ambassador Chair')}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.secretariat}`, 'content-type': 'text/plain; charset=utf-8' },
      body: 'Draft Protocol\n\nArticle 1\n\n1. The Parties [shall][should] cooperate.',
    })
    expect(res.status).toBe(201)
    const created = await res.json()
    expect(created.facilitator.participant).toMatchObject({ role: 'facilitator', name: 'Ambassador Chair', docId: created.id })
    const me = await fetch(`${base}/api/me`, { headers: { authorization: `Bearer ${created.facilitator.token}` } })
    expect((await me.json()).documents.map((d: { id: string }) => d.id)).toEqual([created.id])
  })
})

describe('websocket: tickets and origins', () => {
  test('a ticket opens one connection, once; none, a used or a made-up one closes with 4401', async () => {
    const url = ticketUrl(server, docId)
    const first = rawSocket(url)
    sockets.push(first)
    await first.opened
    await waitFor(() => first.messages.length > 0, 'the sync step 1')
    const again = rawSocket(url)
    sockets.push(again)
    await waitFor(() => again.closed, 'the reused ticket to be refused')
    expect(again.closed!.code).toBe(CLOSE.UNAUTHENTICATED)
    expect(again.closed!.reason).toMatch(/used already/)
    const none = rawSocket(`${wsUrl(server)}/${docId}`)
    sockets.push(none)
    await waitFor(() => none.closed, 'the socket without a ticket to be refused')
    expect(none.closed!.code).toBe(CLOSE.UNAUTHENTICATED)
    const madeUp = rawSocket(`${wsUrl(server)}/${docId}?ticket=tk_guess`)
    sockets.push(madeUp)
    await waitFor(() => madeUp.closed, 'a made-up ticket to be refused')
    expect(madeUp.closed!.code).toBe(CLOSE.UNAUTHENTICATED)
  })

  test('a ticket of a participant of another document cannot open this one (4404, as if it did not exist)', async () => {
    const outsider = server.access.participants.byToken(tokens.outsider)!
    const s = rawSocket(ticketUrl(server, otherDocId, outsider, docId))
    sockets.push(s)
    await waitFor(() => s.closed, 'the socket to be refused')
    expect(s.closed!.code).toBe(CLOSE.UNKNOWN_DOCUMENT)
  })

  test('tickets come from POST /api/tickets with a token, never the token itself in the URL', async () => {
    const res = await call('delegation', 'POST', '/api/tickets')
    expect(res.status).toBe(201)
    expect(res.body.ticket).toMatch(/^tk_/)
    expect(Date.parse(res.body.expiresAt) - Date.now()).toBeLessThanOrEqual(60_000)
    const tokenInUrl = rawSocket(`${wsUrl(server)}/${docId}?ticket=${tokens.delegation}`)
    sockets.push(tokenInUrl)
    await waitFor(() => tokenInUrl.closed, 'the token as a ticket to be refused')
    expect(tokenInUrl.closed!.code).toBe(CLOSE.UNAUTHENTICATED)
  })

  test('a foreign Origin is refused at the upgrade; the server\'s own origin is accepted', async () => {
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(ticketUrl(server, docId), { headers: { origin: 'https://evil.example' } })
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
      ws.on('open', () => resolve(101))
      ws.on('error', () => {})
    })
    expect(refused).toBe(403)
    const accepted = await new Promise<number>((resolve) => {
      const ws = new WebSocket(ticketUrl(server, docId), { headers: { origin: `http://127.0.0.1:${server.port}` } })
      ws.on('open', () => {
        resolve(101)
        ws.terminate()
      })
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
      ws.on('error', () => {})
    })
    expect(accepted).toBe(101)
  })
})

describe('websocket: what each role may write', () => {
  async function synced(c: TestClient) {
    await waitFor(() => c.provider.synced, 'the client to sync')
  }

  test('an observer reads; its edits are dropped, answered with a reason, and reach nobody', async () => {
    const chair = client('facilitator')
    const observer = client('observer')
    await Promise.all([synced(chair), synced(observer)])
    const before = serverParagraphs()
    firstText(observer.doc, 'paragraph').insert(0, 'OBSERVER WAS HERE ')
    await waitFor(() => observer.denied.length > 0, 'the permission-denied answer')
    expect(observer.denied[0]).toMatch(/observers read the text/)
    // The chair's next edit arrives at the observer (reading works), the observer's edit went nowhere.
    firstText(chair.doc, 'title').insert(0, 'Rev ')
    await waitFor(() => firstText(observer.doc, 'title').toString().startsWith('Rev '), 'the chair\'s edit at the observer')
    expect(serverParagraphs()).toEqual(before)
    expect(paragraphTexts(chair.doc).join()).not.toContain('OBSERVER')
  })

  test('a large write from someone who may not write is refused without being decoded; the socket stays open', async () => {
    const observer = server.access.participants.byToken(tokens.observer)!
    const s = rawSocket(ticketUrl(server, docId, observer))
    sockets.push(s)
    await s.opened
    // 64 KiB of bytes that are not a Yjs update: decoding would close the socket as malformed (4400).
    const junk = new Uint8Array(64 * 1024).map((_, i) => (i * 7919) & 255)
    s.ws.send(encodeUpdate(junk))
    await waitFor(() => s.messages.some((m) => m[0] === 2), 'the permission-denied answer')
    expect(new TextDecoder().decode(s.messages.find((m) => m[0] === 2)!)).toMatch(/observers read the text/)
    expect(s.closed).toBeNull()
  })

  test('a delegation cannot edit the text while drafting is closed; it can once a facilitator opens it', async () => {
    const delegation = client('delegation')
    await synced(delegation)
    firstText(delegation.doc, 'paragraph').insert(0, 'closed ')
    await waitFor(() => delegation.denied.length > 0, 'the refusal')
    expect(delegation.denied[0]).toMatch(/not open for drafting/)
    expect(serverParagraphs().join()).not.toContain('closed ')

    expect((await call('facilitator', 'PATCH', `/api/documents/${docId}/settings`, { openDrafting: true })).body.openDrafting).toBe(true)
    // The setting travels to every client through the document (a server-written root).
    await waitFor(() => delegation.doc.getMap('settings').get('openDrafting') === true, 'the setting at the delegation')
    const fresh = client('delegation')
    await synced(fresh)
    firstText(fresh.doc, 'paragraph').insert(0, 'open ')
    await waitFor(() => serverParagraphs()[0].startsWith('open '), 'the delegation\'s edit on the server')
    expect(fresh.denied).toEqual([])
  })

  test('even with open drafting, a delegation cannot create, remove or change brackets', async () => {
    await call('facilitator', 'PATCH', `/api/documents/${docId}/settings`, { openDrafting: true })
    const chair = client('facilitator')
    await synced(chair)
    // The chair brackets text (allowed), so that there is a bracket to attack.
    chair.doc.transact(() => {
      const paragraph = paragraphElement(chair.doc, 1)
      paragraph.insert(paragraph.length, [bracket(['shall', 'should'])])
    })
    await waitFor(() => hasBracket(server.rooms.get(docId)!.doc), 'the chair\'s bracket on the server')

    const attempts: [string, (doc: Y.Doc) => void, RegExp][] = [
      ['create a bracket', (doc) => paragraphElement(doc, 2).insert(0, [bracket(['a', 'b'])]), /creates a bracket/],
      ['resolve (remove) a bracket', (doc) => removeBracket(doc), /removes a bracket/],
      ['change a bracket\'s separator', (doc) => findBracket(doc)!.setAttribute('separator', 'or'), /changes the separator of a bracket/],
      ['delete the paragraph holding a bracket', (doc) => paragraphElement(doc, 1).parent instanceof Y.XmlElement && (paragraphElement(doc, 1).parent as Y.XmlElement).delete(0, 1), /removes a bracket|removes an alternative/],
      ['change the treaty settings', (doc) => (doc.getXmlFragment('treaty').get(0) as Y.XmlElement).setAttribute('lang', 'fr'), /changes the lang of a treaty/],
    ]
    for (const [what, attack, reason] of attempts) {
      const delegation = client('delegation')
      await synced(delegation)
      const before = Y.encodeStateVector(server.rooms.get(docId)!.doc)
      delegation.doc.transact(() => attack(delegation.doc))
      await waitFor(() => delegation.denied.length > 0, `the refusal to ${what}`)
      expect(delegation.denied[0], what).toMatch(reason)
      expect(Y.encodeStateVector(server.rooms.get(docId)!.doc), `${what}: nothing stored`).toEqual(before)
      expect(hasBracket(server.rooms.get(docId)!.doc)).toBe(true)
      delegation.destroy()
    }
  })

  test('revoking cuts a live connection at once (API) or within seconds (the accord command, another process)', async () => {
    const viaApi = invite(server, docId, 'delegation', { name: 'Leaving delegate', state: 'BR' })
    const c1 = connectClient(server, docId, { token: viaApi.token })
    clients.push(c1)
    await synced(c1)
    const closed = new Promise<{ code: number; reason: string }>((resolve) => c1.provider.on('connection-close', (event: CloseEvent | null) => event && resolve({ code: event.code, reason: event.reason })))
    const res = await call('facilitator', 'POST', `/api/documents/${docId}/participants/${viaApi.participant.id}/revoke`)
    expect(res.status).toBe(200)
    expect(res.body.disconnected).toBe(1)
    expect(await closed).toEqual({ code: CLOSE.FORBIDDEN, reason: 'your invitation was revoked' })
    // No new ticket for a revoked token.
    expect((await fetch(`${base}/api/tickets`, { method: 'POST', headers: { authorization: `Bearer ${viaApi.token}` } })).status).toBe(401)

    // The command line revokes in the database directly (as `accord revoke` does from another process).
    const viaCli = invite(server, docId, 'observer', { name: 'Watcher' })
    const c2 = connectClient(server, docId, { token: viaCli.token })
    clients.push(c2)
    await synced(c2)
    const closed2 = new Promise<number>((resolve) => c2.provider.on('connection-close', (event: CloseEvent | null) => event && resolve(event.code)))
    server.access.participants.revoke(viaCli.participant.id)
    expect(await closed2).toBe(CLOSE.FORBIDDEN)
  })

  test('a facilitator cannot revoke themselves; a delegation cannot revoke anyone', async () => {
    const me = (await call('facilitator', 'GET', '/api/me')).body.participant.id
    expect((await call('facilitator', 'POST', `/api/documents/${docId}/participants/${me}/revoke`)).status).toBe(409)
    expect((await call('delegation', 'POST', `/api/documents/${docId}/participants/${me}/revoke`)).status).toBe(403)
    expect((await call('facilitator', 'GET', '/api/me')).status).toBe(200)
  })
})

describe('the bracket workflow over HTTP: facilitators only, audited', () => {
  let sampleId: string
  const sampleTokens: Record<'facilitator' | 'delegation' | 'observer', string> = {} as never
  const as = async (who: keyof typeof sampleTokens | null, method: string, pathname: string, body?: unknown) => {
    const headers: Record<string, string> = {}
    if (who) headers.authorization = `Bearer ${sampleTokens[who]}`
    if (body !== undefined) headers['content-type'] = 'application/json'
    const res = await fetch(base + pathname, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
    return { status: res.status, body: (await res.json()) as any }
  }

  beforeAll(async () => {
    sampleId = (await server.documents.create(importText(sampleTreatyText()).doc)).id
    sampleTokens.facilitator = invite(server, sampleId, 'facilitator', { name: 'Chair' }).token
    sampleTokens.delegation = invite(server, sampleId, 'delegation', { name: 'Delegation of China', state: 'CN' }).token
    sampleTokens.observer = invite(server, sampleId, 'observer', { name: 'Observer' }).token
  })

  test('every participant reads the brackets; only a facilitator resolves, and a refusal changes nothing', async () => {
    for (const who of ['facilitator', 'delegation', 'observer'] as const) {
      const res = await as(who, 'GET', `/api/documents/${sampleId}/brackets`)
      expect(res.status).toBe(200)
      expect(res.body.groups).toHaveLength(20)
    }
    const brackets = (await as('observer', 'GET', `/api/documents/${sampleId}/brackets`)).body
    const set = brackets.sets.find((s: { count: number }) => s.count === 19)
    expect(set.alternatives).toEqual(['议定书', '协议'])
    expect((await as(null, 'POST', `/api/documents/${sampleId}/resolutions`, { set: set.id, choose: '议定书' })).status).toBe(401)
    for (const who of ['delegation', 'observer'] as const) {
      const refused = await as(who, 'POST', `/api/documents/${sampleId}/resolutions`, { set: set.id, choose: '议定书' })
      expect(refused.status).toBe(403)
      expect(refused.body.error.message).toMatch(/only facilitators may resolve brackets/)
      expect((await as(who, 'POST', `/api/documents/${sampleId}/ad-ref`, { group: brackets.groups[0].id, adRef: true })).status).toBe(403)
    }
    expect((await as('observer', 'GET', `/api/documents/${sampleId}/brackets`)).body.groups).toHaveLength(20)
    expect((await as('observer', 'GET', `/api/documents/${sampleId}/audit`)).body.entries.filter((e: { action: string }) => e.action === 'resolve')).toEqual([])

    const resolved = await as('facilitator', 'POST', `/api/documents/${sampleId}/resolutions`, { set: set.id, choose: '议定书' })
    expect(resolved.status).toBe(200)
    expect(resolved.body.resolved).toBe(19)
    expect((await as('delegation', 'GET', `/api/documents/${sampleId}/brackets`)).body.groups).toHaveLength(1)
    const audit = (await as('delegation', 'GET', `/api/documents/${sampleId}/audit`)).body.entries
    const entry = audit.find((e: { id: string }) => e.id === resolved.body.entry)
    expect(entry).toMatchObject({ action: 'resolve', choice: '议定书', actor: { name: 'Chair', role: 'facilitator' } })
    expect(entry.groups).toHaveLength(19)

    expect((await as('delegation', 'POST', `/api/documents/${sampleId}/reopenings`, { entry: entry.id })).status).toBe(403)
    const reopened = await as('facilitator', 'POST', `/api/documents/${sampleId}/reopenings`, { entry: entry.id })
    expect(reopened.status).toBe(200)
    expect(reopened.body).toMatchObject({ reopened: 19, missing: 0 })
    expect((await as('observer', 'GET', `/api/documents/${sampleId}/brackets`)).body.groups).toHaveLength(20)
  })

  test('bad requests say what is wrong', async () => {
    const bad = await as('facilitator', 'POST', `/api/documents/${sampleId}/resolutions`, { group: 'g0.0', choose: 'x' })
    expect(bad.status).toBe(404)
    expect(bad.body.error.message).toMatch(/no longer open|reload/)
    const wrongType = await fetch(`${base}/api/documents/${sampleId}/resolutions`, { method: 'POST', headers: { authorization: `Bearer ${sampleTokens.facilitator}`, 'content-type': 'application/json' }, body: '{"group": ' })
    expect(wrongType.status).toBe(400)
  })
})

describe('revisions over HTTP', () => {
  test('a facilitator saves Rev.1; everyone lists, reads, exports and compares; only a facilitator restores', async () => {
    const id = (await server.documents.create(importText(sampleTreatyText()).doc)).id
    const chair = invite(server, id, 'facilitator', { name: 'Chair' }).token
    const china = invite(server, id, 'delegation', { name: 'China', state: 'CN' }).token
    const as = async (token: string | null, method: string, pathname: string, body?: unknown) => {
      const headers: Record<string, string> = {}
      if (token) headers.authorization = `Bearer ${token}`
      if (body !== undefined) headers['content-type'] = 'application/json'
      const res = await fetch(base + pathname, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
      const text = await res.text()
      return { status: res.status, body: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text }
    }
    expect((await as(china, 'POST', `/api/documents/${id}/revisions`, {})).status).toBe(403)
    const set = (await as(chair, 'GET', `/api/documents/${id}/brackets`)).body.sets[0]
    expect((await as(chair, 'POST', `/api/documents/${id}/resolutions`, { set: set.id, choose: '协议' })).body.resolved).toBe(19)
    const saved = await as(chair, 'POST', `/api/documents/${id}/revisions`, {})
    expect(saved.status).toBe(201)
    expect(saved.body.revision.name).toBe('Rev.1')
    expect((await as(chair, 'POST', `/api/documents/${id}/revisions`, { name: 'rev.1' })).status).toBe(409)

    const list = (await as(china, 'GET', `/api/documents/${id}/revisions`)).body.revisions
    expect(list.map((r: { name: string }) => r.name)).toEqual(['Initial text', 'Rev.1'])
    const compared = await as(china, 'GET', `/api/documents/${id}/compare?from=initial&to=Rev.1`)
    expect(compared.status).toBe(200)
    expect(compared.body.comparison.summary).toMatchObject({ bracketsResolved: 19, bracketsOpened: 0, articlesAdded: 0, articlesRemoved: 0 })
    expect((await as(china, 'GET', `/api/documents/${id}/compare`)).status).toBe(400)
    expect((await as(china, 'GET', `/api/documents/${id}/compare?from=r_nosuch`)).status).toBe(404)

    const exported = await as(china, 'GET', `/api/documents/${id}/revisions/${saved.body.revision.id}/export?format=text`)
    expect(exported.status).toBe(200)
    expect(exported.body).not.toContain('[议定书][协议]')
    const initial = await as(china, 'GET', `/api/documents/${id}/revisions/initial/export?format=text`)
    expect(initial.body).toContain('[议定书][协议]')

    expect((await as(china, 'POST', `/api/documents/${id}/revisions/initial/restore`)).status).toBe(403)
    const restored = await as(chair, 'POST', `/api/documents/${id}/revisions/initial/restore`)
    expect(restored.status).toBe(200)
    expect((await as(china, 'GET', `/api/documents/${id}/brackets`)).body.groups).toHaveLength(20)
    const actions = (await as(china, 'GET', `/api/documents/${id}/audit`)).body.entries.map((e: { action: string }) => e.action)
    expect(actions).toEqual(expect.arrayContaining(['resolve', 'revision', 'restore']))
  })
})

describe('amendments over HTTP: each State its own', () => {
  test('a State proposes in its own name; another co-sponsors; only its State withdraws; only a facilitator decides', async () => {
    const id = (await server.documents.create(importText(sampleTreatyText()).doc)).id
    const t = {
      chair: invite(server, id, 'facilitator', { name: 'Chair' }).token,
      france: invite(server, id, 'delegation', { name: 'France', state: 'FR' }).token,
      china: invite(server, id, 'delegation', { name: 'China', state: 'CN' }).token,
      observer: invite(server, id, 'observer', { name: 'Press' }).token,
    }
    const as = async (token: string | null, method: string, pathname: string, body?: unknown) => {
      const headers: Record<string, string> = {}
      if (token) headers.authorization = `Bearer ${token}`
      if (body !== undefined) headers['content-type'] = 'application/json'
      const res = await fetch(base + pathname, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
      const text = await res.text()
      return { status: res.status, body: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text }
    }
    const proposal = { kind: 'replace', target: { article: 4, paragraph: 4, quote: '作出保留' }, text: '提出任何保留', justification: 'Clearer.' }
    expect((await as(null, 'POST', `/api/documents/${id}/amendments`, proposal)).status).toBe(401)
    for (const who of [t.chair, t.observer]) {
      const refused = await as(who, 'POST', `/api/documents/${id}/amendments`, proposal)
      expect(refused.status).toBe(403)
      expect(refused.body.error.message).toMatch(/only delegations/)
    }
    const notThere = await as(t.france, 'POST', `/api/documents/${id}/amendments`, { ...proposal, target: { article: 4, paragraph: 4, quote: '不在这里' } })
    expect(notThere.status).toBe(422)
    expect(notThere.body.error.message).toMatch(/is not in Article 4, paragraph 4/)
    const spoofed = await as(t.france, 'POST', `/api/documents/${id}/amendments`, { ...proposal, state: 'CN' })
    expect(spoofed.status).toBe(400)

    const proposed = await as(t.france, 'POST', `/api/documents/${id}/amendments`, proposal)
    expect(proposed.status).toBe(201)
    const aid = proposed.body.id
    const listed = (await as(t.observer, 'GET', `/api/documents/${id}/amendments?state=FR`)).body.amendments
    expect(listed).toEqual([expect.objectContaining({ id: aid, state: 'FR', kind: 'replace', status: 'open', text: '提出任何保留', cosponsors: [] })])
    expect(listed[0].located).toMatchObject({ article: 4, paragraph: 4, found: true })

    expect((await as(t.china, 'POST', `/api/documents/${id}/amendments/${aid}/withdraw`)).status).toBe(403)
    expect((await as(t.china, 'PATCH', `/api/documents/${id}/amendments/${aid}`, { text: 'hijacked' })).status).toBe(403)
    expect((await as(t.france, 'POST', `/api/documents/${id}/amendments/${aid}/cosponsors`)).status).toBeGreaterThanOrEqual(400)
    const cosponsored = await as(t.china, 'POST', `/api/documents/${id}/amendments/${aid}/cosponsors`)
    expect(cosponsored.status).toBe(200)
    expect(cosponsored.body.amendment.cosponsors).toEqual(['CN'])
    expect((await as(t.france, 'POST', `/api/documents/${id}/amendments/${aid}/decision`, { decision: 'accept' })).status).toBe(403)
    expect((await as(t.observer, 'GET', `/api/documents/${id}/amendments/${aid}`)).body.amendment.text).toBe('提出任何保留')

    const decided = await as(t.chair, 'POST', `/api/documents/${id}/amendments/${aid}/decision`, { decision: 'bracket' })
    expect(decided.status).toBe(200)
    expect(decided.body.amendment.status).toBe('bracketed')
    const groups = (await as(t.observer, 'GET', `/api/documents/${id}/brackets`)).body.groups
    const group = groups.find((g: { id: string }) => g.id === decided.body.group)
    expect(group.alternatives).toEqual(['作出保留', '提出任何保留'])
    expect((await as(t.chair, 'POST', `/api/documents/${id}/amendments/${aid}/decision`, { decision: 'accept' })).status).toBe(409)

    const compilation = await as(t.observer, 'GET', `/api/documents/${id}/amendments/compilation?format=text&by=state`)
    expect(compilation.status).toBe(200)
    expect(compilation.body).toContain('提出任何保留')
    expect(compilation.body).toContain('France')
    const word = await fetch(`${base}/api/documents/${id}/amendments/compilation?format=docx&by=state`, { headers: { authorization: `Bearer ${t.observer}` } })
    expect(word.status).toBe(200)
    expect(word.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document')
    expect(word.headers.get('content-disposition')).toMatch(/^attachment; filename=".*\.docx"/)
    const bytes = new Uint8Array(await word.arrayBuffer())
    expect(Number(word.headers.get('content-length'))).toBe(bytes.byteLength)
    expect(new TextDecoder().decode(bytes.slice(0, 2))).toBe('PK')
    expect((await as(t.observer, 'GET', `/api/documents/${id}/amendments/compilation?format=pdf`)).status).toBe(400)
  })
})

describe('the log', () => {
  test('says who was refused what, and never contains a token', async () => {
    // Something to log: a refused request and a refused write.
    await call('delegation', 'PATCH', `/api/documents/${docId}/settings`, { openDrafting: true })
    expect(logged.some((line) => line.includes('refused a request') && line.includes('change the document settings'))).toBe(true)
    expect(logged.length).toBeGreaterThan(10)
    const all = logged.join('\n')
    for (const token of Object.values(tokens)) expect(all).not.toContain(token)
    expect(all).not.toMatch(/acc_[A-Za-z0-9_-]{43}/)
  })
})

describe('tickets and invitations (units)', () => {
  test('a ticket is single-use, expires after its time, and one participant cannot hoard them', () => {
    let now = 1000
    const tickets = new Tickets({ ttlMs: 60_000, maxOutstanding: 10, maxPerParticipant: 3, now: () => now })
    const a = tickets.issue('p1')!
    expect(tickets.redeem(a.ticket)).toEqual({ participant: 'p1' })
    expect(tickets.redeem(a.ticket)).toEqual({ problem: 'unknown' })
    const b = tickets.issue('p1')!
    now += 60_001
    expect(tickets.redeem(b.ticket)).toEqual({ problem: 'expired' })
    expect(tickets.issue('p1')).toBeTruthy()
    expect(tickets.issue('p1')).toBeTruthy()
    expect(tickets.issue('p1')).toBeTruthy()
    expect(tickets.issue('p1')).toBeUndefined()
    now += 60_001
    expect(tickets.issue('p1'), 'expired tickets no longer count').toBeTruthy()
    expect(tickets.size).toBe(1)
  })

  test('State codes are ISO 3166-1 alpha-2 (and the EU)', () => {
    expect(stateName('FR')).toBe('France')
    expect(stateName('CN')).toBe('China')
    expect(stateName('EU')).toBe('European Union')
    expect(stateName('ZZ')).toBeUndefined()
    expect(stateName('XK')).toBeUndefined()
    expect(stateName('fr')).toBeUndefined()
    expect(() => checkInvitation({ role: 'delegation', name: 'x', state: 'QQ', docId: 'd' })).toThrow(InvitationError)
    expect(checkInvitation({ role: 'delegation', name: '  Délégation\nde la France ', state: 'fr', docId: 'd' })).toEqual({ role: 'delegation', name: 'Délégation de la France', state: 'FR' })
  })
})

// --- Yjs helpers: what a hand-built client would write ---

function paragraphElement(doc: Y.Doc, n: number): Y.XmlElement {
  const found: Y.XmlElement[] = []
  const walk = (el: Y.XmlElement | Y.XmlFragment) => {
    for (const child of el.toArray()) {
      if (!(child instanceof Y.XmlElement)) continue
      if (child.nodeName === 'paragraph') found.push(child)
      else walk(child)
    }
  }
  walk(doc.getXmlFragment('treaty'))
  return found[n - 1]
}

function bracket(alternatives: string[]): Y.XmlElement {
  const group = new Y.XmlElement('bracket')
  group.insert(
    0,
    alternatives.map((text) => {
      const alt = new Y.XmlElement('alternative')
      const t = new Y.XmlText()
      t.insert(0, text)
      alt.insert(0, [t])
      return alt
    }),
  )
  return group
}

function findBracket(doc: Y.Doc): Y.XmlElement | undefined {
  let found: Y.XmlElement | undefined
  const walk = (el: Y.XmlElement | Y.XmlFragment) => {
    for (const child of el.toArray()) {
      if (found || !(child instanceof Y.XmlElement)) continue
      if (child.nodeName === 'bracket') found = child
      else walk(child)
    }
  }
  walk(doc.getXmlFragment('treaty'))
  return found
}

const hasBracket = (doc: Y.Doc) => findBracket(doc) !== undefined

function removeBracket(doc: Y.Doc): void {
  const group = findBracket(doc)!
  const parent = group.parent as Y.XmlElement
  const index = parent.toArray().indexOf(group)
  parent.delete(index, 1)
}
