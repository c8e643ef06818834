import { walkCorresponding } from '@accord/collab'
import { treatySchema } from '@accord/schema'
import type { Node as PMNode } from 'prosemirror-model'
import type { EditorState, Transaction } from 'prosemirror-state'
import { describe, expect, it } from 'vitest'
import { initProseMirrorDoc } from 'y-prosemirror'
import * as Y from 'yjs'
import type { Actor, RoomLike } from './audit'
import { BracketActionError, listBrackets, reopen, resolve, setAdRef } from './brackets'
import { mulberry32 } from './testing'
import { editOn, peerDoc, peerOf, roomWith, sampleDoc, type TestRoom } from './testRooms'
import { TREATY_FRAGMENT } from './treatyDoc'
import { mirroredTreaty } from './treatyMirror'

const chair: Actor = { participant: 'p_chair', name: 'Chair', role: 'facilitator', state: null }

/** A room holding a copy of `ydoc` (the same ids), read for the first time. */
function copyOf(ydoc: Y.Doc): RoomLike {
  const copy = new Y.Doc()
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(ydoc))
  return { doc: copy, transact: (actor, change) => copy.transact(() => change(copy), actor) }
}

/** What y-prosemirror reads from the doc now (on a copy: its read may repair the fragment). */
function freshRead(ydoc: Y.Doc): PMNode {
  const copy = new Y.Doc({ gc: false })
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(ydoc))
  try {
    return initProseMirrorDoc(copy.getXmlFragment(TREATY_FRAGMENT), treatySchema).doc
  } finally {
    copy.destroy()
  }
}

/**
 * The mirror is y-prosemirror's read, and its mapping gives each element the node the document
 * holds for it, and holds nothing else (no deleted element, nothing a writer mapped).
 */
function expectMirrorExact(ydoc: Y.Doc, context: string): PMNode {
  const mirrored = mirroredTreaty(ydoc)
  if (!mirrored) throw new Error(`${context}: the mirror refused to read`)
  const fresh = freshRead(ydoc)
  if (!mirrored.doc.eq(fresh)) expect(mirrored.doc.toJSON(), context).toEqual(fresh.toJSON())
  expect(mirrored.doc.eq(fresh), context).toBe(true)
  let elements = 0
  walkCorresponding(ydoc.getXmlFragment(TREATY_FRAGMENT), mirrored.doc, ({ element, node, pos }) => {
    elements++
    if (mirrored.meta.mapping.get(element) !== node) throw new Error(`${context}: the mapping does not hold the node at ${pos} (${node.type.name}) for its element`)
  })
  expect(mirrored.meta.mapping.size, `${context}: entries in the mapping`).toBe(elements)
  return mirrored.doc
}

