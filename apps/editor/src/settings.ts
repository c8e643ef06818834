/**
 * Per-browser preferences in localStorage. Each reader tolerates a missing, blocked or
 * malformed store (private windows, kiosk browsers): a preference that cannot be read falls
 * back to its default and the app carries on.
 */
const KEYS = {
  uiLanguage: 'accord.uiLanguage',
  user: 'accord.user',
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

/** Who this person is to the others in a document: shown beside their cursor. `color` is #rrggbb (y-prosemirror requires six hex digits). */
export interface UserIdentity {
  name: string
  color: string
}

/** Cursor colours: distinct, dark enough for white name labels, none of them the bracket red. */
export const USER_COLORS = ['#1d4ed8', '#047857', '#7c3aed', '#b45309', '#0e7490', '#be185d', '#4d7c0f', '#9333ea', '#c2410c', '#0f766e'] as const

export function colorFor(name: string): string {
  let h = 0
  for (const ch of name) h = (h * 31 + ch.codePointAt(0)!) >>> 0
  return USER_COLORS[h % USER_COLORS.length]
}

export function loadUser(): UserIdentity | null {
  const raw = read(KEYS.user)
  if (!raw) return null
  try {
    const v = JSON.parse(raw) as Partial<UserIdentity>
    if (typeof v.name === 'string' && v.name.trim() && typeof v.color === 'string' && /^#[0-9a-f]{6}$/i.test(v.color)) {
      return { name: v.name.trim().slice(0, 80), color: v.color }
    }
  } catch {
    // Malformed: ask again.
  }
  return null
}

export function saveUser(name: string): UserIdentity {
  const user = { name: name.trim().slice(0, 80), color: colorFor(name.trim()) }
  write(KEYS.user, JSON.stringify(user))
  return user
}

export const loadUiLanguage = (): string | null => read(KEYS.uiLanguage)
export const saveUiLanguage = (lang: string): void => write(KEYS.uiLanguage, lang)
export const loadProjector = (): boolean => read(KEYS.projector) === 'true'
export const saveProjector = (on: boolean): void => write(KEYS.projector, String(on))
export const loadBracketPanel = (): boolean => read(KEYS.bracketPanel) === 'true'
export const saveBracketPanel = (open: boolean): void => write(KEYS.bracketPanel, String(open))
