import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react'
import { fetchRevisionExport, mergeOffline, type Revision } from '../api'
import type { Node as PMNode } from 'prosemirror-model'
import { loadAccess, type AccessState, type DocumentAccess } from '../auth/access'
import { canEditBrackets, canEditText, isFacilitator } from '../auth/roles'
import { OfflineMerge, type MergeOutcome } from '../collab/offlineMerge'
import { openSession, type CollabSession } from '../collab/session'
import { openDraftingOf, useShared } from '../collab/shared'
import { BRACKET_PANEL_KEY, matchesKey } from '../editor/actions'
import { bracketKeyOf } from '../editor/bracketKeys'
import { adjacentGroup, currentGroup, selectGroupTr } from '../editor/bracketNav'
import { BracketWorkflow } from '../editor/bracketWorkflow'
import { EditorController } from '../editor/EditorController'
import type { Translate } from '../i18n/catalogue'
import { useI18n } from '../i18n/I18n'
import { Notices } from '../notices'
import { followLink } from '../route'
import { loadBracketPanel, saveBracketPanel } from '../settings'
import { AppBar } from './AppBar'
import { AmendmentsPanel } from './AmendmentsPanel'
import { AuditPanel } from './AuditPanel'
import { CompareDialog } from './CompareDialog'
import { BracketPanel } from './BracketPanel'
import { ConnectionBadge } from './ConnectionBadge'
import { errorText } from './errorText'
import { ExportDialog, type ExportSource } from './ExportDialog'
import { HelpPopover } from './HelpPopover'
import { NoticeStack } from './NoticeStack'
import { OpenDraftingSwitch } from './OpenDraftingSwitch'
import { ParticipantsDialog } from './ParticipantsDialog'
import { PresenceList } from './PresenceList'
import { PreviewDialog } from './PreviewDialog'
import { proposalBasis, ProposeDialog, type ProposalBasis } from './ProposeDialog'
import { RevisionDialog } from './RevisionDialog'
import { RevisionsPanel } from './RevisionsPanel'
import { RoleBadge } from './RoleBadge'
import { Toolbar } from './Toolbar'
import { TreatyEditor } from './TreatyEditor'

/**
 * One document. First: which of this browser's tokens opens it, and who the server says that
 * is (`GET /api/me`); without one, the page says that an invitation link is needed.
 */
export function EditorPage({ docId }: { docId: string }) {
  const [state, setState] = useState<AccessState>({ status: 'loading' })
  const [attempt, setAttempt] = useState(0)
  useEffect(() => {
    let live = true
    setState({ status: 'loading' })
    void loadAccess(docId).then((s) => live && setState(s))
    return () => {
      live = false
    }
  }, [docId, attempt])
  if (state.status === 'ready') return <OpenDocument docId={docId} access={state.access} />
  return <NoAccess state={state} onRetry={() => setAttempt((n) => n + 1)} />
}

function NoAccess({ state, onRetry }: { state: Exclude<AccessState, { status: 'ready' }>; onRetry: () => void }) {
  const { t } = useI18n()
  return (
    <div className="page">
      <AppBar>
        <a className="back" href="/" onClick={followLink({ name: 'documents' })}>
          <span aria-hidden="true">←</span> {t('editor.back')}
        </a>
      </AppBar>
      <main className="documents">
        <section className="card" data-testid="no-access" data-status={state.status}>
          {state.status === 'loading' && <p className="muted">{t('editor.loading')}</p>}
          {state.status === 'no-token' && (
            <p className="error" role="alert">
              {t('access.noToken')}
            </p>
          )}
          {state.status === 'rejected' && (
            <p className="error" role="alert">
              {t('access.rejected', { message: state.message })}
            </p>
          )}
          {state.status === 'not-found' && (
            <p className="error" role="alert">
              {t('access.notFound')}
            </p>
          )}
          {state.status === 'failed' && (
            <p className="error" role="alert">
              {t('access.failed', { message: state.message })}{' '}
              <button type="button" className="link" onClick={onRetry}>
                {t('documents.retry')}
              </button>
            </p>
          )}
        </section>
      </main>
    </div>
  )
}

