import type { Node as PMNode } from 'prosemirror-model'
import * as Y from 'yjs'

/*
 * The correspondence between a Y.XmlFragment in y-prosemirror's encoding and the ProseMirror
 * document read from it (by `initProseMirrorDoc` on the server, by `ySyncPlugin` in the
 * editor). Elements correspond one to one and in order; Y.XmlText runs correspond to text
 * nodes, which ProseMirror may merge or split differently, so text is skipped on both sides.
 * Nothing here writes to the Y document.
 */

/** One element of the fragment with the node it became and that node's position. */
export interface Corresponding {
  element: Y.XmlElement
  node: PMNode
  /** Position directly before `node` in the ProseMirror document. */
  pos: number
}

/**
 * Visits every element of `fragment` with its ProseMirror node, in document order (a parent
 * before its children). `visit` returns true to stop the walk. `doc` stands for the fragment
 * itself (its content starts at position 0). Iterative: nesting depth is not bounded by the
 * call stack.
 *
 * Throws a RangeError when the two disagree (an element count or a node name differs): the
 * document was not read from this fragment, or not since its last change.
 */
export function walkCorresponding(fragment: Y.XmlFragment, doc: PMNode, visit: (c: Corresponding) => boolean | void): void {
  const stack: Corresponding[] = []
  const pushChildren = (parent: Y.XmlFragment, node: PMNode, contentStart: number) => {
    const elements = parent.toArray().filter((child): child is Y.XmlElement => child instanceof Y.XmlElement)
    const nodes: { node: PMNode; pos: number }[] = []
    node.forEach((child, offset) => {
      if (!child.isText) nodes.push({ node: child, pos: contentStart + offset })
    })
    if (elements.length !== nodes.length) {
      throw new RangeError(
        `the ProseMirror document is out of sync with the Y fragment: ${node.type.name} at position ${contentStart - 1} has ${nodes.length} child node(s) but its element has ${elements.length}`,
      )
    }
    for (let i = elements.length - 1; i >= 0; i--) stack.push({ element: elements[i], ...nodes[i] })
  }
  pushChildren(fragment, doc, 0)
  while (stack.length) {
    const c = stack.pop()!
    if (c.element.nodeName !== c.node.type.name) {
      throw new RangeError(`the ProseMirror document is out of sync with the Y fragment: a ${c.node.type.name} at position ${c.pos} stands for a Y element "${c.element.nodeName}"`)
    }
    if (visit(c)) return
    if (c.node.isLeaf) continue
    pushChildren(c.element, c.node, c.pos + 1)
  }
}

/** The Yjs id of an element's item, `client.clock`: unique in the document and never reused. */
export function elementId(element: Y.XmlElement): string {
  const item = element._item
  if (!item) throw new RangeError(`the element "${element.nodeName}" is not integrated in a Y document yet, so it has no id`)
  return `${item.id.client}.${item.id.clock}`
}

/** A bracket group's id: `g` + the Yjs id of its `bracket` element (`g123456.78`). Stable while the group exists. */
export function groupId(element: Y.XmlElement): string {
  return `g${elementId(element)}`
}

/** Whether `id` has the shape of a group id (it may still name no group). */
export function isGroupId(id: unknown): id is string {
  return typeof id === 'string' && /^g\d{1,16}\.\d{1,16}$/.test(id)
}

/** The id of every `bracket` node of `doc` by its position. */
export function bracketIds(fragment: Y.XmlFragment, doc: PMNode): Map<number, string> {
  const ids = new Map<number, string>()
  walkCorresponding(fragment, doc, ({ element, node, pos }) => {
    if (node.type.name === 'bracket') ids.set(pos, groupId(element))
  })
  return ids
}

/** The position of the `bracket` node whose id is `id`, or undefined when there is none (resolved, deleted, never existed). */
export function findGroup(fragment: Y.XmlFragment, doc: PMNode, id: string): number | undefined {
  if (!isGroupId(id)) return undefined
  let found: number | undefined
  walkCorresponding(fragment, doc, ({ element, node, pos }) => {
    if (node.type.name === 'bracket' && groupId(element) === id) {
      found = pos
      return true
    }
    return false
  })
  return found
}

/**
 * A linked set's id: `s_` + a hash of its normalised key (`[议定书][协议]`), so the same choice
 * has the same id on every server and in every editor, whatever its members.
 */
export function linkedSetId(key: string): string {
  let id = setIds.get(key)
  if (id === undefined) {
    // Bounded: a server sees the keys of many documents over its life.
    if (setIds.size >= 50_000) setIds.clear()
    setIds.set(key, (id = `s_${hash53(key).toString(36)}`))
  }
  return id
}

/** linkedSetId's answers: every listing and resolution asks again for every key of the treaty. */
const setIds = new Map<string, string>()

/** cyrb53: a fast 53-bit string hash (not cryptographic; collisions between a treaty's few hundred keys are negligible). */
function hash53(text: string): number {
  let h1 = 0xdeadbeef
  let h2 = 0x41c6ce57
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    h1 = Math.imul(h1 ^ ch, 2654435761)
    h2 = Math.imul(h2 ^ ch, 1597334677)
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909)
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909)
  return 4294967296 * (2097151 & h2) + (h1 >>> 0)
}
