import fs from 'node:fs'
import { treatySchema } from '@accord/schema'
import { importText } from '@accord/treaty-io'
import type { Node as PMNode } from 'prosemirror-model'
import { describe, expect, it } from 'vitest'
import { quoteBetween, structuralTarget, targetFromSelection } from './amendmentTarget'

const SAMPLE = fs.readFileSync(new URL('../../../../packages/treaty-io/samples/npt-2005-security-assurances-protocol.zh.txt', import.meta.url), 'utf8')
const doc = importText(SAMPLE).doc

/** The range of the `occurrence`-th appearance of `text` inside one text node. */
function rangeOf(d: PMNode, text: string, occurrence = 0): { from: number; to: number } {
  let seen = 0
  let found: { from: number; to: number } | null = null
  d.descendants((node, pos) => {
    if (found || !node.isText) return !found
    for (let at = node.text!.indexOf(text); at >= 0 && !found; at = node.text!.indexOf(text, at + 1)) {
      if (seen++ === occurrence) found = { from: pos + at, to: pos + at + text.length }
    }
    return false
  })
  if (!found) throw new Error(`${text} is not in the document`)
  return found
}

/** Positions of the `bracket` nodes, in document order. */
function brackets(d: PMNode): { pos: number; node: PMNode }[] {
  const out: { pos: number; node: PMNode }[] = []
  d.descendants((node, pos) => {
    if (node.type.name === 'bracket') out.push({ pos, node })
    return true
  })
  return out
}

