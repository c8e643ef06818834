import type { AuditEntry } from '../api'
import { auditEntriesOf, useShared } from '../collab/shared'
import type { CollabSession } from '../collab/session'
import { useI18n } from '../i18n/I18n'
import type { MessageKey } from '../i18n/catalogue'

const ACTIONS = new Set([
  'resolve',
  'reopen',
  'ad-ref',
  'normalise',
  'settings',
  'invite',
  'revoke',
  'amendment-propose',
  'amendment-update',
  'amendment-withdraw',
  'amendment-cosponsor',
  'amendment-accept',
  'amendment-reject',
  'amendment-bracket',
  'revision',
  'restore',
])

/**
 * The audit log: every facilitator action the server recorded (the `audit` Y.Array, live),
 * newest first — who, when, which groups with which alternatives, what was chosen. A
 * resolution not yet reopened can be reopened from here by a facilitator.
 */
export function AuditPanel({ session, facilitator, onReopen, onClose }: { session: CollabSession; facilitator: boolean; onReopen: (entry: string) => void; onClose: () => void }) {
  const { t, lang } = useI18n()
  const entries = useShared(session.audit, auditEntriesOf)
  const when = new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', { dateStyle: 'short', timeStyle: 'medium' })
  const shown = [...entries].reverse()
  return (
    <aside className="audit-panel" aria-label={t('audit.title')} data-testid="audit-panel">
      <header className="bp-header">
        <h2>{t('audit.title')}</h2>
        <button type="button" className="bp-close" title={t('audit.close')} aria-label={t('audit.close')} onClick={onClose}>
          ×
        </button>
      </header>
      <div className="bp-body">
        {shown.length === 0 && <p className="bp-none">{t('audit.empty')}</p>}
        <ol className="audit-list">
          {shown.map((e) => (
            <AuditItem key={e.id} entry={e} when={when} facilitator={facilitator} onReopen={onReopen} />
          ))}
        </ol>
      </div>
    </aside>
  )
}

function AuditItem({ entry, when, facilitator, onReopen }: { entry: AuditEntry; when: Intl.DateTimeFormat; facilitator: boolean; onReopen: (entry: string) => void }) {
  const { t } = useI18n()
  const time = Date.parse(entry.time)
  const actor = entry.actor.state ? `${entry.actor.name} (${entry.actor.state})` : entry.actor.name
  const action = ACTIONS.has(entry.action) ? t(`audit.action.${entry.action}` as MessageKey) : entry.action
  return (
    <li className="audit-entry" data-testid="audit-entry" data-entry-id={entry.id} data-action={entry.action} data-reopened={!!entry.reopenedBy}>
      <div className="audit-head">
        <span className="audit-action">{action}</span>
        <time className="audit-time muted small" dateTime={entry.time}>
          {Number.isFinite(time) ? when.format(time) : entry.time}
        </time>
      </div>
      <div className="audit-actor small">{actor}</div>
      {entry.groups.length > 0 && (
        <ul className="audit-groups small">
          {entry.groups.slice(0, 5).map((g) => (
            <li key={g.id}>
              <span className="bp-location">{g.location}</span>{' '}
              <span className="bp-notation">{g.alternatives.map((a) => `[${a}]`).join('')}</span>
            </li>
          ))}
          {entry.groups.length > 5 && <li className="muted">{t('audit.moreGroups', { count: entry.groups.length - 5 })}</li>}
        </ul>
      )}
      {entry.action === 'resolve' && entry.choice !== undefined && entry.choice !== null && (
        <div className="audit-choice small">{entry.choice === '' ? t('audit.dropped') : t('audit.chose', { text: entry.choice })}</div>
      )}
      {entry.detail && <div className="audit-detail muted small">{entry.detail}</div>}
      {entry.reopenedBy && <div className="audit-reopened muted small">{t('audit.reopenedAlready')}</div>}
      {facilitator && entry.action === 'resolve' && !entry.reopenedBy && (
        <button type="button" className="audit-reopen" onClick={() => onReopen(entry.id)} data-testid="audit-reopen">
          {t('audit.reopen')}
        </button>
      )}
    </li>
  )
}
