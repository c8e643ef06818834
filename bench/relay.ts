import { readFileSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { pathToFileURL } from 'node:url'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { WebSocket, WebSocketServer } from 'ws'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'

/*
 * The baseline for the collaboration benchmark: a bare relay built from y-protocols alone, the
 * way y-websocket's old example server works. One Y.Doc per room, readSyncMessage for sync,
 * applyAwarenessUpdate for presence, every document update sent on at once. No persistence,
 * no checks, no limits. Not for production: it exists to be measured against.
 *
 * Run alone: `node --import tsx bench/relay.ts` with PORT and RELAY_SEED_FILE (a Yjs update every
 * room starts from); prints "relay listening on PORT".
 */

export function startRelay(port: number, seed?: Uint8Array): Promise<{ port: number; close(): Promise<void> }> {
  const rooms = new Map<string, { doc: Y.Doc; awareness: awarenessProtocol.Awareness; conns: Set<WebSocket> }>()
  const room = (name: string) => {
    let r = rooms.get(name)
    if (!r) {
      const doc = new Y.Doc()
      if (seed) Y.applyUpdate(doc, seed)
      const awareness = new awarenessProtocol.Awareness(doc)
      awareness.setLocalState(null)
      const conns = new Set<WebSocket>()
      doc.on('update', (update: Uint8Array, origin: unknown) => {
        const encoder = encoding.createEncoder()
        encoding.writeVarUint(encoder, 0)
        syncProtocol.writeUpdate(encoder, update)
        const message = encoding.toUint8Array(encoder)
        for (const c of conns) if (c !== origin) c.send(message)
      })
      awareness.on('update', ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
        const encoder = encoding.createEncoder()
        encoding.writeVarUint(encoder, 1)
        encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(awareness, added.concat(updated, removed)))
        const message = encoding.toUint8Array(encoder)
        for (const c of conns) if (c !== origin) c.send(message)
      })
      r = { doc, awareness, conns }
      rooms.set(name, r)
    }
    return r
  }

  const server = http.createServer()
  const wss = new WebSocketServer({ server, perMessageDeflate: false })
  wss.on('connection', (ws, req) => {
    const r = room((req.url ?? '/').slice(1).split('?')[0])
    r.conns.add(ws)
    ws.on('message', (data: Buffer) => {
      try {
        const decoder = decoding.createDecoder(new Uint8Array(data))
        const encoder = encoding.createEncoder()
        const type = decoding.readVarUint(decoder)
        if (type === 0) {
          encoding.writeVarUint(encoder, 0)
          syncProtocol.readSyncMessage(decoder, encoder, r.doc, ws)
          if (encoding.length(encoder) > 1) ws.send(encoding.toUint8Array(encoder))
        } else if (type === 1) {
          awarenessProtocol.applyAwarenessUpdate(r.awareness, decoding.readVarUint8Array(decoder), ws)
        }
      } catch {
        // a bare relay: ignore what it cannot read
      }
    })
    ws.on('close', () => r.conns.delete(ws))
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, 0)
    syncProtocol.writeSyncStep1(encoder, r.doc)
    ws.send(encoding.toUint8Array(encoder))
  })
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            for (const ws of wss.clients) ws.terminate()
            wss.close()
            server.close(() => done())
          }),
      })
    })
  })
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const seedFile = process.env.RELAY_SEED_FILE
  const relay = await startRelay(Number(process.env.PORT ?? 0), seedFile ? new Uint8Array(readFileSync(seedFile)) : undefined)
  process.stdout.write(`relay listening on ${relay.port}\n`)
  const stop = () => relay.close().then(() => process.exit(0))
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}
