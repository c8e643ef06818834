import { useEffect, useMemo, useState } from 'react'
import { commandMeta } from '@accord/commands'
import { NodeSelection, TextSelection } from 'prosemirror-state'
import * as api from '../api'
import type { Amendment, AmendmentDecision, AmendmentStatus } from '../api'
import type { DocumentAccess } from '../auth/access'
import type { CollabSession } from '../collab/session'
import { useShared } from '../collab/shared'
import { amendmentRecordsOf } from '../editor/amendmentAnchors'
import { actionsFor, filterAmendments, filterOptions, placeKey, type AmendmentFilters, type PlaceKey, type Viewer } from '../editor/amendmentList'
import type { EditorController } from '../editor/EditorController'
import { amendmentsKey } from '../editor/pluginKeys'
import { useI18n } from '../i18n/I18n'
import type { MessageKey } from '../i18n/catalogue'
import { colorFor } from '../settings'
import { errorText } from './errorText'

/** Runs a server call; the page shows its error (the server's message) or its success notice. */
export type Act = <R>(action: () => Promise<R>, done?: (result: R) => void) => Promise<R | null>

/**
 * Every State's amendments, live: the records come from the server-written `amendments` root
 * of the Y.Doc (so a proposal, a co-sponsor or a decision shows at once everywhere), and where
 * each one is now (`located`) from `GET …/amendments`, asked again whenever that root changes.
 * Filtered by State, place and status; each item offers what this person may do with it.
 */
