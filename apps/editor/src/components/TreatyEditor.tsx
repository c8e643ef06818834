import { useEffect, useRef, useSyncExternalStore } from 'react'
import type { CollabSession } from '../collab/session'
import { describeAmendment, kindMark } from '../editor/amendmentList'
import { refreshAmendments, type AmendmentWords } from '../editor/amendmentPlugin'
import { createTreatyEditor } from '../editor/createEditor'
import type { EditorController } from '../editor/EditorController'
import { installTestHooks, type TestHookExtras } from '../editor/testHooks'
import { useI18n } from '../i18n/I18n'

/**
 * The treaty on its page. The text becomes editable once the document has arrived from the
 * server the first time, and only for those who may edit it (`canEdit`: the role, and for a
 * delegation the open-drafting switch, which can change at any moment); after that it stays
 * editable through disconnections. Changes to the bracket structure are kept to those who may
 * make them (`structureAllowed`).
 */
export function TreatyEditor({
  session,
  controller,
  canEdit,
  structureAllowed,
  onStructureBlocked,
  hooks,
}: {
  session: CollabSession
  controller: EditorController
  canEdit: boolean
  structureAllowed: boolean
  onStructureBlocked: () => void
  hooks: TestHookExtras
}) {
  const { t } = useI18n()
  const mount = useRef<HTMLDivElement>(null)
  const connection = useSyncExternalStore(session.connection.subscribe, session.connection.getState)
  const ready = useRef(connection.everSynced)
  ready.current = connection.everSynced
  const may = useRef({ canEdit, structureAllowed, onStructureBlocked, hooks })
  may.current = { canEdit, structureAllowed, onStructureBlocked, hooks }
  const editable = () => ready.current && may.current.canEdit
  const label = t('editor.label')
  const words = useRef<AmendmentWords | null>(null)
  words.current = { describe: (a) => describeAmendment(t, a), mark: (a) => kindMark(a.kind) }

  useEffect(() => {
    const view = createTreatyEditor(mount.current!, session, controller, {
      editable,
      label,
      structureAllowed: () => may.current.structureAllowed,
      onStructureBlocked: () => may.current.onStructureBlocked(),
      amendmentWords: () => words.current!,
    })
    const uninstall = installTestHooks(view, session, () => may.current.hooks)
    controller.notify()
    return () => {
      uninstall()
      view.destroy()
      controller.view = null
      controller.notify()
    }
    // One view per session: the label and editability are updated below without rebuilding it.
  }, [session, controller])

  useEffect(() => {
    const view = controller.view
    if (!view) return
    view.setProps({ editable, attributes: { 'aria-label': label, spellcheck: 'false', class: 'treaty-editor', 'data-editable': String(editable()) } })
    controller.notify()
  }, [connection.everSynced, canEdit, label, controller])

  // The amendments' tooltips are in the interface language.
  useEffect(() => {
    if (controller.view) refreshAmendments(controller.view)
  }, [t, controller])

  return (
    <main className="paper-wrap">
      <div className="paper" data-ready={connection.everSynced}>
        {!connection.everSynced && (
          <p className="paper-loading muted" role="status">
            {connection.phase === 'closed' ? (connection.closedCode === 4403 ? t('editor.revoked', { reason: connection.closedReason ?? '' }) : t('editor.notFound', { reason: connection.closedReason ?? '' })) : t('editor.loading')}
          </p>
        )}
        <div ref={mount} className="paper-text" />
      </div>
    </main>
  )
}
