import { useState } from 'react'
import { setOpenDrafting } from '../api'
import { useI18n } from '../i18n/I18n'

/**
 * Open drafting: while it is on, delegations may edit the text (never the brackets). The
 * facilitators switch it (through the server, which writes the `settings` map every editor
 * reads); the others see whether it is on.
 */
export function OpenDraftingSwitch({ docId, on, facilitator, onError }: { docId: string; on: boolean; facilitator: boolean; onError: (e: unknown) => void }) {
  const { t } = useI18n()
  const [busy, setBusy] = useState(false)
  if (!facilitator) {
    return on ? (
      <span className="drafting-state" data-testid="open-drafting-state" data-on="true" title={t('drafting.on.title')}>
        {t('drafting.on')}
      </span>
    ) : null
  }
  const toggle = async () => {
    setBusy(true)
    try {
      await setOpenDrafting(docId, !on)
    } catch (e) {
      onError(e)
    } finally {
      setBusy(false)
    }
  }
  return (
    <button type="button" className="toggle drafting-toggle" aria-pressed={on} disabled={busy} onClick={() => void toggle()} title={t('drafting.toggle.title')} data-testid="open-drafting-toggle">
      {t('drafting.toggle')}
    </button>
  )
}
