import type { Node as PMNode } from 'prosemirror-model'
import { TextSelection, type EditorState, type Transaction } from 'prosemirror-state'
import { commandMeta } from '@accord/commands'

/**
 * Moving between open bracket groups from the keyboard, and finding "the current group" that
 * Alt+1…9 resolves. Selection only: these never change the text, so they work for observers too.
 */

/** Positions of every `bracket` node of `doc` (open groups, nested ones too), in document order. */
export function bracketPositions(doc: PMNode): number[] {
  const out: number[] = []
  doc.descendants((node, pos) => {
    if (node.type.name === 'bracket' && node.childCount > 0) out.push(pos)
    return node.isBlock || node.type.name === 'bracket' || node.type.name === 'alternative'
  })
  return out
}

/**
 * The group the selection is on: the bracket node the selection exactly covers (what the
 * navigator's "show" selects), else the innermost bracket around the cursor.
 */
export function currentGroup(state: EditorState): { pos: number; node: PMNode } | null {
  const { $from, from, to } = state.selection
  const after = $from.nodeAfter
  if (after && after.type.name === 'bracket' && to === from + after.nodeSize) return { pos: from, node: after }
  for (let d = $from.depth; d > 0; d--) {
    const node = $from.node(d)
    if (node.type.name === 'bracket') return { pos: $from.before(d), node }
  }
  return null
}

/** The next (`dir` 1) or previous (-1) open group from the selection, wrapping around; null when there is none. */
export function adjacentGroup(state: EditorState, dir: 1 | -1): number | null {
  const positions = bracketPositions(state.doc)
  if (!positions.length) return null
  const here = currentGroup(state)?.pos ?? state.selection.from
  if (dir === 1) return positions.find((p) => p > here) ?? positions[0]
  const before = positions.filter((p) => p < here)
  return before.length ? before[before.length - 1] : positions[positions.length - 1]
}

/** A transaction selecting the group at `pos` and scrolling to it. */
export function selectGroupTr(state: EditorState, pos: number): Transaction | null {
  const node = state.doc.nodeAt(pos)
  if (!node || node.type.name !== 'bracket') return null
  return state.tr.setSelection(TextSelection.create(state.doc, pos, pos + node.nodeSize)).setMeta(commandMeta, 'showBracket').scrollIntoView()
}
