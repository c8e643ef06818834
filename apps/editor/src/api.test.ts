import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiError, getTicket, listDocuments, mergeOffline, NoTokenError, resolve, toBase64 } from './api'
import { TokenStore, type Participant, type StorageLike } from './auth/tokens'

const memory = (): StorageLike => {
  const data = new Map<string, string>()
  return { getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) }
}
const tok = (c: string) => 'acc_' + c.repeat(43)
const person = (id: string, role: Participant['role'], docId: string | null): Participant => ({ id, role, name: id, state: null, stateName: null, docId })

function fakeFetch(answer: (url: string, auth: string | undefined, init: RequestInit) => { status: number; body: unknown }) {
  const calls: { url: string; auth?: string; method?: string; body?: unknown }[] = []
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    const auth = (init.headers as Record<string, string>).authorization
    calls.push({ url, auth, method: init.method, ...(init.body ? { body: JSON.parse(init.body as string) } : {}) })
    const { status, body } = answer(url, auth, init)
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
  })
  return calls
}

afterEach(() => vi.unstubAllGlobals())

describe('api', () => {
  it('lists what each token sees, merged (highest role wins), and reports revoked tokens', async () => {
    const store = new TokenStore(memory())
    store.save(tok('a'), person('p1', 'observer', 'd1'), new Date(1))
    store.save(tok('s'), person('p2', 'secretariat', null), new Date(2))
    store.save(tok('r'), person('p3', 'delegation', 'd3'), new Date(3))
    fakeFetch((_url, auth) => {
      if (auth === `Bearer ${tok('a')}`) return { status: 200, body: [{ id: 'd1', title: 'One', updated: '2026-11-24T09:00:00Z', role: 'observer' }] }
      if (auth === `Bearer ${tok('s')}`) return { status: 200, body: { documents: [{ id: 'd1', title: 'One', updated: '2026-11-24T09:00:00Z', role: 'facilitator' }, { id: 'd2', title: 'Two', updated: '2026-11-24T10:00:00Z', role: 'facilitator' }] } }
      return { status: 401, body: { error: { code: 'unauthenticated', message: 'this invitation was revoked' } } }
    })
    const listing = await listDocuments({ store })
    expect(listing.documents.map((d) => [d.id, d.role])).toEqual([
      ['d2', 'facilitator'],
      ['d1', 'facilitator'],
    ])
    expect(listing.rejected.map((e) => e.participant.id)).toEqual(['p3'])
    expect(listing.failed).toEqual([])
  })

  it('sends the document’s token, else the secretariat’s, and the server’s message on errors', async () => {
    const store = new TokenStore(memory())
    store.save(tok('a'), person('p1', 'facilitator', 'd1'))
    const calls = fakeFetch((url) => (url === '/api/tickets' ? { status: 201, body: { ticket: 'tk_1', expiresAt: '', epoch: 2 } } : { status: 422, body: { error: { code: 'no-such-alternative', message: 'no alternative reads "x": choose 议定书 or 协议' } } }))
    expect(await getTicket('d1', { store })).toEqual({ ticket: 'tk_1', epoch: 2 })
    expect(calls[0]).toEqual({ url: '/api/tickets', auth: `Bearer ${tok('a')}`, method: 'POST', body: { doc: 'd1' } })
    const err = await resolve('d1', { group: 'g1.2', choose: 'x' }, { store }).catch((e) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err).toMatchObject({ status: 422, message: 'no alternative reads "x": choose 议定书 or 协议' })
    await expect(getTicket('d9', { store })).rejects.toBeInstanceOf(NoTokenError)
    store.save(tok('s'), person('p2', 'secretariat', null))
    await getTicket('d9', { store })
    expect(calls.at(-1)?.auth).toBe(`Bearer ${tok('s')}`)
  })

  it('a ticket without an epoch is of epoch 0; a malformed one is refused', async () => {
    const store = new TokenStore(memory())
    store.save(tok('a'), person('p1', 'facilitator', 'd1'))
    let epoch: unknown
    fakeFetch(() => ({ status: 201, body: { ticket: 'tk_1', expiresAt: '', epoch } }))
    expect(await getTicket('d1', { store })).toEqual({ ticket: 'tk_1', epoch: 0 })
    epoch = -1
    await expect(getTicket('d1', { store })).rejects.toMatchObject({ code: 'bad-response' })
  })

  it('hands a stale tab’s state to the merges endpoint in base64, and passes the refusal’s reason on', async () => {
    const store = new TokenStore(memory())
    store.save(tok('a'), person('p1', 'delegation', 'd1'))
    let refuse = false
    const calls = fakeFetch(() =>
      refuse ? { status: 403, body: { error: { code: 'forbidden', message: 'drafting is closed for delegations' } } } : { status: 200, body: { merged: true, epoch: 3 } },
    )
    const update = new Uint8Array([0, 1, 2, 250, 255, 128])
    expect(await mergeOffline('d1', 2, update, { store })).toEqual({ merged: true, epoch: 3 })
    expect(calls[0]).toEqual({ url: '/api/documents/d1/merges', auth: `Bearer ${tok('a')}`, method: 'POST', body: { epoch: 2, update: 'AAEC+v+A' } })
    refuse = true
    await expect(mergeOffline('d1', 2, update, { store })).rejects.toMatchObject({ status: 403, message: 'drafting is closed for delegations' })
  })

  it('encodes base64 without Buffer, also beyond one argument list', () => {
    const big = new Uint8Array(200_000).map((_, i) => (i * 7) & 255)
    expect(toBase64(big)).toBe(Buffer.from(big).toString('base64'))
    expect(toBase64(new Uint8Array())).toBe('')
  })
})