export function AmendmentsPanel({
  docId,
  session,
  controller,
  access,
  act,
  notify,
  onPropose,
  onClose,
}: {
  docId: string
  session: CollabSession
  controller: EditorController
  access: DocumentAccess
  act: Act
  notify: (text: string) => void
  onPropose: (() => void) | null
  onClose: () => void
}) {
  const { t } = useI18n()
  const records = useShared(session.amendments, amendmentRecordsOf)
  const [located, setLocated] = useState<Map<string, Amendment>>(new Map())
  const [loadError, setLoadError] = useState<string | null>(null)
  const [filters, setFilters] = useState<AmendmentFilters>({})

  // The text moves amendments too (an article inserted before them): where they are is asked
  // again a second after the text stops changing, while the panel is open.
  const [textVersion, setTextVersion] = useState(0)
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined
    const onChange = () => {
      clearTimeout(timer)
      timer = setTimeout(() => setTextVersion((v) => v + 1), 1000)
    }
    session.fragment.observeDeep(onChange)
    return () => {
      clearTimeout(timer)
      session.fragment.unobserveDeep(onChange)
    }
  }, [session])

  // Where each amendment is now: asked again (shortly after) each change of the records.
  useEffect(() => {
    let live = true
    const timer = setTimeout(() => {
      api
        .listAmendments(docId)
        .then((list) => {
          if (!live) return
          setLocated(new Map(list.map((a) => [a.id, a])))
          setLoadError(null)
        })
        .catch((e: unknown) => live && setLoadError(errorText(t, e)))
    }, 120)
    return () => {
      live = false
      clearTimeout(timer)
    }
    // `t` changes with the language only; the list does not need reloading then.
  }, [docId, records, textVersion])

  const all = useMemo(() => records.map((r): Amendment => ({ ...r, located: located.get(r.id)?.located ?? r.located })), [records, located])
  const shown = filterAmendments(all, filters)
  const options = filterOptions(all)
  const viewer: Viewer = { role: access.role, state: access.participant.state ?? null }

  const show = (id: string) => {
    const view = controller.view
    const placement = view && amendmentsKey.getState(view.state)?.placements.find((p) => p.id === id)
    if (!view || !placement) return
    const doc = view.state.doc
    const selection = placement.kind === 'text' ? TextSelection.create(doc, placement.from, placement.to) : NodeSelection.create(doc, placement.blocks[0].from)
    view.dispatch(view.state.tr.setSelection(selection).setMeta(commandMeta, 'showAmendment').scrollIntoView())
    view.focus()
  }
  const placed = (id: string) => {
    const view = controller.view
    return !!view && !!amendmentsKey.getState(view.state)?.placements.some((p) => p.id === id)
  }

  const placeLabel = (k: PlaceKey) => (k === 'preamble' ? t('amend.filter.preamble') : k === 'other' ? '—' : t('amend.filter.articleN', { n: k.slice('article:'.length) }))

  return (
    <aside className="amendments-panel" aria-label={t('amend.title')} data-testid="amendments-panel">
      <header className="bp-header">
        <h2>{t('amend.title')}</h2>
        <button type="button" className="bp-close" title={t('amend.close')} aria-label={t('amend.close')} onClick={onClose}>
          ×
        </button>
      </header>
      <div className="bp-body">
        {onPropose && (
          <button type="button" className="primary am-propose" onMouseDown={(e) => e.preventDefault()} onClick={onPropose} data-testid="panel-propose" title={t('toolbar.propose.title')}>
            {t('toolbar.propose')}
          </button>
        )}
        <div className="am-filters">
          <label>
            <span>{t('amend.filter.state')}</span>
            <select value={filters.state ?? ''} onChange={(e) => setFilters({ ...filters, state: e.target.value || undefined })} data-testid="amend-filter-state">
              <option value="">{t('amend.filter.all')}</option>
              {options.states.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
          <label>
            <span>{t('amend.filter.article')}</span>
            <select value={filters.place ?? ''} onChange={(e) => setFilters({ ...filters, place: (e.target.value || undefined) as PlaceKey | undefined })} data-testid="amend-filter-place">
              <option value="">{t('amend.filter.all')}</option>
              {options.places.map((p) => (
                <option key={p} value={p}>
                  {placeLabel(p)}
                </option>
              ))}
            </select>
          </label>
          <label>
            <span>{t('amend.filter.status')}</span>
            <select value={filters.status ?? ''} onChange={(e) => setFilters({ ...filters, status: (e.target.value || undefined) as AmendmentStatus | undefined })} data-testid="amend-filter-status">
              <option value="">{t('amend.filter.all')}</option>
              {api.AMENDMENT_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`amend.status.${s}` as MessageKey)}
                </option>
              ))}
            </select>
          </label>
        </div>
        {loadError && (
          <p className="error small" role="alert">
            {t('amend.loadFailed', { message: loadError })}
          </p>
        )}
        {all.length === 0 && <p className="bp-none">{t('amend.empty')}</p>}
        {all.length > 0 && shown.length === 0 && <p className="bp-none">{t('amend.noneMatch')}</p>}
        {all.length > 0 && (
          <p className="muted small" data-testid="amend-count">
            {t('amend.count', { shown: shown.length, count: all.length })}
          </p>
        )}
        {access.role !== 'facilitator' && all.some((a) => a.status === 'open') && <p className="bp-hint">{t('amend.facilitatorsDecide')}</p>}
        <ol className="am-list">
          {shown.map((a) => (
            <AmendmentItem key={a.id} docId={docId} amendment={a} viewer={viewer} act={act} notify={notify} onShow={placed(a.id) ? () => show(a.id) : null} placeLabel={placeLabel(placeKey(a))} />
          ))}
        </ol>
        <Compilation docId={docId} act={act} />
      </div>
    </aside>
  )
}

