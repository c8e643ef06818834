import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { Node as PMNode } from 'prosemirror-model'
import { numberTreaty } from '@accord/schema'
import { importText } from './importText'
import { ImportError } from './limits'
import { treatyStats } from './stats'
import { sampleTreatyText } from './sample'
import { mulberry32 } from '@accord/testing'

const FIXTURES = new URL('../../../../shared/fixtures/', import.meta.url)
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES), 'utf8')
const REAL = new URL('real/', FIXTURES)

function count(doc: PMNode, type: string): number {
  let n = 0
  doc.descendants((node) => {
    if (node.type.name === type) n++
    return true
  })
  return n
}

function texts(doc: PMNode, type: string): string[] {
  const out: string[] = []
  doc.descendants((node) => {
    if (node.type.name === type) out.push(node.textContent)
    return true
  })
  return out
}

describe('importing the sample treaty', () => {
  const clean = importText(fixture('npt-2005-security-assurances-protocol.zh.txt'))

  it('finds the structure: title, 11 preamble paragraphs, formula, 6 articles with 2, 3, 1, 7, 1, 3 paragraphs', () => {
    const s = treatyStats(clean.doc)
    expect(s.lang).toBe('zh')
    expect(s.title).toBe('关于禁止对不扩散核武器条约的无核武器缔约国使用或威胁使用核武器的[议定书][协议]草案')
    expect(s.preambleParagraphs).toBe(11)
    expect(count(clean.doc, 'preamble_opening')).toBe(2)
    expect(count(clean.doc, 'recital')).toBe(9)
    expect(texts(clean.doc, 'enacting_formula')).toEqual(['决定并商定如下：'])
    expect(s.articles).toBe(6)
    expect(s.paragraphsPerArticle).toEqual([2, 3, 1, 7, 1, 3])
    expect(clean.warnings).toEqual([])
  })

  it('finds 20 bracket groups: a linked set of 19 and the flagged near-duplicate', () => {
    const s = treatyStats(clean.doc)
    expect(s.brackets).toBe(20)
    expect(s.linkedSets).toEqual([{ alternatives: ['议定书', '协议'], count: 19 }])
    expect(s.nearDuplicates).toHaveLength(1)
    expect(s.nearDuplicates[0]).toMatchObject({ alternatives: ['本议定书', '协议'], count: 1, likely: ['议定书', '协议'] })
  })

  it('finds the 12 drafting notes and leaves the mid-sentence parenthesis in the text', () => {
    const notes = texts(clean.doc, 'note')
    expect(notes).toHaveLength(12)
    expect(notes.filter((n) => n.startsWith('(摘自'))).toHaveLength(11)
    expect(notes).toContain('(原子能机构规约)')
    expect(notes.some((n) => n.includes('下称'))).toBe(false)
    const opening = texts(clean.doc, 'preamble_opening')[1]
    expect(opening).toContain('(下称“不扩散条约”)')
  })

  it('numbers the articles 第一条 … 第六条', () => {
    const labels = numberTreaty(clean.doc).filter((u) => u.kind === 'article').map((u) => u.label)
    expect(labels).toEqual(['第一条', '第二条', '第三条', '第四条', '第五条', '第六条'])
  })

  it('gives exactly the same document from the text pasted from the PDF', () => {
    const pasted = importText(fixture('npt-2005-security-assurances-protocol.zh.pdf-paste.txt'))
    expect(pasted.warnings).toEqual([])
    expect(pasted.doc.toJSON()).toEqual(clean.doc.toJSON())
    expect(pasted.doc.eq(clean.doc)).toBe(true)
  })

  it('keeps its own copy of the sample as the built-in example', () => {
    expect(sampleTreatyText()).toBe(fixture('npt-2005-security-assurances-protocol.zh.txt'))
  })
})

