import type { Node as PMNode, Slice } from 'prosemirror-model'
import { Plugin, type Transaction } from 'prosemirror-state'
import { ReplaceAroundStep, ReplaceStep } from 'prosemirror-transform'
import { ySyncPluginKey } from './pluginKeys'

/**
 * Keeps those who may not change the bracket structure (delegations, even with open drafting)
 * from making a local change the server would refuse. A refused update is dropped by the
 * server but stays in this browser's copy, which would then disagree with everyone else's until
 * a reload; filtering the transaction keeps the copies identical, and the person is told why.
 *
 * The rule is the server's (`structureChange` in server/src/checkUpdate.ts): creating or
 * removing a bracket, an alternative, an option group or an option, or changing the attributes
 * of one of them or of the treaty. Typing inside an alternative's text is not a change of
 * structure.
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

/**
 * The plugin: while `allowed()` is false, local transactions that touch the bracket structure
 * are dropped and `onBlocked` is called. Remote changes (y-prosemirror's own transactions) always
 * pass: they are what the server accepted.
 */
export function structureGuard(allowed: () => boolean, onBlocked: () => void): Plugin {
  return new Plugin({
    filterTransaction(tr) {
      if (!tr.docChanged || allowed() || tr.getMeta(ySyncPluginKey)) return true
      if (!touchesBracketStructure(tr)) return true
      onBlocked()
      return false
    },
  })
}
