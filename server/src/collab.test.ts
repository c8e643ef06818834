import { treatySchema } from '@accord/schema'
import * as decoding from 'lib0/decoding'
import { Fragment, Slice, type Node as PMNode } from 'prosemirror-model'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { initProseMirrorDoc, updateYFragment, yXmlFragmentToProseMirrorRootNode } from 'y-prosemirror'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as Y from 'yjs'
import { CLOSE } from './closeCodes'
import { encodeAwareness, encodeAwarenessUpdate, encodeSyncStep1, encodeUpdate } from './protocol'
import type { AccordServer } from './server'
import {
  appendArticle,
  connectClient,
  firstText,
  paragraphTexts,
  rawSocket,
  removeDir,
  smallTreaty,
  startTestServer,
  tempDir,
  waitFor,
  ticketUrl,
  invite,
  type RawSocket,
  type TestClient,
} from './testing'

/** Edits through y-prosemirror's own converters, as the editor's sync plugin does. */
function editWithProseMirror(doc: Y.Doc, edit: (pm: PMNode) => PMNode): void {
  const fragment = doc.getXmlFragment('treaty')
  const { doc: pm, meta } = initProseMirrorDoc(fragment, treatySchema)
  const next = edit(pm)
  doc.transact(() => updateYFragment(doc, fragment, next, meta))
}

function insertIntoFirstParagraph(text: string): (pm: PMNode) => PMNode {
  return (pm) => {
    let at = -1
    pm.descendants((node, pos) => {
      if (at < 0 && node.type.name === 'paragraph') at = pos + 1
      return at < 0
    })
    return pm.replace(at, at, new Slice(Fragment.from(treatySchema.text(text)), 0, 0))
  }
}

function asTreaty(doc: Y.Doc): PMNode {
  const pm = yXmlFragmentToProseMirrorRootNode(doc.getXmlFragment('treaty'), treatySchema)
  pm.check()
  return pm
}

const converged = (a: TestClient, b: TestClient) => () =>
  JSON.stringify(a.doc.getXmlFragment('treaty').toJSON()) === JSON.stringify(b.doc.getXmlFragment('treaty').toJSON())

