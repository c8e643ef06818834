import type { Node as PMNode } from 'prosemirror-model'
import { treatyBuilders } from './testBuilders'
import { describe, expect, it } from 'vitest'
import {
  annexLabel,
  articleLabel,
  labelStyleOf,
  labelsByPos,
  noTextLabel,
  numberTreaty,
  optionLabel,
  paragraphLabel,
  partLabel,
  preambleHeading,
  recitalLabel,
} from './numbering'
import { treatySchema } from './schema'

const {
  doc, treaty, zh, zhCjk, title, preamble, opening, recital, formula, part, art, heading,
  p, p1, p2, p3, og, opt, final, annex, annexHeading,
} = treatyBuilders

const bis = { suffix: 'bis' }
const unnumbered = { numbered: false }

/** The labels numberTreaty gives, in document order; the fixture must be valid. */
function labels(d: PMNode): string[] {
  d.check()
  return numberTreaty(d).map((u) => u.label)
}

describe('numberTreaty: articles', () => {
  it('numbers Chinese articles 第一条 … 第六条', () => {
    expect(labels(doc(zh(art(), art(), art(), art(), art(), art())))).toEqual(['第一条', '第二条', '第三条', '第四条', '第五条', '第六条'])
  })

  it('numbers English articles Article 1 …', () => {
    expect(labels(doc(treaty(title('T'), preamble(recital('r')), art(heading('Scope')), art(), art())))).toEqual(['Article 1', 'Article 2', 'Article 3'])
  })

  it('gives a bis article the previous number and keeps counting after it', () => {
    const units = numberTreaty(doc(treaty(art(), art(), art(bis), art({ suffix: 'ter' }), art())))
    expect(units.map((u) => u.label)).toEqual(['Article 1', 'Article 2', 'Article 2 bis', 'Article 2 ter', 'Article 3'])
    expect(units.map((u) => [u.number, u.suffix])).toEqual([[1, ''], [2, ''], [2, 'bis'], [2, 'ter'], [3, '']])
    expect(labels(doc(zh(art(), art(bis), art())))).toEqual(['第一条', '第一条之二', '第二条'])
  })

  it('reports each unit at the position before its node', () => {
    const d = doc(treaty('<a>', art('<b>', p('x')), '<c>', art(bis), '<d>', art()))
    const units = numberTreaty(d)
    expect(units.map((u) => [u.kind, u.pos])).toEqual([['article', d.tag.a], ['paragraph', d.tag.b], ['article', d.tag.c], ['article', d.tag.d]])
    for (const u of units) expect(d.nodeAt(u.pos)).toBe(u.node)
  })

  it('numbers a lone treaty node with positions inside it', () => {
    const t = doc(treaty(art(p('x')), art())).firstChild!
    const units = numberTreaty(t)
    expect(units.map((u) => u.label)).toEqual(['Article 1', '1.', 'Article 2'])
    for (const u of units) expect(t.nodeAt(u.pos)).toBe(u.node)
  })

  it('numbers nothing in a node that is not a treaty document', () => {
    expect(numberTreaty(treatySchema.nodes.article.create())).toEqual([])
  })
})

