import { describe, expect, it } from 'vitest'
import { ApiError, type Me } from '../api'
import { join, loadAccess } from './access'
import { TokenStore, type Participant, type StorageLike } from './tokens'

const memory = (): StorageLike => {
  const data = new Map<string, string>()
  return { getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) }
}
const tok = (c: string) => 'acc_' + c.repeat(43)
const fr: Participant = { id: 'p_fr', role: 'delegation', name: 'Marie Dupont', state: 'FR', stateName: 'France', docId: 'd1' }
const sec: Participant = { id: 'p_sec', role: 'secretariat', name: 'Officer', state: null, stateName: null, docId: null }

describe('join', () => {
  it('keeps the token and opens the invited document', async () => {
    const store = new TokenStore(memory())
    const result = await join(tok('a'), store, async () => ({ participant: fr, documents: [{ id: 'd1', title: 'T', updated: 0, role: 'delegation' }] }))
    expect(result).toEqual({ status: 'document', docId: 'd1', participant: fr })
    expect(store.tokenFor('d1')?.token).toBe(tok('a'))
  })
  it('sends the secretariat to the document list', async () => {
    const store = new TokenStore(memory())
    expect(await join(tok('s'), store, async () => ({ participant: sec, documents: [] }))).toEqual({ status: 'documents', participant: sec })
    expect(store.secretariat()?.token).toBe(tok('s'))
  })
  it('keeps nothing for a revoked or unknown token', async () => {
    const store = new TokenStore(memory())
    const result = await join(tok('x'), store, async () => {
      throw new ApiError('This invitation was revoked.', 401, 'unauthenticated')
    })
    expect(result).toEqual({ status: 'rejected', message: 'This invitation was revoked.' })
    expect(store.all()).toEqual([])
  })
})

describe('loadAccess', () => {
  const me = (answer: Me) => async () => answer
  it('says when no token opens the document', async () => {
    expect(await loadAccess('d1', new TokenStore(memory()))).toEqual({ status: 'no-token' })
  })
  it('uses the document’s own token, and the secretariat’s as a facilitator elsewhere', async () => {
    const store = new TokenStore(memory())
    store.save(tok('a'), fr)
    store.save(tok('s'), sec)
    const a = await loadAccess('d1', store, me({ participant: fr, documents: [{ id: 'd1', title: '', updated: 0, role: 'delegation' }] }))
    expect(a).toMatchObject({ status: 'ready', access: { token: tok('a'), role: 'delegation' } })
    const b = await loadAccess('d2', store, me({ participant: sec, documents: [{ id: 'd2', title: '', updated: 0, role: 'facilitator' }] }))
    expect(b).toMatchObject({ status: 'ready', access: { token: tok('s'), role: 'facilitator' } })
  })
  it('forgets a token the server rejects', async () => {
    const store = new TokenStore(memory())
    store.save(tok('a'), fr)
    const state = await loadAccess('d1', store, async () => {
      throw new ApiError('unknown token', 401)
    })
    expect(state).toEqual({ status: 'rejected', message: 'unknown token' })
    expect(store.tokenFor('d1')).toBeNull()
  })
  it('opens with what it remembers when the server is unreachable', async () => {
    const store = new TokenStore(memory())
    store.save(tok('a'), fr)
    const state = await loadAccess('d1', store, async () => {
      throw new ApiError('offline', 0, 'network')
    })
    expect(state).toMatchObject({ status: 'ready', offline: true, access: { role: 'delegation', participant: { name: 'Marie Dupont' } } })
  })
})
