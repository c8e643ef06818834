import { bestMatch, elementId, inlineText, rangeFromRelative, walkCorresponding } from '@accord/collab'
import type { Node as PMNode } from 'prosemirror-model'
import * as Y from 'yjs'
import type { Amendment } from '../api'
import type { ElementAnchor, TextAnchor } from '@accord/api'

/*
 * Where each amendment applies in the editor's document, from what the server stores in the
 * `amendments` Y.Map (server/src/amendments.ts): a passage is anchored by Yjs relative
 * positions (start tied to the quote's first character, end to its last) plus the quoted text
 * and a few characters around it in the element that held it; a structural amendment by the
 * Yjs ids of the paragraphs or article it is about. The same two-step search as the server's
 * `rangeOf`: the relative positions first, then the surroundings in the same element (for
 * text y-prosemirror rewrote as new characters), else the quote is gone and nothing is shown.
 */

export type { ElementAnchor, TextAnchor }

export type StoredAmendment = Amendment & { anchor?: TextAnchor | null; elements?: ElementAnchor | null }

function isRecord(v: unknown): v is StoredAmendment {
  const a = v as Partial<StoredAmendment> | null
  return !!a && typeof a.id === 'string' && typeof a.state === 'string' && typeof a.kind === 'string' && typeof a.status === 'string'
}

/** The amendments of the Y.Map, in order of proposal (records the editor does not understand are skipped). */
export function amendmentRecordsOf(map: Y.Map<unknown>): StoredAmendment[] {
  const out: StoredAmendment[] = []
  map.forEach((value) => {
    if (isRecord(value)) out.push({ ...value, cosponsors: Array.isArray(value.cosponsors) ? value.cosponsors : [] })
  })
  return out.sort((a, b) => (a.number ?? 0) - (b.number ?? 0) || a.id.localeCompare(b.id))
}

export function decodeAnchor(encoded: string): Y.RelativePosition | null {
  try {
    const binary = atob(encoded)
    const bytes = new Uint8Array(binary.length)
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
    return Y.decodeRelativePosition(bytes)
  } catch {
    return null
  }
}

/** What the anchors are resolved against: the Y document and the ProseMirror document bound to it. */
export interface AnchorContext {
  ydoc: Y.Doc
  fragment: Y.XmlFragment
  /** y-prosemirror's binding mapping (Y type → ProseMirror node), current for `doc`. */
  mapping: Map<Y.AbstractType<unknown>, PMNode | PMNode[]>
  doc: PMNode
}

function rangeFromPositions(c: AnchorContext, anchor: TextAnchor): { from: number; to: number } | null {
  const start = decodeAnchor(anchor.start)
  const end = decodeAnchor(anchor.end)
  return start && end ? rangeFromRelative(c.ydoc, c.fragment, c.mapping, c.doc, [start, end]) : null
}

/** The nodes of the elements named by `ids`, with their positions (one walk of the document). */
export function elementsById(c: Pick<AnchorContext, 'fragment' | 'doc'>, ids: readonly string[]): Map<string, { node: PMNode; pos: number }> {
  const wanted = new Set(ids)
  const found = new Map<string, { node: PMNode; pos: number }>()
  if (!wanted.size) return found
  try {
    walkCorresponding(c.fragment, c.doc, ({ element, node, pos }) => {
      const id = elementId(element)
      if (wanted.has(id)) found.set(id, { node, pos })
      return found.size === wanted.size
    })
  } catch {
    // The Y fragment and the document disagree for a moment (a change in flight): nothing found now.
  }
  return found
}

/** The occurrence of the quote's text in `holder` whose surroundings match best, when unique. */
export function rangeFromContext(holder: { node: PMNode; pos: number } | undefined, anchor: TextAnchor): { from: number; to: number } | null {
  if (!holder || !holder.node.inlineContent || !anchor.text.replace(/\ufffc/g, '')) return null
  const found = bestMatch(inlineText(holder.node, holder.pos + 1), anchor)
  return found && !found.tie ? found.range : null
}

/** A range both ends of which are in one node with inline content. */
function valid(doc: PMNode, range: { from: number; to: number } | null): range is { from: number; to: number } {
  if (!range || range.from >= range.to || range.from < 0 || range.to > doc.content.size) return false
  const $from = doc.resolve(range.from)
  return $from.sameParent(doc.resolve(range.to)) && $from.parent.inlineContent
}

/** Where an amendment applies now: a passage (`from`..`to`) or blocks (structural), or null when its text is gone. */
export type Placement = { id: string; kind: 'text'; from: number; to: number } | { id: string; kind: 'blocks'; blocks: { from: number; to: number }[] }

/** Places each amendment in `c.doc`; those whose text is gone are left out. */
export function placeAmendments(c: AnchorContext, amendments: readonly StoredAmendment[]): Placement[] {
  const structural = amendments.flatMap((a) => (a.anchor ? [] : (a.elements?.elements ?? [])))
  const needsHolders = amendments.filter((a) => a.anchor).map((a) => a.anchor!.parent)
  const out: Placement[] = []
  let holders: Map<string, { node: PMNode; pos: number }> | null = null
  const elements = elementsById(c, structural)
  for (const a of amendments) {
    if (a.anchor) {
      let range = rangeFromPositions(c, a.anchor)
      if (!valid(c.doc, range)) {
        holders ??= elementsById(c, needsHolders)
        range = rangeFromContext(holders.get(a.anchor.parent), a.anchor)
      }
      if (valid(c.doc, range)) out.push({ id: a.id, kind: 'text', from: range.from, to: range.to })
    } else if (a.elements?.elements.length) {
      const blocks = a.elements.elements.flatMap((id) => {
        const e = elements.get(id)
        return e ? [{ from: e.pos, to: e.pos + e.node.nodeSize }] : []
      })
      if (blocks.length) out.push({ id: a.id, kind: 'blocks', blocks })
    }
  }
  return out
}
