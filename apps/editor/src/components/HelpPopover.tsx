import { useEffect, useRef, useState } from 'react'
import { ACTIONS, displayKeys, HELP_KEY, OTHER_SHORTCUTS } from '../editor/actions'
import { AD_REF_KEY, DROP_KEY, NEXT_BRACKET_KEY, PREVIOUS_BRACKET_KEY, REOPEN_LAST_KEY } from '../editor/bracketKeys'
import { useI18n } from '../i18n/I18n'

/** The keyboard shortcuts and what the marks in the text mean. Opens with its button or Ctrl+/ (⌘/). */
export function HelpPopover() {
  const { t } = useI18n()
  const [open, setOpen] = useState(false)
  const panel = useRef<HTMLDivElement>(null)

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key === '/') {
        e.preventDefault()
        setOpen((o) => !o)
      } else if (e.key === 'Escape') setOpen(false)
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])
  useEffect(() => {
    if (!open) return
    const onDown = (e: MouseEvent) => {
      if (panel.current && !panel.current.parentElement!.contains(e.target as Node)) setOpen(false)
    }
    document.addEventListener('mousedown', onDown)
    return () => document.removeEventListener('mousedown', onDown)
  }, [open])

  const rows = [
    ...ACTIONS.map((a) => ({ keys: a.keys.map((k) => displayKeys(k)), help: a.help })),
    ...OTHER_SHORTCUTS.map((s) => ({ keys: [displayKeys(s.keys)], help: s.help })),
  ]
  // The bracket workflow: moving is for everyone, deciding for facilitators (the server checks).
  const bracketRows = [
    { keys: [displayKeys(NEXT_BRACKET_KEY), displayKeys(PREVIOUS_BRACKET_KEY)], help: 'help.nextBracket' as const },
    { keys: [`${displayKeys('Alt-1')}…9`], help: 'help.chooseAlternative' as const },
    { keys: [displayKeys(DROP_KEY)], help: 'help.dropGroup' as const },
    { keys: [displayKeys(AD_REF_KEY)], help: 'help.adRef' as const },
    { keys: [displayKeys(REOPEN_LAST_KEY)], help: 'help.reopenLast' as const },
  ]

  return (
    <div className="help">
      <button type="button" className="icon-button" aria-expanded={open} aria-haspopup="dialog" title={`${t('help.button')} (${displayKeys(HELP_KEY)})`} onClick={() => setOpen(!open)}>
        ?
      </button>
      {open && (
        <div ref={panel} className="popover" role="dialog" aria-label={t('help.title')}>
          <div className="popover-head">
            <h2>{t('help.title')}</h2>
            <button type="button" className="icon-button" onClick={() => setOpen(false)} aria-label={t('help.close')}>
              ×
            </button>
          </div>
          <table className="shortcuts">
            <tbody>
              {rows.map((r) => (
                <tr key={r.help}>
                  <td className="keys">
                    {r.keys.map((k, i) => (
                      <span key={k}>
                        {i > 0 && ' / '}
                        <kbd>{k}</kbd>
                      </span>
                    ))}
                  </td>
                  <td>{t(r.help)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>{t('help.bracketKeys')}</h3>
          <table className="shortcuts" data-testid="help-bracket-keys">
            <tbody>
              {bracketRows.map((r) => (
                <tr key={r.help}>
                  <td className="keys">
                    {r.keys.map((k, i) => (
                      <span key={k}>
                        {i > 0 && ' / '}
                        <kbd>{k}</kbd>
                      </span>
                    ))}
                  </td>
                  <td>{t(r.help)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>{t('help.legend')}</h3>
          <dl className="legend treaty-marks">
            <dt>
              <span className="bracket">
                <span className="alternative">shall</span>
              </span>
            </dt>
            <dd>{t('help.legend.bracket')}</dd>
            <dt>
              <span className="bracket">
                <span className="alternative">议定书</span>
                <span className="alternative">协议</span>
              </span>
            </dt>
            <dd>{t('help.legend.alternatives')}</dd>
            <dt>
              <span className="bracket" data-ad-ref="true">
                <span className="alternative">shall</span>
              </span>
            </dt>
            <dd>{t('help.legend.adRef')}</dd>
            <dt>
              <span className="note">(摘自…)</span>
            </dt>
            <dd>{t('help.legend.note')}</dd>
            <dt>
              <span className="placeholder" data-curly="false">
                X date
              </span>
            </dt>
            <dd>{t('help.legend.placeholder')}</dd>
          </dl>
        </div>
      )}
    </div>
  )
}
