import type { Node as PMNode } from 'prosemirror-model'
import { TextSelection, type Command, type EditorState } from 'prosemirror-state'
import { closest, textblockOf } from './find'
import { named } from './meta'

/** An empty article: one empty numbered paragraph, no heading. Its number is derived from where it lands. */
function emptyArticle(state: EditorState): PMNode {
  const { article, paragraph } = state.schema.nodes
  return article.create(null, paragraph.create())
}

/**
 * Where a new article goes: directly after the article holding the selection; else at the end
 * of the part or annex holding it; from the title or preamble, directly after the preamble
 * (it becomes the first article); from the final clauses, before them.
 */
function articleInsertPos(state: EditorState): number | null {
  const { $from } = state.selection
  const article = closest($from, 'article')
  if (article) return article.pos + article.node.nodeSize
  const container = closest($from, 'part', 'annex')
  if (container) return container.pos + container.node.nodeSize - 1
  const treaty = closest($from, 'treaty') ?? (state.doc.firstChild?.type.name === 'treaty' ? { node: state.doc.firstChild, pos: 0, depth: 1 } : null)
  if (!treaty) return null
  // From the title or preamble: after them, so the new article comes first. From the final
  // clauses: after the last part, article, top-level paragraph or option group.
  const before = closest($from, 'title', 'preamble') ? ['title', 'preamble'] : ['title', 'preamble', 'part', 'article', 'paragraph', 'option_group']
  let pos = treaty.pos + 1
  let index = 0
  treaty.node.forEach((child, offset, i) => {
    if (before.includes(child.type.name)) {
      pos = treaty.pos + 1 + offset + child.nodeSize
      index = i + 1
    }
  })
  return treaty.node.canReplaceWith(index, index, state.schema.nodes.article) ? pos : null
}

/**
 * Adds an empty article after the current one (or where `articleInsertPos` says) and puts the
 * cursor in its first paragraph. Articles after it renumber: a new article is an ordinary,
 * counted unit, not a `bis`.
 */
export const addArticle: Command = (state, dispatch) => {
  const pos = articleInsertPos(state)
  if (pos === null) return false
  const $pos = state.doc.resolve(pos)
  if (!$pos.parent.canReplaceWith($pos.index(), $pos.index(), state.schema.nodes.article)) return false
  if (dispatch) {
    const tr = state.tr.insert(pos, emptyArticle(state))
    tr.setSelection(TextSelection.create(tr.doc, pos + 2))
    dispatch(named(tr, 'addArticle'))
  }
  return true
}

/**
 * Adds an empty block after the current one, of the kind that follows it: a paragraph of the
 * same level after a paragraph, the first paragraph after an article or annex heading, a
 * recital after a preambular line. Title, enacting formula and part headings take none.
 */
export const addParagraph: Command = (state, dispatch) => {
  const block = textblockOf(state.selection.$from)
  if (!block) return false
  const { paragraph, recital } = state.schema.nodes
  let node: PMNode
  switch (block.node.type.name) {
    case 'paragraph':
      node = paragraph.create({ level: block.node.attrs.level, numbered: block.node.attrs.numbered })
      break
    case 'article_heading':
    case 'annex_heading':
      node = paragraph.create()
      break
    case 'recital':
    case 'preamble_opening':
      node = recital.create()
      break
    default:
      return false
  }
  const pos = block.pos + block.node.nodeSize
  const $pos = state.doc.resolve(pos)
  if (!$pos.parent.canReplaceWith($pos.index(), $pos.index(), node.type)) return false
  if (dispatch) {
    const tr = state.tr.insert(pos, node)
    tr.setSelection(TextSelection.create(tr.doc, pos + 1))
    dispatch(named(tr, 'addParagraph'))
  }
  return true
}
