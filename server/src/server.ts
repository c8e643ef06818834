import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { treatySchema } from '@accord/schema'
import { documentTitle } from '@accord/treaty-io'
import { Access } from './Access'
import { treatyEncoding } from './checkUpdate'
import { CLOSE } from './closeCodes'
import { resolveConfig, type ServerConfig } from './config'
import { Documents } from './Documents'
import { createRequestHandler } from './http'
import { createLogger, silentLogger } from './log'
import { ParticipantStore } from './participants'
import { RevisionStore } from './revisions'
import { Rooms } from './Rooms'
import { DATABASE_FILE, SqliteStorage } from './SqliteStorage'
import { attachTransport } from './transport'
import { WriteQueue } from './WriteQueue'

export interface AccordServer {
  readonly config: ServerConfig
  /** The bound port (the real one when config.port was 0). */
  readonly port: number
  /** http://localhost:PORT/ */
  readonly url: string
  /** The sample treaty's id when this data directory has one. */
  readonly sampleId: string | undefined
  readonly documents: Documents
  readonly rooms: Rooms
  /** Participants, tokens and tickets. */
  readonly access: Access
  /**
   * Graceful stop: no new connections, every pending write flushed, sockets closed (1001),
   * rooms compacted, the database closed. Safe to call twice.
   */
  close(): Promise<void>
}

/** Starts the server: storage, rooms, the HTTP API and static files, the collaboration websocket, on one port. */
export async function startServer(partial: Partial<ServerConfig> = {}): Promise<AccordServer> {
  const config = resolveConfig(partial)
  const logger = config.logger ?? (config.logLevel === 'silent' ? silentLogger : createLogger(config.logLevel))
  const startedAt = Date.now()

  const storage = new SqliteStorage(path.join(path.resolve(config.dataDir), DATABASE_FILE), { durability: config.durability })
  const writer = new WriteQueue(storage, (error, batch) => logger.error('could not write updates', { updates: batch.length, error }))
  const titleOf = documentTitle
  const rooms = new Rooms({ storage, writer, encoding: treatyEncoding(treatySchema), logger, config, titleOf })
  const documents = new Documents(storage, rooms, { maxDocumentBytes: config.maxDocumentBytes, titleOf, logger })

  let port = 0
  const access = new Access(new ParticipantStore(storage.database), { publicUrl: () => config.publicUrl ?? `http://localhost:${port}` })
  // Before any document is created: it keeps every document's initial text (revision 0).
  const revisions = new RevisionStore(storage.database)

  let sampleId: string | undefined
  try {
    sampleId = config.seedSample ? await documents.ensureSample() : undefined
  } catch (error) {
    await storage.close()
    throw error
  }

  const server = http.createServer()
  const transport = attachTransport(server, { rooms, access, logger, config })
  const handler = createRequestHandler({
    documents,
    rooms,
    access,
    revisions,
    config,
    logger,
    stats: () => ({
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      rooms: rooms.size,
      connections: transport.connectionCount,
      pendingWrites: writer.pending,
    }),
  })
  server.on('request', handler)
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n')
    else socket.destroy()
  })
  // Timeouts on slow request bodies (a client trickling bytes must not hold a socket forever).
  server.requestTimeout = 60_000
  server.headersTimeout = 20_000

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(config.port, config.host, () => {
        server.off('error', reject)
        resolve()
      })
    })
  } catch (error) {
    await storage.close()
    throw error
  }
  port = (server.address() as AddressInfo).port
  logger.info('listening', { port, data: path.resolve(config.dataDir) })

  // Revocations made by the API take effect at once; those made by the \`accord\` command in
  // another process are found here, within a second, and cut the same way.
  let revocationsSeen = Date.now()
  const watchRevocations = setInterval(() => {
    const since = revocationsSeen
    revocationsSeen = Date.now()
    try {
      for (const p of access.participants.revokedSince(since - 2000)) {
        const cut = rooms.disconnectParticipant(p.id, CLOSE.FORBIDDEN, 'your invitation was revoked')
        if (cut) logger.info('revoked elsewhere; connections closed', { participant: p.id, connections: cut })
      }
    } catch (error) {
      logger.error('could not check revocations', { error })
    }
  }, 1000)
  watchRevocations.unref()

  let closing: Promise<void> | null = null
  const close = (): Promise<void> => {
    closing ??= (async () => {
      logger.info('shutting down')
      clearInterval(watchRevocations)
      transport.stopAccepting()
      server.close()
      await writer.flush()
      // Rooms first: each closes its connections with 1001 after flushing, then compacts.
      await rooms.closeAll()
      await transport.close()
      server.closeAllConnections()
      await writer.flush()
      await storage.close()
      logger.info('stopped')
    })()
    return closing
  }

  return { config, port, url: `http://localhost:${port}/`, sampleId, documents, rooms, access, close }
}
