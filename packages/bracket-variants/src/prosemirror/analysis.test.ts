import type { Node as PMNode } from 'prosemirror-model'
import { treatyBuilders } from '@accord/schema/test-builders'
import { describe, expect, it } from 'vitest'
import { renderNegotiating } from '../core/index'
import { countDocumentVariants, documentInlines, treatyBracketStats, variantDocument } from './analysis'

const { doc, treaty, title, preamble, opening, recital, formula, art, p, p1, og, opt, final, annex, br, alt, ph, note } = treatyBuilders

type Tagged = PMNode & { tag: Record<string, number> }

const protocol = () => br(alt('议定书'), alt('协议'))

/** A small version of the sample: linked sets, one near-duplicate, nesting, placeholders. */
const sample = doc(
  treaty(
    { lang: 'zh' },
    title('关于安全保证的<t>', protocol()),
    preamble(opening('本<o>', protocol(), '缔约国，'), recital('忆及', ph('X date'), '，'), formula('决定并商定如下：')),
    art(p('本<a>', protocol(), '。'), p1('<b>', br(alt('developing <c>', br(alt('country <d>', br(alt('and other'))))), alt('all')), ' Parties')),
    art(p('无括号。')),
    art(p('<n>', br(alt('本议定书'), alt('协议')), '生效', note('(摘自…)')), p('本<e>', protocol(), ' ', ph({ curly: true }, 'Placeholder'))),
  ),
) as Tagged
sample.check()

describe('treatyBracketStats', () => {
  const stats = treatyBracketStats(sample)

  it('counts open groups (nested ones included) and their alternatives, with placeholders apart', () => {
    expect(stats.openGroups).toBe(8)
    expect(stats.alternatives).toBe(2 * 4 + 2 + 1 + 1 + 2)
    expect(stats.placeholders).toBe(2)
  })

  it('gives the deepest nesting', () => {
    expect(stats.maxDepth).toBe(3)
  })

  it('counts open groups per article, every article listed, plus title and preamble', () => {
    expect(stats.perArticle).toEqual([
      { label: 'Title', openGroups: 1 },
      { label: 'Preamble', openGroups: 1 },
      { label: 'Article 1', openGroups: 4 },
      { label: 'Article 2', openGroups: 0 },
      { label: 'Article 3', openGroups: 2 },
    ])
  })

  it('finds the linked set, members by position', () => {
    expect(stats.linkedSets).toEqual([
      { key: '[议定书][协议]', alternatives: ['议定书', '协议'], members: [sample.tag.t, sample.tag.o, sample.tag.a, sample.tag.e].map(String), count: 4 },
    ])
  })

  it('points out the near-duplicate', () => {
    expect(stats.nearDuplicates.map((n) => ({ key: n.key, likely: n.likely, members: n.members }))).toEqual([
      { key: '[本议定书][协议]', likely: '[议定书][协议]', members: [String(sample.tag.n)] },
    ])
  })

  it('does not count a placeholder as nesting', () => {
    const s = treatyBracketStats(doc(treaty(art(p(ph('X date')), p(br(alt('by ', ph('X date'))))))))
    expect(s).toMatchObject({ openGroups: 1, placeholders: 2, maxDepth: 1, alternatives: 1 })
    expect(treatyBracketStats(doc(treaty(art(p(ph('X'))))))).toMatchObject({ openGroups: 0, placeholders: 1, maxDepth: 0 })
  })

  it('labels groups in annexes, articles with a suffix, the final clauses and decision paragraphs', () => {
    const s = treatyBracketStats(
      doc(treaty(art(), art({ suffix: 'bis' }, p(br(alt('a')))), p(br(alt('b'))), final(p(br(alt('c')))), annex(p(br(alt('d'))), art(p(br(alt('e'))))), annex(p('x')))),
    )
    expect(s.perArticle).toEqual([
      { label: 'Article 1', openGroups: 0 },
      { label: 'Article 1 bis', openGroups: 1 },
      { label: 'Other', openGroups: 1 },
      { label: 'Final clauses', openGroups: 1 },
      { label: 'Annex I', openGroups: 1 },
      { label: 'Annex I, Article 1', openGroups: 1 },
    ])
  })

  it('counts groups in block options under their article', () => {
    const s = treatyBracketStats(doc(treaty(art(og(opt(p(br(alt('a')))), opt(p(br(alt('b')), br(alt('c')))))))))
    expect(s.perArticle).toEqual([{ label: 'Article 1', openGroups: 3 }])
  })

  it('is empty for a document without brackets', () => {
    expect(treatyBracketStats(doc(treaty()))).toEqual({ openGroups: 0, alternatives: 0, placeholders: 0, maxDepth: 0, perArticle: [], linkedSets: [], nearDuplicates: [] })
  })
})

