import type { Node as PMNode, Slice } from 'prosemirror-model'
import { Plugin, type Transaction } from 'prosemirror-state'
import { ReplaceAroundStep, ReplaceStep } from 'prosemirror-transform'
import { ySyncPluginKey } from 'y-prosemirror'
import { GUARDED_NODES } from '../../../apps/editor/src/editor/structureGuard'

/*
 * What the editor's structureGuard misses (found by the convergence fuzz, seed 1): a change of
 * block structure — Enter, Backspace/Delete joining two blocks, a selection deleted across
 * blocks — moves a textblock's inline content into another Y element. y-prosemirror's
 * `updateYFragment` keeps one of the Y paragraphs and writes the other's content into it as NEW
 * elements, so a bracket that ProseMirror merely moved is deleted and re-created in Y, and the
 * server refuses the update ("creates a bracket"). Which paragraph it keeps depends on its
 * matching heuristics (mapped children, equality factors, ties go left), so the only safe rule
 * for a delegation is: no change of block structure in a textblock that holds a guarded node.
 *
 * This is that rule, as a filter beside the editor's guard, until structureGuard adopts it.
 */

function holdsGuarded(node: PMNode): boolean {
  let found = false
  node.descendants((child) => {
    if (GUARDED_NODES.has(child.type.name)) found = true
    return !found
  })
  return found
}

function inlineOnly(slice: Slice): boolean {
  let inline = true
  slice.content.forEach((child) => (inline &&= child.isInline))
  return inline && slice.openStart === 0 && slice.openEnd === 0
}

/** setNodeMarkup's step: the same node re-wrapped around its unchanged content (attributes only). */
function isMarkupChange(step: ReplaceAroundStep): boolean {
  const s = step as unknown as { from: number; to: number; gapFrom: number; gapTo: number; insert: number; slice: Slice; structure: boolean }
  return s.slice.content.childCount === 1 && s.slice.openStart === 0 && s.slice.openEnd === 0 && s.insert === 1 && s.gapFrom === s.from + 1 && s.gapTo === s.to - 1
}

/** The textblocks a step at [from, to] of `doc` touches: those around either end and those between. */
function textblocksAt(doc: PMNode, from: number, to: number): PMNode[] {
  const out = new Set<PMNode>()
  for (const pos of [from, to]) {
    const $pos = doc.resolve(pos)
    for (let d = $pos.depth; d > 0; d--) {
      if ($pos.node(d).isTextblock) out.add($pos.node(d))
    }
  }
  doc.nodesBetween(from, to, (node) => {
    if (node.isTextblock) out.add(node)
    return !node.isTextblock
  })
  return [...out]
}

/** Whether `tr` changes block structure around a textblock that holds a bracket, alternative or option. */
export function movesGuardedContent(tr: Transaction): boolean {
  for (let i = 0; i < tr.steps.length; i++) {
    const step = tr.steps[i]
    const doc = tr.docs[i]
    if (!(step instanceof ReplaceStep || step instanceof ReplaceAroundStep)) continue
    if (step instanceof ReplaceAroundStep && isMarkupChange(step)) continue
    const { from, to, slice } = step as unknown as { from: number; to: number; slice: Slice }
    const blocks = textblocksAt(doc, from, to)
    // Within one textblock with inline content only (typing, deleting, pasting text), or between
    // blocks without entering one (adding or deleting a whole article): nothing moves.
    if (blocks.length === 0 || (blocks.length === 1 && inlineOnly(slice))) continue
    if (blocks.some(holdsGuarded)) return true
  }
  return false
}

/** A filter like structureGuard: while `allowed()` is false, local transactions that `movesGuardedContent` are dropped. */
export function blockGuard(allowed: () => boolean, onBlocked: () => void): Plugin {
  return new Plugin({
    filterTransaction(tr) {
      if (!tr.docChanged || allowed() || tr.getMeta(ySyncPluginKey)) return true
      if (!movesGuardedContent(tr)) return true
      onBlocked()
      return false
    },
  })
}