export { errorText }

/** Which of the log, amendments and revisions panels is open: kept by the page when the document is opened afresh. */
interface PanelChoice {
  audit: boolean
  amendments: boolean
  revisions: boolean
}

/**
 * The open document's session. Normally one per page (the role and the language do not
 * reconnect); but when the server re-based the document while this tab was away, the session's
 * Y.Doc belongs to the old epoch and must never be synced again (collab/tickets.ts). Then its
 * state goes to the server to be merged (collab/offlineMerge.ts; while the server is out of
 * reach the tab stays as it is, offline, and retries), and a fresh session replaces it: a new
 * Y.Doc and a new DocumentView. The scroll position resets; the panels stay as they were.
 */
function OpenDocument({ docId, access }: { docId: string; access: DocumentAccess }) {
  const { t } = useI18n()
  const tRef = useRef(t)
  tRef.current = t
  const notices = useMemo(() => new Notices(), [])
  const [opened, setOpened] = useState<{ session: CollabSession; generation: number } | null>(null)
  const panels = useRef<PanelChoice>({ audit: false, amendments: false, revisions: false })
  // Replaced sessions, destroyed once the page no longer shows them.
  const retired = useRef<CollabSession[]>([])

  useEffect(() => {
    let live = true
    let generation = 0
    let current: CollabSession | null = null
    let merge: OfflineMerge | null = null

    const open = () => {
      const s: CollabSession = openSession(docId, {
        participant: access.participant,
        onPermissionDenied: (reason) => notices.show('denied', tRef.current('notice.denied', { reason })),
        onStale: (stale) => void rebase(s, stale.epoch),
      })
      current = s
      setOpened({ session: s, generation: ++generation })
    }

    const rebase = async (stale: CollabSession, epoch: number) => {
      let waiting: number | null = null
      merge = new OfflineMerge({
        doc: stale.ydoc,
        epoch,
        merge: (e, update) => mergeOffline(docId, e, update),
        onRetry: () => {
          waiting ??= notices.show('info', tRef.current('notice.rebaseWaiting'), { timeout: 0 })
        },
      })
      const outcome = await merge.done
      merge = null
      if (waiting !== null) notices.dismiss(waiting)
      if (!live || outcome.kind === 'cancelled') return
      showRebaseNotice(notices, tRef.current, outcome)
      retired.current.push(stale)
      open()
    }

    open()
    return () => {
      live = false
      merge?.cancel()
      current?.destroy()
      for (const s of retired.current.splice(0)) s.destroy()
      setOpened(null)
      notices.clear()
    }
  }, [docId])

  // The replaced session's view is gone once the new one is shown: its Y.Doc can go too.
  useEffect(() => {
    for (const s of retired.current.splice(0)) s.destroy()
  }, [opened])

  if (!opened) return null
  return <DocumentView key={opened.generation} docId={docId} access={access} session={opened.session} notices={notices} panels={panels.current} />
}

/** What the person reads once a stale tab was handed over and the document opened afresh. */
function showRebaseNotice(notices: Notices, t: Translate, outcome: Exclude<MergeOutcome, { kind: 'cancelled' }>): void {
  if (outcome.kind === 'merged') notices.show('info', t('notice.rebaseMerged'), { timeout: 12_000 })
  else if (outcome.kind === 'unchanged') notices.show('info', t('notice.rebaseReloaded'))
  // Those changes are gone from this tab now: the notice stays until dismissed.
  else notices.show(outcome.status === 403 ? 'denied' : 'error', t('notice.rebaseRefused', { reason: outcome.message }), { timeout: 0 })
}

