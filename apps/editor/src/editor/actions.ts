import {
  addAlternative,
  addArticle,
  addParagraph,
  bracketSelection,
  indentParagraph,
  outdentParagraph,
} from '@accord/commands'
import type { Command } from 'prosemirror-state'
import { redoCommand, undoCommand } from 'y-prosemirror'
import type { MessageKey } from '../i18n/catalogue'

/**
 * The editing actions the toolbar shows and the keyboard reaches: one list, so that a button,
 * its shortcut and its line in the help can never disagree. `keys` are prosemirror-keymap
 * names; the first is the one the interface shows. Later actions (resolving a bracket, a
 * linked set) join the list with a new `group`.
 */
export interface EditorAction {
  id: string
  command: Command
  keys: string[]
  label: MessageKey
  title: MessageKey
  help: MessageKey
  group: 'history' | 'structure' | 'level' | 'brackets'
}

export const ACTIONS: readonly EditorAction[] = [
  { id: 'undo', command: undoCommand, keys: ['Mod-z'], label: 'toolbar.undo', title: 'toolbar.undo', help: 'help.undo', group: 'history' },
  { id: 'redo', command: redoCommand, keys: ['Mod-Shift-z', 'Mod-y'], label: 'toolbar.redo', title: 'toolbar.redo', help: 'help.redo', group: 'history' },
  { id: 'addArticle', command: addArticle, keys: ['Mod-Shift-Enter'], label: 'toolbar.addArticle', title: 'toolbar.addArticle.title', help: 'help.addArticle', group: 'structure' },
  { id: 'addParagraph', command: addParagraph, keys: ['Mod-Enter'], label: 'toolbar.addParagraph', title: 'toolbar.addParagraph.title', help: 'help.addParagraph', group: 'structure' },
  { id: 'outdent', command: outdentParagraph, keys: ['Shift-Tab'], label: 'toolbar.outdent', title: 'toolbar.outdent.title', help: 'help.outdent', group: 'level' },
  { id: 'indent', command: indentParagraph, keys: ['Tab'], label: 'toolbar.indent', title: 'toolbar.indent.title', help: 'help.indent', group: 'level' },
  { id: 'bracket', command: bracketSelection, keys: ['Mod-Shift-b'], label: 'toolbar.bracket', title: 'toolbar.bracket.title', help: 'help.bracket', group: 'brackets' },
  { id: 'alternative', command: addAlternative, keys: ['Mod-Shift-o'], label: 'toolbar.alternative', title: 'toolbar.alternative.title', help: 'help.alternative', group: 'brackets' },
]

/** Keys handled by the keymap without a toolbar button, listed in the help. */
export const OTHER_SHORTCUTS: readonly { keys: string; help: MessageKey }[] = [
  { keys: 'Enter', help: 'help.split' },
  { keys: 'Backspace', help: 'help.join' },
  { keys: 'ArrowLeft', help: 'help.arrows' },
  { keys: 'Mod-/', help: 'help.help' },
  { keys: 'Mod-Shift-k', help: 'help.brackets' },
]

export const HELP_KEY = 'Mod-/'

/** Opens and closes the bracket navigator, from anywhere on the page (not a command: it changes no text). */
export const BRACKET_PANEL_KEY = 'Mod-Shift-k'

const isMac = () => typeof navigator !== 'undefined' && /Mac|iP(hone|[oa]d)/.test(navigator.platform || navigator.userAgent)

const MAC_SYMBOLS: Record<string, string> = { Mod: '⌘', Shift: '⇧', Alt: '⌥', Ctrl: '⌃', Enter: '↩', Backspace: '⌫', Tab: '⇥' }
const NAMES: Record<string, string> = { ArrowLeft: '← / →', ArrowRight: '→' }

/** A key name as people read it: "Ctrl+Shift+B" (or "⌘⇧B" on a Mac). */
export function displayKeys(keys: string, mac = isMac()): string {
  const parts = keys.split(/-(?!$)/)
  const shown = parts.map((p) => {
    if (mac && MAC_SYMBOLS[p]) return MAC_SYMBOLS[p]
    if (p === 'Mod') return mac ? '⌘' : 'Ctrl'
    if (NAMES[p]) return NAMES[p]
    return p.length === 1 ? p.toUpperCase() : p
  })
  return mac ? shown.join('') : shown.join('+')
}

/** Whether a keyboard event is the key named `keys` (a prosemirror-keymap name such as "Mod-Shift-k"), for shortcuts outside the editor. */
export function matchesKey(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>, keys: string, mac = isMac()): boolean {
  const parts = keys.split(/-(?!$)/)
  const key = parts.pop()!
  const has = (m: string) => parts.includes(m)
  const mod = has('Mod') ? (mac ? e.metaKey : e.ctrlKey) : false
  const ctrl = has('Ctrl') || (has('Mod') && !mac)
  const meta = has('Meta') || (has('Mod') && mac)
  return (
    e.key.toLowerCase() === key.toLowerCase() &&
    (mod || !has('Mod')) &&
    e.ctrlKey === ctrl &&
    e.metaKey === meta &&
    e.shiftKey === has('Shift') &&
    e.altKey === has('Alt')
  )
}
