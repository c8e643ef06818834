import { en, type MessageKey, type Messages } from './en'
import { zh } from './zh'

/**
 * Interface languages. Adding one of the other UN languages is: a catalogue file typed
 * `Messages`, an entry here and in `LANGUAGE_NAMES`. (The treaty's own language is separate:
 * it is the `lang` attribute of the document.)
 */
export const UI_LANGUAGES = ['en', 'zh'] as const
export type UiLanguage = (typeof UI_LANGUAGES)[number]

export const CATALOGUES: Record<UiLanguage, Messages> = { en, zh }

/** Each language's name in itself, as the switch shows it. */
export const LANGUAGE_NAMES: Record<UiLanguage, string> = { en: 'English', zh: '中文' }

export type Params = Record<string, string | number>
export type Translate = (key: MessageKey, params?: Params) => string

export function isUiLanguage(value: unknown): value is UiLanguage {
  return typeof value === 'string' && (UI_LANGUAGES as readonly string[]).includes(value)
}

/** Fills `{name}` placeholders; a placeholder without a value stays visible rather than vanishing. */
export function format(template: string, params?: Params): string {
  if (!params) return template
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole))
}

export function translator(lang: UiLanguage): Translate {
  const messages = CATALOGUES[lang]
  return (key, params) => format(messages[key] ?? en[key], params)
}

/** The stored choice, else the browser's first supported language, else English. */
export function initialLanguage(stored: string | null, preferred: readonly string[]): UiLanguage {
  if (isUiLanguage(stored)) return stored
  for (const tag of preferred) {
    const base = tag.toLowerCase().split('-')[0]
    if (isUiLanguage(base)) return base
  }
  return 'en'
}

export type { MessageKey, Messages }
