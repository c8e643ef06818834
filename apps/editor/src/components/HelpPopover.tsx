import { useEffect, useRef, useState } from 'react'
import { ACTIONS, displayKeys, HELP_KEY, OTHER_SHORTCUTS } from '../editor/actions'
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