function AmendmentItem({ docId, amendment: a, viewer, act, notify, onShow, placeLabel }: { docId: string; amendment: Amendment; viewer: Viewer; act: Act; notify: (text: string) => void; onShow: (() => void) | null; placeLabel: string }) {
  const { t } = useI18n()
  const may = actionsFor(viewer, a)
  const [editing, setEditing] = useState(false)
  const [confirmWithdraw, setConfirmWithdraw] = useState(false)
  const [text, setText] = useState(a.text)
  const [justification, setJustification] = useState(a.justification)
  const [busy, setBusy] = useState(false)
  const run = async <R,>(action: () => Promise<R>, done?: (r: R) => void) => {
    setBusy(true)
    try {
      return await act(action, done)
    } finally {
      setBusy(false)
    }
  }
  const decide = (decision: AmendmentDecision) => void run(() => api.decideAmendment(docId, a.id, decision), () => notify(t(`amend.decided.${decision}` as MessageKey)))
  const located = a.located
  const where = located?.found ? located.location : a.target.location
  const hasText = a.kind === 'replace' || a.kind === 'insertAfter' || a.kind === 'addParagraph' || a.kind === 'addArticle'
  const own = viewer.state === a.state

  return (
    <li
      className="am-item"
      data-testid="amendment-item"
      data-id={a.id}
      data-state={a.state}
      data-status={a.status}
      data-kind={a.kind}
      data-cosponsors={a.cosponsors.join(' ')}
      data-place={placeLabel}
      style={{ ['--amendment-color' as string]: colorFor(a.state) }}
    >
      <div className="am-head">
        <span className="am-state" title={a.author?.name}>
          {a.state}
        </span>
        {own && <span className="am-yours small">{t('amend.yours')}</span>}
        <span className="am-kind">{t(`amend.kind.${a.kind}` as MessageKey)}</span>
        <span className={`am-status am-status-${a.status}`} data-testid="amendment-status">
          {t(`amend.status.${a.status}` as MessageKey)}
        </span>
        <span className="am-number muted small">{t('amend.number', { number: a.number })}</span>
      </div>
      <div className="am-where small">
        {onShow ? (
          <button type="button" className="link" onMouseDown={(e) => e.preventDefault()} onClick={onShow} title={t('amend.show.title')} data-testid="amendment-show">
            {where}
          </button>
        ) : (
          <span>{where}</span>
        )}
        {located?.found && located.location !== a.target.location && <span className="muted"> ({t('amend.nowAt', { location: located.location })})</span>}
      </div>
      {located && !located.found && a.status === 'open' && <p className="am-gone small">{t('amend.gone')}</p>}
      {a.target.quote !== undefined && (
        <div className="am-row">
          <span className="am-label small muted">{t('amend.quote')}</span>
          <span className="am-quote" data-testid="amendment-quote">
            {a.target.quote}
          </span>
        </div>
      )}
      {located?.changed && located.quote && <p className="am-changed small muted">{t('amend.changedSince', { quote: located.quote })}</p>}
      {editing ? (
        <form
          className="am-edit"
          onSubmit={(e) => {
            e.preventDefault()
            const changes: { text?: string; justification?: string } = {}
            if (hasText && text.trim() !== a.text) changes.text = text.trim()
            if (justification.trim() !== a.justification) changes.justification = justification.trim()
            if (!changes.text && changes.justification === undefined) return setEditing(false)
            void run(
              () => api.updateAmendment(docId, a.id, changes),
              () => {
                setEditing(false)
                notify(t('amend.updated'))
              },
            )
          }}
        >
          {hasText && <textarea className="text-input" rows={2} value={text} onChange={(e) => setText(e.target.value)} data-testid="amendment-edit-text" aria-label={t('amend.proposal')} />}
          <textarea className="text-input" rows={2} value={justification} onChange={(e) => setJustification(e.target.value)} data-testid="amendment-edit-justification" aria-label={t('amend.justification')} />
          <div className="am-actions">
            <button type="submit" className="primary" disabled={busy} data-testid="amendment-save">
              {t('amend.save')}
            </button>
            <button type="button" onClick={() => setEditing(false)}>
              {t('amend.cancel')}
            </button>
          </div>
        </form>
      ) : (
        <>
          {hasText && (
            <div className="am-row">
              <span className="am-label small muted">{t('amend.proposal')}</span>
              <span className="am-text" data-testid="amendment-text">
                {a.text}
              </span>
            </div>
          )}
          {a.justification && (
            <div className="am-row">
              <span className="am-label small muted">{t('amend.justification')}</span>
              <span className="am-justification">{a.justification}</span>
            </div>
          )}
        </>
      )}
      <div className="am-cosponsors small" data-testid="amendment-cosponsors">
        {a.cosponsors.length ? t('amend.cosponsors', { states: a.cosponsors.join(', ') }) : <span className="muted">{t('amend.noCosponsors')}</span>}
      </div>
      {!editing && (may.edit || may.withdraw || may.cosponsor || may.decide) && (
        <div className="am-actions">
          {may.cosponsor && (
            <button type="button" disabled={busy} onClick={() => void run(() => api.cosponsorAmendment(docId, a.id), () => notify(t('amend.cosponsored')))} title={t('amend.cosponsor.title')} data-testid="amendment-cosponsor">
              {t('amend.cosponsor')}
            </button>
          )}
          {may.edit && (
            <button
              type="button"
              disabled={busy}
              onClick={() => {
                setText(a.text)
                setJustification(a.justification)
                setEditing(true)
              }}
              data-testid="amendment-edit"
            >
              {t('amend.edit')}
            </button>
          )}
          {may.withdraw &&
            (confirmWithdraw ? (
              <span className="am-confirm">
                <span className="small">{t('amend.withdrawConfirm')}</span>{' '}
                <button type="button" className="danger" disabled={busy} onClick={() =>
                    void run(
                      () => api.withdrawAmendment(docId, a.id),
                      () => {
                        setConfirmWithdraw(false)
                        notify(t('amend.withdrawn'))
                      },
                    )
                  } data-testid="amendment-withdraw-confirm">
                  {t('amend.withdraw')}
                </button>{' '}
                <button type="button" onClick={() => setConfirmWithdraw(false)}>
                  {t('amend.cancel')}
                </button>
              </span>
            ) : (
              <button type="button" disabled={busy} onClick={() => setConfirmWithdraw(true)} data-testid="amendment-withdraw">
                {t('amend.withdraw')}
              </button>
            ))}
          {may.decide && (
            <>
              <button type="button" className="am-accept" disabled={busy} onClick={() => decide('accept')} title={t('amend.accept.title')} data-testid="amendment-accept">
                {t('amend.accept')}
              </button>
              <button type="button" className="am-bracket" disabled={busy} onClick={() => decide('bracket')} title={t('amend.bracket.title')} data-testid="amendment-bracket">
                {t('amend.bracket')}
              </button>
              <button type="button" className="am-reject" disabled={busy} onClick={() => decide('reject')} title={t('amend.reject.title')} data-testid="amendment-reject">
                {t('amend.reject')}
              </button>
            </>
          )}
        </div>
      )}
      {!may.cosponsor && viewer.state && a.cosponsors.includes(viewer.state) && <p className="small muted">{t('amend.cosponsoring')}</p>}
    </li>
  )
}

