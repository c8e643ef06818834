import { useState } from 'react'
import { useI18n } from '../i18n/I18n'

/**
 * An invitation link to hand over, with a Copy button. The link holds the person's token: it
 * is shown once, here, and the server keeps only its hash.
 */
export function InvitationLink({ link }: { link: string }) {
  const { t } = useI18n()
  const [copied, setCopied] = useState<'no' | 'yes' | 'failed'>('no')
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(link)
      setCopied('yes')
    } catch {
      setCopied('failed')
    }
  }
  return (
    <div className="invitation-link">
      <input className="text-input" readOnly value={link} onFocus={(e) => e.currentTarget.select()} aria-label={t('invite.link')} data-testid="invitation-link" />
      <button type="button" onClick={() => void copy()} data-testid="copy-invitation-link">
        {copied === 'yes' ? t('invite.copied') : t('invite.copy')}
      </button>
      {copied === 'failed' && <p className="muted small">{t('invite.copyFailed')}</p>}
      <p className="muted small">{t('invite.linkHint')}</p>
    </div>
  )
}
