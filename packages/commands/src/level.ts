import { MAX_LEVEL } from '@accord/schema'
import type { Node as PMNode } from 'prosemirror-model'
import type { Command, EditorState } from 'prosemirror-state'
import { named } from './meta'

interface Para {
  node: PMNode
  pos: number
}

/** The paragraphs the selection touches, in document order. */
function selectedParagraphs(state: EditorState): Para[] {
  const { from, to } = state.selection
  const out: Para[] = []
  state.doc.nodesBetween(from, to, (node, pos) => {
    if (node.type.name === 'paragraph') {
      out.push({ node, pos })
      return false
    }
    return !node.isTextblock
  })
  return out
}

/** The paragraph sibling directly before `pos`, if the node before it is one. */
function paragraphBefore(state: EditorState, pos: number): PMNode | null {
  const $pos = state.doc.resolve(pos)
  const before = $pos.nodeBefore
  return before && before.type.name === 'paragraph' ? before : null
}

/**
 * Tab: makes the selected paragraphs one level deeper (1. → (a) → (i) → a.). A sub-paragraph
 * belongs to the paragraph above it, so the first selected paragraph may go at most one level
 * below the paragraph before it; the first paragraph of an article cannot be indented.
 */
export const indentParagraph: Command = (state, dispatch) => {
  const paras = selectedParagraphs(state)
  if (!paras.length) return false
  const first = paras[0]
  const prev = paragraphBefore(state, first.pos)
  const firstLevel = first.node.attrs.level as number
  if (!prev || firstLevel >= MAX_LEVEL || firstLevel + 1 > (prev.attrs.level as number) + 1) return false
  if (dispatch) {
    const tr = state.tr
    for (const { node, pos } of paras) {
      const level = node.attrs.level as number
      if (level < MAX_LEVEL) tr.setNodeMarkup(pos, null, { ...node.attrs, level: level + 1 })
    }
    dispatch(named(tr, 'indentParagraph'))
  }
  return true
}

/** Shift-Tab: makes the selected sub-paragraphs one level shallower; numbered paragraphs (level 0) stay. */
export const outdentParagraph: Command = (state, dispatch) => {
  const paras = selectedParagraphs(state).filter((p) => (p.node.attrs.level as number) > 0)
  if (!paras.length) return false
  if (dispatch) {
    const tr = state.tr
    for (const { node, pos } of paras) tr.setNodeMarkup(pos, null, { ...node.attrs, level: (node.attrs.level as number) - 1 })
    dispatch(named(tr, 'outdentParagraph'))
  }
  return true
}