describe('numberTreaty: paragraphs', () => {
  it('labels each level in English', () => {
    expect(labels(doc(treaty(art(p('x'), p1('a'), p1('b'), p2('i'), p2('ii'), p3('aa'), p('y')))))).toEqual([
      'Article 1', '1.', '(a)', '(b)', '(i)', '(ii)', 'a.', '2.',
    ])
  })

  it('labels each level in Chinese with arabic paragraph numbers', () => {
    expect(labels(doc(zh(art(p('x'), p1('a'), p1('b'), p2('i'), p3('aa'), p('y')))))).toEqual(['第一条', '1.', '（一）', '（二）', '(1)', '(i)', '2.'])
  })

  it('labels each level in Chinese with Chinese paragraph numbers (para_style cjk)', () => {
    expect(labels(doc(zhCjk(art(p('x'), p1('a'), p2('i'), p3('aa'), p('y'), p('z')))))).toEqual(['第一条', '一、', '（一）', '1.', '(1)', '二、', '三、'])
  })

  it('ignores para_style cjk in an English document', () => {
    expect(labels(doc(treaty({ para_style: 'cjk' }, art(p('x')))))).toEqual(['Article 1', '1.'])
  })

  it('restarts sub-paragraph letters after a new numbered paragraph', () => {
    expect(labels(doc(treaty(art(p('x'), p1('a'), p1('b'), p2('i'), p('y'), p1('a'), p2('i')))))).toEqual([
      'Article 1', '1.', '(a)', '(b)', '(i)', '2.', '(a)', '(i)',
    ])
  })

  it('restarts deeper levels after a sub-paragraph', () => {
    expect(labels(doc(treaty(art(p('x'), p1('a'), p2('i'), p2('ii'), p1('b'), p2('i')))))).toEqual(['Article 1', '1.', '(a)', '(i)', '(ii)', '(b)', '(i)'])
  })

  it('restarts paragraph numbers in each article', () => {
    expect(labels(doc(treaty(art(p('x'), p('y'), p1('a')), art(p('z'), p1('a')))))).toEqual(['Article 1', '1.', '2.', '(a)', 'Article 2', '1.', '(a)'])
  })

  it('gives an unnumbered paragraph no label and does not count it', () => {
    const d = doc(treaty(art(p('x'), p(unnumbered, 'continued'), p('y'), p1('a'), p1(unnumbered, 'chapeau end'), p1('b'))))
    expect(labels(d)).toEqual(['Article 1', '1.', '2.', '(a)', '(b)'])
    expect(numberTreaty(d).some((u) => u.node.attrs.numbered === false)).toBe(false)
  })

  it('gives a bis paragraph the previous number at its level', () => {
    expect(labels(doc(treaty(art(p('x'), p(bis, 'x2'), p1('a'), p1(bis, 'a2'), p('y')))))).toEqual(['Article 1', '1.', '1 bis.', '(a)', '(a bis)', '2.'])
    expect(labels(doc(zhCjk(art(p('x'), p(bis, 'x2'), p1('a'), p1({ suffix: 'ter' }, 'a3')))))).toEqual(['第一条', '一、', '一之二、', '（一）', '（一之三）'])
  })

  it('numbers the paragraphs of a decision (no articles) at the top level', () => {
    expect(labels(doc(treaty(preamble(recital('Recalling')), p('Decides'), p1('a'), p('Requests'))))).toEqual(['1.', '(a)', '2.'])
  })

  it('numbers numbered paragraphs of the final clauses on their own and skips unnumbered ones', () => {
    expect(labels(doc(treaty(art(p('x'), p('y')), final(p(unnumbered, 'IN WITNESS WHEREOF'), p('one')))))).toEqual(['Article 1', '1.', '2.', '1.'])
  })
})

describe('numberTreaty: options', () => {
  it('numbers the first paragraph of each option the same and continues after the longest option', () => {
    const d = doc(treaty(art(p('x'), og(opt(p('a1'), p('a2')), opt(p('b1')), opt()), p('y'))))
    const units = numberTreaty(d)
    expect(units.map((u) => u.label)).toEqual(['Article 1', '1.', 'Option 1', '2.', '3.', 'Option 2', '2.', 'Option 3', '4.'])
    expect(units.filter((u) => u.kind === 'option').map((u) => u.number)).toEqual([1, 2, 3])
  })

  it('continues after the longest option whichever comes first', () => {
    expect(labels(doc(treaty(art(og(opt(p('a')), opt(p('b'), p('c'), p('d'))), p('y')))))).toEqual(['Article 1', 'Option 1', '1.', 'Option 2', '1.', '2.', '3.', '4.'])
  })

  it('continues sub-paragraphs from the option that ends last, not from a mix of options', () => {
    const d = doc(treaty(art(og(opt(p('a'), p1('a'), p1('b'), p1('c')), opt(p('b'), p('c'))), p1('after'), p('y'))))
    expect(labels(d)).toEqual(['Article 1', 'Option 1', '1.', '(a)', '(b)', '(c)', 'Option 2', '1.', '2.', '(a)', '3.'])
  })

  it('continues sub-paragraphs when options stand among them', () => {
    expect(labels(doc(treaty(art(p('x'), og(opt(p1('a'), p1('b')), opt(p1('a'))), p1('c')))))).toEqual([
      'Article 1', '1.', 'Option 1', '(a)', '(b)', 'Option 2', '(a)', '(c)',
    ])
  })

  it('leaves numbering alone after a group whose options are all empty ("No text")', () => {
    expect(labels(doc(treaty(art(p('x'), og(opt(), opt()), p('y')))))).toEqual(['Article 1', '1.', 'Option 1', 'Option 2', '2.'])
  })

  it('numbers articles in options the same way', () => {
    expect(labels(doc(treaty(art(), og(opt(art()), opt(art(), art())), art())))).toEqual([
      'Article 1', 'Option 1', 'Article 2', 'Option 2', 'Article 2', 'Article 3', 'Article 4',
    ])
  })

  it('numbers nested option groups inside an option', () => {
    expect(labels(doc(treaty(art(og(opt(p('a'), og(opt(p('b')), opt(p('c'), p('d')))), opt(p('e'))), p('f')))))).toEqual([
      'Article 1', 'Option 1', '1.', 'Option 1', '2.', 'Option 2', '2.', '3.', 'Option 2', '1.', '4.',
    ])
  })

  it('labels options in the group’s label style and the document’s language', () => {
    expect(labels(doc(treaty(art(og({ label_style: 'roman' }, opt(), opt(), opt(), opt())))))).toEqual(['Article 1', 'Option I', 'Option II', 'Option III', 'Option IV'])
    expect(labels(doc(treaty(art(og({ label_style: 'alpha' }, opt(), opt())))))).toEqual(['Article 1', 'Option (a)', 'Option (b)'])
    expect(labels(doc(zh(art(og(opt(), opt())))))).toEqual(['第一条', '备选案文1', '备选案文2'])
  })

  it('reports an option at the position before the option node', () => {
    const d = doc(treaty(art(og('<a>', opt(p('x')), '<b>', opt()))))
    const options = numberTreaty(d).filter((u) => u.kind === 'option')
    expect(options.map((u) => u.pos)).toEqual([d.tag.a, d.tag.b])
    for (const u of options) expect(d.nodeAt(u.pos)).toBe(u.node)
  })
})

