import type { Node as PMNode } from 'prosemirror-model'
import { updateYFragment } from 'y-prosemirror'
import * as Y from 'yjs'

/** y-prosemirror's binding metadata (the mapping of Y types to nodes, and its mark cache), as `initProseMirrorDoc` returns it. */
export type WriteMeta = Parameters<typeof updateYFragment>[3]

/**
 * Writes `after` into `fragment`, which holds `before` (read from it, `meta` being the mapping
 * of that read), with the same result as y-prosemirror's `updateYFragment(ydoc, fragment,
 * after, meta)`: without comparing every block of a large document when few changed.
 *
 * Where an element's children correspond one to one to the node's (same count, same names, as
 * when a change stays inside textblocks: resolving brackets, typing), `updateYFragment` pairs
 * them by index, skips the nodes `after` shares with `before` and recurses into the others; this
 * does the same, calling `updateYFragment` itself on each changed textblock, and on any element
 * whose children no longer correspond (a block added, removed or retyped), which is where the
 * whole-document call would start doing more than pairing. Elements on the way get `after`'s
 * attributes and their mapping entry, as `updateYFragment` gives them. Runs inside the caller's
 * transaction when there is one.
 */
export function writeChangedBlocks(ydoc: Y.Doc, fragment: Y.XmlFragment, before: PMNode, after: PMNode, meta: WriteMeta): void {
  if (before === after) return
  ydoc.transact(() => writeNode(ydoc, fragment, before, after, meta))
}

function writeNode(ydoc: Y.Doc, type: Y.XmlFragment, before: PMNode, after: PMNode, meta: WriteMeta): void {
  const children = type.toArray()
  const corresponds =
    !after.inlineContent &&
    before.type === after.type &&
    children.length === after.childCount &&
    before.childCount === after.childCount &&
    children.every((child, i) => child instanceof Y.XmlElement && child.nodeName === after.child(i).type.name && meta.mapping.get(child) === before.child(i))
  if (!corresponds) {
    updateYFragment(ydoc, type, after, meta)
    return
  }
  meta.mapping.set(type, after)
  if (type instanceof Y.XmlElement) syncAttributes(type, after)
  for (let i = 0; i < children.length; i++) {
    const old = before.child(i)
    const next = after.child(i)
    if (old !== next) writeNode(ydoc, children[i] as Y.XmlElement, old, next, meta)
  }
}

/** What `updateYFragment` does to an element's attributes (`ychange` is y-prosemirror's own). */
function syncAttributes(element: Y.XmlElement, node: PMNode): void {
  const current = element.getAttributes() as Record<string, unknown>
  const attrs = node.attrs as Record<string, unknown>
  for (const key in attrs) {
    if (attrs[key] !== null) {
      if (current[key] !== attrs[key] && key !== 'ychange') element.setAttribute(key, attrs[key] as string)
    } else element.removeAttribute(key)
  }
  for (const key in current) if (attrs[key] === undefined) element.removeAttribute(key)
}
