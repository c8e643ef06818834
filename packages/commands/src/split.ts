import type { NodeType } from 'prosemirror-model'
import { TextSelection, type Command } from 'prosemirror-state'
import { canSplit } from 'prosemirror-transform'
import { named } from './meta'

/** Textblocks that Enter splits into two of the same kind. */
const SPLITTABLE = new Set(['paragraph', 'recital', 'preamble_opening'])

/**
 * Enter. In a paragraph, recital or preambular opening line: replaces the selection and
 * splits the block into two of the same kind; a new paragraph keeps its level and
 * numbering but not a `bis` suffix (a suffix names one inserted unit). In an empty
 * sub-paragraph it outdents instead, as in a list. At the end of an article or annex heading
 * it starts the first paragraph. Inside a bracket, note or placeholder it refuses: splitting
 * there would cut one bracket into two.
 */
export const splitParagraph: Command = (state, dispatch) => {
  const { $from, $to } = state.selection
  if (!$from.sameParent($to) || !$from.parent.isTextblock) return false
  const block = $from.parent
  const name = block.type.name

  if (name === 'paragraph' && block.content.size === 0 && (block.attrs.level as number) > 0) {
    if (dispatch) {
      const tr = state.tr.setNodeMarkup($from.before(), null, { ...block.attrs, level: (block.attrs.level as number) - 1 })
      dispatch(named(tr, 'outdentParagraph'))
    }
    return true
  }

  if ((name === 'article_heading' || name === 'annex_heading') && $to.parentOffset === block.content.size) {
    const after = $from.after()
    const paragraph = state.schema.nodes.paragraph
    const $after = state.doc.resolve(after)
    if (!$after.parent.canReplaceWith($after.index(), $after.index(), paragraph)) return false
    if (dispatch) {
      const tr = state.tr.delete($from.pos, $to.pos)
      const at = tr.mapping.map(after)
      tr.insert(at, paragraph.create())
      tr.setSelection(TextSelection.create(tr.doc, at + 1))
      dispatch(named(tr, 'addParagraph'))
    }
    return true
  }

  if (!SPLITTABLE.has(name)) return false
  const type: NodeType = block.type
  const attrs = name === 'preamble_opening' ? null : { ...block.attrs, suffix: '' }
  if (dispatch) {
    const tr = state.tr
    if (!state.selection.empty) tr.deleteSelection()
    const pos = tr.mapping.map($from.pos)
    if (!canSplit(tr.doc, pos, 1, [{ type, attrs }])) return false
    tr.split(pos, 1, [{ type, attrs }])
    dispatch(named(tr, 'splitParagraph'))
  }
  return true
}
