import { describe, expect, it } from 'vitest'
import { exportCompilationDocx, type Compilation } from './compilationDocx'
import { docxParagraphs } from './testDocs'

const compilation: Compilation = {
  lang: 'zh',
  title: 'Compilation of amendments',
  subtitle: '议定书草案 — by State, 2026-11-24; 3 amendments',
  empty: 'No amendments.',
  sections: [
    {
      heading: 'Brazil (BR)',
      items: [
        {
          title: 'Amendment 2 (BR) — Insert',
          fields: [
            ['Where', 'Preamble, paragraph 3'],
            ['Text', '促进和平利用核能方面的国际合作'],
            ['Proposal', 'insert after it: “，包括技术转让”'],
            ['Justification', 'Technology <transfer> & "cooperation".'],
            ['Co-sponsors', 'none'],
            ['Status', 'Open'],
          ],
        },
      ],
    },
    {
      heading: 'France (FR)',
      items: [
        {
          title: 'Amendment 1 (FR) — Replace',
          fields: [
            ['Where', 'Article 4, paragraph 1'],
            ['Text', '对不扩散条约任何缔约国开放供签署'],
            ['Proposal', 'replace with “对所有国家开放供签署”'],
            ['Co-sponsors', 'China (CN)'],
            ['Status', 'Open'],
          ],
        },
        {
          title: 'Amendment 3 (FR) — New article',
          fields: [
            ['Where', 'Article 3'],
            ['Proposal', 'add a new article after it: “第一款。\n\n第二款。”'],
            ['Co-sponsors', 'none'],
            ['Status', 'Withdrawn'],
          ],
          muted: true,
        },
      ],
    },
  ],
}

describe('Word compilation', () => {
  it('writes the title, each section and item as headings in order, and each field as a labelled row', async () => {
    const bytes = await exportCompilationDocx(compilation)
    expect([...bytes.slice(0, 2)]).toEqual([0x50, 0x4b]) // "PK": a zip
    const { styled, texts, xml, styles, footers } = await docxParagraphs(bytes)
    expect(styled.filter((p) => /^(Title|Heading\d)$/.test(p.style))).toEqual([
      { style: 'Title', text: 'Compilation of amendments' },
      { style: 'Heading1', text: 'Brazil (BR)' },
      { style: 'Heading2', text: 'Amendment 2 (BR) — Insert' },
      { style: 'Heading1', text: 'France (FR)' },
      { style: 'Heading2', text: 'Amendment 1 (FR) — Replace' },
      { style: 'Heading2', text: 'Amendment 3 (FR) — New article' },
    ])
    expect(texts[1]).toBe('议定书草案 — by State, 2026-11-24; 3 amendments')
    // Label then value, in the order given, under each item's heading.
    const after = (heading: string) => texts.slice(texts.indexOf(heading) + 1)
    expect(after('Amendment 1 (FR) — Replace').slice(0, 10)).toEqual([
      'Where',
      'Article 4, paragraph 1',
      'Text',
      '对不扩散条约任何缔约国开放供签署',
      'Proposal',
      'replace with “对所有国家开放供签署”',
      'Co-sponsors',
      'China (CN)',
      'Status',
      'Open',
    ])
    expect(after('Amendment 2 (BR) — Insert').slice(0, 8)).toEqual([
      'Where',
      'Preamble, paragraph 3',
      'Text',
      '促进和平利用核能方面的国际合作',
      'Proposal',
      'insert after it: “，包括技术转让”',
      'Justification',
      'Technology <transfer> & "cooperation".',
    ])
    // A proposed article keeps its lines; a withdrawn amendment is grey.
    expect(texts).toContain('add a new article after it: “第一款。\n\n第二款。”')
    expect(xml).toContain('Technology &lt;transfer&gt; &amp;')
    expect(xml).toContain('<w:color w:val="595959"/>')
    // Two columns, label bold; Chinese and Latin fonts; page numbers.
    expect(xml.match(/<w:tbl>/g)).toHaveLength(3)
    expect(xml).toContain('<w:gridCol w:w="2268"/><w:gridCol w:w="6802"/>')
    expect(styles).toMatch(/w:eastAsia="SimSun"/)
    expect(styles).toMatch(/w:ascii="Times New Roman"/)
    expect(styles).toMatch(/<w:lang w:val="zh-CN" w:eastAsia="zh-CN"\/>/)
    expect(footers).toContain('PAGE')
  })

  it('says so when there is nothing to compile', async () => {
    const { styled } = await docxParagraphs(await exportCompilationDocx({ ...compilation, lang: 'en', sections: [] }))
    expect(styled.map((p) => p.text)).toEqual(['Compilation of amendments', '议定书草案 — by State, 2026-11-24; 3 amendments', 'No amendments.'])
    expect(styled.some((p) => p.style.startsWith('Heading'))).toBe(false)
  })
})