function DocumentView({ docId, access, session, notices, panels }: { docId: string; access: DocumentAccess; session: CollabSession; notices: Notices; panels: PanelChoice }) {
  const { t } = useI18n()
  const controller = useMemo(() => new EditorController(), [])
  const workflow = useMemo(() => new BracketWorkflow({ docId, fragment: session.fragment, doc: () => controller.view?.state.doc ?? null }), [docId, session, controller])
  const openDrafting = useShared(session.settings, openDraftingOf)
  const role = access.role
  const facilitator = isFacilitator(role)
  const canEdit = canEditText(role, openDrafting)
  const structureAllowed = canEditBrackets(role)

  const [exporting, setExporting] = useState(false)
  const [participants, setParticipants] = useState(false)
  const [preview, setPreview] = useState(false)
  const [auditOpen, setAuditOpen] = useState(panels.audit)
  const [amendmentsOpen, setAmendmentsOpen] = useState(panels.amendments)
  const [revisionsOpen, setRevisionsOpen] = useState(panels.revisions)
  useEffect(() => {
    Object.assign(panels, { audit: auditOpen, amendments: amendmentsOpen, revisions: revisionsOpen })
  }, [panels, auditOpen, amendmentsOpen, revisionsOpen])
  const [proposing, setProposing] = useState<ProposalBasis | null>(null)
  const [revisionShown, setRevisionShown] = useState<Revision | null>(null)
  const [revisionExport, setRevisionExport] = useState<ExportSource | null>(null)
  const [comparing, setComparing] = useState<{ from: string; to: string } | null>(null)
  const [bracketPanel, setBracketPanel] = useState(loadBracketPanel)
  const toggleBracketPanel = useCallback(() => {
    setBracketPanel((open) => {
      saveBracketPanel(!open)
      return !open
    })
  }, [])

  /** Runs a server action: its error is shown with the server's message; success may offer an Undo. */
  const act = useCallback(
    async <R,>(action: () => Promise<R>, done?: (result: R) => void): Promise<R | null> => {
      try {
        const result = await action()
        done?.(result)
        return result
      } catch (e) {
        notices.show('error', t('notice.failed', { message: errorText(t, e) }))
        return null
      }
    },
    [notices, t],
  )

  // The "Undo" notice of each resolution, so that reopening it another way (audit log, keys) takes the notice away.
  const undoNotices = useRef(new Map<string, number>())
  const reopen = useCallback(
    (entry: string) =>
      act(
        () => workflow.reopen(entry),
        (r) => {
          const undo = undoNotices.current.get(entry)
          if (undo !== undefined) notices.dismiss(undo)
          const text = r.missing ? t('notice.reopenedMissing', { count: r.reopened, missing: r.missing }) : r.reopened === 1 ? t('notice.reopenedOne') : t('notice.reopened', { count: r.reopened })
          notices.show('info', text)
        },
      ),
    [act, workflow, notices, t],
  )

  const afterResolution = useCallback(
    (r: { resolved: number; entry: string }) => {
      const id = notices.show('info', r.resolved === 1 ? t('notice.resolvedOne') : t('notice.resolved', { count: r.resolved }), {
        action: { label: t('notice.undo'), run: () => void reopen(r.entry), testId: 'undo-resolution' },
      })
      undoNotices.current.set(r.entry, id)
    },
    [notices, t, reopen],
  )

  const resolveGroup = useCallback((pos: number, choice: number | null) => act(() => workflow.resolveGroup(pos, choice), afterResolution), [act, workflow, afterResolution])
  const resolveSet = useCallback((key: string, choose: string) => act(() => workflow.resolveSet(key, choose), afterResolution), [act, workflow, afterResolution])
  const setAdRef = useCallback(
    (pos: number, on: boolean) => act(() => workflow.setAdRef(pos, on), () => notices.show('info', on ? t('notice.adRef') : t('notice.adRefCleared'))),
    [act, workflow, notices, t],
  )
  const normalise = useCallback((pos: number) => act(() => workflow.normalise(pos), () => notices.show('info', t('notice.normalised'))), [act, workflow, notices, t])

  // Page-wide keys: the navigator, and the bracket workflow (moving for everyone, deciding for facilitators).
  const keys = useRef({ facilitator, resolveGroup, setAdRef, reopen })
  keys.current = { facilitator, resolveGroup, setAdRef, reopen }
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (matchesKey(e, BRACKET_PANEL_KEY)) {
        e.preventDefault()
        toggleBracketPanel()
        return
      }
      const key = bracketKeyOf(e)
      const view = controller.view
      if (!key || !view) return
      // Typing in a form field (the invitation dialog) keeps its keys.
      const target = e.target as HTMLElement | null
      if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT')) return
      const k = keys.current
      if (key.kind === 'next' || key.kind === 'previous') {
        e.preventDefault()
        const pos = adjacentGroup(view.state, key.kind === 'next' ? 1 : -1)
        const tr = pos === null ? null : selectGroupTr(view.state, pos)
        if (tr) {
          view.dispatch(tr)
          view.focus()
        } else notices.show('info', t('notice.noBrackets'))
        return
      }
      if (!k.facilitator) return
      e.preventDefault()
      if (key.kind === 'reopenLast') {
        if (workflow.lastResolution) void k.reopen(workflow.lastResolution)
        else notices.show('info', t('notice.nothingToReopen'))
        return
      }
      const group = currentGroup(view.state)
      if (!group) {
        notices.show('info', t('notice.noCurrentGroup'))
        return
      }
      if (key.kind === 'choose') void k.resolveGroup(group.pos, key.index)
      else if (key.kind === 'drop') void k.resolveGroup(group.pos, null)
      else if (key.kind === 'adRef') void k.setAdRef(group.pos, group.node.attrs.adRef !== true)
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [toggleBracketPanel, controller, workflow, notices, t])

  const notify = useCallback((text: string) => void notices.show('info', text), [notices])
  const delegation = role === 'delegation' && !!access.participant.state
  const propose = useCallback(() => {
    const view = controller.view
    if (view) setProposing(proposalBasis(view))
  }, [controller])
  const exportRevision = useCallback(
    (revision: Revision, doc: PMNode | null = null) =>
      setRevisionExport({
        name: revision.number === 0 ? t('rev.initial') : revision.name,
        doc,
        fetch: (format, mode) => fetchRevisionExport(docId, revision.id, format, mode),
      }),
    [docId, t],
  )

  const onStructureBlocked = useCallback(() => notices.show('denied', t('notice.structureBlocked')), [notices, t])
  const hooks = useMemo(() => ({ access, workflow }), [access, workflow])

  const title = useSyncExternalStore(controller.subscribe, () => titleOf(controller))
  useEffect(() => {
    document.title = `${title || t('editor.untitled')} · ${t('app.name')}`
  }, [title, t])

  return (
    <div className="page editor-page" data-role={role}>
      <AppBar
        tools={
          <>
            <RoleBadge access={access} />
            <PresenceList awareness={session.provider.awareness} />
            <OpenDraftingSwitch docId={docId} on={openDrafting} facilitator={facilitator} onError={(e) => notices.show('error', t('notice.failed', { message: errorText(t, e) }))} />
            <ConnectionBadge monitor={session.connection} />
            <button type="button" className="participants-button" onClick={() => setParticipants(true)} data-testid="participants-button" title={t('participants.button.title')}>
              {t('participants.button')}
            </button>
            <button type="button" className="export-button" title={t('export.button.title')} onClick={() => setExporting(true)}>
              {t('export.button')}
            </button>
            <HelpPopover />
          </>
        }
      >
        <a className="back" href="/" onClick={followLink({ name: 'documents' })}>
          <span aria-hidden="true">←</span> {t('editor.back')}
        </a>
        <span className="doc-title" title={title}>
          {title}
        </span>
      </AppBar>
      <Toolbar
        controller={controller}
        role={role}
        bracketPanel={bracketPanel}
        onToggleBracketPanel={toggleBracketPanel}
        auditPanel={auditOpen}
        onToggleAuditPanel={() => {
          setAuditOpen((o) => !o)
          setAmendmentsOpen(false)
          setRevisionsOpen(false)
        }}
        onPreview={() => setPreview(true)}
        amendmentsPanel={amendmentsOpen}
        onToggleAmendmentsPanel={() => {
          // One of the log, the amendments and the revisions at a time, beside the navigator.
          setAmendmentsOpen((o) => !o)
          setRevisionsOpen(false)
          setAuditOpen(false)
        }}
        revisionsPanel={revisionsOpen}
        onToggleRevisionsPanel={() => {
          setRevisionsOpen((o) => !o)
          setAmendmentsOpen(false)
          setAuditOpen(false)
        }}
        onPropose={delegation ? propose : null}
        readOnlyNote={canEdit ? null : role === 'observer' ? t('readOnly.observer') : t('readOnly.delegation')}
      />
      <div className="editor-body">
        <TreatyEditor session={session} controller={controller} canEdit={canEdit} structureAllowed={structureAllowed} onStructureBlocked={onStructureBlocked} hooks={hooks} />
        {(bracketPanel || auditOpen || amendmentsOpen || revisionsOpen) && (
          <div className="side-panels">
            {bracketPanel && (
              <BracketPanel
                controller={controller}
                facilitator={facilitator}
                onClose={toggleBracketPanel}
                onResolveGroup={resolveGroup}
                onResolveSet={resolveSet}
                onAdRef={setAdRef}
                onNormalise={normalise}
              />
            )}
            {amendmentsOpen && (
              <AmendmentsPanel
                docId={docId}
                session={session}
                controller={controller}
                access={access}
                act={act}
                notify={notify}
                onPropose={delegation ? propose : null}
                onClose={() => setAmendmentsOpen(false)}
              />
            )}
            {revisionsOpen && (
              <RevisionsPanel
                docId={docId}
                session={session}
                facilitator={facilitator}
                act={act}
                notify={notify}
                onOpen={setRevisionShown}
                onExport={(r) => exportRevision(r)}
                onCompare={(from, to) => setComparing({ from, to })}
                onClose={() => setRevisionsOpen(false)}
              />
            )}
            {auditOpen && <AuditPanel session={session} facilitator={facilitator} onReopen={reopen} onClose={() => setAuditOpen(false)} />}
          </div>
        )}
      </div>
      <NoticeStack notices={notices} />
      {exporting && <ExportDialog docId={docId} controller={controller} onClose={() => setExporting(false)} />}
      {participants && <ParticipantsDialog docId={docId} access={access} openDrafting={openDrafting} onClose={() => setParticipants(false)} />}
      {preview && <PreviewDialog controller={controller} onClose={() => setPreview(false)} />}
      {proposing && (
        <ProposeDialog
          docId={docId}
          access={access}
          basis={proposing}
          onClose={() => setProposing(null)}
          onProposed={(_id, warning) => {
            notices.show('info', warning ? t('propose.warning', { message: warning }) : t('amend.proposed'))
            setAmendmentsOpen(true)
            setRevisionsOpen(false)
            setAuditOpen(false)
          }}
        />
      )}
      {revisionShown && <RevisionDialog docId={docId} revision={revisionShown} onExport={exportRevision} onClose={() => setRevisionShown(null)} />}
      {revisionExport && <ExportDialog docId={docId} controller={controller} source={revisionExport} onClose={() => setRevisionExport(null)} />}
      {comparing && <CompareDialog docId={docId} from={comparing.from} to={comparing.to} onClose={() => setComparing(null)} />}
    </div>
  )
}

function titleOf(controller: EditorController): string {
  const treaty = controller.view?.state.doc.firstChild
  const first = treaty?.firstChild
  return first && first.type.name === 'title' ? first.textContent : ''
}
