import {
  atBlockEdge,
  crossInlineBoundary,
  exitInlineBackward,
  exitInlineForward,
  joinParagraphBackward,
  joinParagraphForward,
  splitParagraph,
} from '@accord/commands'
import { baseKeymap, chainCommands, deleteSelection } from 'prosemirror-commands'
import { keymap } from 'prosemirror-keymap'
import type { Command, Plugin } from 'prosemirror-state'
import { ACTIONS } from './actions'

/** Swallows a key so the browser's own editing never runs on treaty structure it cannot see. */
const swallow: Command = () => true

/** In a paragraph, Tab stays in the editor even where it cannot indent, so a stray Tab does not move the focus away mid-sentence. */
const inParagraph: Command = (state) => state.selection.$from.parent.type.name === 'paragraph'

/**
 * The treaty keymap: the actions' shortcuts, and Enter / Backspace / Delete that respect the
 * structure (never merge two articles, never tear a bracket apart). The base keymap follows
 * for the rest (select all, and Backspace in plain text).
 */
export function treatyKeymaps(): Plugin[] {
  const bindings: Record<string, Command> = {}
  for (const action of ACTIONS) {
    for (const key of action.keys) {
      // Ctrl+Shift+B / O mean something to the browser (bookmarks); in the text they are ours even when the command does not apply.
      bindings[key] = key.startsWith('Mod-Shift-') ? chainCommands(action.command, swallow) : action.command
    }
  }
  bindings['Tab'] = chainCommands(bindings['Tab'], inParagraph)
  bindings['Shift-Tab'] = chainCommands(bindings['Shift-Tab'], inParagraph)
  bindings['Enter'] = chainCommands(splitParagraph, swallow)
  bindings['Shift-Enter'] = bindings['Enter']
  const backspace = chainCommands(deleteSelection, exitInlineBackward, joinParagraphBackward, atBlockEdge(-1))
  const del = chainCommands(deleteSelection, exitInlineForward, joinParagraphForward, atBlockEdge(1))
  bindings['Backspace'] = backspace
  bindings['Mod-Backspace'] = backspace
  bindings['Shift-Backspace'] = backspace
  bindings['Delete'] = del
  bindings['Mod-Delete'] = del
  // Alt+↑/↓ move between open brackets (a page-wide shortcut, see bracketKeys); the base
  // keymap's joinUp/joinDown must never run on treaty structure.
  bindings['Alt-ArrowUp'] = swallow
  bindings['Alt-ArrowDown'] = swallow
  bindings['ArrowLeft'] = crossInlineBoundary(-1)
  bindings['ArrowRight'] = crossInlineBoundary(1)
  return [keymap(bindings), keymap(baseKeymap)]
}
