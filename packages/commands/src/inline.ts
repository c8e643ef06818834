import type { Node as PMNode } from 'prosemirror-model'
import { TextSelection, type Command, type EditorState, type Transaction } from 'prosemirror-state'
import { named } from './meta'

/** Inline nodes with content: the cursor can be inside them, and deleting across their edge would tear them apart. */
const CONTAINERS = new Set(['alternative', 'note', 'placeholder'])

function removeEmpty(state: EditorState, dir: -1 | 1): Transaction | null {
  const $cursor = (state.selection as TextSelection).$cursor!
  const node = $cursor.parent
  const depth = $cursor.depth
  let from = $cursor.before(depth)
  let to = $cursor.after(depth)
  let name = 'removeInline'
  if (node.type.name === 'alternative') {
    const bracket: PMNode = $cursor.node(depth - 1)
    name = 'removeAlternative'
    if (bracket.childCount === 1) {
      // The last alternative goes with its bracket: an empty bracket means nothing.
      from = $cursor.before(depth - 1)
      to = $cursor.after(depth - 1)
      name = 'removeBracket'
    }
  }
  const tr = state.tr.delete(from, to)
  let target = from
  if (name === 'removeAlternative') {
    // Land in a neighbouring alternative: the previous one's end going backward, the next one's start going forward.
    const index = $cursor.index(depth - 1)
    const hasPrev = index > 0
    const hasNext = index < $cursor.node(depth - 1).childCount - 1
    target = (dir < 0 ? hasPrev : !hasNext) ? from - 1 : from + 1
  }
  tr.setSelection(TextSelection.create(tr.doc, target))
  return named(tr, name)
}

/**
 * Backspace at the start of an alternative, drafting note or placeholder: an empty one is
 * removed (an alternative's bracket goes with its last alternative); from a non-empty one the
 * cursor steps out — into the previous alternative, or before the bracket or note — so
 * Backspace never merges two alternatives or drags text out of a bracket.
 */
export const exitInlineBackward: Command = (state, dispatch) => {
  const sel = state.selection
  if (!(sel instanceof TextSelection) || !sel.$cursor) return false
  const $cursor = sel.$cursor
  if (!CONTAINERS.has($cursor.parent.type.name) || $cursor.parentOffset > 0) return false
  if (dispatch) {
    if ($cursor.parent.content.size === 0) {
      dispatch(removeEmpty(state, -1)!)
    } else {
      const depth = $cursor.depth
      const isAlt = $cursor.parent.type.name === 'alternative'
      const target = isAlt && $cursor.index(depth - 1) > 0 ? $cursor.before(depth) - 1 : $cursor.before(isAlt ? depth - 1 : depth)
      dispatch(named(state.tr.setSelection(TextSelection.create(state.doc, target)), 'exitInline'))
    }
  }
  return true
}

/** Delete at the end of an alternative, note or placeholder: the mirror of `exitInlineBackward`. */
export const exitInlineForward: Command = (state, dispatch) => {
  const sel = state.selection
  if (!(sel instanceof TextSelection) || !sel.$cursor) return false
  const $cursor = sel.$cursor
  if (!CONTAINERS.has($cursor.parent.type.name) || $cursor.parentOffset < $cursor.parent.content.size) return false
  if (dispatch) {
    if ($cursor.parent.content.size === 0) {
      dispatch(removeEmpty(state, 1)!)
    } else {
      const depth = $cursor.depth
      const isAlt = $cursor.parent.type.name === 'alternative'
      const bracket = isAlt ? $cursor.node(depth - 1) : null
      const target = bracket && $cursor.index(depth - 1) < bracket.childCount - 1 ? $cursor.after(depth) + 1 : $cursor.after(isAlt ? depth - 1 : depth)
      dispatch(named(state.tr.setSelection(TextSelection.create(state.doc, target)), 'exitInline'))
    }
  }
  return true
}

/**
 * ArrowLeft (-1) / ArrowRight (1) at the edge of a bracket, alternative, drafting note or
 * placeholder: moves one step across its boundary — from just outside a note to just inside
 * it, from the end of one alternative to the start of the next, from the last alternative to
 * just after the bracket. Browsers cannot show or reach both sides of such a boundary on their
 * own (the two positions look the same), so without this a cursor could not be put right
 * after a drafting note that ends a paragraph. Elsewhere it declines and the browser moves.
 */
export function crossInlineBoundary(dir: -1 | 1): Command {
  return (state, dispatch) => {
    const sel = state.selection
    if (!(sel instanceof TextSelection) || !sel.$cursor) return false
    const $c = sel.$cursor
    const parent = $c.parent
    let target: number | null = null
    const atEdge = dir > 0 ? $c.parentOffset === parent.content.size : $c.parentOffset === 0
    if (atEdge && CONTAINERS.has(parent.type.name)) {
      const depth = $c.depth
      if (parent.type.name === 'alternative') {
        const bracket = $c.node(depth - 1)
        const index = $c.index(depth - 1)
        const neighbour = index + dir
        if (neighbour >= 0 && neighbour < bracket.childCount) target = dir > 0 ? $c.after(depth) + 1 : $c.before(depth) - 1
        else target = dir > 0 ? $c.after(depth - 1) : $c.before(depth - 1)
      } else {
        target = dir > 0 ? $c.after(depth) : $c.before(depth)
      }
    } else {
      const next = dir > 0 ? $c.nodeAfter : $c.nodeBefore
      if (next && !next.isText && next.isInline) {
        const name = next.type.name
        if (name === 'bracket' && next.childCount > 0) target = $c.pos + 2 * dir
        else if (name === 'note' || name === 'placeholder') target = $c.pos + dir
      }
    }
    if (target === null) return false
    if (dispatch) dispatch(state.tr.setSelection(TextSelection.create(state.doc, target)).scrollIntoView())
    return true
  }
}