describe('mirroredTreaty', () => {
  it('reads what initProseMirrorDoc reads, writes nothing, and gives the same document while nothing changes', () => {
    const room = roomWith(sampleDoc())
    const before = Y.encodeStateVector(room.doc)
    const doc = expectMirrorExact(room.doc, 'first read')
    expect(mirroredTreaty(room.doc)!.doc).toBe(doc)
    expect(room.updates).toHaveLength(0)
    expect(Y.encodeStateVector(room.doc)).toEqual(before)
  })

  it('reads again only what changed: the other blocks are the same nodes', () => {
    const room = roomWith(sampleDoc())
    const peer = peerOf(room)
    const doc = mirroredTreaty(room.doc)!.doc
    const treaty = doc.child(0)
    // Type into the last block of the treaty.
    editOn(peer, (state) => state.tr.insertText('!', state.doc.content.size - 3))
    const after = expectMirrorExact(room.doc, 'after typing')
    expect(after).not.toBe(doc)
    expect(after.child(0).childCount).toBe(treaty.childCount)
    for (let i = 0; i < treaty.childCount - 1; i++) expect(after.child(0).child(i)).toBe(treaty.child(i))
    expect(after.child(0).lastChild).not.toBe(treaty.lastChild)
  })

  it('answers null inside a transaction that already changed the document, and after it reads the change', () => {
    const room = roomWith(sampleDoc())
    mirroredTreaty(room.doc)
    room.transact('test', (ydoc) => {
      expect(mirroredTreaty(ydoc)).not.toBeNull()
      const title = ydoc.getXmlFragment(TREATY_FRAGMENT).get(0) as Y.XmlElement
      ;(title.get(0) as Y.XmlElement).setAttribute('x', 'y')
      expect(mirroredTreaty(ydoc)).toBeNull()
    })
    expectMirrorExact(room.doc, 'after the transaction')
  })

  it("answers null where y-prosemirror's read would change the document: an element that fits no node type", () => {
    const room = roomWith(sampleDoc())
    expectMirrorExact(room.doc, 'before')
    const peer = peerOf(room)
    const treaty = peer.getXmlFragment(TREATY_FRAGMENT).get(0) as Y.XmlElement
    treaty.insert(1, [new Y.XmlElement('no_such_node')])
    const before = Y.encodeStateVector(room.doc)
    expect(mirroredTreaty(room.doc)).toBeNull()
    expect(Y.encodeStateVector(room.doc)).toEqual(before)
    // Once the element is gone, the mirror reads again.
    peer.transact(() => treaty.delete(1, 1))
    expectMirrorExact(room.doc, 'after the element was deleted')
  })

  it("answers null where y-prosemirror's read would merge a text this doc wrote into the one before it, and the actions read with y-prosemirror then", () => {
    const room = roomWith(sampleDoc())
    const report = listBrackets(room)
    room.transact('test', (ydoc) => {
      const title = (ydoc.getXmlFragment(TREATY_FRAGMENT).get(0) as Y.XmlElement).get(0) as Y.XmlElement
      const text = new Y.XmlText()
      title.insert(title.length, [text])
      text.insert(0, ' (draft)')
    })
    expect(mirroredTreaty(room.doc)).toBeNull()
    // The resolution reads with y-prosemirror, which merges the two texts in its transaction.
    const set = report.sets[0]
    expect(resolve(room, chair, { set: set.id, choose: set.alternatives[0] }).resolved).toBe(set.count)
    expectMirrorExact(room.doc, 'after the resolution')
    expect(room.read().firstChild!.firstChild!.textContent).toMatch(/ \(draft\)$/)
  })

  it('follows a deleted element and everything inside it, and an attribute changed by a peer', () => {
    const room = roomWith(sampleDoc())
    const peer = peerOf(room)
    expectMirrorExact(room.doc, 'before')
    const treaty = peer.getXmlFragment(TREATY_FRAGMENT).get(0) as Y.XmlElement
    const index = treaty.toArray().findIndex((child) => child instanceof Y.XmlElement && child.nodeName === 'article')
    const article = treaty.get(index) as Y.XmlElement
    peer.transact(() => article.setAttribute('suffix', 'bis'))
    expectMirrorExact(room.doc, 'after the attribute')
    peer.transact(() => treaty.delete(index, 1))
    expectMirrorExact(room.doc, 'after the deletion')
  })
})

// ---------------------------------------------------------------------------------------------
// Random edits from peers (one live, one offline for a while), paragraphs deleted, attributes
// changed, and the server's own actions through the mirror: after every step, the mirror of the
// room's garbage-collected doc is what y-prosemirror reads.

type Edit = (state: EditorState, random: () => number) => Transaction | null

function pick<T>(items: readonly T[], random: () => number): T | undefined {
  return items.length ? items[Math.floor(random() * items.length)] : undefined
}

function nodesOf(doc: PMNode, test: (node: PMNode) => boolean): { node: PMNode; pos: number }[] {
  const found: { node: PMNode; pos: number }[] = []
  doc.descendants((node, pos) => {
    if (test(node)) found.push({ node, pos })
  })
  return found
}

