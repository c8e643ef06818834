import { useEffect, useRef, useSyncExternalStore } from 'react'
import type { CollabSession } from '../collab/session'
import { createTreatyEditor } from '../editor/createEditor'
import type { EditorController } from '../editor/EditorController'
import { installTestHooks } from '../editor/testHooks'
import { useI18n } from '../i18n/I18n'

/**
 * The treaty on its page. The text becomes editable once the document has arrived from the
 * server the first time; after that it stays editable through disconnections.
 */
export function TreatyEditor({ session, controller }: { session: CollabSession; controller: EditorController }) {
  const { t } = useI18n()
  const mount = useRef<HTMLDivElement>(null)
  const connection = useSyncExternalStore(session.connection.subscribe, session.connection.getState)
  const ready = useRef(connection.everSynced)
  ready.current = connection.everSynced
  const label = t('editor.label')

  useEffect(() => {
    const view = createTreatyEditor(mount.current!, session, controller, { editable: () => ready.current, label })
    const uninstall = installTestHooks(view, session)
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
    view.setProps({ editable: () => ready.current, attributes: { 'aria-label': label, spellcheck: 'false', class: 'treaty-editor' } })
    controller.notify()
  }, [connection.everSynced, label, controller])

  return (
    <main className="paper-wrap">
      <div className="paper" data-ready={connection.everSynced}>
        {!connection.everSynced && (
          <p className="paper-loading muted" role="status">
            {connection.phase === 'closed' ? t('editor.notFound', { reason: connection.closedReason ?? '' }) : t('editor.loading')}
          </p>
        )}
        <div ref={mount} className="paper-text" />
      </div>
    </main>
  )
}
