import type { Node as PMNode } from 'prosemirror-model'
import type { EditorState } from 'prosemirror-state'
import { getRelativeSelection, updateYFragment, ySyncPluginKey } from 'y-prosemirror'
import * as Y from 'yjs'

/**
 * What `updateYFragment` needs of y-prosemirror's binding: the Y document and fragment, and the
 * mapping from each Y element (or text) to the ProseMirror node (or text nodes) it was last in
 * sync with.
 */
export interface SyncTarget {
  doc: Y.Doc
  type: Y.XmlFragment
  mapping: Map<Y.AbstractType<any>, PMNode | PMNode[]>
  isOMark: Map<unknown, boolean>
}

/**
 * Writes `doc` into the Y fragment as y-prosemirror's `updateYFragment(ydoc, fragment, doc)`
 * does, with the same Y operations in the same order, but without its cost on a long document.
 *
 * `updateYFragment` starts at the root and, at each level, finds the child that changed by
 * comparing it with `equalYTypePNode`: a deep comparison, text included, that does not use the
 * mapping. A keystroke in the middle of a 300-article treaty changes the one `treaty` element,
 * so every keystroke compared half of the treaty's text with Yjs's (over 10 ms in Chromium).
 *
 * Here the walk starts lower: from the root down, while exactly one child of a block container
 * differs from what the mapping says it was in sync with, and that child is an element of the
 * same name with its attributes in sync, it descends into that child. At such a level
 * `updateYFragment` would itself do nothing but set the mapping and update that one child (its
 * scans stop at the one child, and with the same child on both sides it updates it in place),
 * so calling it on the deepest such child and setting the mapping of the levels passed gives
 * the same result. Anything else — several children changed, one inserted or removed, an
 * attribute changed — is left to `updateYFragment` from that level on.
 */
export function updateYFragmentNarrowly(target: SyncTarget, doc: PMNode): void {
  const { mapping } = target
  const passed: [Y.XmlFragment, PMNode][] = []
  let y: Y.XmlFragment = target.type
  let p = doc
  for (;;) {
    if (p.inlineContent) break
    const children = y.toArray()
    if (children.length !== p.childCount) break
    let changed = -1
    for (let i = 0; i < children.length; i++) {
      if (mapping.get(children[i]) === p.child(i)) continue
      changed = changed === -1 ? i : -2
      if (changed === -2) break
    }
    if (changed < 0) break
    const child = children[changed]
    const node = p.child(changed)
    if (!(child instanceof Y.XmlElement) || child.nodeName !== node.type.name || !attrsInSync(child, node)) break
    passed.push([y, p])
    y = child
    p = node
  }
  updateYFragment(target.doc, y, p, target as unknown as Parameters<typeof updateYFragment>[3])
  for (const [yy, pp] of passed) mapping.set(yy, pp)
}

/** Whether `updateYFragment`'s attribute pass would leave `el` as it is. */
function attrsInSync(el: Y.XmlElement, node: PMNode): boolean {
  const yAttrs = el.getAttributes() as Record<string, unknown>
  const pAttrs = node.attrs as Record<string, unknown>
  for (const key in pAttrs) {
    if (pAttrs[key] !== null) {
      if (yAttrs[key] !== pAttrs[key] && key !== 'ychange') return false
    } else if (yAttrs[key] !== undefined) return false
  }
  for (const key in yAttrs) if (pAttrs[key] === undefined) return false
  return true
}

interface Binding extends SyncTarget {
  prosemirrorView: { state: EditorState } | null
  beforeTransactionSelection: unknown
  _prosemirrorChanged: (doc: PMNode) => void
}

/**
 * Makes the sync plugin of `state` write local changes with `updateYFragmentNarrowly`: the
 * binding's `_prosemirrorChanged` (y-prosemirror 1.3), which its view calls after every
 * transaction, is replaced by the same steps with the narrow update. Call before the view is
 * created. Does nothing if the binding does not look as expected (another y-prosemirror).
 */
export function narrowYSync(state: EditorState): void {
  const binding = (ySyncPluginKey.getState(state) as { binding?: Binding } | undefined)?.binding
  if (!binding || typeof binding._prosemirrorChanged !== 'function' || !(binding.mapping instanceof Map) || !(binding.type instanceof Y.XmlFragment)) return
  binding._prosemirrorChanged = (doc: PMNode) => {
    binding.doc.transact(() => {
      updateYFragmentNarrowly(binding, doc)
      binding.beforeTransactionSelection = getRelativeSelection(binding as never, binding.prosemirrorView!.state)
    }, ySyncPluginKey)
  }
}