describe('countDocumentVariants', () => {
  it.each<[string, PMNode, bigint]>([
    ['no brackets', doc(treaty(art(p('x')))), 1n],
    ['an empty document', doc(treaty()), 1n],
    ['one choice of two', doc(treaty(art(p(br(alt('a'), alt('b')))))), 2n],
    ['keep or drop', doc(treaty(art(p(br(alt('a')))))), 2n],
    ['groups in one paragraph multiply', doc(treaty(art(p(br(alt('a'), alt('b')), ' x ', br(alt('c')))))), 4n],
    ['groups across blocks multiply', doc(treaty(title(br(alt('a'), alt('b'), alt('c'))), art(p(br(alt('d'), alt('e')))))), 6n],
    ['nested groups add within their alternative', doc(treaty(art(p(br(alt('a ', br(alt('b')))))))), 3n],
    ['placeholders count one', doc(treaty(art(p(ph('X'), br(alt('a'), alt('b', ph('Y'))))))), 2n],
    ['a group without alternatives counts one', doc(treaty(art(p(br())))), 1n],
  ])('%s', (_name, d, n) => {
    expect(countDocumentVariants(d)).toBe(n)
  })

  it('counts the sample', () => {
    // 5 × [议定书][协议] or near (2 each); [developing [country [and other]]][all] = (1 + 1 × 2) + 1 = 4.
    expect(countDocumentVariants(sample)).toBe(2n ** 5n * 4n)
  })

  it('grows past 2^53 without losing precision', () => {
    const many = doc(treaty(art(...Array.from({ length: 60 }, () => p(br(alt('a'), alt('b'), alt('c'))))))) as PMNode
    expect(countDocumentVariants(many)).toBe(3n ** 60n)
  })
})

describe('documentInlines', () => {
  it('gives every block in order, separated by newlines, with group ids as positions', () => {
    const d = doc(treaty(title('T <a>', br(alt('x'))), art(p('one'), p('two', note('(n)'))))) as Tagged
    const inlines = documentInlines(d)
    expect(renderNegotiating(inlines)).toBe('T [x]\none\ntwo(n)')
    expect(inlines.find((i) => i.type === 'group')?.id).toBe(String(d.tag.a))
  })
})

describe('variantDocument', () => {
  const d = doc(treaty(art(p('States <a>', br(alt('shall'), alt('should')), ' act <b>', br(alt('promptly ', '<c>', br(alt('and fully'), alt('in part')))), '.')))) as Tagged

  it('renders the chosen variant and leaves the original unchanged', () => {
    const before = d.toJSON()
    const choices = new Map([[d.tag.a, 1], [d.tag.b, 0], [d.tag.c, 1]])
    const v = variantDocument(d, (pos) => choices.get(pos))
    expect(v.toJSON()).toEqual(doc(treaty(art(p('States should act promptly in part.')))).toJSON())
    v.check()
    expect(d.toJSON()).toEqual(before)
  })

  it('drops a group with null and leaves it open with undefined, its nested groups still resolved', () => {
    const v = variantDocument(d, (pos) => (pos === d.tag.a ? undefined : pos === d.tag.c ? 0 : null))
    expect(v.toJSON()).toEqual(doc(treaty(art(p('States ', br(alt('shall'), alt('should')), ' act .')))).toJSON())
    const open = variantDocument(d, (pos) => (pos === d.tag.c ? 0 : undefined))
    expect(open.toJSON()).toEqual(doc(treaty(art(p('States ', br(alt('shall'), alt('should')), ' act ', br(alt('promptly and fully')), '.')))).toJSON())
  })

  it('asks about each group by its position in the original document, with the bracket node', () => {
    const asked: [number, string][] = []
    variantDocument(d, (pos, node) => {
      asked.push([pos, node.type.name])
      expect(d.nodeAt(pos)).toBe(node)
      return 0
    })
    expect(asked).toEqual([[d.tag.a, 'bracket'], [d.tag.b, 'bracket'], [d.tag.c, 'bracket']])
  })

  it('keeps a group open for an alternative it does not have', () => {
    for (const choice of [2, -1, 0.5]) {
      const v = variantDocument(d, (pos) => (pos === d.tag.a ? choice : undefined))
      expect(v.eq(d), `choice ${choice}`).toBe(true)
    }
  })

  it('gives the clean text of the whole treaty, structure kept', () => {
    const v = variantDocument(sample, () => 0)
    v.check()
    expect(v.firstChild!.childCount).toBe(sample.firstChild!.childCount)
    expect(v.textBetween(0, v.content.size, '\n')).toBe(
      '关于安全保证的议定书\n本议定书缔约国，\n忆及X date，\n决定并商定如下：\n本议定书。\ndeveloping country and other Parties\n无括号。\n本议定书生效(摘自…)\n本议定书 Placeholder',
    )
  })
})
