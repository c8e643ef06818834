import { commandMeta } from '@accord/commands'
import { Selection, TextSelection, type Command } from 'prosemirror-state'

/*
 * Resolving is not a local command any more: the facilitator's decisions go through the server
 * (bracketWorkflow.ts), which records them in the audit log. What stays local is showing.
 */

/**
 * Selects the bracket group (or placeholder) at `pos` and scrolls it into view: what a click
 * on it in the navigator does. False when nothing inline is there any more. Selection only, so
 * it works in a read-only text.
 */
export const selectGroup =
  (pos: number): Command =>
  (state, dispatch) => {
    const doc = state.doc
    if (!Number.isInteger(pos) || pos < 0 || pos > doc.content.size) return false
    const node = doc.nodeAt(pos)
    if (!node) return false
    const selection = node.isInline ? TextSelection.create(doc, pos, pos + node.nodeSize) : Selection.near(doc.resolve(pos + 1))
    dispatch?.(state.tr.setSelection(selection).setMeta(commandMeta, 'showBracket').scrollIntoView())
    return true
  }