describe('numberTreaty: parts and annexes', () => {
  it('numbers parts and keeps counting articles across them', () => {
    expect(labels(doc(treaty(part(art(), art()), part(art()), part(bis, art()))))).toEqual([
      'Part I', 'Article 1', 'Article 2', 'Part II', 'Article 3', 'Part II bis', 'Article 4',
    ])
    expect(labels(doc(zh(part(art()), part(art()))))).toEqual(['第一部分', '第一条', '第二部分', '第二条'])
  })

  it('numbers options of articles inside a part and continues after them', () => {
    expect(labels(doc(treaty(part(art(), og(opt(art()), opt(art(), art()))), part(art()))))).toEqual([
      'Part I', 'Article 1', 'Option 1', 'Article 2', 'Option 2', 'Article 2', 'Article 3', 'Part II', 'Article 4',
    ])
  })

  it('numbers annexes, each with its own articles and paragraphs', () => {
    const d = doc(treaty(art(p('x'), p('y')), art(), annex(annexHeading('List'), p('a'), p('b')), annex(art(p('c')), art()), annex(bis)))
    expect(labels(d)).toEqual(['Article 1', '1.', '2.', 'Article 2', 'Annex I', '1.', '2.', 'Annex II', 'Article 1', '1.', 'Article 2', 'Annex II bis'])
    expect(labels(doc(zh(annex(), annex())))).toEqual(['附件一', '附件二'])
  })

  it('calls a single annex just "Annex" / "附件"', () => {
    expect(labels(doc(treaty(art(), annex(p('a')))))).toEqual(['Article 1', 'Annex', '1.'])
    expect(labels(doc(zh(annex())))).toEqual(['附件'])
    expect(numberTreaty(doc(treaty(annex())))[0].number).toBe(1)
  })
})

describe('numberTreaty: a bis unit before any counted one', () => {
  // Valid documents (a facilitator inserts "bis" first, or deletes what it followed): numbering must not throw.
  it('gives it the number 0 in every numeral style', () => {
    expect(labels(doc(treaty(part(bis, art()), art(bis), annex(bis), annex())))).toEqual(['Part 0 bis', 'Article 1', 'Article 1 bis', 'Annex 0 bis', 'Annex I'])
    expect(labels(doc(treaty(art(p(bis, 'x'), p1(bis, 'a'), p2(bis, 'i'), p3(bis, 'aa')))))).toEqual(['Article 1', '0 bis.', '(0 bis)', '(0 bis)', '0 bis.'])
    expect(labels(doc(zh(art(bis), part(bis), annex(bis))))).toEqual(['第零条之二', '第零部分之二', '附件零之二'])
    expect(labels(doc(treaty({ recital_labels: true }, preamble(recital(bis, 'r')))))).toEqual(['Pp0 bis'])
  })
})

