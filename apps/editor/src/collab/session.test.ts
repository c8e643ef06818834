import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { afterEach, describe, expect, it, vi } from 'vitest'
import * as authProtocol from 'y-protocols/auth'
import { MESSAGE_AUTH, openSession } from './session'

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
      fetchTicket: () => new Promise<string>((r) => (ask = r)),
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
