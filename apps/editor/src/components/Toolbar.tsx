import { Fragment, useEffect, useRef, useSyncExternalStore } from 'react'
import type { Role } from '../auth/tokens'
import { offersAction } from '../auth/roles'
import { ACTIONS, BRACKET_PANEL_KEY, displayKeys, type EditorAction } from '../editor/actions'
import type { EditorController } from '../editor/EditorController'
import { useI18n } from '../i18n/I18n'

const ICONS: Record<string, string> = {
  undo: '↶',
  redo: '↷',
  addArticle: '§+',
  addParagraph: '¶+',
  outdent: '⇤',
  indent: '⇥',
  bracket: '[ ]',
  alternative: '[+]',
}

/**
 * The editing toolbar. A button is enabled when its command's dry run says it applies at the
 * cursor; the enabled set is one string, so React re-renders only when it changes, not on
 * every keystroke. Bracket-structure actions are offered to facilitators only; a read-only
 * text says why it is read-only.
 */
export function Toolbar({
  controller,
  role,
  bracketPanel,
  onToggleBracketPanel,
  auditPanel,
  onToggleAuditPanel,
  onPreview,
  amendmentsPanel,
  onToggleAmendmentsPanel,
  revisionsPanel,
  onToggleRevisionsPanel,
  onPropose,
  readOnlyNote,
}: {
  controller: EditorController
  role: Role
  bracketPanel: boolean
  onToggleBracketPanel: () => void
  auditPanel: boolean
  onToggleAuditPanel: () => void
  onPreview: () => void
  amendmentsPanel: boolean
  onToggleAmendmentsPanel: () => void
  revisionsPanel: boolean
  onToggleRevisionsPanel: () => void
  /** A delegation proposes an amendment on the selection; null for the others. */
  onPropose: (() => void) | null
  readOnlyNote: string | null
}) {
  const { t } = useI18n()
  const actions = ACTIONS.filter((a) => offersAction(role, a.id))
  const enabled = useSyncExternalStore(controller.subscribe, () => actions.map((a) => (controller.can(a.command) ? '1' : '0')).join(''))
  let group: EditorAction['group'] | null = null
  // The side panels stick below the toolbar, which wraps onto more lines on narrow screens.
  const bar = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const el = bar.current
    if (!el || typeof ResizeObserver === 'undefined') return
    const root = document.documentElement
    const observer = new ResizeObserver(() => root.style.setProperty('--toolbar-height', `${el.offsetHeight}px`))
    observer.observe(el)
    return () => {
      observer.disconnect()
      root.style.removeProperty('--toolbar-height')
    }
  }, [])
  return (
    <div ref={bar} className="toolbar" role="toolbar" aria-label={t('toolbar.label')}>
      {actions.map((action, i) => {
        const separator = group !== null && group !== action.group
        group = action.group
        const keys = displayKeys(action.keys[0])
        return (
          <Fragment key={action.id}>
            {separator && <span className="toolbar-sep" aria-hidden="true" />}
            <button
              type="button"
              className={`tool tool-${action.id}`}
              data-action={action.id}
              disabled={enabled[i] !== '1'}
              title={`${t(action.title)} (${keys})`}
              aria-keyshortcuts={action.keys[0].replace('Mod', 'Control').replace(/-(?!$)/g, '+')}
              // Keep the selection in the text: a mousedown on a button would take the focus.
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => controller.run(action.command)}
            >
              <span className={`tool-icon tool-icon-${action.group}`} aria-hidden="true">
                {ICONS[action.id]}
              </span>
              <span className="tool-label">{t(action.label)}</span>
            </button>
          </Fragment>
        )
      })}
      <span className="toolbar-sep" aria-hidden="true" />
      <button
        type="button"
        className="tool tool-bracketPanel"
        data-action="bracketPanel"
        aria-pressed={bracketPanel}
        title={`${t('toolbar.brackets.title')} (${displayKeys(BRACKET_PANEL_KEY)})`}
        aria-keyshortcuts={BRACKET_PANEL_KEY.replace('Mod', 'Control').replace(/-(?!$)/g, '+')}
        onMouseDown={(e) => e.preventDefault()}
        onClick={onToggleBracketPanel}
      >
        <span className="tool-icon tool-icon-brackets" aria-hidden="true">
          [≡]
        </span>
        <span className="tool-label">{t('toolbar.brackets')}</span>
      </button>
      <button type="button" className="tool tool-audit" data-action="auditPanel" data-testid="audit-button" aria-pressed={auditPanel} title={t('toolbar.audit.title')} onMouseDown={(e) => e.preventDefault()} onClick={onToggleAuditPanel}>
        <span className="tool-label">{t('toolbar.audit')}</span>
      </button>
      <button type="button" className="tool tool-preview" data-action="preview" data-testid="preview-button" title={t('toolbar.preview.title')} onClick={onPreview}>
        <span className="tool-label">{t('toolbar.preview')}</span>
      </button>
      <span className="toolbar-sep" aria-hidden="true" />
      {onPropose && (
        <button type="button" className="tool tool-propose" data-action="propose" data-testid="propose-button" title={t('toolbar.propose.title')} onMouseDown={(e) => e.preventDefault()} onClick={onPropose}>
          <span className="tool-label">{t('toolbar.propose')}</span>
        </button>
      )}
      <button
        type="button"
        className="tool tool-amendments"
        data-action="amendmentsPanel"
        data-testid="amendments-button"
        aria-pressed={amendmentsPanel}
        title={t('toolbar.amendments.title')}
        onMouseDown={(e) => e.preventDefault()}
        onClick={onToggleAmendmentsPanel}
      >
        <span className="tool-label">{t('toolbar.amendments')}</span>
      </button>
      <button
        type="button"
        className="tool tool-revisions"
        data-action="revisionsPanel"
        data-testid="revisions-button"
        aria-pressed={revisionsPanel}
        title={t('toolbar.revisions.title')}
        onMouseDown={(e) => e.preventDefault()}
        onClick={onToggleRevisionsPanel}
      >
        <span className="tool-label">{t('toolbar.revisions')}</span>
      </button>
      {readOnlyNote && (
        <span className="read-only-note" data-testid="read-only-note" role="note">
          {readOnlyNote}
        </span>
      )}
    </div>
  )
}
