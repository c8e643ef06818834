import { describe, expect, it } from 'vitest'
import { reconnectDelay, shouldReconnect, TicketConnector, type EpochTicket, type StaleEpoch, type TicketedProvider } from './tickets'
import { handTimers } from './handTimers'

/** A y-websocket provider as far as the connector sees it: params, shouldConnect, events, connect. */
class FakeProvider implements TicketedProvider {
  params: Record<string, string> = {}
  shouldConnect = false
  connects: string[] = []
  closed: unknown[] = []
  private handlers = new Map<string, Set<(...args: any[]) => void>>()
  on(event: string, f: (...args: any[]) => void) {
    if (!this.handlers.has(event)) this.handlers.set(event, new Set())
    this.handlers.get(event)!.add(f)
  }
  off(event: string, f: (...args: any[]) => void) {
    this.handlers.get(event)?.delete(f)
  }
  emit(event: string, args: unknown[]) {
    if (event === 'closed') this.closed.push(args[0])
    for (const f of this.handlers.get(event) ?? []) f(...args)
  }
  connect() {
    this.shouldConnect = true
    this.connects.push(this.params.ticket)
  }
  disconnect() {
    this.shouldConnect = false
  }
  /** What y-websocket does when the socket closes: emits, then asks shouldReconnect. */
  serverCloses(code: number, reason = '') {
    const event = { code, reason }
    this.emit('connection-close', [event, this])
    if (!shouldReconnect(event)) {
      this.shouldConnect = false
      this.emit('closed', [{ code, reason }, this])
    }
  }
}

/** Timers run by hand; tickets come from a queue of answers (a bare string is a ticket of epoch 0); the Y.Doc is empty until `content` is set. */
function setup(answers: (string | EpochTicket | { status?: number; message: string })[]) {
  const provider = new FakeProvider()
  const { timers, setTimeout, clearTimeout } = handTimers()
  let asked = 0
  const doc = { content: false }
  const stale: StaleEpoch[] = []
  const fetchTicket = async (): Promise<EpochTicket> => {
    const a = answers[asked++] ?? `t${asked}`
    if (typeof a === 'string') return { ticket: a, epoch: 0 }
    if ('ticket' in a) return a
    throw a
  }
  const connector = new TicketConnector(provider, fetchTicket, {
    isEmpty: () => !doc.content,
    onStale: (s) => stale.push(s),
    setTimeout,
    clearTimeout,
  })
  /** Fires the pending timers and lets the ticket promises settle. */
  const tick = async () => {
    const due = timers.splice(0)
    for (const t of due) t.f()
    for (let i = 0; i < 5; i++) await Promise.resolve()
    return due.map((t) => t.ms)
  }
  return { provider, connector, tick, asked: () => asked, doc, stale }
}

describe('shouldReconnect', () => {
  it('retries a bad ticket and transient closes, never the server’s other 44xx decisions', () => {
    expect(shouldReconnect({ code: 4401 })).toBe(true)
    expect(shouldReconnect({ code: 1006 })).toBe(true)
    expect(shouldReconnect({ code: 4503 })).toBe(true)
    expect(shouldReconnect({ code: 4403 })).toBe(false)
    expect(shouldReconnect({ code: 4404 })).toBe(false)
    expect(shouldReconnect({ code: 4400 })).toBe(false)
    // Another epoch: the connector decides (a new ticket, or stale), not y-websocket.
    expect(shouldReconnect({ code: 4409 })).toBe(true)
  })
  it('backs off', () => {
    expect([0, 1, 2, 3, 10].map((n) => reconnectDelay(n))).toEqual([0, 200, 400, 800, 5000])
  })
})

