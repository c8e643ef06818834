import { treatySchema } from '@accord/schema'
import { treatyBuilders } from '@accord/schema/test-builders'
import type { Node as PMNode } from 'prosemirror-model'
import { EditorState } from 'prosemirror-state'
import { describe, expect, it } from 'vitest'
import { absolutePositionToRelativePosition, initProseMirrorDoc, prosemirrorToYXmlFragment, updateYFragment } from 'y-prosemirror'
import * as Y from 'yjs'
import { relativePositionIn } from './anchors'
import { walkCorresponding } from './correspond'

const { doc, treaty, title, art, p, br, alt, note, ph } = treatyBuilders

/** Every position inside every textblock and alternative (where a resolved group's text is), both ways, as encoded bytes. */
function compareAll(ydoc: Y.Doc): number {
  const fragment = ydoc.getXmlFragment('treaty')
  const { doc: read, meta } = initProseMirrorDoc(fragment, treatySchema)
  let checked = 0
  walkCorresponding(fragment, read, ({ element, node, pos }) => {
    if (!node.isTextblock && node.type.name !== 'alternative') return
    for (let offset = 0; offset <= node.content.size; offset++) {
      const expected = absolutePositionToRelativePosition(pos + 1 + offset, fragment, meta.mapping) as Y.RelativePosition
      const got = relativePositionIn(element, offset, meta.mapping)
      expect(Y.encodeRelativePosition(got), `${node.type.name} at ${pos}, offset ${offset}`).toEqual(Y.encodeRelativePosition(expected))
      checked++
    }
  })
  return checked
}

describe('relativePositionIn', () => {
  const sample = (): PMNode =>
    doc(
      treaty(
        title('Draft ', br(alt('Protocol'), alt('Agreement'))),
        art(p('One ', br(alt('outer ', br(alt('inner')), ' more')), ' and ', note('(n)'), ph('X date'), br(alt('x'))), p('plain'), p(br(alt('a'), alt()), br(alt('b')))),
        art(p(br(), br(alt()), 'end'), p(note('only'))),
      ),
    )

  it('gives what y-prosemirror gives walking from the root, at every position inside inline content', () => {
    const ydoc = new Y.Doc()
    ydoc.transact(() => prosemirrorToYXmlFragment(sample(), ydoc.getXmlFragment('treaty')))
    expect(compareAll(ydoc)).toBeGreaterThan(80)
  })

  it('…also after y-prosemirror rewrote paragraphs (deleted items, split text runs)', () => {
    const ydoc = new Y.Doc()
    const fragment = ydoc.getXmlFragment('treaty')
    ydoc.transact(() => prosemirrorToYXmlFragment(sample(), fragment))
    const { doc: read, meta } = initProseMirrorDoc(fragment, treatySchema)
    const tr = EditorState.create({ schema: treatySchema, doc: read }).tr
    const brackets: number[] = []
    read.descendants((node, pos) => void (node.type.name === 'bracket' && node.childCount && brackets.push(pos)))
    for (const pos of brackets.reverse().filter((_, i) => i % 2 === 0)) {
      const node = tr.doc.nodeAt(pos)!
      tr.replaceWith(pos, pos + node.nodeSize, node.child(0).content)
    }
    tr.insertText('typed ', 3)
    ydoc.transact(() => updateYFragment(ydoc, fragment, tr.doc, meta))
    // Text runs split by a remote edit, as another peer's typing leaves them.
    const paragraph = ((fragment.get(0) as Y.XmlElement).get(1) as Y.XmlElement).get(0) as Y.XmlElement
    ydoc.transact(() => paragraph.insert(0, [new Y.XmlText('zz')]))
    expect(compareAll(ydoc)).toBeGreaterThan(60)
  })
})
