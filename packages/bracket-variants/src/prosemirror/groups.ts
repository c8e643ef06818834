import type { Node as PMNode } from 'prosemirror-model'
import { outline, type Location, type OutlineBlock } from '@accord/schema'
import { alternativeText, keyOf, type BracketGroup } from '../core/index'
import { nodeToInlines } from './convert'

/** One bracket group (or placeholder) of a document, with where it is. */
export interface GroupOccurrence {
  /** The absolute position of the `bracket` / `placeholder` node, as a string (the core's id). */
  id: string
  pos: number
  group: BracketGroup
  /** Each alternative's `alternativeText` (normalised), in order. */
  alternatives: string[]
  /** `groupKey(group)`: the linked set it belongs to. */
  key: string
  location: Location
  /** 1 for a group not inside another. */
  depth: number
}

/**
 * Every bracket group and placeholder in document order, nested ones after their parent.
 * `blocks` is `outline(doc)` when the caller already has it (it is the costly part).
 */
export function collectGroups(doc: PMNode, blocks: readonly OutlineBlock[] = outline(doc)): GroupOccurrence[] {
  const out: GroupOccurrence[] = []
  for (const block of blocks) {
    if (!holdsGroup(block.node)) continue
    const inlines = nodeToInlines(block.node, block.pos + 1)
    const visit = (list: ReturnType<typeof nodeToInlines>, depth: number) => {
      for (const inline of list) {
        if (inline.type !== 'group') continue
        const pos = Number(inline.id)
        const alternatives = inline.alternatives.map(alternativeText)
        out.push({ id: inline.id!, pos, group: inline, alternatives, key: keyOf(alternatives), location: block.location, depth })
        for (const alt of inline.alternatives) visit(alt, depth + 1)
      }
    }
    visit(inlines, 1)
  }
  return out
}

/** Whether a block has a bracket or placeholder among its children (where nodeToInlines finds groups). */
function holdsGroup(block: PMNode): boolean {
  for (let i = 0; i < block.childCount; i++) {
    const name = block.child(i).type.name
    if (name === 'bracket' || name === 'placeholder') return true
  }
  return false
}

/** Block-level option groups still open (more than one option, or bracketed), with where they are. */
export function collectOptionGroups(doc: PMNode, blocks: readonly OutlineBlock[] = outline(doc)): { pos: number; node: PMNode; location: Location }[] {
  const out: { pos: number; node: PMNode; location: Location }[] = []
  doc.descendants((node, pos) => {
    if (node.type.name !== 'option_group') return true
    if (node.childCount > 1 || node.attrs.bracketed) {
      const first = blocks.find((b) => b.pos > pos && b.pos < pos + node.nodeSize)
      out.push({ pos, node, location: first?.location ?? { block: 'option_group', text: 'options' } })
    }
    return true
  })
  return out
}
