import { describe, expect, it } from 'vitest'
import { ConnectionMonitor, type DocLike, type ProviderLike } from './connection'

class FakeEmitter {
  private handlers = new Map<string, Set<(...args: any[]) => void>>()
  on(event: string, f: (...args: any[]) => void) {
    if (!this.handlers.has(event)) this.handlers.set(event, new Set())
    this.handlers.get(event)!.add(f)
  }
  off(event: string, f: (...args: any[]) => void) {
    this.handlers.get(event)?.delete(f)
  }
  emit(event: string, ...args: unknown[]) {
    for (const f of this.handlers.get(event) ?? []) f(...args)
  }
}

class FakeProvider extends FakeEmitter implements ProviderLike {
  wsconnected = false
  synced = false
  wsUnsuccessfulReconnects = 0
  connect() {
    this.wsconnected = true
    this.emit('status', { status: 'connected' })
  }
  sync() {
    this.synced = true
    this.emit('sync', true)
  }
  drop() {
    this.wsconnected = false
    this.synced = false
    this.emit('sync', false)
    this.emit('status', { status: 'disconnected' })
    this.wsUnsuccessfulReconnects++
    this.emit('connection-close', null)
  }
}

function setup() {
  const provider = new FakeProvider()
  const doc = new FakeEmitter() as FakeEmitter & DocLike
  const monitor = new ConnectionMonitor(provider, doc)
  const localEdit = () => doc.emit('update', new Uint8Array(), 'local')
  return { provider, doc, monitor, localEdit }
}

describe('ConnectionMonitor', () => {
  it('goes from connecting to connected once in sync', () => {
    const { provider, monitor } = setup()
    expect(monitor.getState()).toMatchObject({ phase: 'connecting', everSynced: false })
    provider.connect()
    expect(monitor.getState().phase).toBe('connecting')
    provider.sync()
    expect(monitor.getState()).toMatchObject({ phase: 'connected', pending: 0, everSynced: true })
  })

  it('counts changes made offline and clears them when back in sync', () => {
    const { provider, monitor, localEdit, doc } = setup()
    provider.connect()
    provider.sync()
    localEdit()
    expect(monitor.getState().pending).toBe(0)
    provider.drop()
    localEdit()
    localEdit()
    doc.emit('update', new Uint8Array(), provider) // a remote update does not count
    expect(monitor.getState()).toMatchObject({ phase: 'offline', pending: 2 })
    provider.connect()
    expect(monitor.getState()).toMatchObject({ phase: 'syncing', pending: 2 })
    provider.sync()
    expect(monitor.getState()).toMatchObject({ phase: 'connected', pending: 0 })
  })

  it('reports a server that never answers as offline after the first failed attempt', () => {
    const { provider, monitor } = setup()
    provider.wsUnsuccessfulReconnects = 1
    provider.emit('connection-close', null)
    expect(monitor.getState().phase).toBe('offline')
  })

  it('reports a terminal close with its reason', () => {
    const { provider, monitor } = setup()
    provider.emit('closed', { code: 4404, reason: 'no such document' })
    expect(monitor.getState()).toMatchObject({ phase: 'closed', closedReason: 'no such document', closedCode: 4404 })
  })

  it('tells a revocation (4403) apart', () => {
    const { provider, monitor } = setup()
    provider.connect()
    provider.sync()
    provider.drop()
    provider.emit('closed', { code: 4403, reason: 'your invitation was revoked' })
    expect(monitor.getState()).toMatchObject({ phase: 'closed', closedCode: 4403, closedReason: 'your invitation was revoked', everSynced: true })
  })

  it('notifies subscribers only on change', () => {
    const { provider, monitor } = setup()
    let calls = 0
    monitor.subscribe(() => calls++)
    provider.emit('status', { status: 'connecting' })
    expect(calls).toBe(0)
    provider.connect()
    provider.sync()
    expect(calls).toBe(1)
  })
})