describe('collaboration', () => {
  let dir: string
  let server: AccordServer
  let docId: string
  const clients: TestClient[] = []
  const sockets: RawSocket[] = []

  const client = (connect = true) => {
    const c = connectClient(server, docId, { connect })
    clients.push(c)
    return c
  }
  const raw = (id = docId) => {
    const s = rawSocket(ticketUrl(server, docId, undefined, id))
    sockets.push(s)
    return s
  }

  beforeEach(async () => {
    dir = tempDir()
    server = await startTestServer({ dataDir: dir, maxMessageBytes: 256 * 1024, maxConnectionsPerAddress: 12 })
    docId = (await server.documents.create(smallTreaty())).id
  })

  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy()
    for (const s of sockets.splice(0)) s.ws.terminate()
    await server.close()
    removeDir(dir)
  })

  test('two WebsocketProvider clients receive the seeded treaty and converge on concurrent edits', async () => {
    const a = client()
    const b = client()
    await waitFor(() => a.provider.synced && b.provider.synced, 'both clients to sync')
    expect(paragraphTexts(a.doc)).toEqual(['Paragraph of article 1.', 'Paragraph of article 2.'])
    expect(asTreaty(a.doc).eq(smallTreaty())).toBe(true)

    editWithProseMirror(a.doc, insertIntoFirstParagraph('A says: '))
    appendArticle(b.doc, 'Article proposed by B.')
    firstText(b.doc, 'title').insert(0, '[Draft] ')

    await waitFor(converged(a, b), 'the clients to converge')
    expect(paragraphTexts(a.doc)).toEqual(['A says: Paragraph of article 1.', 'Paragraph of article 2.', 'Article proposed by B.'])
    expect(asTreaty(b.doc).toJSON()).toEqual(asTreaty(a.doc).toJSON())
    // The server's copy is the same treaty.
    await waitFor(async () => JSON.stringify((await server.documents.read(docId))?.toJSON()) === JSON.stringify(asTreaty(a.doc).toJSON()), 'the server to hold the same treaty')
  })

  test('a client that was offline merges its edits when it reconnects', async () => {
    const a = client()
    const b = client()
    await waitFor(() => a.provider.synced && b.provider.synced, 'both clients to sync')
    b.provider.disconnect()
    firstText(b.doc, 'paragraph').insert(0, 'offline edit; ')
    appendArticle(b.doc, 'Written offline.')
    firstText(a.doc, 'title').insert(0, 'Online: ')
    await waitFor(() => server.rooms.get(docId) && firstText(a.doc, 'title').toString().startsWith('Online'), 'the online edit')
    b.provider.connect()
    await waitFor(converged(a, b), 'the offline client to merge')
    expect(paragraphTexts(a.doc)).toEqual(['offline edit; Paragraph of article 1.', 'Paragraph of article 2.', 'Written offline.'])
    expect(firstText(a.doc, 'title').toString()).toBe('Online: Test Protocol')
    asTreaty(a.doc)
  })

  test('a restarted server keeps everything', async () => {
    const a = client()
    await waitFor(() => a.provider.synced, 'the client to sync')
    for (let i = 0; i < 20; i++) firstText(a.doc, 'paragraph').insert(0, `${i},`)
    appendArticle(a.doc, 'Survives a restart.')
    const expected = paragraphTexts(a.doc)
    // The server has stored the edits once it has echoed a state that contains them.
    await waitFor(async () => JSON.stringify(paragraphTexts(await readServerYDoc(server, docId))) === JSON.stringify(expected), 'the server to hold the edits')
    a.destroy()
    clients.length = 0
    await server.close()

    server = await startTestServer({ dataDir: dir })
    const fresh = client()
    await waitFor(() => fresh.provider.synced, 'a fresh client to sync after the restart')
    expect(paragraphTexts(fresh.doc)).toEqual(expected)
    expect(paragraphTexts(fresh.doc)[0].startsWith('19,18,17,')).toBe(true)
  })

  test('presence (awareness) reaches the other client and leaves with its connection', async () => {
    // a is the delegation of France and claims to be the Chair: the server says who a is.
    const a = connectClient(server, docId, { token: invite(server, docId, 'delegation', { name: 'Marie Dupont', state: 'FR' }).token })
    clients.push(a)
    const b = client()
    await waitFor(() => a.provider.synced && b.provider.synced, 'both clients to sync')
    a.provider.awareness.setLocalStateField('user', { name: 'Chair', color: '#36c', role: 'facilitator' })
    type User = { name: string; role: string; state: string; stateName: string; participant: string }
    const seen = await waitFor(() => (b.provider.awareness.getStates().get(a.doc.clientID) as { user?: User } | undefined)?.user, 'b to see a')
    expect(seen!).toMatchObject({ name: 'Marie Dupont', role: 'delegation', state: 'FR', stateName: 'France' })
    expect(seen!.participant).toMatch(/^p_/)

    // A raw client cannot speak for a's awareness id.
    const forger = raw()
    await forger.opened
    const forged = encodeAwareness(encodeAwarenessUpdate([{ clientID: a.doc.clientID, clock: 1000, state: { user: { name: 'Forged' } } }]))
    forger.ws.send(forged)
    a.provider.awareness.setLocalStateField('cursor', { anchor: 1 })
    await waitFor(() => (b.provider.awareness.getStates().get(a.doc.clientID) as { cursor?: unknown } | undefined)?.cursor, 'a\'s next awareness update')
    expect((b.provider.awareness.getStates().get(a.doc.clientID) as { user: { name: string } }).user.name).toBe('Marie Dupont')

    a.provider.disconnect()
    await waitFor(() => !b.provider.awareness.getStates().has(a.doc.clientID), 'a to leave b\'s awareness')
  })

  describe('bad input closes only its own socket', () => {
    async function expectClosed(socket: RawSocket, code: number, reason: RegExp) {
      await waitFor(() => socket.closed, `the socket to be closed with ${code}`)
      expect(socket.closed!.code).toBe(code)
      expect(socket.closed!.reason).toMatch(reason)
    }

    async function stillSyncing(a: TestClient, b: TestClient, marker: string) {
      firstText(a.doc, 'title').insert(0, marker)
      await waitFor(() => firstText(b.doc, 'title').toString().startsWith(marker), `"${marker}" to reach the other client`)
    }

    const validUpdate = () => {
      const d = new Y.Doc()
      d.getText('x').insert(0, 'hello')
      return Y.encodeStateAsUpdate(d)
    }

    const cases: [string, () => Uint8Array | string, number, RegExp][] = [
      ['garbage bytes', () => new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x07]), CLOSE.MALFORMED, /malformed|unknown/],
      ['a zero-length message', () => new Uint8Array(0), CLOSE.MALFORMED, /empty message/],
      ['a truncated sync message', () => encodeUpdate(validUpdate()).slice(0, 9), CLOSE.MALFORMED, /truncated/],
      ['an unknown message type', () => new Uint8Array([9, 0]), CLOSE.MALFORMED, /unknown message type 9/],
      ['a sync message with trailing bytes', () => new Uint8Array([...encodeSyncStep1(new Uint8Array([0])), 1, 2]), CLOSE.MALFORMED, /unexpected bytes/],
      ['an update that does not decode', () => encodeUpdate(new Uint8Array([1, 2, 3, 4, 5, 6, 7])), CLOSE.MALFORMED, /does not decode/],
      ['an update to another root type', () => encodeUpdate(validUpdate()), CLOSE.MALFORMED, /root type "x"/],
      ['a text frame', () => 'hello', CLOSE.UNSUPPORTED_DATA, /text frames/],
      ['an oversized message', () => new Uint8Array(300 * 1024), CLOSE.MESSAGE_TOO_BIG, /larger than 262144 bytes/],
    ]

    test.each(cases)('%s', async (_name, make, code, reason) => {
      const a = client()
      const b = client()
      await waitFor(() => a.provider.synced && b.provider.synced, 'both clients to sync')
      const bad = raw()
      const bystander = raw()
      await Promise.all([bad.opened, bystander.opened])
      bad.ws.send(make())
      await expectClosed(bad, code, reason)
      await stillSyncing(a, b, 'still here: ')
      expect(bystander.closed).toBeNull()
      expect(a.provider.wsconnected && b.provider.wsconnected).toBe(true)
    })

    test('an update with a node the schema does not have is refused, not stored, not broadcast', async () => {
      const a = client()
      const b = client()
      await waitFor(() => a.provider.synced && b.provider.synced, 'both clients to sync')
      // Build the bad update against the real document so that only the node name is wrong.
      const evil = new Y.Doc()
      Y.applyUpdate(evil, Y.encodeStateAsUpdate(a.doc))
      const before = Y.encodeStateVector(evil)
      const treaty = evil.getXmlFragment('treaty').get(0) as Y.XmlElement
      treaty.insert(0, [new Y.XmlElement('script')])
      const update = Y.encodeStateAsUpdate(evil, before)
      const bad = raw()
      await bad.opened
      bad.ws.send(encodeUpdate(update))
      await expectClosed(bad, CLOSE.MALFORMED, /node "script"/)
      await stillSyncing(a, b, 'after the bad node: ')
      const stored = await readServerYDoc(server, docId)
      expect(JSON.stringify(stored.getXmlFragment('treaty').toJSON())).not.toContain('script')
      expect(JSON.stringify(b.doc.getXmlFragment('treaty').toJSON())).not.toContain('script')
    })

    test('an update past the document size limit closes its socket with 4413', async () => {
      await server.close()
      server = await startTestServer({ dataDir: dir, maxDocumentBytes: 20_000 })
      const a = client()
      const b = client()
      await waitFor(() => a.provider.synced && b.provider.synced, 'both clients to sync')
      const big = client()
      await waitFor(() => big.provider.synced, 'the third client to sync')
      big.provider.shouldReconnect = () => false
      firstText(big.doc, 'paragraph').insert(0, 'x'.repeat(30_000))
      await waitFor(() => !big.provider.wsconnected, 'the oversized client to be closed')
      await stillSyncing(a, b, 'small: ')
      expect(paragraphTexts(a.doc)[0].startsWith('x')).toBe(false)
    })
  })

  test('connections per address are bounded; the others carry on', async () => {
    await server.close()
    server = await startTestServer({ dataDir: dir, maxConnectionsPerAddress: 3 })
    const first = [raw(), raw(), raw()]
    await Promise.all(first.map((s) => s.opened))
    const extra = raw()
    await waitFor(() => extra.closed, 'the fourth connection to be closed')
    expect(extra.closed!.code).toBe(CLOSE.TOO_MANY_CONNECTIONS)
    expect(extra.closed!.reason).toMatch(/too many connections/)
    expect(first.every((s) => s.closed === null)).toBe(true)
    // Answering sync step 1 proves the first ones still work.
    first[0].ws.send(encodeSyncStep1(Y.encodeStateVector(new Y.Doc())))
    await waitFor(() => first[0].messages.some((m) => m[0] === 0 && m[1] === 1), 'a sync step 2 answer')
    first[1].ws.close()
    await waitFor(() => first[1].closed, 'a connection to close')
    const again = raw()
    await again.opened
    first[0].ws.send(encodeSyncStep1(Y.encodeStateVector(new Y.Doc())))
    await waitFor(() => server.rooms.get(docId)?.connectionCount === 3, 'the new connection to join')
    expect(again.closed).toBeNull()
  })

  test('an unknown document closes with 4404', async () => {
    const s = raw('nosuchdocument')
    await waitFor(() => s.closed, 'the socket to close')
    expect(s.closed!.code).toBe(CLOSE.UNKNOWN_DOCUMENT)
    const badId = raw('..%2F..%2Fetc')
    await waitFor(() => badId.closed, 'the socket to close')
    expect(badId.closed!.code).toBe(CLOSE.UNKNOWN_DOCUMENT)
  })

  test('shutdown closes sockets with 1001 and the provider reconnects to the next server', async () => {
    const a = client()
    await waitFor(() => a.provider.synced, 'the client to sync')
    const closes: number[] = []
    a.provider.on('connection-close', (event) => {
      if (event) closes.push(event.code)
    })
    firstText(a.doc, 'title').insert(0, 'Before shutdown: ')
    await waitFor(async () => firstText(await readServerYDoc(server, docId), 'title').toString().startsWith('Before'), 'the server to have the edit')
    const port = server.port
    await server.close()
    await waitFor(() => closes.includes(CLOSE.GOING_AWAY), 'a 1001 close')
    server = await startTestServer({ dataDir: dir, port })
    await waitFor(() => a.provider.synced, 'the client to resync with the new server')
    expect(firstText(a.doc, 'title').toString()).toBe('Before shutdown: Test Protocol')
  })

  test('awareness is forwarded with the awareness protocol\'s encoding', async () => {
    const a = client()
    await waitFor(() => a.provider.synced, 'the client to sync')
    const watcher = raw()
    await watcher.opened
    a.provider.awareness.setLocalStateField('user', { name: 'Chile' })
    await waitFor(() => watcher.messages.some((m) => m[0] === 1), 'an awareness message')
    const message = watcher.messages.find((m) => m[0] === 1)!
    const scratch = new awarenessProtocol.Awareness(new Y.Doc())
    const decoder = decoding.createDecoder(message)
    decoding.readVarUint(decoder)
    awarenessProtocol.applyAwarenessUpdate(scratch, decoding.readVarUint8Array(decoder), 'test')
    // The name is the server's record of the participant, whatever the client said.
    expect((scratch.getStates().get(a.doc.clientID) as { user: { name: string } }).user.name).toBe('Test facilitator')
    scratch.destroy()
  })
})

/** The server's current Yjs state of a document, read into a fresh Y.Doc (through the storage when the room is closed). */
async function readServerYDoc(server: AccordServer, id: string): Promise<Y.Doc> {
  const doc = new Y.Doc()
  const room = server.rooms.get(id)
  if (room) Y.applyUpdate(doc, Y.encodeStateAsUpdate(room.doc))
  return doc
}
