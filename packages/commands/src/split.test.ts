import { EditorState } from 'prosemirror-state'
import { describe, expect, it } from 'vitest'
import { atBlockEdge, joinParagraphBackward, joinParagraphForward } from './join'
import { splitParagraph } from './split'
import { apply, b, selectionOf, type Tagged } from './testing'

const { doc, treaty, preamble, recital, title, art, heading, p, p1, br, alt } = b

describe('splitParagraph', () => {
  it('splits a paragraph into two of the same level', () =>
    apply(doc(treaty(art(p1('ab<a>cd')))), splitParagraph, doc(treaty(art(p1('ab'), p1('<a>cd'))))))

  it('does not copy a bis suffix', () =>
    apply(doc(treaty(art(p({ suffix: 'bis' }, 'ab<a>')))), splitParagraph, doc(treaty(art(p({ suffix: 'bis' }, 'ab'), p('<a>'))))))

  it('replaces the selection', () =>
    apply(doc(treaty(art(p('a<a>XX<b>b')))), splitParagraph, doc(treaty(art(p('a'), p('<a>b'))))))

  it('splits a recital', () => apply(doc(treaty(preamble(recital('Re<a>call')))), splitParagraph, doc(treaty(preamble(recital('Re'), recital('<a>call'))))))

  it('outdents an empty sub-paragraph', () =>
    apply(doc(treaty(art(p('x'), p1('<a>')))), splitParagraph, doc(treaty(art(p('x'), p('<a>'))))))

  it('starts the first paragraph at the end of an article heading', () =>
    apply(doc(treaty(art(heading('Scope<a>'), p('x')))), splitParagraph, doc(treaty(art(heading('Scope'), p('<a>'), p('x'))))))

  it('refuses inside a bracket', () => apply(doc(treaty(art(p('a', br(alt('x<a>y')))))), splitParagraph, null))

  it('refuses in the title', () => apply(doc(treaty(title('T<a>'))), splitParagraph, null))
})

describe('joinParagraphBackward', () => {
  it('joins a paragraph to the one before it, keeping the earlier one', () =>
    apply(doc(treaty(art(p('ab'), p1('<a>cd')))), joinParagraphBackward, doc(treaty(art(p('ab<a>cd'))))))

  it('does nothing in the middle of a paragraph', () => apply(doc(treaty(art(p('ab'), p('c<a>d')))), joinParagraphBackward, null))

  it('does not join across articles', () => apply(doc(treaty(art(p('ab')), art(p('<a>cd')))), joinParagraphBackward, null))

  it('removes an article holding one empty paragraph', () =>
    apply(doc(treaty(art(p('ab')), art(p('<a>')))), joinParagraphBackward, doc(treaty(art(p('ab<a>'))))))
})

describe('joinParagraphForward', () => {
  it('joins the next paragraph into this one', () =>
    apply(doc(treaty(art(p('ab<a>'), p1('cd')))), joinParagraphForward, doc(treaty(art(p('ab<a>cd'))))))

  it('does not join across articles', () => apply(doc(treaty(art(p('ab<a>')), art(p('cd')))), joinParagraphForward, null))
})

describe('atBlockEdge', () => {
  const at = (d: Tagged) => EditorState.create({ doc: d, selection: selectionOf(d) })
  it('is true only at the edge of a textblock', () => {
    expect(atBlockEdge(-1)(at(doc(treaty(art(p('ab')), art(p('<a>cd'))))))).toBe(true)
    expect(atBlockEdge(-1)(at(doc(treaty(art(p('a<a>b'))))))).toBe(false)
    expect(atBlockEdge(1)(at(doc(treaty(art(p('ab<a>'))))))).toBe(true)
    const inBracket = doc(treaty(art(p('a', br(alt('b<a>'))))))
    expect(atBlockEdge(1)(at(inBracket))).toBe(false)
  })
})
