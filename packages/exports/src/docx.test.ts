import { describe, expect, it } from 'vitest'
import { exportDocx } from './docx'
import { cleanSample, docxParagraphs as paragraphs, realDoc, sampleDoc, UNFCCC } from './testDocs'

async function docx(doc: Parameters<typeof exportDocx>[0], mode: 'clean' | 'negotiating') {
  const r = await exportDocx(doc, { mode })
  if (!r.ok) throw new Error(`refused: ${r.open.map((o) => o.location).join('; ')}`)
  expect([...r.content.slice(0, 2)]).toEqual([0x50, 0x4b]) // "PK": a zip
  return paragraphs(r.content)
}

describe('Word export', () => {
  it('refuses a clean export while brackets are open, listing them', async () => {
    const r = await exportDocx(sampleDoc(), { mode: 'clean' })
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.open).toHaveLength(20)
  })

  it('writes the clean sample in order, numbered, with no brackets and no notes', async () => {
    const { texts, xml, styles } = await docx(cleanSample(), 'clean')
    expect(texts[0]).toBe('关于禁止对不扩散核武器条约的无核武器缔约国使用或威胁使用核武器的议定书草案')
    const articles = texts.filter((t) => /^第.条$/.test(t))
    expect(articles).toEqual(['第一条', '第二条', '第三条', '第四条', '第五条', '第六条'])
    // 2, 3, 1, 7, 1, 3 numbered paragraphs: each article's labels run 1., 2., … after its heading.
    const counts = articles.map((a, i) => {
      const from = texts.indexOf(a)
      const to = i + 1 < articles.length ? texts.indexOf(articles[i + 1]) : texts.length
      return texts.slice(from + 1, to).filter((t) => /^\d+\.\t/.test(t)).map((t) => t.split('\t')[0])
    })
    expect(counts.map((c) => c.length)).toEqual([2, 3, 1, 7, 1, 3])
    expect(counts[3]).toEqual(['1.', '2.', '3.', '4.', '5.', '6.', '7.'])
    const all = texts.join('\n')
    expect(all).not.toMatch(/[[\]［］]/)
    expect(all).not.toContain('(摘自')
    expect(all).not.toContain('（摘自')
    // Article numbers centred; Chinese and Latin fonts declared.
    expect(xml).toContain('<w:jc w:val="center"/>')
    expect(styles).toMatch(/w:eastAsia="SimSun"/)
    expect(styles).toMatch(/w:ascii="Times New Roman"/)
  })

  it('shows every alternative of a real negotiating text, brackets in red and alternatives shaded', async () => {
    const { texts, xml } = await docx(realDoc(UNFCCC), 'negotiating')
    const all = texts.join('\n')
    expect(all).toContain('[social and economic development in harmony with nature][sustainable')
    expect(all).toContain('[best available]')
    expect(all).toContain('[reliable]')
    expect(xml).toContain('w:color w:val="C00000"')
    expect(xml).toMatch(/w:fill="FFF2CC"/)
    expect(xml).toMatch(/w:fill="DDEBF7"/)
  })

  it('keeps the sample negotiating text with its linked set and notes (notes grey, italic)', async () => {
    const { texts, xml } = await docx(sampleDoc(), 'negotiating')
    const all = texts.join('\n')
    expect(all.match(/\[议定书\]\[协议\]/g)).toHaveLength(19)
    expect(all).toContain('[本议定书][协议]')
    expect(all).toContain('摘自')
    expect(xml).toContain('w:color w:val="808080"')
  })
})
