import { treatySchema } from '@accord/schema'
import type { Node as PMNode } from 'prosemirror-model'
import { treatyBuilders } from '@accord/schema/test-builders'
import { describe, expect, it } from 'vitest'
import { parseBrackets, renderNegotiating, type BracketGroup, type Inline } from '../core/index'
import { alternativeContent, inlinesToNodes, nodeToInlines } from './convert'

const { doc, treaty, art, p, br, alt, ph, note } = treatyBuilders

const text = (t: string): Inline => ({ type: 'text', text: t })
const group = (alternatives: Inline[][], separator: BracketGroup['separator'] = 'none'): Inline => ({ type: 'group', alternatives, separator })
const placeholder = (t: string, curly = false): Inline => ({ type: 'group', alternatives: [[text(t)]], separator: 'none', placeholder: true, ...(curly ? { curly: true } : {}) })

/** The inlines without the ids nodeToInlines adds (positions), to compare with hand-built data. */
function withoutIds(inlines: Inline[]): Inline[] {
  return inlines.map((i) => {
    if (i.type !== 'group') return i
    const { id: _id, ...rest } = i
    return { ...rest, alternatives: rest.alternatives.map(withoutIds) }
  })
}

/** Inlines → a paragraph in a valid document → inlines. */
function throughDocument(inlines: Inline[]): { inlines: Inline[]; doc: PMNode } {
  const d = doc(treaty(art(p(...inlinesToNodes(inlines)))))
  d.check()
  const para = d.firstChild!.firstChild!.firstChild!
  return { inlines: nodeToInlines(para, 3), doc: d }
}

describe('inlinesToNodes / nodeToInlines', () => {
  it.each<[string, Inline[]]>([
    ['plain text', [text('States Parties shall act.')]],
    ['a group of alternatives', [text('States '), group([[text('shall')], [text('should')]]), text(' act')]],
    ['a keep-or-drop group', [text('all '), group([[text('nuclear-weapon ')]]), text('States')]],
    ['every separator', [group([[text('a')], [text('b')]], 'space'), group([[text('c')], [text('d')]], 'or'), group([[text('e')], [text('f')], [text('g')]], 'slash')]],
    ['nested groups four deep', [group([[text('developing '), group([[text('country '), group([[group([[text('x')], [text('y')]])]])]]), text('Parties')], [text('all Parties')]])]],
    ['an empty alternative', [group([[text('shall')], []])]],
    ['placeholders', [text('by '), placeholder('X date'), text(' see '), placeholder('Placeholder for preamble', true)]],
    ['an empty placeholder', [placeholder('')]],
    ['drafting notes', [text('本议定书。'), { type: 'note', text: '(摘自安理会第984(1995)号决议)' }]],
    ['a note inside an alternative', [group([[text('a'), { type: 'note', text: '(n)' }], [text('b')]])]],
    ['an empty note', [{ type: 'note', text: '' }]],
    ['groups back to back', [group([[text('议定书')], [text('协议')]]), group([[text('a')]])]],
  ])('round-trips %s', (_name, inlines) => {
    const back = throughDocument(inlines).inlines
    // An empty placeholder comes back holding one empty text run, as nodeToInlines always gives one.
    expect(withoutIds(back)).toEqual(inlines)
  })

  it('reads a bracket left without alternatives (by concurrent deletions) as no group at all', () => {
    const { inlines } = throughDocument([text('a'), group([]), text('b')])
    expect(withoutIds(inlines)).toEqual([text('ab')])
  })

  it('round-trips a parsed paragraph to the same negotiating text', () => {
    const source = '本[议定书][协议]缔约国 [a [b] / [c]] [or] [d], [X date] and {Placeholder for preamble} [shall] [should]'
    const parsed = parseBrackets(source).inlines
    expect(renderNegotiating(throughDocument(parsed).inlines)).toBe(source)
  })

  it('drops empty text runs and merges adjacent ones on the way back', () => {
    expect(inlinesToNodes([text('')])).toEqual([])
    const nodes = inlinesToNodes([text('a'), text(''), text('b')])
    const para = treatySchema.nodes.paragraph.create(null, nodes)
    expect(para.childCount).toBe(1)
    expect(nodeToInlines(para)).toEqual([text('ab')])
  })

  it('builds the schema nodes with their attributes', () => {
    const [bracket, placeholderNode, noteNode] = inlinesToNodes([group([[text('a')], [text('b')]], 'or'), placeholder('X', true), { type: 'note', text: 'n' }])
    expect(bracket.type.name).toBe('bracket')
    expect(bracket.attrs.separator).toBe('or')
    expect(bracket.childCount).toBe(2)
    expect(bracket.child(1).type.name).toBe('alternative')
    expect(bracket.child(1).textContent).toBe('b')
    expect(placeholderNode.type.name).toBe('placeholder')
    expect(placeholderNode.attrs.curly).toBe(true)
    expect(placeholderNode.textContent).toBe('X')
    expect(noteNode.type.name).toBe('note')
    expect(noteNode.textContent).toBe('n')
  })

  it('gives a placeholder written with alternatives their text, joined', () => {
    const [node] = inlinesToNodes([{ type: 'group', alternatives: [[text('X')], [text('date')]], separator: 'none', placeholder: true }])
    expect(node.type.name).toBe('placeholder')
    expect(node.textContent).toBe('X date')
  })

  it('reads a document: group ids are the absolute positions of the bracket and placeholder nodes', () => {
    const d = doc(treaty(art(p('a ', '<g>', br(alt('x ', '<h>', br(alt('y'), alt('z')))), ' ', '<i>', ph('X date'), note('(n)')))))
    const para = d.firstChild!.firstChild!.firstChild!
    const inlines = nodeToInlines(para, 3)
    const outer = inlines[1] as BracketGroup
    const inner = outer.alternatives[0][1] as BracketGroup
    const blank = inlines[3] as BracketGroup
    expect([outer.id, inner.id, blank.id]).toEqual([String(d.tag.g), String(d.tag.h), String(d.tag.i)])
    expect(d.nodeAt(d.tag.g)!.type.name).toBe('bracket')
    expect(d.nodeAt(d.tag.h)!.type.name).toBe('bracket')
    expect(d.nodeAt(d.tag.i)!.type.name).toBe('placeholder')
    expect(inlines[4]).toEqual({ type: 'note', text: '(n)' })
  })

  it('reads an alternative on its own', () => {
    const a = alt('x ', br(alt('y')))
    expect(withoutIds(nodeToInlines(a))).toEqual([text('x '), group([[text('y')]])])
    expect((nodeToInlines(a, 10)[1] as BracketGroup).id).toBe('12')
  })

  it('gives nodes that round-trip back to equal nodes', () => {
    const para = p('States ', br({ separator: 'slash' }, alt('shall ', br(alt('promptly'))), alt()), ' act', ph({ curly: true }, 'X'), note('(n)'))
    const rebuilt = treatySchema.nodes.paragraph.create(null, inlinesToNodes(nodeToInlines(para)))
    expect(rebuilt.eq(para)).toBe(true)
  })
})

describe('alternativeContent', () => {
  it('gives the content of one alternative', () => {
    const bracket = br(alt('shall'), alt('should ', br(alt('x'))))
    expect(alternativeContent(bracket, 0).textBetween(0, alternativeContent(bracket, 0).size)).toBe('shall')
    expect(alternativeContent(bracket, 1).childCount).toBe(2)
  })

  it.each([-1, 2])('refuses alternative %i', (index) => {
    expect(() => alternativeContent(br(alt('a'), alt('b')), index)).toThrow(/has 2 alternative\(s\); there is no alternative/)
  })
})
