/**
 * Per-browser preferences in localStorage. Each reader tolerates a missing, blocked or
 * malformed store (private windows, kiosk browsers): a preference that cannot be read falls
 * back to its default and the app carries on.
 */
const KEYS = {
  uiLanguage: 'accord.uiLanguage',
  projector: 'accord.projector',
  bracketPanel: 'accord.bracketPanel',
} as const

function read(key: string): string | null {
  try {
    return globalThis.localStorage?.getItem(key) ?? null
  } catch {
    return null
  }
}

function write(key: string, value: string): void {
  try {
    globalThis.localStorage?.setItem(key, value)
  } catch {
    // Storage full or blocked: the preference lasts for this page only.
  }
}

/** Cursor colours (the server picks each participant's; this tab's own chip uses the same palette): distinct, dark enough for white name labels, none of them the bracket red. */
export const USER_COLORS = ['#1d4ed8', '#047857', '#7c3aed', '#b45309', '#0e7490', '#be185d', '#4d7c0f', '#9333ea', '#c2410c', '#0f766e'] as const

export function colorFor(name: string): string {
  let h = 0
  for (const ch of name) h = (h * 31 + ch.codePointAt(0)!) >>> 0
  return USER_COLORS[h % USER_COLORS.length]
}

export const loadUiLanguage = (): string | null => read(KEYS.uiLanguage)
export const saveUiLanguage = (lang: string): void => write(KEYS.uiLanguage, lang)
export const loadProjector = (): boolean => read(KEYS.projector) === 'true'
export const saveProjector = (on: boolean): void => write(KEYS.projector, String(on))
export const loadBracketPanel = (): boolean => read(KEYS.bracketPanel) === 'true'
export const saveBracketPanel = (open: boolean): void => write(KEYS.bracketPanel, String(open))
