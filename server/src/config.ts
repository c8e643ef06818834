import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Logger, LogLevel } from './log'

/**
 * Everything the server can be told. `resolveConfig` merges a partial over the defaults, so a
 * test states only what it cares about (port 0, a temp data directory, a low limit).
 */
export interface ServerConfig {
  /** TCP port; 0 asks the OS for a free one (tests). */
  port: number
  /** Interface to bind; undefined binds every interface (IPv4 and IPv6). */
  host: string | undefined
  /** Directory holding the SQLite file; created when missing. */
  dataDir: string
  /** The built editor (vite output). Missing: every page answers 503 saying how to build it. */
  distDir: string
  /** Path of the editor page for one document; the sample URL printed at start uses it. */
  documentPath: (id: string) => string

  /** The address people open (invitation links start with it); undefined: http://localhost:PORT. */
  publicUrl: string | undefined
  /** Browser origins, besides the server's own, whose pages may open websockets ('*': any). */
  allowedOrigins: string[]

  /** Largest websocket message accepted; a larger one closes that socket (1009). */
  maxMessageBytes: number
  /** Largest size a document's stored state may reach (history included, see Room); an update past it closes its socket (4413). */
  maxDocumentBytes: number
  /** Largest HTTP request body (document import). */
  maxBodyBytes: number
  /** Concurrent websocket connections from one client address; the next one is closed (4429). */
  maxConnectionsPerAddress: number
  /** Bytes queued for a client that does not read; past it the socket is closed (4503) rather than letting memory grow. */
  maxBufferedBytes: number

  /** How long a room stays in memory after its last connection leaves. */
  roomIdleMs: number
  /** Compact a document's log once this many updates were appended since its checkpoint… */
  compactAfterUpdates: number
  /** …or once they add up to this many bytes. */
  compactAfterBytes: number
  /**
   * When an idle room is released, re-base its document (rebase.ts: a fresh Yjs document with the
   * same content, so that it opens as fast as a new one) if that saves at least this many Yjs
   * structs and the document holds at least twice what it needs. 0: never on idle (a
   * secretariat's compaction still re-bases).
   */
  rebaseAfterStructs: number
  /** A room re-reads its document as a treaty (title, schema check) once edits pause this long. */
  inspectDelayMs: number
  /** Websocket ping interval; a client that misses a pong is dropped. 0 disables. */
  pingIntervalMs: number

  /** SQLite `synchronous`: 'full' survives power loss, 'normal' only process crashes (kill -9). */
  durability: 'full' | 'normal'
  /** On an empty data directory, create the sample treaty as the first document. */
  seedSample: boolean
  logLevel: LogLevel
  /** Replaces the console logger (tests capture or silence it). */
  logger: Logger | undefined
}

const here = path.dirname(fileURLToPath(import.meta.url))
/** The repository root (server/src/../..), so defaults hold whatever the working directory. */
export const repoRoot = path.resolve(here, '..', '..')

export const MiB = 1024 * 1024

export const defaultConfig: ServerConfig = {
  port: 8080,
  host: undefined,
  dataDir: './data',
  distDir: path.join(repoRoot, 'apps', 'editor', 'dist'),
  documentPath: (id) => `/d/${encodeURIComponent(id)}`,
  publicUrl: undefined,
  allowedOrigins: [],
  maxMessageBytes: 16 * MiB,
  maxDocumentBytes: 64 * MiB,
  maxBodyBytes: 8 * MiB,
  maxConnectionsPerAddress: 100,
  maxBufferedBytes: 32 * MiB,
  roomIdleMs: 30_000,
  compactAfterUpdates: 1000,
  compactAfterBytes: 1 * MiB,
  rebaseAfterStructs: 2000,
  inspectDelayMs: 1000,
  pingIntervalMs: 30_000,
  durability: 'full',
  seedSample: true,
  logLevel: 'info',
  logger: undefined,
}

export function resolveConfig(partial: Partial<ServerConfig> = {}): ServerConfig {
  const config = { ...defaultConfig }
  for (const [key, value] of Object.entries(partial)) {
    if (value !== undefined) (config as Record<string, unknown>)[key] = value
  }
  return config
}

/**
 * Reads the environment: PORT, HOST, ACCORD_DATA, ACCORD_DIST, ACCORD_PUBLIC_URL, ACCORD_ORIGINS (comma-separated), ACCORD_LOG (debug|info|warn|error|silent),
 * ACCORD_MAX_MESSAGE_BYTES, ACCORD_MAX_DOCUMENT_BYTES, ACCORD_MAX_BODY_BYTES,
 * ACCORD_MAX_CONNECTIONS_PER_ADDRESS, ACCORD_ROOM_IDLE_MS, ACCORD_REBASE_AFTER_STRUCTS (0: never on idle), ACCORD_DURABILITY (full|normal), ACCORD_SEED_SAMPLE (0|1).
 * A malformed value is an error naming the variable, not a silent default.
 */
export function configFromEnv(env: NodeJS.ProcessEnv): Partial<ServerConfig> {
  const partial: Partial<ServerConfig> = {}
  const int = (name: string, min: number): number | undefined => {
    const raw = env[name]
    if (raw === undefined || raw === '') return undefined
    const n = Number(raw)
    if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer ≥ ${min}, got ${JSON.stringify(raw)}`)
    return n
  }
  partial.port = int('PORT', 0)
  if (partial.port !== undefined && partial.port > 65535) throw new Error(`PORT must be at most 65535, got ${partial.port}`)
  if (env.HOST) partial.host = env.HOST
  if (env.ACCORD_DATA) partial.dataDir = env.ACCORD_DATA
  if (env.ACCORD_DIST) partial.distDir = env.ACCORD_DIST
  if (env.ACCORD_PUBLIC_URL) {
    try {
      const url = new URL(env.ACCORD_PUBLIC_URL)
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http')
    } catch {
      throw new Error(`ACCORD_PUBLIC_URL must be an http(s) address such as https://accord.example.org, got ${JSON.stringify(env.ACCORD_PUBLIC_URL)}`)
    }
    partial.publicUrl = env.ACCORD_PUBLIC_URL
  }
  if (env.ACCORD_ORIGINS) partial.allowedOrigins = env.ACCORD_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean)
  partial.maxMessageBytes = int('ACCORD_MAX_MESSAGE_BYTES', 1024)
  partial.maxDocumentBytes = int('ACCORD_MAX_DOCUMENT_BYTES', 1024)
  partial.maxBodyBytes = int('ACCORD_MAX_BODY_BYTES', 1024)
  partial.maxConnectionsPerAddress = int('ACCORD_MAX_CONNECTIONS_PER_ADDRESS', 1)
  partial.roomIdleMs = int('ACCORD_ROOM_IDLE_MS', 0)
  partial.rebaseAfterStructs = int('ACCORD_REBASE_AFTER_STRUCTS', 0)
  const level = env.ACCORD_LOG
  if (level) {
    if (!['debug', 'info', 'warn', 'error', 'silent'].includes(level)) throw new Error(`ACCORD_LOG must be debug, info, warn, error or silent, got ${JSON.stringify(level)}`)
    partial.logLevel = level as LogLevel
  }
  const durability = env.ACCORD_DURABILITY
  if (durability) {
    if (durability !== 'full' && durability !== 'normal') throw new Error(`ACCORD_DURABILITY must be full or normal, got ${JSON.stringify(durability)}`)
    partial.durability = durability
  }
  if (env.ACCORD_SEED_SAMPLE) partial.seedSample = env.ACCORD_SEED_SAMPLE !== '0' && env.ACCORD_SEED_SAMPLE !== 'false'
  return partial
}
