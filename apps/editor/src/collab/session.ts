import * as authProtocol from 'y-protocols/auth'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { collabUrl, getTicket } from '../api'
import type { Participant } from '../auth/tokens'
import { colorFor } from '../settings'
import { ConnectionMonitor } from './connection'
import { shouldReconnect, TicketConnector, type EpochTicket, type StaleEpoch, type TicketConnectorOptions } from './tickets'

/** The Y.XmlFragment holding the treaty, in y-prosemirror's encoding: a public contract with the server and other tools. */
export const TREATY_FRAGMENT = 'treaty'
/** Written only by the server: `openDrafting` (boolean). */
export const SETTINGS_MAP = 'settings'
/** Written only by the server: the audit log, one entry per facilitator action (api.ts `AuditEntry`). */
export const AUDIT_ARRAY = 'audit'

/** Written only by the server: the amendments, id → record (server/src/amendments.ts; api.ts `Amendment` plus private anchors). */
export const AMENDMENTS_MAP = 'amendments'

/** y-protocols' auth message type: the server refused a write (permission denied) and says why. */
export const MESSAGE_AUTH = 2

/**
 * One open document: its Y.Doc, the websocket provider (stock y-websocket, room = document
 * id), awareness, the connection monitor, and the connector that fetches a ticket before
 * every (re)connection. The session never writes content: the server seeds documents. The
 * server also rewrites the awareness `user` field from the participant's record; the local
 * copy set here is only what this tab shows of itself.
 *
 * The Y.Doc belongs to one epoch of the document (tickets.ts): the session learns it from its
 * first ticket and never connects once the server has moved on to another; it reports itself
 * `stale` instead, and the page replaces it by a fresh session after handing its state over.
 */
export interface CollabSession {
  docId: string
  ydoc: Y.Doc
  fragment: Y.XmlFragment
  settings: Y.Map<unknown>
  audit: Y.Array<unknown>
  amendments: Y.Map<unknown>
  provider: WebsocketProvider
  connection: ConnectionMonitor
  /** The epoch the Y.Doc's content belongs to: null until the first ticket. */
  readonly epoch: number | null
  /** Set (and `onStale` called) once the Y.Doc turned out to hold content of an older epoch; the session no longer connects. */
  readonly stale: StaleEpoch | null
  destroy(): void
}

export interface SessionOptions {
  /** Who this tab is (from `GET /api/me`): shown in its own presence chip. */
  participant: Participant
  /** Called with the server's reason when it refuses a write (an auth message). */
  onPermissionDenied?: (reason: string) => void
  /** Called once when the Y.Doc holds content of an epoch the document has left (it was re-based while this tab was away). */
  onStale?: (stale: StaleEpoch) => void
  url?: string
  /** Injected for tests. */
  fetchTicket?: () => Promise<EpochTicket>
  /** Injected for tests: the connector's timers. */
  timers?: Pick<TicketConnectorOptions, 'setTimeout' | 'clearTimeout'>
}

/** The awareness `user` field as the server writes it; the local one mirrors it for this tab. */
export function awarenessUser(p: Participant): Record<string, unknown> {
  return { name: p.name, color: colorFor(p.id), role: p.role, state: p.state, stateName: p.stateName, participant: p.id }
}

export function openSession(docId: string, options: SessionOptions): CollabSession {
  const ydoc = new Y.Doc()
  // No BroadcastChannel between this browser's tabs: a tab holding an older epoch's Y.Doc would
  // sync it into a tab of the current epoch (and on to the server), duplicating the treaty.
  const provider = new WebsocketProvider(options.url ?? collabUrl(), docId, ydoc, { connect: false, shouldReconnect, params: {}, disableBc: true })
  // y-websocket only logs a refusal (console.warn); the person should read it.
  provider.messageHandlers[MESSAGE_AUTH] = (_encoder: unknown, decoder: Parameters<typeof authProtocol.readAuthMessage>[0]) => {
    authProtocol.readAuthMessage(decoder, ydoc, (_doc, reason) => options.onPermissionDenied?.(reason))
  }
  provider.awareness.setLocalStateField('user', awarenessUser(options.participant))
  const connection = new ConnectionMonitor(provider, ydoc)
  const connector = new TicketConnector(provider, options.fetchTicket ?? (() => getTicket(docId)), {
    ...options.timers,
    // "Never received anything": no item from any client (the editor writes nothing before the first sync).
    isEmpty: () => ydoc.store.clients.size === 0,
    onStale: (stale) => options.onStale?.(stale),
  })
  connector.start()
  return {
    docId,
    ydoc,
    fragment: ydoc.getXmlFragment(TREATY_FRAGMENT),
    settings: ydoc.getMap(SETTINGS_MAP),
    audit: ydoc.getArray(AUDIT_ARRAY),
    amendments: ydoc.getMap(AMENDMENTS_MAP),
    provider,
    connection,
    get epoch() {
      return connector.epoch
    },
    get stale() {
      return connector.stale
    },
    destroy() {
      connector.destroy()
      connection.destroy()
      provider.destroy()
      ydoc.destroy()
    },
  }
}
