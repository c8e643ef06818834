import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react'
import { loadUiLanguage, saveUiLanguage } from '../settings'
import { initialLanguage, translator, type Translate, type UiLanguage } from './catalogue'

interface I18nValue {
  lang: UiLanguage
  setLang: (lang: UiLanguage) => void
  t: Translate
}

const I18nContext = createContext<I18nValue | null>(null)

/** Provides the interface language; the choice is remembered in this browser. */
export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<UiLanguage>(() => initialLanguage(loadUiLanguage(), globalThis.navigator?.languages ?? []))
  const setLang = useCallback((next: UiLanguage) => {
    saveUiLanguage(next)
    setLangState(next)
  }, [])
  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-Hans' : lang
  }, [lang])
  const value = useMemo(() => ({ lang, setLang, t: translator(lang) }), [lang, setLang])
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>
}

export function useI18n(): I18nValue {
  const value = useContext(I18nContext)
  if (!value) throw new Error('useI18n must be used inside <I18nProvider>')
  return value
}
