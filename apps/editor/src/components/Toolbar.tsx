import { Fragment, useSyncExternalStore } from 'react'
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
 * every keystroke.
 */
export function Toolbar({ controller, bracketPanel, onToggleBracketPanel }: { controller: EditorController; bracketPanel: boolean; onToggleBracketPanel: () => void }) {
  const { t } = useI18n()
  const enabled = useSyncExternalStore(controller.subscribe, () => ACTIONS.map((a) => (controller.can(a.command) ? '1' : '0')).join(''))
  let group: EditorAction['group'] | null = null
  return (
    <div className="toolbar" role="toolbar" aria-label={t('toolbar.label')}>
      {ACTIONS.map((action, i) => {
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
    </div>
  )
}
