import type { IncomingMessage, Server } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocket, WebSocketServer, type RawData } from 'ws'
import { CLOSE } from './closeCodes'
import type { ServerConfig } from './config'
import { isDocumentId } from './ids'
import { isRefusal, type Access } from './Access'
import type { Logger } from './log'
import type { Participant } from './participants'
import type { Connection, Room } from './Room'
import { StaleEpochError, type Rooms } from './Rooms'

/** The websocket path: a stock `new WebsocketProvider(origin + '/collab', docId, ydoc)` connects to `/collab/<docId>`. */
export const COLLAB_PATH = '/collab/'

export interface Transport {
  /** Open websocket connections. */
  readonly connectionCount: number
  /** Refuses new upgrades (503) from now on: the first step of a shutdown. */
  stopAccepting(): void
  /** Stops accepting upgrades; closes whatever sockets remain (the rooms close theirs first). */
  close(): Promise<void>
}

/** A close reason is at most 123 bytes of UTF-8 (RFC 6455); cut at a character boundary. */
export function closeReason(reason: string): string {
  if (Buffer.byteLength(reason) <= 123) return reason
  let cut = reason.slice(0, 120)
  while (Buffer.byteLength(cut + '…') > 123) cut = cut.slice(0, -1)
  return cut + '…'
}

/**
 * `ws` closes a socket itself on an oversized message (1009) or a broken frame (1002, 1007),
 * with an empty reason. The client deserves to know which limit it hit, so those closes get one.
 */
function withCloseReasons(ws: WebSocket, maxMessageBytes: number): void {
  const close = ws.close.bind(ws)
  const reasons: Record<number, string> = {
    1002: 'invalid websocket frame',
    1007: 'invalid UTF-8 in a text frame',
    1009: `the message is larger than ${maxMessageBytes} bytes, the most this server accepts`,
  }
  ws.close = (code?: number, reason?: string | Buffer) => close(code, reason ?? (code !== undefined ? reasons[code] : undefined))
}

/** Whether a browser page at `origin` may connect: the server's own host, or one of the configured origins. */
export function originAllowed(origin: string, host: string | undefined, allowed: readonly string[]): boolean {
  if (allowed.includes('*') || allowed.includes(origin)) return true
  try {
    return host !== undefined && new URL(origin).host === host
  } catch {
    return false
  }
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data)
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  return data
}

/**
 * Websocket upgrades at /collab/:room, adapted to the room's Connection interface. Enforces
 * the message size (ws' maxPayload: 1009), the per-address connection bound (4429), binary
 * frames only (1003) and a bound on what a client that stops reading may have queued (4503).
 * Messages that arrive while the room loads are kept, in order, and handed over once it has.
 */
