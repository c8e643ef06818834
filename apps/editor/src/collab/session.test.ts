import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { afterEach, describe, expect, it, vi } from 'vitest'
import * as authProtocol from 'y-protocols/auth'
import * as Y from 'yjs'
import type { Participant } from '../auth/tokens'
import { MESSAGE_AUTH, openSession } from './session'
import type { EpochTicket, StaleEpoch } from './tickets'

afterEach(() => vi.unstubAllGlobals())

describe('openSession', () => {
  it('waits for a ticket before connecting, and turns a refused write into a notice instead of a console warning', async () => {
    vi.stubGlobal('WebSocket', class {})
    vi.stubGlobal('location', { protocol: 'http:', host: 'localhost' })
    const denied: string[] = []
    let ask!: (ticket: string) => void
    const session = openSession('d1', {
      participant: { id: 'p_1', role: 'observer', name: 'Obs', state: null, stateName: null, docId: 'd1' },
      onPermissionDenied: (reason) => denied.push(reason),
      url: 'ws://localhost/collab',
      fetchTicket: () => new Promise<string>((r) => (ask = r)).then((ticket) => ({ ticket, epoch: 0 })),
    })
    await new Promise((r) => setTimeout(r, 5))
    expect(session.provider.ws).toBeNull()
    expect(session.provider.shouldConnect).toBe(false)

    const message = encoding.createEncoder()
    encoding.writeVarUint(message, MESSAGE_AUTH)
    authProtocol.writePermissionDenied(message, 'observers cannot change the text')
    const decoder = decoding.createDecoder(encoding.toUint8Array(message))
    const type = decoding.readVarUint(decoder)
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    session.provider.messageHandlers[type](encoding.createEncoder(), decoder, session.provider, true, type)
    expect(denied).toEqual(['observers cannot change the text'])
    expect(warn).not.toHaveBeenCalled()
    expect(session.provider.awareness.getLocalState()?.user).toMatchObject({ name: 'Obs', role: 'observer', participant: 'p_1' })
    session.destroy()
    ask('tk_late')
  })
})

/** A browser WebSocket as far as y-websocket uses it; the test opens and closes it. */
class FakeSocket {
  static all: FakeSocket[] = []
  binaryType = ''
  readyState = 0
  OPEN = 1
  onopen: (() => void) | null = null
  onclose: ((event: { code: number; reason: string }) => void) | null = null
  onmessage: ((event: unknown) => void) | null = null
  onerror: ((event: unknown) => void) | null = null
  constructor(readonly url: string) {
    FakeSocket.all.push(this)
  }
  send() {}
  close() {}
  open() {
    this.readyState = 1
    this.onopen?.()
  }
  serverCloses(code: number, reason = '') {
    this.readyState = 3
    this.onclose?.({ code, reason })
  }
}

const delegate: Participant = { id: 'p_2', role: 'delegation', name: 'China', state: 'CN', stateName: 'China', docId: 'd1' }

/** A session whose tickets come from a queue, with the connector's timers run by hand. */
function epochSession(tickets: EpochTicket[]) {
  FakeSocket.all = []
  vi.stubGlobal('WebSocket', FakeSocket)
  const timers: (() => void)[] = []
  const stale: StaleEpoch[] = []
  const session = openSession('d1', {
    participant: delegate,
    url: 'ws://localhost/collab',
    fetchTicket: async () => tickets.shift() ?? { ticket: 'none', epoch: 99 },
    onStale: (s) => stale.push(s),
    timers: { setTimeout: (f) => timers.push(f), clearTimeout: () => {} },
  })
  const tick = async () => {
    for (const f of timers.splice(0)) f()
    for (let i = 0; i < 5; i++) await Promise.resolve()
  }
  /** What the server's first sync would bring: the treaty, from another client. */
  const receive = () => {
    const server = new Y.Doc()
    server.getXmlFragment('treaty').insert(0, [new Y.XmlElement('treaty')])
    Y.applyUpdate(session.ydoc, Y.encodeStateAsUpdate(server), session.provider)
  }
  return { session, stale, tick, receive, sockets: FakeSocket.all }
}

describe('openSession: epochs', () => {
  it('adopts the first ticket’s epoch and connects with it', async () => {
    const { session, tick, sockets } = epochSession([{ ticket: 't1', epoch: 2 }])
    expect(session.epoch).toBeNull()
    await tick()
    expect(session.epoch).toBe(2)
    expect(sockets.map((s) => s.url)).toEqual(['ws://localhost/collab/d1?ticket=t1&epoch=2'])
    session.destroy()
  })

  it('does not reconnect a Y.Doc with content once the document moved to another epoch: it reports stale and stays offline', async () => {
    const { session, stale, tick, receive, sockets } = epochSession([
      { ticket: 't1', epoch: 0 },
      { ticket: 't2', epoch: 1 },
    ])
    await tick()
    sockets[0].open()
    receive()
    sockets[0].serverCloses(1006)
    await tick()
    expect(stale).toEqual([{ epoch: 0, current: 1 }])
    expect(session.stale).toEqual({ epoch: 0, current: 1 })
    expect(sockets).toHaveLength(1)
    expect(session.provider.shouldConnect).toBe(false)
    expect(session.connection.getState().phase).toBe('offline')
    session.destroy()
  })

  it('4409 with an empty Y.Doc fetches a new ticket and goes on in the new epoch', async () => {
    const { session, stale, tick, sockets } = epochSession([
      { ticket: 't1', epoch: 0 },
      { ticket: 't2', epoch: 1 },
    ])
    await tick()
    sockets[0].serverCloses(4409, 'this document is at epoch 1')
    await tick()
    expect(stale).toEqual([])
    expect(session.epoch).toBe(1)
    expect(sockets.map((s) => s.url).at(-1)).toBe('ws://localhost/collab/d1?ticket=t2&epoch=1')
    expect(session.connection.getState().phase).not.toBe('closed')
    session.destroy()
  })

  it('4409 with content in the Y.Doc: stale, without another connection', async () => {
    const { session, stale, tick, receive, sockets } = epochSession([{ ticket: 't1', epoch: 0 }])
    await tick()
    sockets[0].open()
    receive()
    sockets[0].serverCloses(4409, 'this document is at epoch 1')
    await tick()
    expect(stale).toEqual([{ epoch: 0, current: null }])
    expect(sockets).toHaveLength(1)
    expect(session.connection.getState().phase).toBe('offline')
    session.destroy()
  })
})
