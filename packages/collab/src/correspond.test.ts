import { treatySchema } from '@accord/schema'
import { treatyBuilders } from '@accord/schema/test-builders'
import type { Node as PMNode } from 'prosemirror-model'
import { EditorState } from 'prosemirror-state'
import { describe, expect, it } from 'vitest'
import { initProseMirrorDoc, prosemirrorToYXmlFragment, updateYFragment } from 'y-prosemirror'
import * as Y from 'yjs'
import { bracketIds, findGroup, isGroupId, linkedSetId, walkCorresponding } from './correspond'

const { doc, treaty, title, art, p, br, alt, note, ph } = treatyBuilders

function ydocOf(pm: PMNode): { ydoc: Y.Doc; fragment: Y.XmlFragment } {
  const ydoc = new Y.Doc()
  const fragment = ydoc.getXmlFragment('treaty')
  ydoc.transact(() => prosemirrorToYXmlFragment(pm, fragment))
  return { ydoc, fragment }
}

/** Positions of every bracket node, in document order. */
function bracketPositions(pm: PMNode): number[] {
  const out: number[] = []
  pm.descendants((node, pos) => void (node.type.name === 'bracket' && out.push(pos)))
  return out
}

const sample = () =>
  doc(
    treaty(
      title('Draft ', br(alt('Protocol'), alt('Agreement'))),
      art(p('One ', br(alt('outer ', br(alt('inner')), ' more')), ' and ', note('(n)'), ph('X date'), br(alt('x'))), p('plain')),
      art(p(br(), br(alt()), 'end')),
    ),
  )

describe('walkCorresponding', () => {
  it('pairs every element with its node, in document order', () => {
    const pm = sample()
    const { fragment } = ydocOf(pm)
    const read = initProseMirrorDoc(fragment, treatySchema).doc
    const seen: string[] = []
    walkCorresponding(fragment, read, ({ element, node, pos }) => {
      expect(element.nodeName).toBe(node.type.name)
      expect(read.nodeAt(pos)).toBe(node)
      seen.push(node.type.name)
    })
    const expected: string[] = []
    read.descendants((node) => void (node.isText || expected.push(node.type.name)))
    expect(seen).toEqual(expected)
  })

  it('skips text on both sides: two Y.XmlText runs that ProseMirror merges', () => {
    const { ydoc, fragment } = ydocOf(doc(treaty(art(p('a', br(alt('x')), 'b')))))
    const paragraph = ((fragment.get(0) as Y.XmlElement).get(0) as Y.XmlElement).get(0) as Y.XmlElement
    ydoc.transact(() => paragraph.insert(0, [new Y.XmlText('zz')]))
    const read = initProseMirrorDoc(fragment, treatySchema).doc
    expect(read.firstChild!.firstChild!.firstChild!.firstChild!.text).toBe('zza')
    expect([...bracketIds(fragment, read).keys()]).toEqual(bracketPositions(read))
  })

  it('stops when visit returns true', () => {
    const { fragment } = ydocOf(sample())
    const read = initProseMirrorDoc(fragment, treatySchema).doc
    let count = 0
    walkCorresponding(fragment, read, () => ++count === 3)
    expect(count).toBe(3)
  })

  it('fails loudly when the document was not read from the fragment', () => {
    const { fragment } = ydocOf(sample())
    expect(() => bracketIds(fragment, doc(treaty(art(p('x')))))).toThrow(/out of sync/)
    expect(() => bracketIds(fragment, doc(treaty(title('x'), art(p('x')), art(p('y')))))).toThrow(/out of sync/)
  })
})

describe('bracketIds and findGroup', () => {
  it('give every bracket, nested and empty ones included, a distinct g-id that findGroup finds again', () => {
    const { fragment } = ydocOf(sample())
    const read = initProseMirrorDoc(fragment, treatySchema).doc
    const ids = bracketIds(fragment, read)
    expect([...ids.keys()]).toEqual(bracketPositions(read))
    expect(new Set(ids.values()).size).toBe(ids.size)
    for (const [pos, id] of ids) {
      expect(isGroupId(id)).toBe(true)
      expect(findGroup(fragment, read, id)).toBe(pos)
    }
    expect(findGroup(fragment, read, 'g1.999999')).toBeUndefined()
    expect(findGroup(fragment, read, 'nonsense')).toBeUndefined()
  })

  it('keeps ids while text is typed elsewhere, on another peer; a resolved group loses its id', () => {
    const a = ydocOf(sample())
    const b = new Y.Doc()
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a.ydoc))
    const before = bracketIds(a.fragment, initProseMirrorDoc(a.fragment, treatySchema).doc)
    // Peer B types at the start of the title and removes the first group, through y-prosemirror.
    const fb = b.getXmlFragment('treaty')
    const { doc: docB, meta } = initProseMirrorDoc(fb, treatySchema)
    const firstPos = bracketPositions(docB)[0]
    const firstBracket = docB.nodeAt(firstPos)!
    const tr = EditorState.create({ doc: docB }).tr
    tr.replaceWith(firstPos, firstPos + firstBracket.nodeSize, firstBracket.child(0).content)
    tr.insertText('New ', 2)
    const typed = tr.doc
    b.transact(() => updateYFragment(b, fb, typed, meta))
    Y.applyUpdate(a.ydoc, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a.ydoc)))
    const after = initProseMirrorDoc(a.fragment, treatySchema).doc
    const ids = bracketIds(a.fragment, after)
    expect(after.firstChild!.firstChild!.textContent).toBe('New Draft Protocol')
    const lost = before.get(firstPos)!
    expect([...ids.values()]).toEqual([...before.values()].filter((id) => id !== lost))
    expect(findGroup(a.fragment, after, lost)).toBeUndefined()
  })
})

describe('linkedSetId', () => {
  it('is short, stable and differs between keys', () => {
    expect(linkedSetId('[议定书][协议]')).toMatch(/^s_[0-9a-z]{1,11}$/)
    expect(linkedSetId('[议定书][协议]')).toBe(linkedSetId('[议定书][协议]'))
    expect(linkedSetId('[议定书][协议]')).not.toBe(linkedSetId('[本议定书][协议]'))
  })
})
