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

/**
 * y-prosemirror's `absolutePositionToRelativePosition(pos, fragment, mapping)` for a position
 * inside the content of `element` (a textblock or an `alternative`: where text is; not a
 * `bracket`, whose content is alternatives), given as `offset` from that
 * content's start: the same relative position, without walking from the document's root to the
 * element (a resolution anchors hundreds of passages). Its walk, from where the root's walk
 * enters the element; `mapping` as for rangeFromRelative. The fragment is assumed non-empty.
 */
export function relativePositionIn(element: Y.XmlElement, offset: number, mapping: Map<Y.AbstractType<unknown>, PMNode | PMNode[]>): Y.RelativePosition {
  type Walked = Y.AbstractType<unknown> & { _first: Y.Item | null; _item: Y.Item | null; _length: number }
  const typeOf = (item: Y.Item) => (item.content as Y.ContentType).type as Walked
  // The root's walk as it reaches `element`: the element next, the position counted from just
  // before it; it never climbs above the element's parent for a position inside its content.
  const type = element.parent as unknown as Walked
  let pos = offset + 1
  let n: Walked | null = element as unknown as Walked
  while (n !== null && type !== n) {
    if (n instanceof Y.XmlText) {
      if (n._length >= pos) return Y.createRelativePositionFromTypeIndex(n, pos, 0)
      pos -= n._length
      if (n._item !== null && n._item.next !== null) {
        n = typeOf(n._item.next as Y.Item)
      } else {
        do {
          n = n._item === null ? null : (n._item.parent as Walked)
          pos--
        } while (n !== type && n !== null && n._item !== null && n._item.next === null)
        if (n !== null && n !== type) n = n._item === null ? null : typeOf(n._item.next as Y.Item)
      }
    } else {
      const size = (mapping.get(n) as PMNode | undefined)?.nodeSize ?? 0
      if (n._first !== null && pos < size) {
        n = typeOf(n._first)
        pos--
      } else {
        if (pos === 1 && n._length === 0 && size > 1) return new Y.RelativePosition(n._item === null ? null : n._item.id, n._item === null ? Y.findRootTypeKey(n) : null, null)
        pos -= size
        if (n._item !== null && n._item.next !== null) {
          n = typeOf(n._item.next as Y.Item)
        } else {
          if (pos === 0) {
            n = n._item === null ? n : (n._item.parent as Walked)
            return new Y.RelativePosition(n._item === null ? null : n._item.id, n._item === null ? Y.findRootTypeKey(n) : null, null)
          }
          do {
            n = (n._item as Y.Item).parent as Walked
            pos--
          } while (n !== type && (n._item as Y.Item).next === null)
          if (n !== type) n = typeOf((n._item as Y.Item).next as Y.Item)
        }
      }
    }
    if (n === null) throw new RangeError('relativePositionIn: the walk left the document (the mapping does not match the element)')
    if (pos === 0 && !(n instanceof Y.XmlText) && n !== type) {
      const parent = (n._item as Y.Item).parent as Walked
      const typeId = parent._item === null ? null : Y.createID(parent._item.id.client, parent._item.id.clock)
      return new Y.RelativePosition(typeId, parent._item === null ? Y.findRootTypeKey(parent) : null, (n._item as Y.Item).id)
    }
  }
  return Y.createRelativePositionFromTypeIndex(type, type._length, 0)
}
