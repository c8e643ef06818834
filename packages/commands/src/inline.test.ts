import { describe, it } from 'vitest'
import { crossInlineBoundary, exitInlineBackward, exitInlineForward } from './inline'
import { apply, b } from './testing'

const { doc, treaty, art, p, br, alt, note } = b

describe('exitInlineBackward', () => {
  it('steps from the start of an alternative into the previous one', () =>
    apply(doc(treaty(art(p(br(alt('A'), alt('<a>B')))))), exitInlineBackward, doc(treaty(art(p(br(alt('A<a>'), alt('B'))))))))

  it('steps out before the bracket from its first alternative', () =>
    apply(doc(treaty(art(p('x', br(alt('<a>A')))))), exitInlineBackward, doc(treaty(art(p('x<a>', br(alt('A'))))))))

  it('removes an empty alternative', () =>
    apply(doc(treaty(art(p(br(alt('A'), alt('<a>')))))), exitInlineBackward, doc(treaty(art(p(br(alt('A<a>'))))))))

  it('removes the bracket with its last, empty alternative', () =>
    apply(doc(treaty(art(p('x', br(alt('<a>')), 'y')))), exitInlineBackward, doc(treaty(art(p('x<a>y'))))))

  it('steps out of a drafting note', () =>
    apply(doc(treaty(art(p('x', note('<a>n'))))), exitInlineBackward, doc(treaty(art(p('x<a>', note('n')))))))

  it('does nothing inside text', () => apply(doc(treaty(art(p(br(alt('A<a>')))))), exitInlineBackward, null))
})

describe('exitInlineForward', () => {
  it('steps from the end of an alternative into the next one', () =>
    apply(doc(treaty(art(p(br(alt('A<a>'), alt('B')))))), exitInlineForward, doc(treaty(art(p(br(alt('A'), alt('<a>B'))))))))

  it('steps out after the bracket from its last alternative', () =>
    apply(doc(treaty(art(p(br(alt('A<a>')), 'y')))), exitInlineForward, doc(treaty(art(p(br(alt('A')), '<a>y'))))))

  it('removes an empty alternative and lands in the next', () =>
    apply(doc(treaty(art(p(br(alt('<a>'), alt('B')))))), exitInlineForward, doc(treaty(art(p(br(alt('<a>B'))))))))
})

describe('crossInlineBoundary', () => {
  const right = crossInlineBoundary(1)
  const left = crossInlineBoundary(-1)

  it('steps out after a note that ends a paragraph, and back in', () => {
    apply(doc(treaty(art(p('x', note('n<a>'))))), right, doc(treaty(art(p('x', note('n'), '<a>')))))
    apply(doc(treaty(art(p('x', note('n'), '<a>')))), left, doc(treaty(art(p('x', note('n<a>'))))))
  })

  it('steps into a bracket, across alternatives, and out', () => {
    apply(doc(treaty(art(p('<a>', br(alt('A'), alt('B')))))), right, doc(treaty(art(p(br(alt('<a>A'), alt('B')))))))
    apply(doc(treaty(art(p(br(alt('A<a>'), alt('B')))))), right, doc(treaty(art(p(br(alt('A'), alt('<a>B')))))))
    apply(doc(treaty(art(p(br(alt('A'), alt('B<a>')))))), right, doc(treaty(art(p(br(alt('A'), alt('B')), '<a>')))))
    apply(doc(treaty(art(p(br(alt('A'), alt('<a>B')))))), left, doc(treaty(art(p(br(alt('A<a>'), alt('B')))))))
  })

  it('leaves ordinary text to the browser', () => {
    apply(doc(treaty(art(p('a<a>b')))), right, null)
    apply(doc(treaty(art(p(br(alt('A<a>B')))))), left, null)
  })
})
