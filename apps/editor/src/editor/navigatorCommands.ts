import { commandMeta } from '@accord/commands'
import { resolveBracket, resolveLinkedSet } from '@accord/bracket-variants/prosemirror'
import { Selection, TextSelection, type Command } from 'prosemirror-state'

/**
 * Names a bracket-engine command's transaction, so that the editor makes it one undo step of
 * its own (see `createEditor`), like the toolbar's commands.
 */
function named(name: string, command: Command): Command {
  return (state, dispatch, view) => command(state, dispatch && ((tr) => dispatch(tr.setMeta(commandMeta, name))), view)
}

/** Keeps alternative `choice` of the group at `pos`, or drops the group (`null`). */
export const keepAlternative = (pos: number, choice: number | null): Command => named('resolveBracket', resolveBracket(pos, choice))

/** Chooses alternative `index` in every group of the linked set `key`. */
export const chooseEverywhere = (key: string, index: number): Command => named('resolveLinkedSet', (state, dispatch, view) => resolveLinkedSet(key, index)(state, dispatch && ((tr) => dispatch(tr.scrollIntoView())), view))

/**
 * Selects the bracket group (or placeholder) at `pos` and scrolls it into view: what a click
 * on it in the navigator does. False when nothing inline is there any more.
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
