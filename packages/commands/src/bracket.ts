import { TextSelection, type Command } from 'prosemirror-state'
import { closest } from './find'
import { named } from './meta'

/**
 * Puts the selection in brackets: `shall` → `[shall]`, a bracket group with one alternative
 * ("keep it or drop it"). The selection must lie within one run of text — a textblock or one
 * alternative, which gives a nested bracket — and stays on the bracketed text. With an empty
 * selection it inserts an empty bracket and puts the cursor in it.
 */
export const bracketSelection: Command = (state, dispatch) => {
  const { $from, $to, from, to } = state.selection
  if (!$from.sameParent($to) || !$from.parent.inlineContent) return false
  const { bracket, alternative } = state.schema.nodes
  const parent = $from.parent
  if (!parent.canReplaceWith($from.index(), $to.indexAfter(), bracket)) return false
  const content = state.doc.slice(from, to).content
  if (!alternative.validContent(content)) return false
  if (dispatch) {
    const tr = state.tr.replaceWith(from, to, bracket.create(null, alternative.create(null, content)))
    tr.setSelection(TextSelection.create(tr.doc, from + 2, from + 2 + content.size))
    dispatch(named(tr, 'bracketSelection'))
  }
  return true
}

/**
 * Adds an empty alternative to the bracket around the cursor, after the alternative holding
 * it: `[shall]` → `[shall][]`, the cursor in the new one. The innermost bracket wins when
 * brackets nest.
 */
export const addAlternative: Command = (state, dispatch) => {
  const { $from } = state.selection
  const { alternative } = state.schema.nodes
  const current = closest($from, 'alternative')
  let pos: number
  if ($from.parent.type.name === 'bracket') pos = $from.pos
  else if (current) pos = current.pos + current.node.nodeSize
  else return false
  if (dispatch) {
    const tr = state.tr.insert(pos, alternative.create())
    tr.setSelection(TextSelection.create(tr.doc, pos + 1))
    dispatch(named(tr, 'addAlternative'))
  }
  return true
}
