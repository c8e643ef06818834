import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { EditorState } from 'prosemirror-state'
import { treatySchema } from '@accord/schema'
import { resolveByText } from '@accord/bracket-variants/prosemirror'
import { importText } from './importText'
import { exportDocument, type ExportFormat } from './formats'

const FIXTURES = new URL('../../../../shared/fixtures/', import.meta.url)
const SAMPLE = readFileSync(new URL('npt-2005-security-assurances-protocol.zh.txt', FIXTURES), 'utf8')
const allFixtures = [
  new URL('npt-2005-security-assurances-protocol.zh.txt', FIXTURES),
  new URL('npt-2005-security-assurances-protocol.zh.pdf-paste.txt', FIXTURES),
  ...readdirSync(new URL('real/', FIXTURES))
    .filter((f) => f.endsWith('.txt'))
    .map((f) => new URL(`real/${f}`, FIXTURES)),
]

function exported(text: string, format: ExportFormat, mode: 'clean' | 'negotiating') {
  const result = exportDocument(importText(text).doc, { format, mode })
  if (!result.ok) throw new Error(`refused: ${result.open.map((o) => o.location).join('; ')}`)
  return result.content
}

function resolvedSample(...choices: string[]) {
  let state = EditorState.create({ schema: treatySchema, doc: importText(SAMPLE).doc })
  for (const c of choices) resolveByText(c)(state, (tr) => (state = state.apply(tr)))
  return state.doc
}

describe('negotiating text', () => {
  it('writes the sample back exactly as it came', () => {
    expect(exported(SAMPLE, 'text', 'negotiating')).toBe(SAMPLE)
  })

  for (const url of allFixtures) {
    it(`round-trips ${url.pathname.split('/').pop()}: import → export → import gives the same document`, () => {
      const first = importText(readFileSync(url, 'utf8')).doc
      const text = exportDocument(first, { format: 'text', mode: 'negotiating' })
      if (!text.ok) throw new Error('negotiating export never refuses')
      const second = importText(text.content).doc
      expect(second.toJSON()).toEqual(first.toJSON())
    })
  }

  it('keeps notes, brackets and placeholders in HTML and escapes the text', () => {
    const html = exported('Title <b>&</b>\n\nArticle 1\n\n1. The [A][B] text [X date], (Source: <script>)\n', 'html', 'negotiating')
    expect(html).toContain('<h1 class="title">Title &lt;b&gt;&amp;&lt;/b&gt;</h1>')
    expect(html).toContain('<span class="bracket"><span class="alternative">[A]</span><span class="alternative">[B]</span></span>')
    expect(html).toContain('<span class="placeholder">[X date]</span>')
    expect(html).toContain('<span class="note">(Source: &lt;script&gt;)</span>')
    expect(html).not.toContain('<script>')
  })

  it('escapes Markdown so that brackets and numbers stay literal', () => {
    const md = exported(SAMPLE, 'md', 'negotiating')
    expect(md).toContain('# 关于禁止对不扩散核武器条约的无核武器缔约国使用或威胁使用核武器的\\[议定书\\]\\[协议\\]草案')
    expect(md).toContain('## 第一条')
    expect(md).toMatch(/^1\\\. 不扩散条约第九条/m)
  })
})

describe('clean text', () => {
  it('refuses while brackets are open and lists each one by article and paragraph', () => {
    const result = exportDocument(importText(SAMPLE).doc, { format: 'text', mode: 'clean' })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.open).toHaveLength(20)
    expect(result.open[0]).toMatchObject({ kind: 'bracket', location: 'Title', text: '[议定书][协议]' })
    expect(result.open[19]).toMatchObject({ location: 'Article 6, paragraph 2', text: '[本议定书][协议]' })
  })

  it('still refuses after the linked set is resolved, because of the near-duplicate', () => {
    const result = exportDocument(resolvedSample('议定书'), { format: 'html', mode: 'clean' })
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.open.map((o) => o.location)).toEqual(['Article 6, paragraph 2'])
  })

  it('writes the consensus text: no brackets, no notes, numbered', () => {
    const doc = resolvedSample('议定书', '本议定书')
    for (const format of ['text', 'html', 'md'] as const) {
      const result = exportDocument(doc, { format, mode: 'clean' })
      expect(result.ok).toBe(true)
      if (!result.ok) continue
      expect(result.content).not.toMatch(/[[\]]/)
      expect(result.content).not.toContain('摘自')
      expect(result.content).not.toContain('原子能机构规约')
      expect(result.content).toContain('第六条')
      expect(result.content).toContain('在本议定书上签字')
    }
    const text = exportDocument(doc, { format: 'text', mode: 'clean' })
    if (text.ok) expect(text.content).toContain('深信必须竭尽所能避免和消除核战争危险、防止核武器扩散、促进和平利用核能方面的国际合作，特别着重发展中国家的需要，并重申《不扩散核武器条约》对这些努力至关重要，\n')
  })

  it('renumbers bis units in the final numbering', () => {
    const text = 'T\n\nArticle 1\n\n1. One.\n\n1 bis. Inserted.\n\nArticle 1 bis\n\n1. Inserted article.\n\nArticle 2\n\n1. Two.\n'
    const clean = exported(text, 'text', 'clean')
    expect(clean).toBe('T\n\nArticle 1\n\n1. One.\n\n2. Inserted.\n\nArticle 2\n\n1. Inserted article.\n\nArticle 3\n\n1. Two.\n')
    expect(exported(text, 'text', 'negotiating')).toBe(text)
  })

  it('refuses open placeholders and options too', () => {
    const doc = importText('T\n\nArticle 1\n\nOption 1: Text one.\n\nOption 2: No text\n\nArticle 2\n\n1. On [X date].\n').doc
    const result = exportDocument(doc, { format: 'text', mode: 'clean' })
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.open.map((o) => [o.kind, o.location])).toEqual([
      ['options', 'Article 1, Option 1'],
      ['placeholder', 'Article 2, paragraph 1'],
    ])
  })
})
