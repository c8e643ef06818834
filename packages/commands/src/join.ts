import { Selection, TextSelection, type Command } from 'prosemirror-state'
import { canJoin } from 'prosemirror-transform'
import { named } from './meta'

/**
 * Backspace at the start of a block. Joins the block to the textblock before it in the same
 * container (a paragraph to the paragraph or heading above it; the earlier block keeps its
 * kind and attributes). It never joins across articles or out of the preamble: at the start
 * of an article's first block it does nothing, except that an article holding one empty
 * paragraph — typically one just added — is removed.
 */
export const joinParagraphBackward: Command = (state, dispatch) => {
  const sel = state.selection
  if (!(sel instanceof TextSelection) || !sel.$cursor) return false
  const $cursor = sel.$cursor
  if (!$cursor.parent.isTextblock || $cursor.parentOffset > 0) return false
  const depth = $cursor.depth
  const container = $cursor.node(depth - 1)
  const index = $cursor.index(depth - 1)

  if (index === 0) {
    const block = $cursor.parent
    if (container.type.name === 'article' && container.childCount === 1 && block.content.size === 0) {
      if (dispatch) {
        const from = $cursor.before(depth - 1)
        const tr = state.tr.delete(from, from + container.nodeSize)
        tr.setSelection(Selection.near(tr.doc.resolve(Math.min(from, tr.doc.content.size)), -1))
        dispatch(named(tr, 'deleteArticle'))
      }
      return true
    }
    return false
  }

  const before = container.child(index - 1)
  const joinPos = $cursor.before()
  if (!before.isTextblock || !canJoin(state.doc, joinPos)) return false
  if (dispatch) dispatch(named(state.tr.join(joinPos), 'joinParagraphBackward'))
  return true
}

/**
 * Delete at the end of a block: joins the next textblock of the same container into this one.
 * Like `joinParagraphBackward`, it never joins across articles or sections.
 */
export const joinParagraphForward: Command = (state, dispatch) => {
  const sel = state.selection
  if (!(sel instanceof TextSelection) || !sel.$cursor) return false
  const $cursor = sel.$cursor
  if (!$cursor.parent.isTextblock || $cursor.parentOffset < $cursor.parent.content.size) return false
  const depth = $cursor.depth
  const container = $cursor.node(depth - 1)
  const index = $cursor.index(depth - 1)
  if (index + 1 >= container.childCount || !container.child(index + 1).isTextblock) return false
  const joinPos = $cursor.after()
  if (!canJoin(state.doc, joinPos)) return false
  if (dispatch) dispatch(named(state.tr.join(joinPos), 'joinParagraphForward'))
  return true
}

/**
 * True at the very start (dir -1) or end (dir 1) of a textblock, where the default Backspace /
 * Delete would merge articles or sections. Keymaps put it last so those keys do nothing there.
 */
export function atBlockEdge(dir: -1 | 1): Command {
  return (state) => {
    const sel = state.selection
    if (!(sel instanceof TextSelection) || !sel.$cursor || !sel.$cursor.parent.isTextblock) return false
    return dir < 0 ? sel.$cursor.parentOffset === 0 : sel.$cursor.parentOffset === sel.$cursor.parent.content.size
  }
}