describe('targetFromSelection', () => {
  it('targets a passage of a numbered paragraph: article, paragraph and the exact text', () => {
    const { from, to } = rangeOf(doc, '应经过批准')
    expect(targetFromSelection(doc, from, to)).toEqual({ ok: true, target: { article: 4, paragraph: 1, quote: '应经过批准' }, location: 'Article 4, paragraph 1', quote: '应经过批准' })
    // Backwards (the head before the anchor) is the same selection.
    expect(targetFromSelection(doc, to, from)).toMatchObject({ ok: true, quote: '应经过批准' })
  })

  it('quotes a whole bracket in notation and says which occurrence it is when the quote repeats', () => {
    const inArticle4 = brackets(doc).filter(({ pos }) => doc.resolve(pos).parent.textContent.startsWith('本议定书协议应当签署'))
    expect(inArticle4).toHaveLength(2)
    const [first, second] = inArticle4
    expect(targetFromSelection(doc, first.pos, first.pos + first.node.nodeSize)).toEqual({
      ok: true,
      target: { article: 4, paragraph: 1, quote: '[议定书][协议]', occurrence: 1 },
      location: 'Article 4, paragraph 1',
      quote: '[议定书][协议]',
    })
    expect(targetFromSelection(doc, second.pos, second.pos + second.node.nodeSize)).toMatchObject({ ok: true, target: { occurrence: 2 } })
    // The same text with the bracket before it: unique, so no occurrence.
    expect(targetFromSelection(doc, second.pos, rangeOf(doc, '应经过批准').to)).toEqual({
      ok: true,
      target: { article: 4, paragraph: 1, quote: '[议定书][协议]应经过批准' },
      location: 'Article 4, paragraph 1',
      quote: '[议定书][协议]应经过批准',
    })
  })

  it('quotes text inside one alternative', () => {
    const [bracket] = brackets(doc).filter(({ pos }) => doc.resolve(pos).parent.textContent.startsWith('本议定书协议应当签署'))
    const from = bracket.pos + 2
    const to = from + '议定书'.length
    expect(quoteBetween(doc, from, to)).toBe('议定书')
    const result = targetFromSelection(doc, from, to)
    expect(result).toMatchObject({ ok: true, target: { article: 4, paragraph: 1, quote: '议定书', occurrence: 1 } })
  })

  it('refuses what the server would not find: across a bracket, across paragraphs, nothing, a drafting note, the title', () => {
    const [bracket] = brackets(doc).filter(({ pos }) => doc.resolve(pos).parent.textContent.startsWith('本议定书协议应当签署'))
    expect(targetFromSelection(doc, bracket.pos + 2, rangeOf(doc, '应当签署').to)).toEqual({ ok: false, problem: 'acrossBracket', location: 'Article 4, paragraph 1' })
    expect(targetFromSelection(doc, rangeOf(doc, '应经过批准').from, rangeOf(doc, '应从缔约国').to)).toEqual({ ok: false, problem: 'acrossParagraphs' })
    const at = rangeOf(doc, '应经过批准').from
    expect(targetFromSelection(doc, at, at)).toEqual({ ok: false, problem: 'empty' })
    const title = rangeOf(doc, '关于禁止')
    expect(targetFromSelection(doc, title.from, title.to)).toMatchObject({ ok: false, problem: 'unsupportedPlace', location: 'Title' })
    let note: { from: number; to: number } | null = null
    doc.descendants((node, pos) => {
      if (!note && node.type.name === 'note' && node.content.size > 2) note = { from: pos + 1, to: pos + 3 }
      return !note
    })
    expect(note).not.toBeNull()
    expect(targetFromSelection(doc, note!.from, note!.to)).toMatchObject({ ok: false, problem: 'notTreatyText' })
  })

  it('targets a preambular paragraph by its number', () => {
    const { from, to } = rangeOf(doc, '回顾')
    const result = targetFromSelection(doc, from, to)
    expect(result.ok).toBe(true)
    if (result.ok) {
      expect(result.target.preamble).toBeGreaterThan(1)
      expect(result.target.article).toBeUndefined()
      expect(result.location).toBe(`Preamble, paragraph ${result.target.preamble}`)
    }
  })

  it('handles a small English treaty with a sub-paragraph: the quote belongs to its numbered paragraph', () => {
    const s = treatySchema
    const para = (text: string, level = 0) => s.node('paragraph', { level }, [s.text(text)])
    const small = s.node('doc', null, [s.node('treaty', { lang: 'en' }, [s.node('article', null, [para('Parties shall act.'), para('in good faith; and', 1), para('Parties shall report.')])])])
    const { from, to } = rangeOf(small, 'good faith')
    expect(targetFromSelection(small, from, to)).toMatchObject({ ok: true, target: { article: 1, paragraph: 1, quote: 'good faith' } })
    // "shall" is in paragraphs 1 and 2: unique within paragraph 2.
    const second = rangeOf(small, 'shall', 1)
    expect(targetFromSelection(small, second.from, second.to)).toEqual({ ok: true, target: { article: 1, paragraph: 2, quote: 'shall' }, location: 'Article 1, paragraph 2', quote: 'shall' })
  })
})

describe('structuralTarget', () => {
  const at = rangeOf(doc, '应经过批准').from
  it('names the paragraph or the article at the cursor', () => {
    expect(structuralTarget(doc, at, 'addParagraph')).toEqual({ ok: true, target: { article: 4, paragraph: 1 }, location: 'Article 4, paragraph 1' })
    expect(structuralTarget(doc, at, 'deleteParagraph')).toEqual({ ok: true, target: { article: 4, paragraph: 1 }, location: 'Article 4, paragraph 1' })
    expect(structuralTarget(doc, at, 'addArticle')).toEqual({ ok: true, target: { article: 4 }, location: 'Article 4' })
    expect(structuralTarget(doc, at, 'deleteArticle')).toEqual({ ok: true, target: { article: 4 }, location: 'Article 4' })
  })
  it('refuses the title and articles in the preamble', () => {
    const title = rangeOf(doc, '关于禁止').from
    expect(structuralTarget(doc, title, 'addParagraph')).toMatchObject({ ok: false, problem: 'unsupportedPlace' })
    const recital = rangeOf(doc, '回顾').from
    expect(structuralTarget(doc, recital, 'deleteArticle')).toMatchObject({ ok: false, problem: 'unsupportedPlace' })
    expect(structuralTarget(doc, recital, 'deleteParagraph')).toMatchObject({ ok: true })
  })
})