const edits: Edit[] = [
  // Type a few characters in a textblock.
  (state, random) => {
    const block = pick(nodesOf(state.doc, (n) => n.isTextblock), random)
    if (!block) return null
    const at = block.pos + 1 + Math.floor(random() * (block.node.content.size + 1))
    const $at = state.doc.resolve(at)
    if (!$at.parent.inlineContent) return null
    return state.tr.insertText('xyz'.slice(0, 1 + Math.floor(random() * 3)), at)
  },
  // Delete some text of a textblock (never across its inline nodes' boundaries).
  (state, random) => {
    const block = pick(nodesOf(state.doc, (n) => n.isTextblock && n.content.size > 2), random)
    if (!block) return null
    const from = block.pos + 1 + Math.floor(random() * block.node.content.size)
    const to = Math.min(from + 1 + Math.floor(random() * 6), block.pos + 1 + block.node.content.size)
    const $from = state.doc.resolve(from)
    const $to = state.doc.resolve(to)
    if ($from.parent !== $to.parent || !$from.parent.inlineContent) return null
    return state.tr.delete(from, to)
  },
  // Delete a whole paragraph.
  (state, random) => {
    const paragraph = pick(nodesOf(state.doc, (n) => n.type.name === 'paragraph'), random)
    return paragraph ? state.tr.delete(paragraph.pos, paragraph.pos + paragraph.node.nodeSize) : null
  },
  // Change a paragraph's level or an article's suffix.
  (state, random) => {
    const target = pick(nodesOf(state.doc, (n) => n.type.name === 'paragraph' || n.type.name === 'article'), random)
    if (!target) return null
    return target.node.type.name === 'paragraph'
      ? state.tr.setNodeAttribute(target.pos, 'level', Math.floor(random() * 4))
      : state.tr.setNodeAttribute(target.pos, 'suffix', pick(['', 'bis', 'ter'], random)!)
  },
  // Toggle a bracket's ad referendum mark.
  (state, random) => {
    const bracket = pick(nodesOf(state.doc, (n) => n.type.name === 'bracket'), random)
    return bracket ? state.tr.setNodeAttribute(bracket.pos, 'adRef', !bracket.node.attrs.adRef) : null
  },
]

function editPeer(peer: Y.Doc, random: () => number): void {
  const edit = pick(edits, random)!
  editOn(peer, (state) => edit(state, random) ?? state.tr)
}

/** A server action through the mirror; refusals (the group is gone, a choice no longer fits) are fine. */
function serverAction(room: TestRoom, random: () => number, resolutions: string[]): void {
  const report = listBrackets(room)
  try {
    const choice = random()
    if (choice < 0.25 && report.sets.length) {
      const set = pick(report.sets, random)!
      resolutions.push(resolve(room, chair, { set: set.id, choose: pick(set.alternatives, random)! }).entry)
    } else if (choice < 0.55 && report.groups.length) {
      const group = pick(report.groups, random)!
      resolutions.push(resolve(room, chair, { group: group.id, choose: pick(group.alternatives, random)! }).entry)
    } else if (choice < 0.8 && resolutions.length) {
      reopen(room, chair, { entry: resolutions.splice(Math.floor(random() * resolutions.length), 1)[0] })
    } else if (report.groups.length) {
      const group = pick(report.groups, random)!
      setAdRef(room, chair, { group: group.id, adRef: !group.adRef })
    }
  } catch (error) {
    if (!(error instanceof BracketActionError)) throw error
  }
}

describe('the mirror under random edits', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`seed ${seed}: is y-prosemirror's read after every step`, () => {
      const random = mulberry32(seed)
      const room = roomWith(sampleDoc())
      const live = peerOf(room)
      // An offline peer: its updates and the room's wait until it syncs, so they cross concurrently.
      const offline = new Y.Doc()
      Y.applyUpdate(offline, Y.encodeStateAsUpdate(room.doc))
      const sync = () => {
        const fromRoom = Y.encodeStateAsUpdate(room.doc, Y.encodeStateVector(offline))
        const toRoom = Y.encodeStateAsUpdate(offline, Y.encodeStateVector(room.doc))
        Y.applyUpdate(room.doc, toRoom, 'offline peer')
        Y.applyUpdate(offline, fromRoom, 'room')
      }
      const resolutions: string[] = []
      expectMirrorExact(room.doc, `seed ${seed}, start`)
      for (let step = 0; step < 60; step++) {
        const r = random()
        if (r < 0.35) editPeer(live, random)
        else if (r < 0.6) editPeer(offline, random)
        else if (r < 0.75) sync()
        else serverAction(room, random, resolutions)
        // Not every step is followed by a read: changes accumulate in the mirror between reads too.
        if (random() < 0.7) expectMirrorExact(room.doc, `seed ${seed}, step ${step}`)
        // The listing (its analysis kept while the treaty does not change) is a fresh one's.
        if (random() < 0.3) expect(listBrackets(room), `seed ${seed}, step ${step}: the listing`).toEqual(listBrackets(copyOf(room.doc)))
      }
      sync()
      const final = expectMirrorExact(room.doc, `seed ${seed}, end`)
      expect(peerDoc(live).eq(final)).toBe(true)
      expect(peerDoc(offline).eq(final)).toBe(true)
    })
  }
})
