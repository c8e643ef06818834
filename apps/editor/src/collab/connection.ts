/**
 * What the person should know about the link to the server, derived from the provider's
 * events: connected and in sync; connecting (first time); sending changes (connected, not yet
 * in sync); offline, with how many local changes wait to be sent; or closed by the server
 * for good (it refused the room: the close reason says why).
 *
 * "Pending" counts local Yjs updates made while not in sync. y-websocket has no
 * acknowledgements; once the provider is in sync again it has exchanged both sync steps, so
 * the server holds those changes and the count resets.
 */

export type ConnectionPhase = 'connecting' | 'syncing' | 'connected' | 'offline' | 'closed'

export interface ConnectionState {
  phase: ConnectionPhase
  /** Local changes not yet known to be on the server. */
  pending: number
  /** Whether the document was ever in sync in this session (before that the editor shows no text). */
  everSynced: boolean
  /** Why the server closed the connection for good (phase `closed`). */
  closedReason?: string
  /** The close code then: 4403 means this person's access was revoked (or never given). */
  closedCode?: number
}

/** The parts of y-websocket's WebsocketProvider this module reads. */
export interface ProviderLike {
  wsconnected: boolean
  synced: boolean
  wsUnsuccessfulReconnects: number
  on(event: string, listener: (...args: any[]) => void): void
  off(event: string, listener: (...args: any[]) => void): void
}

/** The parts of Y.Doc this module reads. */
export interface DocLike {
  on(event: 'update', listener: (update: Uint8Array, origin: unknown) => void): void
  off(event: 'update', listener: (update: Uint8Array, origin: unknown) => void): void
}

export class ConnectionMonitor {
  private state: ConnectionState
  private readonly listeners = new Set<() => void>()
  private everConnected = false
  private closedReason: string | undefined
  private closedCode: number | undefined

  constructor(
    private readonly provider: ProviderLike,
    private readonly doc: DocLike,
  ) {
    this.everConnected = provider.wsconnected
    this.state = { phase: 'connecting', pending: 0, everSynced: provider.synced }
    this.state = this.derive(0)
    provider.on('status', this.refresh)
    provider.on('sync', this.onSync)
    provider.on('connection-close', this.refresh)
    provider.on('connection-error', this.refresh)
    provider.on('closed', this.onClosed)
    doc.on('update', this.onUpdate)
  }

  getState = (): ConnectionState => this.state

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  destroy(): void {
    this.provider.off('status', this.refresh)
    this.provider.off('sync', this.onSync)
    this.provider.off('connection-close', this.refresh)
    this.provider.off('connection-error', this.refresh)
    this.provider.off('closed', this.onClosed)
    this.doc.off('update', this.onUpdate)
    this.listeners.clear()
  }

  private derive(pending: number): ConnectionState {
    const p = this.provider
    if (p.wsconnected) this.everConnected = true
    let phase: ConnectionPhase
    if (this.closedReason !== undefined && !p.wsconnected) phase = 'closed'
    else if (p.wsconnected) phase = p.synced ? 'connected' : this.state.everSynced ? 'syncing' : 'connecting'
    else if (this.everConnected || p.wsUnsuccessfulReconnects > 0) phase = 'offline'
    else phase = 'connecting'
    return { phase, pending, everSynced: this.state.everSynced || (p.wsconnected && p.synced), closedReason: phase === 'closed' ? this.closedReason : undefined, closedCode: phase === 'closed' ? this.closedCode : undefined }
  }

  private set(next: ConnectionState): void {
    const s = this.state
    if (s.phase === next.phase && s.pending === next.pending && s.everSynced === next.everSynced && s.closedReason === next.closedReason && s.closedCode === next.closedCode) return
    this.state = next
    for (const l of this.listeners) l()
  }

  private readonly refresh = (): void => this.set(this.derive(this.state.pending))

  private readonly onSync = (synced: boolean): void => {
    if (synced) this.closedReason = this.closedCode = undefined
    this.set(this.derive(synced ? 0 : this.state.pending))
  }

  private readonly onClosed = (event: { code: number; reason: string }): void => {
    this.closedReason = event.reason || `code ${event.code}`
    this.closedCode = event.code
    this.refresh()
  }

  private readonly onUpdate = (_update: Uint8Array, origin: unknown): void => {
    // Updates from the provider came from the server or another tab; only local ones wait to be sent.
    if (origin === this.provider) return
    if (this.provider.wsconnected && this.provider.synced) return
    this.set(this.derive(this.state.pending + 1))
  }
}
