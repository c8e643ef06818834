import { matchesKey } from './actions'

/**
 * The facilitator's keyboard: page-wide shortcuts (they work in the text, in the navigator and
 * in the audit log). Resolving goes to the server, so these are not editor commands.
 */
export const NEXT_BRACKET_KEY = 'Alt-ArrowDown'
export const PREVIOUS_BRACKET_KEY = 'Alt-ArrowUp'
/** Alt+1 … Alt+9: keep that alternative of the current group. */
export const CHOOSE_KEY_PREFIX = 'Alt-'
/** Alt+0: drop the current group (a single bracket). */
export const DROP_KEY = 'Alt-0'
export const REOPEN_LAST_KEY = 'Mod-Alt-z'
export const AD_REF_KEY = 'Alt-r'

export type BracketKey = { kind: 'next' } | { kind: 'previous' } | { kind: 'choose'; index: number } | { kind: 'drop' } | { kind: 'reopenLast' } | { kind: 'adRef' }

/** What a keydown means for the bracket workflow, or null. Digits are read from `code` too, so that Alt+1 on a Mac (which types ¡) still counts. */
export function bracketKeyOf(e: Pick<KeyboardEvent, 'key' | 'code' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>, mac?: boolean): BracketKey | null {
  if (matchesKey(e, NEXT_BRACKET_KEY, mac)) return { kind: 'next' }
  if (matchesKey(e, PREVIOUS_BRACKET_KEY, mac)) return { kind: 'previous' }
  // Not `{...e}`: a KeyboardEvent's fields are getters on its prototype, which a spread does not copy.
  const byCode = { key: keyOfCode(e), ctrlKey: e.ctrlKey, metaKey: e.metaKey, shiftKey: e.shiftKey, altKey: e.altKey }
  if (matchesKey(byCode, REOPEN_LAST_KEY, mac)) return { kind: 'reopenLast' }
  if (e.altKey && !e.ctrlKey && !e.metaKey && !e.shiftKey) {
    const key = keyOfCode(e)
    if (/^[1-9]$/.test(key)) return { kind: 'choose', index: Number(key) - 1 }
    if (key === '0') return { kind: 'drop' }
    if (key === 'r') return { kind: 'adRef' }
  }
  return null
}

function keyOfCode(e: Pick<KeyboardEvent, 'key' | 'code'>): string {
  const digit = /^(?:Digit|Numpad)(\d)$/.exec(e.code ?? '')
  if (digit) return digit[1]
  const letter = /^Key([A-Z])$/.exec(e.code ?? '')
  if (letter) return letter[1].toLowerCase()
  return e.key
}