export function attachTransport(
  server: Server,
  options: {
    rooms: Rooms
    access: Access
    logger: Logger
    config: Pick<ServerConfig, 'maxMessageBytes' | 'maxConnectionsPerAddress' | 'maxBufferedBytes' | 'pingIntervalMs' | 'allowedOrigins'>
  },
): Transport {
  const { rooms, access, logger, config } = options
  const wss = new WebSocketServer({ noServer: true, maxPayload: config.maxMessageBytes, perMessageDeflate: false, clientTracking: true })
  const perAddress = new Map<string, number>()
  /** Whether each socket answered the last ping. */
  const alive = new Map<WebSocket, boolean>()
  let accepting = true

  // A broadcast sends one message to every connection of a room, and a write-queue batch holds
  // every update of a turn: corking each socket until the turn's callbacks are done turns those
  // messages into one writev per socket instead of one syscall (and one TCP segment) per message.
  const corked = new Set<Duplex>()
  const uncorkAll = () => {
    for (const socket of corked) socket.uncork()
    corked.clear()
  }
  const cork = (ws: WebSocket) => {
    const socket = (ws as unknown as { _socket?: Duplex })._socket
    if (!socket || corked.has(socket)) return
    socket.cork()
    corked.add(socket)
    // nextTick runs after the promise callbacks of the current turn (where broadcasts happen).
    if (corked.size === 1) process.nextTick(uncorkAll)
  }

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname
    if (!accepting || !pathname.startsWith(COLLAB_PATH)) {
      socket.end(`HTTP/1.1 ${accepting ? '404 Not Found' : '503 Service Unavailable'}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`)
      return
    }
    // A page on another site must not open a negotiating text with a visitor's ticket: browsers always send Origin.
    const origin = req.headers.origin
    if (origin !== undefined && !originAllowed(origin, req.headers.host, config.allowedOrigins)) {
      logger.warn('refused a websocket from a foreign origin', { origin, address: req.socket.remoteAddress })
      const body = `this server does not accept connections from pages at ${origin.slice(0, 200)}`
      socket.end(`HTTP/1.1 403 Forbidden\r\nconnection: close\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`)
      return
    }
    // The ticket is used up here, before the upgrade, so it can never open two connections.
    const ticket = new URL(req.url ?? '/', 'http://localhost').searchParams.get('ticket')
    const who = access.redeemTicket(ticket)
    socket.on('error', () => socket.destroy())
    const epoch = new URL(req.url ?? '/', 'http://localhost').searchParams.get('epoch')
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, req, pathname.slice(COLLAB_PATH.length), who, epoch))
  }

  const onConnection = (ws: WebSocket, req: IncomingMessage, rawId: string, who: Participant | { status: 401 | 403; message: string }, rawEpoch: string | null): void => {
    withCloseReasons(ws, config.maxMessageBytes)
    const address = req.socket.remoteAddress ?? 'unknown'
    const count = (perAddress.get(address) ?? 0) + 1
    perAddress.set(address, count)
    alive.set(ws, true)
    let room: Room | undefined
    let pending: Uint8Array[] | null = []
    let pendingBytes = 0

    const conn: { identity?: Connection['identity'] } & Connection = {
      send(message) {
        if (ws.readyState !== WebSocket.OPEN) return
        if (ws.bufferedAmount > config.maxBufferedBytes) {
          conn.close(CLOSE.TOO_SLOW, 'the client is not reading its messages; reconnect to resync')
          return
        }
        cork(ws)
        ws.send(message, { binary: true })
      },
      close(code, reason) {
        if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(code, closeReason(reason))
      },
    }

    ws.on('close', () => {
      const left = (perAddress.get(address) ?? 1) - 1
      if (left > 0) perAddress.set(address, left)
      else perAddress.delete(address)
      pending = null
      alive.delete(ws)
      room?.disconnect(conn)
    })
    // ws reports protocol violations (maxPayload → 1009, bad frames → 1002) here and closes the socket itself.
    ws.on('error', (error) => logger.warn('websocket error', { address, error }))
    ws.on('pong', () => alive.set(ws, true))
    ws.on('message', (data, isBinary) => {
      if (!isBinary) return conn.close(CLOSE.UNSUPPORTED_DATA, 'text frames are not part of the protocol; send binary y-websocket messages')
      const bytes = toBytes(data)
      if (room) return receive(room, bytes)
      if (!pending) return
      pending.push(bytes)
      pendingBytes += bytes.length
      // What waits for the load is bounded like one message: a client has nothing to say yet but its sync step 1.
      if (pendingBytes > config.maxMessageBytes) {
        pending = null
        conn.close(CLOSE.MALFORMED, 'too much was sent before the document finished loading')
      }
    })
    // The room closes bad messages itself; this is the net under it, so no exception from one
    // socket's message can reach the event loop and take every other session down with it.
    const receive = (target: Room, bytes: Uint8Array): void => {
      try {
        target.receive(conn, bytes)
      } catch (error) {
        logger.error('message handling failed', { doc: target.id, address, error })
        target.disconnect(conn)
        conn.close(CLOSE.INTERNAL_ERROR, 'the server failed to handle a message; reconnect to resync')
      }
    }

    let docId: string
    try {
      docId = decodeURIComponent(rawId)
    } catch {
      docId = ''
    }
    if (count > config.maxConnectionsPerAddress) {
      logger.warn('too many connections', { address, limit: config.maxConnectionsPerAddress })
      return conn.close(CLOSE.TOO_MANY_CONNECTIONS, `too many connections from your address (at most ${config.maxConnectionsPerAddress}); close other tabs and reload`)
    }
    if (isRefusal(who)) {
      logger.info('refused a websocket', { address, doc: docId.slice(0, 64), reason: who.message })
      return conn.close(who.status === 401 ? CLOSE.UNAUTHENTICATED : CLOSE.FORBIDDEN, who.message)
    }
    if (!isDocumentId(docId)) return conn.close(CLOSE.UNKNOWN_DOCUMENT, `there is no document ${JSON.stringify(rawId.slice(0, 64))}`)
    const identity = access.identity(who, docId)
    // Not invited to this document: as far as this participant can tell, it does not exist.
    if (!identity) return conn.close(CLOSE.UNKNOWN_DOCUMENT, `there is no document ${JSON.stringify(docId)} that you were invited to`)
    conn.identity = identity
    // The epoch of the copy the client holds (the editor always says; tools may not).
    const epoch = rawEpoch === null ? undefined : /^\d{1,9}$/.test(rawEpoch) ? Number(rawEpoch) : NaN
    if (Number.isNaN(epoch)) return conn.close(CLOSE.MALFORMED, `epoch must be a whole number (the epoch of the copy you hold), got ${JSON.stringify(rawEpoch!.slice(0, 32))}`)

    rooms.attach(docId, conn, epoch).then(
      (attached) => {
        if (!attached) return conn.close(CLOSE.UNKNOWN_DOCUMENT, `there is no document ${JSON.stringify(docId)}`)
        if (pending === null) {
          // The socket closed while the room was loading.
          attached.disconnect(conn)
          return
        }
        room = attached
        const queued = pending
        pending = null
        for (const bytes of queued) receive(attached, bytes)
      },
      (error: unknown) => {
        if (error instanceof StaleEpochError) {
          logger.info('refused a copy of another epoch', { doc: docId, held: error.held, current: error.current })
          return conn.close(CLOSE.STALE_EPOCH, `the document was compacted (epoch ${error.current}); this copy is of epoch ${error.held}: merge it and reload`)
        }
        logger.error('could not open a room', { doc: docId, error })
        conn.close(CLOSE.INTERNAL_ERROR, 'the document could not be opened; try again')
      },
    )
  }

  server.on('upgrade', onUpgrade)

  const ping =
    config.pingIntervalMs > 0
      ? setInterval(() => {
          for (const ws of wss.clients) {
            if (alive.get(ws) === false) {
              ws.terminate()
              continue
            }
            alive.set(ws, false)
            ws.ping()
          }
        }, config.pingIntervalMs)
      : null
  ping?.unref()

  return {
    get connectionCount() {
      return wss.clients.size
    },
    stopAccepting() {
      accepting = false
    },
    async close() {
      accepting = false
      if (ping) clearInterval(ping)
      server.off('upgrade', onUpgrade)
      for (const ws of wss.clients) ws.close(CLOSE.GOING_AWAY, 'the server is shutting down')
      // Give clients a moment to answer the close handshake, then cut whatever is left.
      const deadline = Date.now() + 2000
      while (wss.clients.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
      for (const ws of wss.clients) ws.terminate()
      await new Promise<void>((resolve) => wss.close(() => resolve()))
    },
  }
}