describe('TicketConnector', () => {
  it('connects only once it holds a ticket, and fetches a fresh one for every reconnection', async () => {
    const { provider, connector, tick } = setup(['t1', 't2', 't3'])
    expect(provider.connects).toEqual([])
    connector.start()
    await tick()
    expect(provider.connects).toEqual(['t1'])
    expect(provider.params.ticket).toBe('t1')

    // A dropped network: y-websocket's own timer must not reconnect with the used ticket.
    provider.serverCloses(1006)
    expect(provider.shouldConnect).toBe(false)
    expect(await tick()).toEqual([200])
    expect(provider.connects).toEqual(['t1', 't2'])

    // The server says the ticket is bad: a new one, after a longer backoff.
    provider.serverCloses(4401, 'ticket expired')
    expect(await tick()).toEqual([400])
    expect(provider.connects).toEqual(['t1', 't2', 't3'])
    expect(provider.closed).toEqual([])
  })

  it('resets the backoff once a connection synced', async () => {
    const { provider, connector, tick } = setup([])
    connector.start()
    await tick()
    provider.serverCloses(1006)
    await tick()
    provider.serverCloses(1006)
    expect(await tick()).toEqual([400])
    provider.emit('sync', [true])
    provider.serverCloses(1006)
    expect(await tick()).toEqual([200])
  })

  it('stops on 4403 (revoked): no new ticket, and `closed` says why', async () => {
    const { provider, connector, tick, asked } = setup(['t1'])
    connector.start()
    await tick()
    provider.serverCloses(4403, 'your access to this document was revoked')
    expect(await tick()).toEqual([])
    expect(asked()).toBe(1)
    expect(provider.connects).toEqual(['t1'])
    expect(provider.closed).toEqual([{ code: 4403, reason: 'your access to this document was revoked' }])
  })

  it('stops when the ticket request is refused (token revoked), and retries when the server is unreachable', async () => {
    const { provider, connector, tick } = setup([{ status: 0, message: 'offline' }, 't2', { status: 401, message: 'This invitation was revoked.' }])
    connector.start()
    await tick()
    expect(provider.connects).toEqual([])
    expect(await tick()).toEqual([200])
    expect(provider.connects).toEqual(['t2'])
    provider.serverCloses(1001)
    await tick()
    expect(provider.connects).toEqual(['t2'])
    expect(provider.closed).toEqual([{ code: 4403, reason: 'This invitation was revoked.' }])
    expect(provider.shouldConnect).toBe(false)
  })

  it('does nothing after destroy, even when a ticket arrives late', async () => {
    const { provider, connector, tick } = setup(['t1'])
    connector.start()
    connector.destroy()
    await tick()
    expect(provider.connects).toEqual([])
    provider.serverCloses(1006)
    expect(await tick()).toEqual([])
  })

  it('connects with the ticket’s epoch, which an empty Y.Doc adopts', async () => {
    const { provider, connector, tick } = setup([{ ticket: 't1', epoch: 3 }])
    expect(connector.epoch).toBeNull()
    connector.start()
    await tick()
    expect(connector.epoch).toBe(3)
    expect(provider.params).toEqual({ ticket: 't1', epoch: '3' })
    expect(provider.connects).toEqual(['t1'])
  })

  it('never connects a Y.Doc holding content of another epoch: it stops and reports it stale', async () => {
    const { provider, connector, tick, doc, stale, asked } = setup([{ ticket: 't1', epoch: 0 }, { ticket: 't2', epoch: 1 }])
    connector.start()
    await tick()
    doc.content = true
    provider.emit('sync', [true])
    // Offline; meanwhile the server re-based the document.
    provider.serverCloses(1006)
    await tick()
    expect(provider.connects).toEqual(['t1'])
    expect(provider.shouldConnect).toBe(false)
    expect(stale).toEqual([{ epoch: 0, current: 1 }])
    expect(connector.stale).toEqual({ epoch: 0, current: 1 })
    expect(connector.epoch).toBe(0)
    // Stopped for good: no more tickets, and a late close changes nothing.
    provider.serverCloses(1006)
    expect(await tick()).toEqual([])
    expect(asked()).toBe(2)
    expect(provider.closed).toEqual([])
  })

  it('keeps reconnecting a Y.Doc with content of the current epoch', async () => {
    const { provider, connector, tick, doc, stale } = setup([{ ticket: 't1', epoch: 2 }, { ticket: 't2', epoch: 2 }])
    connector.start()
    await tick()
    doc.content = true
    provider.serverCloses(1006)
    await tick()
    expect(provider.connects).toEqual(['t1', 't2'])
    expect(provider.params.epoch).toBe('2')
    expect(stale).toEqual([])
  })

  it('4409 before anything arrived: a new ticket, and the empty Y.Doc adopts its epoch', async () => {
    const { provider, connector, tick, stale } = setup([{ ticket: 't1', epoch: 0 }, { ticket: 't2', epoch: 1 }])
    connector.start()
    await tick()
    provider.serverCloses(4409, 'the document was re-based: epoch 1')
    expect(provider.shouldConnect).toBe(false)
    expect(await tick()).toEqual([200])
    expect(provider.connects).toEqual(['t1', 't2'])
    expect(connector.epoch).toBe(1)
    expect(provider.params.epoch).toBe('1')
    expect(stale).toEqual([])
    expect(provider.closed).toEqual([])
  })

  it('4409 with content in the Y.Doc: stale, no new ticket, and not closed', async () => {
    const { provider, connector, tick, doc, stale, asked } = setup([{ ticket: 't1', epoch: 0 }])
    connector.start()
    await tick()
    doc.content = true
    provider.serverCloses(4409, 'the document was re-based: epoch 1')
    expect(await tick()).toEqual([])
    expect(asked()).toBe(1)
    expect(stale).toEqual([{ epoch: 0, current: null }])
    expect(provider.shouldConnect).toBe(false)
    // Not `closed`: the badge shows the tab offline while the page merges its state.
    expect(provider.closed).toEqual([])
    expect(connector.epoch).toBe(0)
  })
})
