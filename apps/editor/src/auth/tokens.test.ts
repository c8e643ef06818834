import { describe, expect, it } from 'vitest'
import { isToken, TOKENS_KEY, TokenStore, type Participant, type StorageLike } from './tokens'

class MemoryStorage implements StorageLike {
  data = new Map<string, string>()
  getItem(key: string) {
    return this.data.get(key) ?? null
  }
  setItem(key: string, value: string) {
    this.data.set(key, value)
  }
}

const tok = (c: string) => 'acc_' + c.repeat(43)
const person = (id: string, role: Participant['role'], docId: string | null, extra: Partial<Participant> = {}): Participant => ({ id, role, name: id, state: null, stateName: null, docId, ...extra })

describe('TokenStore', () => {
  it('keeps one token per document plus the secretariat one, and picks the right one', () => {
    const storage = new MemoryStorage()
    const store = new TokenStore(storage)
    store.save(tok('a'), person('p1', 'delegation', 'd1', { state: 'FR', stateName: 'France' }), new Date(1))
    store.save(tok('b'), person('p2', 'facilitator', 'd2'), new Date(2))
    store.save(tok('s'), person('p3', 'secretariat', null), new Date(3))
    expect(store.tokenFor('d1')?.token).toBe(tok('a'))
    expect(store.tokenFor('d2')?.token).toBe(tok('b'))
    expect(store.tokenFor('d9')?.token).toBe(tok('s'))
    expect(store.forDocument('d9')).toBeNull()
    expect(store.all().map((e) => e.participant.id)).toEqual(['p3', 'p2', 'p1'])
    // Another page (tab) reads what this one stored.
    expect(new TokenStore(storage).tokenFor('d1')?.participant.state).toBe('FR')
  })

  it('replaces an older token for the same document, and removes revoked ones', () => {
    const store = new TokenStore(new MemoryStorage())
    store.save(tok('a'), person('p1', 'observer', 'd1'), new Date(1))
    store.save(tok('c'), person('p4', 'delegation', 'd1'), new Date(2))
    expect(store.all()).toHaveLength(1)
    expect(store.tokenFor('d1')?.participant.role).toBe('delegation')
    store.remove(tok('c'))
    expect(store.tokenFor('d1')).toBeNull()
  })

  it('ignores malformed storage and survives a storage that refuses writes', () => {
    const storage = new MemoryStorage()
    storage.setItem(TOKENS_KEY, '{not json')
    expect(new TokenStore(storage).all()).toEqual([])
    storage.setItem(TOKENS_KEY, JSON.stringify([{ token: 'nope', participant: {} }, { token: tok('a'), participant: person('p1', 'observer', 'd1'), saved: 'x' }]))
    expect(new TokenStore(storage).all().map((e) => e.token)).toEqual([tok('a')])

    const blocked: StorageLike = {
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceeded')
      },
    }
    const store = new TokenStore(blocked)
    store.save(tok('a'), person('p1', 'observer', 'd1'))
    expect(store.tokenFor('d1')?.token).toBe(tok('a'))
    const none = new TokenStore(null)
    none.save(tok('b'), person('p2', 'secretariat', null))
    expect(none.secretariat()?.token).toBe(tok('b'))
  })

  it('recognises tokens', () => {
    expect(isToken(tok('x'))).toBe(true)
    expect(isToken('acc_short')).toBe(false)
    expect(isToken('Bearer acc_' + 'x'.repeat(43))).toBe(false)
  })
})