describe('importing real negotiating texts', () => {
  const files = readdirSync(REAL).filter((f) => f.endsWith('.txt'))

  it('has the fixtures', () => {
    expect(files.length).toBeGreaterThanOrEqual(4)
  })

  for (const file of files) {
    it(`imports ${file} without an exception and with a valid document`, () => {
      const { doc, warnings } = importText(readFileSync(new URL(file, REAL), 'utf8'))
      doc.check()
      for (const w of warnings) {
        expect(w.line).toBeGreaterThan(0)
        expect(w.column).toBeGreaterThan(0)
        expect(w.message.length).toBeGreaterThan(10)
      }
    })
  }

  it('warns where the ADP draft agreement is unbalanced, at the right line and column', () => {
    const { warnings } = importText(readFileSync(new URL('unfccc-adp-2015-12-04-draft-agreement-pp-art1-2.txt', REAL), 'utf8'))
    const text = readFileSync(new URL('unfccc-adp-2015-12-04-draft-agreement-pp-art1-2.txt', REAL), 'utf8').split('\n')
    const brackets = warnings.filter((w) => w.code === 'unclosed-bracket' || w.code === 'unmatched-close' || w.code === 'unclosed-options')
    expect(brackets.length).toBeGreaterThanOrEqual(3)
    // Pp4 ends "…[sustainable development]],]": the last ']' has no partner.
    const pp4 = brackets.find((w) => text[w.line - 1].startsWith('development]],]'))
    expect(pp4).toBeDefined()
    expect(text[pp4!.line - 1][pp4!.column - 1]).toBe(']')
    // every reported position points at a bracket
    for (const w of brackets.filter((x) => x.code !== 'unclosed-options')) expect('[]'.includes(text[w.line - 1][w.column - 1])).toBe(true)
  })

  it('reads the ADP structure: Pp labels, two articles with headings, options with "No text"', () => {
    const { doc } = importText(readFileSync(new URL('unfccc-adp-2015-12-04-draft-agreement-pp-art1-2.txt', REAL), 'utf8'))
    expect(doc.firstChild!.attrs.recital_labels).toBe(true)
    expect(count(doc, 'recital')).toBe(16)
    expect(texts(doc, 'article_heading')).toEqual(['DEFINITIONS', 'PURPOSE'])
    expect(count(doc, 'option_group')).toBe(1)
    const group = findFirst(doc, 'option_group')!
    expect(group.childCount).toBe(2)
    expect(group.child(1).childCount).toBe(0) // Option II: No text
    expect(count(doc, 'placeholder')).toBe(2)
    expect(texts(doc, 'paragraph').some((t) => t.includes('pre-industrial'))).toBe(true) // hyphen at a line end
  })

  it('reads the BBNJ Chinese text: parts, article headings, （一） items and 一、 paragraphs', () => {
    const { doc, warnings } = importText(readFileSync(new URL('bbnj-agreement-2023-zh-preamble-art1-7.txt', REAL), 'utf8'))
    expect(warnings).toEqual([])
    expect(count(doc, 'part')).toBe(1)
    expect(count(doc, 'article')).toBe(7)
    expect(texts(doc, 'article_heading')[0]).toBe('用语')
    expect(count(doc, 'recital')).toBe(17)
    expect(texts(doc, 'enacting_formula')).toEqual(['兹商定如下：'])
    expect(doc.firstChild!.attrs.para_style).toBe('cjk')
    const labels = numberTreaty(doc).filter((u) => u.kind === 'paragraph').map((u) => u.label)
    expect(labels).toContain('（十四）')
    expect(labels).toContain('三、')
  })

  it('reads the BBNJ draft decision: clauses without numbers, options, a placeholder, alternative numbers warned', () => {
    const { doc, warnings } = importText(readFileSync(new URL('bbnj-prepcom-2026-draft-decision-secretariat-un.txt', REAL), 'utf8'))
    expect(texts(doc, 'preamble_opening')).toEqual(['The Conference of the Parties,'])
    expect(texts(doc, 'recital').map((t) => t.split(' ')[0])).toEqual(['Recalling', 'Reaffirming', 'Recognizing', 'Acknowledging', 'Having'])
    const group = findFirst(doc, 'option_group')!
    expect(group.childCount).toBe(2)
    expect(texts(doc, 'placeholder')).toContain('document symbol to be added')
    expect(texts(doc, 'paragraph').some((t) => t.includes('Secretary-General to provide'))).toBe(true)
    expect(warnings.filter((w) => w.code === 'alternative-numbers')).toHaveLength(3)
  })

  it('reads the Geneva text: options in a numbered slot, nested options, bis numbering', () => {
    const { doc, warnings } = importText(readFileSync(new URL('unfccc-gnt-2015-02-section-c.txt', REAL), 'utf8'))
    const groups: PMNode[] = []
    doc.descendants((n) => {
      if (n.type.name === 'option_group') groups.push(n)
      return true
    })
    expect(groups.length).toBeGreaterThanOrEqual(3)
    expect(groups[0].childCount).toBe(3) // paragraph 2: Option 1 … Option 3
    expect(groups[0].attrs.bracketed).toBe(true)
    const suffixes: string[] = []
    doc.descendants((n) => {
      if (n.type.name === 'paragraph' && n.attrs.suffix) suffixes.push(n.attrs.suffix as string)
      return true
    })
    expect(suffixes).toContain('bis')
    expect(warnings.some((w) => w.line === 1 && w.code === 'unclosed-bracket')).toBe(true)
  })
})

