import type { Node as PMNode } from 'prosemirror-model'
import { treatyBuilders } from './testBuilders'
import { describe, expect, it } from 'vitest'
import { describe as describeLocation, outline } from './outline'

const {
  doc, treaty, zh, title, preamble, opening, recital, formula, part, partHeading, art, heading,
  p, p1, p2, og, opt, final, annex, annexHeading, br, alt,
} = treatyBuilders

const bis = { suffix: 'bis' }
const unnumbered = { numbered: false }

/** [the block's text, its location text] for every textblock. */
function located(d: PMNode): [string, string][] {
  d.check()
  return outline(d).map((b) => [b.node.textContent, b.location.text])
}

describe('outline', () => {
  it('locates every textblock of a representative treaty', () => {
    const d = doc(
      treaty(
        title('Draft Protocol'),
        preamble(opening('The States Parties,'), recital('Recalling,'), recital('Noting,'), formula('Have agreed as follows:')),
        art(heading('Scope'), p('x'), p1('x(a)'), p1('x(b)'), p2('x(b)(i)'), p(unnumbered, 'continued'), p('y'), p('z')),
        art(p('one'), og(opt(p('o1')), opt(p('o2'), p1('o2(a)')))),
      ),
    )
    expect(located(d)).toEqual([
      ['Draft Protocol', 'Title'],
      ['The States Parties,', 'Preamble, paragraph 1'],
      ['Recalling,', 'Preamble, paragraph 2'],
      ['Noting,', 'Preamble, paragraph 3'],
      ['Have agreed as follows:', 'Preamble, enacting formula'],
      ['Scope', 'Article 1, heading'],
      ['x', 'Article 1, paragraph 1'],
      ['x(a)', 'Article 1, paragraph 1 (a)'],
      ['x(b)', 'Article 1, paragraph 1 (b)'],
      ['x(b)(i)', 'Article 1, paragraph 1 (i)'],
      ['continued', 'Article 1, paragraph 1'],
      ['y', 'Article 1, paragraph 2'],
      ['z', 'Article 1, paragraph 3'],
      ['one', 'Article 2, paragraph 1'],
      ['o1', 'Article 2, Option 1, paragraph 2'],
      ['o2', 'Article 2, Option 2, paragraph 2'],
      ['o2(a)', 'Article 2, Option 2, paragraph 2 (a)'],
    ])
  })

  it('gives the structured location as well as its text', () => {
    const d = doc(treaty(art(), art(bis, p('a'), p(bis, 'b'), p1('c'))))
    const last = outline(d).at(-1)!.location
    expect(last).toEqual({ block: 'paragraph', article: 1, articleSuffix: 'bis', paragraph: 1, paragraphSuffix: 'bis', subparagraph: '(a)', text: 'Article 1 bis, paragraph 1 bis (a)' })
    expect(outline(d).map((b) => b.location.text)).toEqual(['Article 1 bis, paragraph 1', 'Article 1 bis, paragraph 1 bis', 'Article 1 bis, paragraph 1 bis (a)'])
  })

  it('reports each block at the position before it', () => {
    const d = doc(treaty(title('<a>', 'T'), art(p('<b>', 'x'))))
    expect(outline(d).map((b) => b.pos)).toEqual([d.tag.a - 1, d.tag.b - 1])
    for (const b of outline(d)) expect(d.nodeAt(b.pos)).toBe(b.node)
  })

  it('visits textblocks only, once each, and not the inline nodes inside them', () => {
    const d = doc(treaty(art(p('a ', br(alt('b'), alt('c')), ' d'))))
    expect(located(d)).toEqual([['a bc d', 'Article 1, paragraph 1']])
  })

  it('does not attach a sub-paragraph at the start of a bis article to the article before it', () => {
    const d = doc(treaty(art(p('x')), art(bis, p1('orphan'), p('y'), p1('a'))))
    expect(located(d)).toEqual([
      ['x', 'Article 1, paragraph 1'],
      ['orphan', 'Article 1 bis, sub-paragraph (a)'],
      ['y', 'Article 1 bis, paragraph 1'],
      ['a', 'Article 1 bis, paragraph 1 (a)'],
    ])
  })

  it('does not attach a sub-paragraph to a paragraph of another option', () => {
    const d = doc(treaty(art(p('x'), og(opt(p('o1')), opt(p1('o2(a)'))))))
    expect(located(d)).toEqual([
      ['x', 'Article 1, paragraph 1'],
      ['o1', 'Article 1, Option 1, paragraph 2'],
      ['o2(a)', 'Article 1, Option 2, paragraph 1 (a)'],
    ])
  })

  it('attaches a sub-paragraph after an option group to the last paragraph before it', () => {
    const d = doc(treaty(art(p('x'), og(opt(p('o1')), opt(p('o2'), p('o3'))), p1('after'), og(opt(p1('in later group'))))))
    expect(located(d)).toEqual([
      ['x', 'Article 1, paragraph 1'],
      ['o1', 'Article 1, Option 1, paragraph 2'],
      ['o2', 'Article 1, Option 2, paragraph 2'],
      ['o3', 'Article 1, Option 2, paragraph 3'],
      ['after', 'Article 1, paragraph 3 (a)'],
      ['in later group', 'Article 1, Option 1, paragraph 3 (b)'],
    ])
  })

  it('does not attach a sub-paragraph to a paragraph of another article with the same number', () => {
    const d = doc(treaty(og(opt(art(p('x'))), opt(art(p1('y'))))))
    expect(located(d)).toEqual([
      ['x', 'Article 1, Option 1, paragraph 1'],
      ['y', 'Article 1, Option 2, sub-paragraph (a)'],
    ])
  })

  it('locates articles in parts, keeping the article count', () => {
    const d = doc(treaty(part(partHeading('General'), art(p('a'))), part(art(p('b')))))
    expect(located(d)).toEqual([
      ['General', 'Part heading'],
      ['a', 'Article 1, paragraph 1'],
      ['b', 'Article 2, paragraph 1'],
    ])
  })

  it('locates annexes with the numerals of their labels', () => {
    const d = doc(treaty(art(p('a')), annex(annexHeading('List'), p('b'), p1('c')), annex(art(p('d')))))
    expect(located(d)).toEqual([
      ['a', 'Article 1, paragraph 1'],
      ['List', 'Annex I, heading'],
      ['b', 'Annex I, paragraph 1'],
      ['c', 'Annex I, paragraph 1 (a)'],
      ['d', 'Annex II, Article 1, paragraph 1'],
    ])
    expect(outline(d)[2].location.annex).toBe(1)
  })

  it('tells a bis annex from the annex before it', () => {
    const d = doc(treaty(annex(p('a')), annex(bis, p('b'))))
    expect(located(d)).toEqual([
      ['a', 'Annex I, paragraph 1'],
      ['b', 'Annex I bis, paragraph 1'],
    ])
  })

  it('locates the final clauses as such', () => {
    const d = doc(treaty(art(p('a')), final(p(unnumbered, 'IN WITNESS WHEREOF'), p('one'))))
    expect(located(d)).toEqual([
      ['a', 'Article 1, paragraph 1'],
      ['IN WITNESS WHEREOF', 'Final clauses'],
      ['one', 'Final clauses, paragraph 1'],
    ])
  })

  it('locates the operative paragraphs of a decision', () => {
    const d = doc(treaty(preamble(recital('Recalling')), p('Decides'), p1('a'), p('Requests')))
    expect(located(d)).toEqual([
      ['Recalling', 'Preamble, paragraph 1'],
      ['Decides', 'paragraph 1'],
      ['a', 'paragraph 1 (a)'],
      ['Requests', 'paragraph 2'],
    ])
  })

  it('counts preamble paragraphs across preamble options', () => {
    const d = doc(treaty(preamble(recital('a'), og(opt(recital('b')), opt(recital('c'))), recital('d'))))
    expect(located(d)).toEqual([
      ['a', 'Preamble, paragraph 1'],
      ['b', 'Preamble, paragraph 2, Option 1'],
      ['c', 'Preamble, paragraph 3, Option 2'],
      ['d', 'Preamble, paragraph 4'],
    ])
  })

  it('describes in English whatever the document language', () => {
    expect(located(doc(zh(art(p('一')))))).toEqual([['一', 'Article 1, paragraph 1']])
  })

  it('works on a lone treaty node', () => {
    const t = doc(treaty(title('T'), art(p('x')))).firstChild!
    expect(outline(t).map((b) => b.location.text)).toEqual(['Title', 'Article 1, paragraph 1'])
    for (const b of outline(t)) expect(t.nodeAt(b.pos)).toBe(b.node)
  })
})

describe('describe', () => {
  it('joins the parts of a location', () => {
    expect(describeLocation({ block: 'paragraph', article: 6, paragraph: 2 })).toBe('Article 6, paragraph 2')
    expect(describeLocation({ block: 'paragraph', article: 6, articleSuffix: 'ter', paragraph: 2, subparagraph: '(c)' })).toBe('Article 6 ter, paragraph 2 (c)')
    expect(describeLocation({ block: 'recital', preamble: 3 })).toBe('Preamble, paragraph 3')
    expect(describeLocation({ block: 'paragraph', article: 1, options: ['Option 2', 'Option (a)'], paragraph: 1 })).toBe('Article 1, Option 2, Option (a), paragraph 1')
    expect(describeLocation({ block: 'title' })).toBe('Title')
    expect(describeLocation({ block: 'article_heading', article: 4 })).toBe('Article 4, heading')
    expect(describeLocation({ block: 'paragraph', subparagraph: '(b)' })).toBe('sub-paragraph (b)')
    expect(describeLocation({ block: 'part_heading' })).toBe('Part heading')
    expect(describeLocation({ block: 'enacting_formula' })).toBe('Preamble, enacting formula')
    expect(describeLocation({ block: 'some_block' })).toBe('some block')
  })
})
