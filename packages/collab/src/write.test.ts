import { treatySchema } from '@accord/schema'
import { treatyBuilders } from '@accord/schema/test-builders'
import type { Node as PMNode } from 'prosemirror-model'
import { EditorState, type Transaction } from 'prosemirror-state'
import { describe, expect, it } from 'vitest'
import { initProseMirrorDoc, prosemirrorToYXmlFragment, updateYFragment } from 'y-prosemirror'
import * as Y from 'yjs'
import { writeChangedBlocks } from './write'

const { doc, treaty, title, art, p, br, alt, note } = treatyBuilders

const sample = () =>
  doc(
    treaty(
      title('Draft ', br(alt('Protocol'), alt('Agreement'))),
      art(p('One ', br(alt('outer ', br(alt('Protocol'), alt('Agreement')), ' more')), ' and ', note('(n)'), br(alt('x'))), p('plain')),
      art(p('Two ', br(alt('Protocol'), alt('Agreement')), ' end'), p(br(alt('a'), alt('b')), 'tail')),
      art(p('Three')),
    ),
  )

/** Two identical Y documents (same client), so both ways of writing can be compared item by item. */
function twins(pm: PMNode): [Y.Doc, Y.Doc] {
  const seed = new Y.Doc({ gc: false })
  seed.clientID = 1
  seed.transact(() => prosemirrorToYXmlFragment(pm, seed.getXmlFragment('treaty')))
  const copy = () => {
    const d = new Y.Doc({ gc: false })
    d.clientID = 1
    Y.applyUpdate(d, Y.encodeStateAsUpdate(seed))
    return d
  }
  return [copy(), copy()]
}

/** What a Y document holds: the XML with attributes, and which of the seed's items are deleted. */
function shape(ydoc: Y.Doc, seedClock: number): { xml: string; deleted: string[]; mapping: string[] } {
  const deleted: string[] = []
  const structs = ydoc.store.clients.get(1) ?? []
  for (const s of structs) if (s.id.clock < seedClock && s.deleted) deleted.push(`${s.id.clock}+${s.length}`)
  const read = initProseMirrorDoc(ydoc.getXmlFragment('treaty'), treatySchema).doc
  return { xml: ydoc.getXmlFragment('treaty').toString(), deleted, mapping: [JSON.stringify(read.toJSON())] }
}

/** Writes `edit`'s result both ways and checks that the documents and the mappings agree. */
function compare(pm: PMNode, edit: (state: EditorState) => Transaction): void {
  const [a, b] = twins(pm)
  const seedClock = Y.getState(a.store, 1)
  const fa = a.getXmlFragment('treaty')
  const fb = b.getXmlFragment('treaty')
  const ra = initProseMirrorDoc(fa, treatySchema)
  const rb = initProseMirrorDoc(fb, treatySchema)
  const ta = edit(EditorState.create({ schema: treatySchema, doc: ra.doc }))
  const tb = edit(EditorState.create({ schema: treatySchema, doc: rb.doc }))
  a.transact(() => updateYFragment(a, fa, ta.doc, ra.meta))
  b.transact(() => writeChangedBlocks(b, fb, rb.doc, tb.doc, rb.meta))
  expect(shape(b, seedClock)).toEqual(shape(a, seedClock))
  expect(initProseMirrorDoc(fb, treatySchema).doc.eq(tb.doc)).toBe(true)
  // The mapping is the one updateYFragment leaves: every element to the node it now is.
  const mapped = (meta: typeof ra.meta, fragment: Y.XmlFragment) => {
    const out: string[] = []
    const walk = (type: Y.XmlFragment) => {
      for (const child of type.toArray()) {
        if (!(child instanceof Y.XmlElement)) continue
        const node = meta.mapping.get(child) as PMNode | undefined
        out.push(node && !Array.isArray(node) ? JSON.stringify(node.toJSON()) : 'none')
        walk(child)
      }
    }
    walk(fragment)
    return out
  }
  expect(mapped(rb.meta, fb)).toEqual(mapped(ra.meta, fa))
  // …and a later write from that mapping still agrees.
  const more = (d: PMNode) => EditorState.create({ schema: treatySchema, doc: d }).tr.insertText('!', 2).doc
  const ma = more(ta.doc)
  const mb = more(tb.doc)
  a.transact(() => updateYFragment(a, fa, ma, ra.meta))
  b.transact(() => writeChangedBlocks(b, fb, tb.doc, mb, rb.meta))
  expect(shape(b, seedClock)).toEqual(shape(a, seedClock))
}

function brackets(d: PMNode): { pos: number; node: PMNode }[] {
  const out: { pos: number; node: PMNode }[] = []
  d.descendants((node, pos) => void (node.type.name === 'bracket' && out.push({ pos, node })))
  return out
}

describe('writeChangedBlocks', () => {
  it('writes a resolution of several groups as updateYFragment on the whole document does', () => {
    compare(sample(), (state) => {
      const tr = state.tr
      for (const { pos, node } of brackets(state.doc).reverse()) {
        if (node.childCount === 2 && node.child(0).textContent === 'Protocol') tr.replaceWith(pos, pos + node.nodeSize, node.child(0).content)
      }
      return tr
    })
  })

  it('writes every group dropped, nested ones included', () => {
    compare(sample(), (state) => {
      const tr = state.tr
      for (const { pos } of brackets(state.doc).reverse()) {
        const node = tr.doc.nodeAt(pos)!
        tr.replaceWith(pos, pos + node.nodeSize, node.child(0).content)
      }
      return tr
    })
  })

  it('writes a change that moves a bracket out of the one around it (the same node in both documents)', () => {
    compare(sample(), (state) => {
      const tr = state.tr
      for (const { pos, node } of brackets(state.doc).reverse()) tr.replaceWith(pos, pos + node.nodeSize, node.child(0).content)
      return tr
    })
  })

  it('writes an attribute of an inline node, and text typed in two blocks', () => {
    compare(sample(), (state) => {
      const [first] = brackets(state.doc)
      return state.tr.setNodeAttribute(first.pos, 'adRef', true).insertText('x', state.doc.content.size - 3)
    })
  })

  it('falls back to the whole comparison where blocks are added, removed or changed attributes', () => {
    compare(sample(), (state) => {
      const end = state.doc.child(0).content.size
      return state.tr.insert(end + 1, treatySchema.node('article', null, [treatySchema.node('paragraph', null, [treatySchema.text('New')])]))
    })
    compare(sample(), (state) => {
      const tr = state.tr
      const second = state.doc.child(0).child(1)
      let pos = 1
      for (let i = 0; i < 1; i++) pos += state.doc.child(0).child(i).nodeSize
      return tr.delete(pos, pos + second.nodeSize)
    })
    compare(sample(), (state) => {
      let pos = 1 + state.doc.child(0).child(0).nodeSize
      return state.tr.setNodeAttribute(pos, 'suffix', 'bis').insertText('y', pos + 3)
    })
    compare(sample(), (state) => state.tr.setNodeAttribute(0, 'lang', 'fr'))
  })

  it('does nothing when the document did not change', () => {
    const [a] = twins(sample())
    const fragment = a.getXmlFragment('treaty')
    const read = initProseMirrorDoc(fragment, treatySchema)
    const before = Y.encodeStateVector(a)
    writeChangedBlocks(a, fragment, read.doc, read.doc, read.meta)
    expect(Y.encodeStateVector(a)).toEqual(before)
  })
})