describe('numberTreaty: preamble', () => {
  it('labels recitals Pp1, Pp2 … when recital_labels is true, counting recitals only', () => {
    const d = doc(treaty({ recital_labels: true }, preamble(opening('The States'), recital('a'), recital('b'), recital(bis, 'b2'), recital('c'), formula('agreed')), art()))
    expect(labels(d)).toEqual(['Pp1', 'Pp2', 'Pp2 bis', 'Pp3', 'Article 1'])
  })

  it('gives recitals no label when recital_labels is false', () => {
    expect(labels(doc(treaty(preamble(recital('a'), recital('b')), art())))).toEqual(['Article 1'])
  })

  it('numbers recitals in preamble options', () => {
    expect(labels(doc(treaty({ recital_labels: true }, preamble(recital('a'), og(opt(recital('b')), opt(recital('c'), recital('d'))), recital('e')))))).toEqual([
      'Pp1', 'Option 1', 'Pp2', 'Option 2', 'Pp2', 'Pp3', 'Pp4',
    ])
  })

  it('does not let preamble options disturb article paragraph numbering', () => {
    expect(labels(doc(treaty(preamble(og(opt(recital('a')))), p('x'))))).toEqual(['Option 1', '1.'])
  })
})

describe('label functions', () => {
  it('articleLabel', () => {
    expect(articleLabel('en', 12)).toBe('Article 12')
    expect(articleLabel('en', 2, 'quater')).toBe('Article 2 quater')
    expect(articleLabel('zh', 11)).toBe('第十一条')
    expect(articleLabel('zh', 2, 'ter')).toBe('第二条之三')
    expect(articleLabel('fr', 1)).toBe('Article 1')
    expect(articleLabel('es', 1)).toBe('Artículo 1')
  })

  it('partLabel and annexLabel', () => {
    expect(partLabel('en', 4)).toBe('Part IV')
    expect(partLabel('zh', 3, 'bis')).toBe('第三部分之二')
    expect(annexLabel('en', 2)).toBe('Annex II')
    expect(annexLabel('en', 1, '', true)).toBe('Annex')
    expect(annexLabel('en', 1, 'bis', true)).toBe('Annex I bis')
    expect(annexLabel('zh', 10)).toBe('附件十')
    expect(annexLabel('zh', 1, '', true)).toBe('附件')
  })

  it('optionLabel, recitalLabel, preambleHeading, noTextLabel', () => {
    expect(optionLabel('en', 9, 'roman')).toBe('Option IX')
    expect(optionLabel('en', 27, 'alpha')).toBe('Option (aa)')
    expect(optionLabel('zh', 2, 'roman')).toBe('备选案文II')
    expect(recitalLabel(3)).toBe('Pp3')
    expect(recitalLabel(3, 'ter')).toBe('Pp3 ter')
    expect(preambleHeading('zh')).toBe('序言')
    expect(preambleHeading('en')).toBe('Preamble')
    expect(noTextLabel('en')).toBe('No text')
    expect(noTextLabel('zh')).toBe('无案文')
  })

  it('paragraphLabel keeps every level distinct within a style', () => {
    const styles = [
      { lang: 'en', paraStyle: 'arabic' },
      { lang: 'zh', paraStyle: 'arabic' },
      { lang: 'zh', paraStyle: 'cjk' },
    ] as const
    for (const style of styles) {
      const first = [0, 1, 2, 3].map((level) => paragraphLabel(style, level, 1))
      expect(new Set(first).size, JSON.stringify(style)).toBe(4)
    }
    expect(paragraphLabel({ lang: 'en', paraStyle: 'arabic' }, 1, 27)).toBe('(aa)')
    expect(paragraphLabel({ lang: 'en', paraStyle: 'arabic' }, 2, 4, 'bis')).toBe('(iv bis)')
    expect(paragraphLabel({ lang: 'zh', paraStyle: 'cjk' }, 0, 12)).toBe('十二、')
  })

  it('labelStyleOf reads the treaty attributes of a doc or a treaty node', () => {
    const d = doc(zhCjk())
    expect(labelStyleOf(d)).toEqual({ lang: 'zh', paraStyle: 'cjk' })
    expect(labelStyleOf(d.firstChild!)).toEqual({ lang: 'zh', paraStyle: 'cjk' })
  })

  it('labelsByPos maps positions to units', () => {
    const d = doc(treaty(art(p('x'))))
    const map = labelsByPos(numberTreaty(d))
    expect(map.get(1)?.label).toBe('Article 1')
    expect(map.get(2)?.label).toBe('1.')
    expect(map.size).toBe(2)
  })
})
