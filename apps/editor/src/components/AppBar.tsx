import { useEffect, useState, type ReactNode } from 'react'
import { LANGUAGE_NAMES, UI_LANGUAGES } from '../i18n/catalogue'
import { useI18n } from '../i18n/I18n'
import { followLink } from '../route'
import { loadProjector, saveProjector } from '../settings'

/** The bar across the top of every page: the name, what the page adds, and the interface settings. */
export function AppBar({ children, tools }: { children?: ReactNode; tools?: ReactNode }) {
  const { t } = useI18n()
  return (
    <header className="app-bar">
      <a className="brand" href="/" onClick={followLink({ name: 'documents' })} aria-label={t('app.name')}>
        <span className="brand-mark" aria-hidden="true">
          [ ]
        </span>
        <span className="brand-name">{t('app.name')}</span>
      </a>
      <div className="app-bar-main">{children}</div>
      <div className="app-bar-tools">
        {tools}
        <ProjectorToggle />
        <LanguageSwitch />
      </div>
    </header>
  )
}

function LanguageSwitch() {
  const { lang, setLang, t } = useI18n()
  return (
    <div className="segmented" role="group" aria-label={t('settings.language')}>
      {UI_LANGUAGES.map((l) => (
        <button key={l} type="button" lang={l} aria-pressed={l === lang} onClick={() => setLang(l)}>
          {LANGUAGE_NAMES[l]}
        </button>
      ))}
    </div>
  )
}

/** Projector mode: larger type and stronger contrast for the screen at the front of the room. Remembered per browser. */
function ProjectorToggle() {
  const { t } = useI18n()
  const [on, setOn] = useState(loadProjector)
  useEffect(() => {
    document.documentElement.classList.toggle('projector', on)
    saveProjector(on)
  }, [on])
  return (
    <button type="button" className="toggle" aria-pressed={on} title={t('settings.projector.title')} onClick={() => setOn(!on)}>
      <svg className="toggle-icon" viewBox="0 0 16 16" aria-hidden="true">
        <rect x="1.5" y="2.5" width="13" height="8.5" rx="1" fill="none" stroke="currentColor" strokeWidth="1.4" />
        <path d="M8 11v2.5M5 14h6" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" />
      </svg>
      {t('settings.projector')}
    </button>
  )
}
