import { describe, it } from 'vitest'
import { addArticle, addParagraph } from './structure'
import { apply, b } from './testing'

const { doc, treaty, title, preamble, recital, enacting_formula, art, heading, p, p1, part, final_clauses, br, alt } = b

describe('addArticle', () => {
  it('adds an empty article after the one holding the cursor', () =>
    apply(
      doc(treaty(art(p('one<a>')), art(p('two')))),
      addArticle,
      doc(treaty(art(p('one')), art(p('<a>')), art(p('two')))),
    ))

  it('works from inside a bracket', () =>
    apply(doc(treaty(art(p('a', br(alt('x<a>')))))), addArticle, doc(treaty(art(p('a', br(alt('x')))), art(p('<a>'))))))

  it('adds the first article after the preamble when the cursor is in the preamble', () =>
    apply(
      doc(treaty(title('T'), preamble(recital('R<a>'), enacting_formula('E')), art(p('one')))),
      addArticle,
      doc(treaty(title('T'), preamble(recital('R'), enacting_formula('E')), art(p('<a>')), art(p('one')))),
    ))

  it('adds an article before the final clauses when the cursor is in them', () =>
    apply(
      doc(treaty(art(p('one')), final_clauses(p('Done at<a>')))),
      addArticle,
      doc(treaty(art(p('one')), art(p('<a>')), final_clauses(p('Done at')))),
    ))

  it('stays inside a part', () =>
    apply(doc(treaty(part(art(p('x<a>'))), part(art(p('y'))))), addArticle, doc(treaty(part(art(p('x')), art(p('<a>'))), part(art(p('y')))))))
})

describe('addParagraph', () => {
  it('adds a paragraph of the same level after the current one', () =>
    apply(doc(treaty(art(p('one'), p1('sub<a>'), p('two')))), addParagraph, doc(treaty(art(p('one'), p1('sub'), p1('<a>'), p('two'))))))

  it('adds the first paragraph after an article heading', () =>
    apply(doc(treaty(art(heading('Scope<a>'), p('one')))), addParagraph, doc(treaty(art(heading('Scope'), p('<a>'), p('one'))))))

  it('adds a recital in the preamble', () =>
    apply(doc(treaty(preamble(recital('R<a>')))), addParagraph, doc(treaty(preamble(recital('R'), recital('<a>'))))))

  it('refuses in the title', () => apply(doc(treaty(title('T<a>'), art(p('x')))), addParagraph, null))
})
