import { useCallback, useEffect, useState, type FormEvent } from 'react'
import type * as Y from 'yjs'
import * as api from '../api'
import type { Revision } from '../api'
import type { CollabSession } from '../collab/session'
import { useShared } from '../collab/shared'
import { useI18n } from '../i18n/I18n'
import type { Act } from './AmendmentsPanel'
import { errorText } from './errorText'

type ListState = { status: 'loading' } | { status: 'failed'; message: string } | { status: 'ready'; revisions: Revision[] }

/** How many revisions were saved or restored, from the audit log: the list is fetched again when it changes. */
export function revisionEvents(audit: Y.Array<unknown>): number {
  let n = 0
  for (const e of audit.toArray()) {
    const action = (e as { action?: unknown } | null)?.action
    if (action === 'revision' || action === 'restore') n++
  }
  return n
}

/** Default sides of a comparison: the latest saved revision (else the initial text) against the current text. */
export function defaultComparison(revisions: readonly Revision[]): { from: string; to: string } {
  const last = revisions.at(-1)
  return { from: last?.id ?? api.INITIAL_REF, to: api.CURRENT_REF }
}

/**
 * The named revisions (visible to all, live: fetched again when the audit log records a save
 * or a restore): a facilitator saves the text as one; anyone opens one read-only, exports it,
 * compares any two (or one with the current text); a facilitator restores one, after
 * confirming.
 */
export function RevisionsPanel({
  docId,
  session,
  facilitator,
  act,
  notify,
  onOpen,
  onExport,
  onCompare,
  onClose,
}: {
  docId: string
  session: CollabSession
  facilitator: boolean
  act: Act
  notify: (text: string) => void
  onOpen: (revision: Revision) => void
  onExport: (revision: Revision) => void
  onCompare: (from: string, to: string) => void
  onClose: () => void
}) {
  const { t, lang } = useI18n()
  const events = useShared(session.audit, revisionEvents)
  const [list, setList] = useState<ListState>({ status: 'loading' })
  const [name, setName] = useState('')
  const [saving, setSaving] = useState(false)
  const [confirming, setConfirming] = useState<string | null>(null)
  const [from, setFrom] = useState<string | null>(null)
  const [to, setTo] = useState<string>(api.CURRENT_REF)

  const load = useCallback(() => {
    api
      .listRevisions(docId)
      .then((revisions) => setList({ status: 'ready', revisions }))
      .catch((e: unknown) => setList({ status: 'failed', message: errorText(t, e) }))
  }, [docId])
  useEffect(load, [load, events])

  const revisions = list.status === 'ready' ? list.revisions : []
  const fromValue = from ?? defaultComparison(revisions).from
  const when = new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' })
  const date = (iso: string) => {
    const ms = Date.parse(iso)
    return Number.isFinite(ms) ? when.format(ms) : iso
  }
  const label = (r: Revision) => (r.number === 0 ? t('rev.initial') : r.name)

  const save = async (e: FormEvent) => {
    e.preventDefault()
    setSaving(true)
    await act(
      () => api.saveRevision(docId, name.trim() || null),
      (revision) => {
        setName('')
        notify(t('rev.saved', { name: revision.name }))
        load()
      },
    )
    setSaving(false)
  }

  const restore = (r: Revision) =>
    act(
      () => api.restoreRevision(docId, r.id),
      () => {
        setConfirming(null)
        notify(t('rev.restored', { name: label(r) }))
      },
    )

  return (
    <aside className="revisions-panel" aria-label={t('rev.title')} data-testid="revisions-panel">
      <header className="bp-header">
        <h2>{t('rev.title')}</h2>
        <button type="button" className="bp-close" title={t('rev.close')} aria-label={t('rev.close')} onClick={onClose}>
          ×
        </button>
      </header>
      <div className="bp-body">
        {facilitator && (
          <form className="rev-save" onSubmit={save}>
            <input className="text-input" value={name} onChange={(e) => setName(e.target.value)} maxLength={80} placeholder={t('rev.name')} aria-label={t('rev.name')} data-testid="revision-name" />
            <button type="submit" className="primary" disabled={saving} title={t('rev.save.title')} data-testid="save-revision">
              {saving ? t('rev.saving') : t('rev.save')}
            </button>
          </form>
        )}
        {list.status === 'loading' && <p className="muted small">{t('rev.loading')}</p>}
        {list.status === 'failed' && (
          <p className="error small" role="alert">
            {t('rev.loadFailed', { message: list.message })}
          </p>
        )}
        {list.status === 'ready' && revisions.length === 0 && <p className="bp-none">{t('rev.empty')}</p>}
        <ol className="rev-list" data-testid="revision-list">
          {[...revisions].reverse().map((r) => (
            <li key={r.id} className="rev-item" data-testid="revision-item" data-id={r.id} data-name={r.name} data-number={r.number}>
              <div className="rev-head">
                <span className="rev-name">{label(r)}</span>
                <time className="muted small" dateTime={r.created}>
                  {r.author ? t('rev.savedBy', { name: r.author.name, when: date(r.created) }) : date(r.created)}
                </time>
              </div>
              <div className="rev-actions">
                <button type="button" onClick={() => onOpen(r)} title={t('rev.open.title')} data-testid="revision-open">
                  {t('rev.open')}
                </button>
                <button type="button" onClick={() => onExport(r)} data-testid="revision-export">
                  {t('rev.export')}
                </button>
                {facilitator &&
                  (confirming === r.id ? (
                    <span className="rev-confirm" role="alertdialog" data-testid="revision-restore-confirmation">
                      <span className="small">{t('rev.restoreConfirm', { name: label(r) })}</span>{' '}
                      <button type="button" className="danger" onClick={() => void restore(r)} data-testid="revision-restore-confirm">
                        {t('rev.restoreYes')}
                      </button>{' '}
                      <button type="button" onClick={() => setConfirming(null)}>
                        {t('new.cancel')}
                      </button>
                    </span>
                  ) : (
                    <button type="button" onClick={() => setConfirming(r.id)} title={t('rev.restore.title')} data-testid="revision-restore">
                      {t('rev.restore')}
                    </button>
                  ))}
              </div>
            </li>
          ))}
        </ol>
        {revisions.length > 0 && (
          <section className="rev-compare" aria-labelledby="rev-compare-title">
            <h3 id="rev-compare-title">{t('rev.compare')}</h3>
            <RevisionSelect label={t('rev.from')} value={fromValue} onChange={setFrom} revisions={revisions} labelOf={label} current={t('rev.current')} testId="compare-from" />
            <RevisionSelect label={t('rev.to')} value={to} onChange={setTo} revisions={revisions} labelOf={label} current={t('rev.current')} testId="compare-to" />
            <button type="button" className="primary" onClick={() => onCompare(fromValue, to)} data-testid="compare-run">
              {t('rev.compareRun')}
            </button>
          </section>
        )}
      </div>
    </aside>
  )
}

/** One side of a comparison: a saved revision, or the current text. */
function RevisionSelect(props: { label: string; value: string; onChange: (value: string) => void; revisions: readonly Revision[]; labelOf: (r: Revision) => string; current: string; testId: string }) {
  return (
    <label className="field">
      <span>{props.label}</span>
      <select value={props.value} onChange={(e) => props.onChange(e.target.value)} data-testid={props.testId}>
        {props.revisions.map((r) => (
          <option key={r.id} value={r.id}>
            {props.labelOf(r)}
          </option>
        ))}
        <option value={api.CURRENT_REF}>{props.current}</option>
      </select>
    </label>
  )
}
