import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from 'react'
import { openSession, type CollabSession } from '../collab/session'
import { BRACKET_PANEL_KEY, matchesKey } from '../editor/actions'
import { EditorController } from '../editor/EditorController'
import { useI18n } from '../i18n/I18n'
import { followLink } from '../route'
import { loadBracketPanel, saveBracketPanel, type UserIdentity } from '../settings'
import { useUser } from '../UserContext'
import { AppBar } from './AppBar'
import { BracketPanel } from './BracketPanel'
import { ConnectionBadge } from './ConnectionBadge'
import { ExportDialog } from './ExportDialog'
import { HelpPopover } from './HelpPopover'
import { NamePrompt } from './NamePrompt'
import { PresenceList } from './PresenceList'
import { Toolbar } from './Toolbar'
import { TreatyEditor } from './TreatyEditor'

/** One document open for editing. Asks the person's name first, once per browser. */
export function EditorPage({ docId }: { docId: string }) {
  const { user, setName } = useUser()
  if (!user) {
    return (
      <div className="page">
        <AppBar />
        <NamePrompt onSave={setName} />
      </div>
    )
  }
  return <OpenDocument docId={docId} user={user} onRename={setName} />
}

function OpenDocument({ docId, user, onRename }: { docId: string; user: UserIdentity; onRename: (name: string) => void }) {
  const { t } = useI18n()
  const [session, setSession] = useState<CollabSession | null>(null)
  const [renaming, setRenaming] = useState(false)
  const [exporting, setExporting] = useState(false)
  const controller = useMemo(() => new EditorController(), [])
  const [bracketPanel, setBracketPanel] = useState(loadBracketPanel)
  const toggleBracketPanel = useCallback(() => {
    setBracketPanel((open) => {
      saveBracketPanel(!open)
      return !open
    })
  }, [])
  // The navigator's shortcut works wherever the focus is: the chair may be in the panel itself.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (matchesKey(e, BRACKET_PANEL_KEY)) {
        e.preventDefault()
        toggleBracketPanel()
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [toggleBracketPanel])

  // The session lives as long as the page shows this document: a new name only updates
  // awareness (below), it does not reconnect, so `user` is deliberately not a dependency.
  useEffect(() => {
    const s = openSession(docId, user)
    setSession(s)
    return () => {
      s.destroy()
      setSession(null)
    }
  }, [docId])
  useEffect(() => {
    session?.provider.awareness.setLocalStateField('user', { name: user.name, color: user.color })
  }, [session, user])

  const title = useSyncExternalStore(controller.subscribe, () => titleOf(controller))
  useEffect(() => {
    document.title = `${title || t('editor.untitled')} · ${t('app.name')}`
  }, [title, t])

  return (
    <div className="page editor-page">
      <AppBar
        tools={
          session && (
            <>
              <PresenceList awareness={session.provider.awareness} onRename={() => setRenaming(true)} />
              <ConnectionBadge monitor={session.connection} />
              <button type="button" className="export-button" title={t('export.button.title')} onClick={() => setExporting(true)}>
                {t('export.button')}
              </button>
              <HelpPopover />
            </>
          )
        }
      >
        <a className="back" href="/" onClick={followLink({ name: 'documents' })}>
          <span aria-hidden="true">←</span> {t('editor.back')}
        </a>
        <span className="doc-title" title={title}>
          {title}
        </span>
      </AppBar>
      <Toolbar controller={controller} bracketPanel={bracketPanel} onToggleBracketPanel={toggleBracketPanel} />
      <div className="editor-body">
        {session && <TreatyEditor session={session} controller={controller} />}
        {session && bracketPanel && <BracketPanel controller={controller} onClose={toggleBracketPanel} />}
      </div>
      {exporting && <ExportDialog docId={docId} controller={controller} onClose={() => setExporting(false)} />}
      {renaming && (
        <NamePrompt
          initial={user.name}
          onSave={(name) => {
            onRename(name)
            setRenaming(false)
          }}
          onCancel={() => setRenaming(false)}
        />
      )}
    </div>
  )
}

function titleOf(controller: EditorController): string {
  const treaty = controller.view?.state.doc.firstChild
  const first = treaty?.firstChild
  return first && first.type.name === 'title' ? first.textContent : ''
}
