import type { Node as PMNode } from 'prosemirror-model'
import { relativePositionToAbsolutePosition } from 'y-prosemirror'
import * as Y from 'yjs'

/*
 * Finding an anchored passage again (a resolved bracket's chosen text, an amendment's quote),
 * shared by the server and the editor: first from its Yjs relative positions; when y-prosemirror
 * rewrote those characters as new ones (an inline element before them appeared or went), from
 * the passage's text and the characters around it in the element that held it.
 */

/** Whether the Y type a position points into, or any element around it, was deleted. */
export function inDeletedContent(position: Y.AbsolutePosition): boolean {
  let item = position.type._item
  while (item) {
    if (item.deleted) return true
    item = (item.parent as Y.AbstractType<unknown>)._item
  }
  return false
}

/**
 * The ProseMirror range between two relative positions, or null when either points into deleted
 * content or outside the document. `mapping` is the Y type → node mapping current for `doc`
 * (y-prosemirror's binding, or initProseMirrorDoc's meta). An empty range is null unless
 * `allowEmpty` (a passage of no characters, e.g. a dropped bracket).
 */
export function rangeFromRelative(
  ydoc: Y.Doc,
  fragment: Y.XmlFragment,
  mapping: Map<Y.AbstractType<unknown>, PMNode | PMNode[]>,
  doc: PMNode,
  ends: readonly [Y.RelativePosition, Y.RelativePosition],
  options: { allowEmpty?: boolean } = {},
): { from: number; to: number } | null {
  const positions: number[] = []
  for (const rel of ends) {
    const abs = Y.createAbsolutePositionFromRelativePosition(rel, ydoc)
    if (!abs || inDeletedContent(abs)) return null
    let pos: number | null
    try {
      pos = relativePositionToAbsolutePosition(ydoc, fragment, rel, mapping as never)
    } catch {
      // An element the mapping does not hold yet (a view that has not rendered a change).
      return null
    }
    if (pos === null) return null
    positions.push(pos)
  }
  const [from, to] = positions
  if (from > to || to > doc.content.size || (from === to && !options.allowEmpty)) return null
  return { from, to }
}

/** A passage's text and the characters around it, as recorded when it was anchored. */
export interface PassageContext {
  text: string
  before: string
  after: string
}

function commonSuffix(a: string, b: string): number {
  let n = 0
  while (n < a.length && n < b.length && a[a.length - 1 - n] === b[b.length - 1 - n]) n++
  return n
}

function commonPrefix(a: string, b: string): number {
  let n = 0
  while (n < a.length && n < b.length && a[n] === b[n]) n++
  return n
}

/**
 * The occurrence of `context.text` in `line` (see inlineText) whose surroundings match
 * `context` best: its range, its score (characters of context that match) and whether another
 * occurrence scored the same. Null when the text does not occur.
 */
export function bestMatch(
  line: { text: string; posAt: number[] },
  context: PassageContext,
): { range: { from: number; to: number }; score: number; tie: boolean } | null {
  let best = -1
  let bestScore = -1
  let tie = false
  for (let i = line.text.indexOf(context.text); i >= 0; i = line.text.indexOf(context.text, i + 1)) {
    const score = commonSuffix(line.text.slice(0, i), context.before) + commonPrefix(line.text.slice(i + context.text.length), context.after)
    if (score > bestScore) {
      best = i
      bestScore = score
      tie = false
    } else if (score === bestScore) tie = true
    // An empty text occurs at every index, the end included: stop there.
    if (i >= line.text.length) break
  }
  if (best < 0) return null
  return { range: { from: line.posAt[best], to: line.posAt[best + context.text.length] }, score: bestScore, tie }
}
