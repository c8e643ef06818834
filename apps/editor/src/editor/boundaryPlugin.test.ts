import { treatySchema as s } from '@accord/schema'
import { EditorState, TextSelection } from 'prosemirror-state'
import { describe, expect, it } from 'vitest'
import { atInlineBoundary } from './boundaryPlugin'

// doc > treaty > article > paragraph: text starts at position 3.
const para = (...content: Parameters<typeof s.node>[2][]) =>
  s.node('doc', null, [s.node('treaty', null, [s.node('article', null, [s.node('paragraph', null, content.flat() as never)])])])
const note = (text: string) => s.node('note', null, [s.text(text)])
const at = (doc: ReturnType<typeof para>, pos: number) => EditorState.create({ doc, selection: TextSelection.create(doc, pos) })

describe('atInlineBoundary', () => {
  const doc = para([s.text('ab'), note('n')])
  it('is true right after a note that ends the paragraph', () => expect(atInlineBoundary(at(doc, 3 + 2 + 3))).toBe(true))
  it('is true right before a note, after text', () => expect(atInlineBoundary(at(doc, 3 + 2))).toBe(true))
  it('is false inside text', () => expect(atInlineBoundary(at(doc, 4))).toBe(false))
  it('is false inside the note', () => expect(atInlineBoundary(at(doc, 3 + 2 + 1 + 1))).toBe(false))
})
