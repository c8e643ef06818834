import { describe, it } from 'vitest'
import { addAlternative, bracketSelection } from './bracket'
import { apply, b } from './testing'

const { doc, treaty, art, p, br, alt, note } = b

describe('bracketSelection', () => {
  it('brackets the selected text, keeping it selected', () =>
    apply(doc(treaty(art(p('States <a>shall<b> act')))), bracketSelection, doc(treaty(art(p('States ', br(alt('<a>shall<b>')), ' act'))))))

  it('inserts an empty bracket at the cursor', () =>
    apply(doc(treaty(art(p('a<a>b')))), bracketSelection, doc(treaty(art(p('a', br(alt('<a>')), 'b'))))))

  it('nests a bracket inside an alternative', () =>
    apply(
      doc(treaty(art(p(br(alt('developing <a>country<b> Parties')))))),
      bracketSelection,
      doc(treaty(art(p(br(alt('developing ', br(alt('<a>country<b>')), ' Parties')))))),
    ))

  it('brackets a selection holding a bracket', () =>
    apply(
      doc(treaty(art(p('<a>the ', br(alt('A'), alt('B')), ' text<b>')))),
      bracketSelection,
      doc(treaty(art(p(br(alt('<a>the ', br(alt('A'), alt('B')), ' text<b>')))))),
    ))

  it('refuses a selection across paragraphs', () => apply(doc(treaty(art(p('a<a>b'), p('c<b>d')))), bracketSelection, null))

  it('refuses a selection half in a bracket', () => apply(doc(treaty(art(p('a<a>b', br(alt('c<b>d')))))), bracketSelection, null))

  it('refuses inside a drafting note', () => apply(doc(treaty(art(p(note('a<a>b<b>c'))))), bracketSelection, null))
})

describe('addAlternative', () => {
  it('adds an empty alternative after the one holding the cursor', () =>
    apply(doc(treaty(art(p(br(alt('shall<a>')))))), addAlternative, doc(treaty(art(p(br(alt('shall'), alt('<a>'))))))))

  it('inserts between alternatives', () =>
    apply(doc(treaty(art(p(br(alt('A<a>'), alt('C')))))), addAlternative, doc(treaty(art(p(br(alt('A'), alt('<a>'), alt('C'))))))))

  it('uses the innermost bracket', () =>
    apply(
      doc(treaty(art(p(br(alt('x ', br(alt('y<a>')))))))),
      addAlternative,
      doc(treaty(art(p(br(alt('x ', br(alt('y'), alt('<a>')))))))),
    ))

  it('refuses outside a bracket', () => apply(doc(treaty(art(p('a<a>')))), addAlternative, null))
})
