import { useSyncExternalStore } from 'react'
import type { ConnectionMonitor } from '../collab/connection'
import { useI18n } from '../i18n/I18n'

/** The link to the server in a word and a colour; offline, it says how many changes wait to be sent. */
export function ConnectionBadge({ monitor }: { monitor: ConnectionMonitor }) {
  const { t } = useI18n()
  const state = useSyncExternalStore(monitor.subscribe, monitor.getState)
  let text: string
  switch (state.phase) {
    case 'connected':
      text = t('connection.connected')
      break
    case 'connecting':
      text = t('connection.connecting')
      break
    case 'syncing':
      text = t('connection.syncing')
      break
    case 'offline':
      text = state.pending === 0 ? t('connection.offline') : state.pending === 1 ? t('connection.pendingOne') : t('connection.pending', { count: state.pending })
      break
    case 'closed':
      // 4403: revoked, or not a participant of this document (any more).
      text = state.closedCode === 4403 ? t('connection.revoked', { reason: state.closedReason ?? '' }) : t('connection.closed', { reason: state.closedReason ?? '' })
      break
  }
  return (
    <div className="connection" data-phase={state.phase} data-pending={state.pending} data-close-code={state.closedCode ?? ''} data-testid="connection" role="status" aria-live="polite" title={t('connection.hint')}>
      <span className="connection-dot" aria-hidden="true" />
      <span className="connection-text">{text}</span>
    </div>
  )
}
