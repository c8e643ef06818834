import { useSyncExternalStore } from 'react'
import type { Notices } from '../notices'
import { useI18n } from '../i18n/I18n'

/** The notices in a corner: polite for information, assertive for refusals and errors; none of them blocks the text. */
export function NoticeStack({ notices }: { notices: Notices }) {
  const { t } = useI18n()
  const list = useSyncExternalStore(notices.subscribe, notices.getState)
  return (
    <div className="notices" aria-live="polite" data-testid="notices">
      {list.map((n) => (
        <div key={n.id} className="notice" data-kind={n.kind} role={n.kind === 'info' ? 'status' : 'alert'} data-testid={`notice-${n.kind}`}>
          <span className="notice-text">{n.text}</span>
          {n.action && (
            <button
              type="button"
              className="notice-action"
              data-testid={n.action.testId}
              onClick={() => {
                notices.dismiss(n.id)
                n.action!.run()
              }}
            >
              {n.action.label}
            </button>
          )}
          <button type="button" className="notice-close" aria-label={t('notice.dismiss')} onClick={() => notices.dismiss(n.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  )
}