describe('text as people paste it', () => {
  it('joins lines wrapped mid-sentence and drops blank lines between every line', () => {
    const text = '第一条\n\n1. 本议定书缔约国承诺不对任何无核武器缔约国使用或威胁使用核武器，并承诺在任何情况\n\n下均遵守本条的规定。\n\n2. 第二款。\n'
    const { doc } = importText(text)
    expect(texts(doc, 'paragraph')).toEqual(['本议定书缔约国承诺不对任何无核武器缔约国使用或威胁使用核武器，并承诺在任何情况下均遵守本条的规定。', '第二款。'])
  })

  it('joins a bracket split across a page break', () => {
    const text = 'Article 1\n\n1. The Parties to this [Protocol] [Agree-\n\nment] shall meet every year in a place to be decided by the Parties at their first meeting, and shall\n\nreport.\n'
    const { doc, warnings } = importText(text)
    expect(warnings).toEqual([])
    expect(count(doc, 'bracket')).toBe(1)
    expect(texts(doc, 'alternative')).toEqual(['Protocol', 'Agree-ment'])
  })

  it('ignores stray and zero-width spaces', () => {
    const { doc } = importText('  标题  \n\n第一条\n\n1.  本\u200b条约  缔约国，  \n')
    expect(texts(doc, 'title')).toEqual(['标题'])
    expect(texts(doc, 'paragraph')).toEqual(['本条约缔约国，'])
  })

  it('reads English conventions: Preamble, Pp labels, Article N bis, (a), 2 bis.', () => {
    const text = [
      'Draft agreement',
      'Preamble',
      'The Parties to this Agreement,',
      'Pp1 Recalling the Convention,',
      'Pp1 bis Noting the report,',
      'Have agreed as follows:',
      'Article 1',
      'Definitions',
      '1. For the purposes of this Agreement:',
      '(a) "Party" means a Party;',
      '(b) "Convention" means the Convention.',
      '2. Second.',
      '2 bis. Inserted.',
      'Article 1 bis',
      '1. Inserted article.',
      'Article 2',
      '1. Last.',
    ].join('\n')
    const { doc, warnings } = importText(text)
    expect(warnings).toEqual([])
    const labels = numberTreaty(doc).map((u) => u.label)
    expect(labels).toEqual(['Pp1', 'Pp1 bis', 'Article 1', '1.', '(a)', '(b)', '2.', '2 bis.', 'Article 1 bis', '1.', 'Article 2', '1.'])
    expect(texts(doc, 'article_heading')).toEqual(['Definitions'])
  })

  it('refuses what is not a treaty text, with a reason', () => {
    expect(() => importText('   \n\n  ')).toThrow(ImportError)
    expect(() => importText('abc\u0000def')).toThrow(/not text/)
    expect(() => importText('Article 1\n\n1. ' + '['.repeat(10_000) + 'x' + ']'.repeat(10_000))).toThrow(/nested more than/)
  })

  it('warns about unbalanced brackets with the line and column of the bracket', () => {
    const { doc, warnings } = importText('Article 1\n\n1. The [Parties shall meet.\n\n2. They ] shall report.\n')
    expect(warnings.map((w) => [w.line, w.column, w.code])).toEqual([
      [3, 8, 'unclosed-bracket'],
      [5, 9, 'unmatched-close'],
    ])
    expect(texts(doc, 'paragraph')).toEqual(['The [Parties shall meet.', 'They ] shall report.'])
  })
})

function findFirst(doc: PMNode, type: string): PMNode | null {
  let found: PMNode | null = null
  doc.descendants((n) => {
    if (found) return false
    if (n.type.name === type) {
      found = n
      return false
    }
    return true
  })
  return found
}

describe('text nobody has seen', () => {
  // A seeded generator of messy texts from the pieces real ones are made of.
  const pieces = ['Article 1', '第二条', '序言', 'Preamble', '1. ', '2 bis. ', '(a) ', '（一）', '一、', 'Pp3 ', 'Option 1: ', 'Option II: No text', '[', ']', '[A][B]', ' [or] ', '{Placeholder for x}', '(摘自x)', '，', '。', ', ', 'the Parties shall', '缔约国', '\n', '\n\n', '\r\n', 'Have agreed as follows:', 'Annex I', 'Part II', 'IN WITNESS WHEREOF', '/', ' ', '\u3000', 'x', '[X date]', '［', '］', '\f']

  it('imports 1,000 random mixtures of markers, brackets and scripts into valid documents, or refuses them with an ImportError', () => {
    for (let seed = 1; seed <= 1000; seed++) {
      const random = mulberry32(seed)
      let text = ''
      for (let i = 0, n = 3 + Math.floor(random() * 40); i < n; i++) text += pieces[Math.floor(random() * pieces.length)]
      try {
        const { doc, warnings } = importText(text)
        doc.check()
        for (const w of warnings) expect(w.line, `seed ${seed}`).toBeGreaterThan(0)
      } catch (e) {
        if (!(e instanceof ImportError)) throw new Error(`seed ${seed}: ${(e as Error).message} for ${JSON.stringify(text)}`)
      }
    }
  })
})
