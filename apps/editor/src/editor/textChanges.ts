import type { Node as PMNode } from 'prosemirror-model'
import { Mapping, StepMap } from 'prosemirror-transform'

/**
 * Whether `b` differs from `a` only by text typed or deleted directly in textblocks — outside
 * any inline node (bracket, alternative, note, placeholder) — and if so, the map from positions
 * in `a` to positions in `b`. Null when anything else differs: a block or an inline node added,
 * removed, moved or given other attributes, or text changed inside an inline node.
 *
 * Such a change leaves every number, location and bracket group as it was; what depends only on
 * those (the numbering decorations, the bracket navigator) can map its positions instead of
 * recomputing. y-prosemirror applies every remote change by replacing the whole document, so
 * its transactions say nothing about what changed: this compares the documents instead.
 *
 * Cheap when the documents share nodes, as successive states do (ProseMirror keeps unchanged
 * nodes, and y-prosemirror keeps the node of every Y element the change did not touch):
 * identical subtrees are skipped without being entered.
 */
export function textOnlyChange(a: PMNode, b: PMNode): Mapping | null {
  if (a === b) return new Mapping()
  const ranges: number[] = []
  return compare(a, b, 0, ranges) ? new Mapping(ranges.length ? [new StepMap(ranges)] : []) : null
}

/** Compares the content of `a` and `b` (which start at `start` in the old document), collecting changed ranges. */
function compare(a: PMNode, b: PMNode, start: number, ranges: number[]): boolean {
  if (!a.sameMarkup(b)) return false
  if (a.inlineContent) return compareInline(a, b, start, ranges)
  if (a.childCount !== b.childCount) return false
  let pos = start
  for (let i = 0; i < a.childCount; i++) {
    const ca = a.child(i)
    const cb = b.child(i)
    if (ca !== cb && !compare(ca, cb, pos + 1, ranges)) return false
    pos += ca.nodeSize
  }
  return true
}

/**
 * A textblock: the same inline nodes in the same order, each equal to its counterpart; the text
 * between them may differ. Each differing run of text becomes one range (common prefix and
 * suffix excluded).
 */
function compareInline(a: PMNode, b: PMNode, start: number, ranges: number[]): boolean {
  const ra = runs(a)
  const rb = runs(b)
  if (ra.length !== rb.length) return false
  let pos = start
  for (let i = 0; i < ra.length; i++) {
    const x = ra[i]
    const y = rb[i]
    if (typeof x === 'string') {
      if (typeof y !== 'string') return false
      if (x !== y) {
        let head = 0
        const min = Math.min(x.length, y.length)
        while (head < min && x.charCodeAt(head) === y.charCodeAt(head)) head++
        let tail = 0
        while (tail < min - head && x.charCodeAt(x.length - 1 - tail) === y.charCodeAt(y.length - 1 - tail)) tail++
        ranges.push(pos + head, x.length - head - tail, y.length - head - tail)
      }
      pos += x.length
    } else {
      if (typeof y === 'string' || (x !== y && !x.eq(y))) return false
      pos += x.nodeSize
    }
  }
  return true
}

/** A textblock's content as runs of text (strings, possibly empty) around its inline nodes: text, node, text, …, text. */
function runs(block: PMNode): (string | PMNode)[] {
  const out: (string | PMNode)[] = ['']
  block.forEach((child) => {
    if (child.isText) out[out.length - 1] += child.text!
    else out.push(child, '')
  })
  return out
}
