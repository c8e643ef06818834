import type { Node as PMNode, ResolvedPos } from 'prosemirror-model'

/** An ancestor of a resolved position: the node, its depth, and the position directly before it. */
export interface Ancestor {
  node: PMNode
  depth: number
  pos: number
}

/** The innermost ancestor of `$pos` (including its parent) whose type is one of `names`. */
export function closest($pos: ResolvedPos, ...names: string[]): Ancestor | null {
  for (let d = $pos.depth; d > 0; d--) {
    const node = $pos.node(d)
    if (names.includes(node.type.name)) return { node, depth: d, pos: $pos.before(d) }
  }
  return null
}

/**
 * The textblock holding `$pos`. Brackets, alternatives, notes and placeholders are inline
 * nodes with content, so `$pos.parent` is not always the block: this walks past them.
 */
export function textblockOf($pos: ResolvedPos): Ancestor | null {
  for (let d = $pos.depth; d > 0; d--) {
    const node = $pos.node(d)
    if (node.isTextblock) return { node, depth: d, pos: $pos.before(d) }
  }
  return null
}

/** True when `$pos` sits directly in a textblock, not inside a bracket, note or placeholder. */
export function inTextblockProper($pos: ResolvedPos): boolean {
  return $pos.parent.isTextblock
}