/** The compilation a secretariat circulates, by State or by article, as HTML or text. */
function Compilation({ docId, act }: { docId: string; act: Act }) {
  const { t } = useI18n()
  const [by, setBy] = useState<'state' | 'article'>('state')
  const [format, setFormat] = useState<'html' | 'text'>('html')
  const download = () =>
    act(async () => {
      const res = await api.fetchCompilation(docId, format, by)
      if (!res.ok) {
        const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null
        throw new Error(body?.error?.message ?? t('error.status', { status: res.status }))
      }
      const blob = await res.blob()
      const url = URL.createObjectURL(blob)
      const a = document.createElement('a')
      a.href = url
      a.download = `amendments-${by}.${format === 'html' ? 'html' : 'txt'}`
      document.body.append(a)
      a.click()
      a.remove()
      setTimeout(() => URL.revokeObjectURL(url), 10_000)
    })
  return (
    <section className="am-compilation" title={t('amend.compilation.title')}>
      <h3>{t('amend.compilation')}</h3>
      <div className="am-filters">
        <select value={by} onChange={(e) => setBy(e.target.value as 'state' | 'article')} data-testid="compilation-by">
          <option value="state">{t('amend.compilation.byState')}</option>
          <option value="article">{t('amend.compilation.byArticle')}</option>
        </select>
        <select value={format} onChange={(e) => setFormat(e.target.value as 'html' | 'text')} data-testid="compilation-format">
          <option value="html">{t('amend.compilation.html')}</option>
          <option value="text">{t('amend.compilation.text')}</option>
        </select>
        <button type="button" onClick={() => void download()} data-testid="compilation-download">
          {t('amend.compilation.download')}
        </button>
      </div>
    </section>
  )
}
