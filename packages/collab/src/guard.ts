import type { Node as PMNode, Slice } from 'prosemirror-model'
import { Plugin, type Transaction } from 'prosemirror-state'
import { ReplaceAroundStep, ReplaceStep } from 'prosemirror-transform'
import { ySyncPluginKey } from 'y-prosemirror'

/**
 * Keeps those who may not change the bracket structure (delegations, even with open drafting)
 * from making a local change the server would refuse. A refused update is dropped by the
 * server but stays in this browser's copy, which would then disagree with everyone else's until
 * a reload; filtering the transaction keeps the copies identical, and the person is told why.
 *
 * The rule is the server's (`structureChange` in server/src/checkUpdate.ts): creating or
 * removing a bracket, an alternative, an option group or an option, or changing the attributes
 * of one of them or of the treaty. Typing inside an alternative's text is not a change of
 * structure. And, because of how y-prosemirror writes it, no change of block structure (Enter,
 * joining, deleting across blocks) in a paragraph that holds one (see movesGuardedContent).
 *
 * Shared by the editor and the convergence fuzz (server/src/fuzz), which checks it against the
 * server's rule with every operation.
 */
export const GUARDED_NODES: ReadonlySet<string> = new Set(['bracket', 'alternative', 'option_group', 'option', 'treaty'])

function sliceHasGuarded(slice: Slice): boolean {
  let found = false
  slice.content.descendants((node) => {
    if (GUARDED_NODES.has(node.type.name)) found = true
    return !found
  })
  return found
}

/**
 * Whether changing [from, to) of `doc` removes, splits or re-creates a guarded node: one that
 * overlaps the range without holding all of it inside its content.
 */
function rangeTouchesGuarded(doc: PMNode, from: number, to: number): boolean {
  if (to <= from) return false
  let found = false
  doc.nodesBetween(from, to, (node, pos) => {
    if (found) return false
    if (GUARDED_NODES.has(node.type.name)) {
      const inside = pos + 1 <= from && to <= pos + node.nodeSize - 1
      if (!inside) found = true
    }
    return !found
  })
  return found
}

/** Whether `tr` creates, removes or changes the attributes of a bracket, an alternative, an option group, an option or the treaty. */
export function touchesBracketStructure(tr: Transaction): boolean {
  for (let i = 0; i < tr.steps.length; i++) {
    const step = tr.steps[i]
    const doc = tr.docs[i]
    if (step instanceof ReplaceStep || step instanceof ReplaceAroundStep) {
      const { from, to, slice } = step as ReplaceStep & { from: number; to: number; slice: Slice }
      if (sliceHasGuarded(slice) || rangeTouchesGuarded(doc, from, to)) return true
      continue
    }
    // Attribute and mark steps: guarded when they change a guarded node itself.
    const json = step.toJSON() as { pos?: number; from?: number; to?: number }
    const from = json.pos ?? json.from
    if (typeof from !== 'number') return true
    const to = json.pos !== undefined ? Math.min(doc.content.size, json.pos + (doc.nodeAt(json.pos)?.nodeSize ?? 0)) : (json.to ?? from)
    if (rangeTouchesGuarded(doc, from, to)) return true
  }
  return false
}

/*
 * The second rule (found by the convergence fuzz, seed 1): a change of
 * block structure — Enter, Backspace/Delete joining two blocks, a selection deleted across
 * blocks — moves a textblock's inline content into another Y element. y-prosemirror's
 * `updateYFragment` keeps one of the Y paragraphs and writes the other's content into it as NEW
 * elements, so a bracket that ProseMirror merely moved is deleted and re-created in Y, and the
 * server refuses the update ("creates a bracket"). Which paragraph it keeps depends on its
 * matching heuristics (mapped children, equality factors, ties go left), so the only safe rule
 * for a delegation is: no change of block structure in a textblock that holds a guarded node.
 *
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

/**
 * The plugin: while `allowed()` is false, local transactions that touch the bracket structure
 * are dropped and `onBlocked` is called. Remote changes (y-prosemirror's own transactions) always
 * pass: they are what the server accepted.
 */
export function structureGuard(allowed: () => boolean, onBlocked: () => void): Plugin {
  return new Plugin({
    filterTransaction(tr) {
      if (!tr.docChanged || allowed() || tr.getMeta(ySyncPluginKey)) return true
      if (!touchesBracketStructure(tr) && !movesGuardedContent(tr)) return true
      onBlocked()
      return false
    },
  })
}
