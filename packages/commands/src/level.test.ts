import { describe, it } from 'vitest'
import { indentParagraph, outdentParagraph } from './level'
import { apply, b } from './testing'

const { doc, treaty, art, p, p1, p2, p3, preamble, recital } = b

describe('indentParagraph', () => {
  it('makes a paragraph a sub-paragraph of the one before it', () =>
    apply(doc(treaty(art(p('a'), p('b<a>')))), indentParagraph, doc(treaty(art(p('a'), p1('b<a>'))))))

  it('goes at most one level below the paragraph before', () => apply(doc(treaty(art(p('a'), p1('b<a>')))), indentParagraph, null))

  it('refuses the first paragraph of an article', () => apply(doc(treaty(art(p('a<a>'), p('b')))), indentParagraph, null))

  it('refuses below the deepest level', () => apply(doc(treaty(art(p('a'), p1('b'), p2('c'), p3('d'), p3('e<a>')))), indentParagraph, null))

  it('indents every selected paragraph', () =>
    apply(doc(treaty(art(p('a'), p('<a>b'), p1('c<b>')))), indentParagraph, doc(treaty(art(p('a'), p1('<a>b'), p2('c<b>'))))))

  it('refuses outside paragraphs', () => apply(doc(treaty(preamble(recital('a'), recital('b<a>')))), indentParagraph, null))
})

describe('outdentParagraph', () => {
  it('makes a sub-paragraph one level shallower', () =>
    apply(doc(treaty(art(p('a'), p2('b<a>')))), outdentParagraph, doc(treaty(art(p('a'), p1('b<a>'))))))

  it('refuses a numbered paragraph', () => apply(doc(treaty(art(p('a<a>')))), outdentParagraph, null))
})
