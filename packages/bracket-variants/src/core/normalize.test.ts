import { describe, expect, it } from 'vitest'
import { alternativeText, normalizeText } from './normalize'
import { parseBrackets } from './parse'
import type { BracketGroup } from './types'

describe('normalizeText', () => {
  it('collapses whitespace, folds full-width ASCII and composes', () => {
    expect(normalizeText('  developed\n country\tParties ')).toBe('developed country Parties')
    expect(normalizeText('ＣＭＡ　１')).toBe('CMA 1')
    expect(normalizeText('e\u0301')).toBe('é')
    expect(normalizeText('第一条（一）')).toBe('第一条(一)')
  })

  it('drops whitespace between CJK characters, which is a line wrap', () => {
    expect(normalizeText('协\n\n议')).toBe('协议')
    expect(normalizeText('本 议定书 ，')).toBe('本议定书,')
    expect(normalizeText('1.5 °C 议定书 text')).toBe('1.5 °C 议定书 text')
  })
})

describe('alternativeText', () => {
  it('writes nested groups canonically and leaves notes out', () => {
    const [g1] = parseBrackets('[developing [a]/[b] country\nParties]').inlines as [BracketGroup]
    expect(alternativeText(g1.alternatives[0])).toBe('developing [a] / [b] country Parties')
    expect(alternativeText([{ type: 'text', text: 'x ' }, { type: 'note', text: '(note)' }])).toBe('x')
  })
})

describe('normalizeText and alternativeText fast paths', () => {
  // The five passes without the shortcut for already-normal text.
  const reference = (text: string) =>
    text
      .normalize('NFC')
      .replace(/\s+/g, ' ')
      .trim()
      .replace(/([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303F\uFF01-\uFF0F\uFF1A-\uFF20\uFF3B-\uFF40\uFF5B-\uFF60]) (?=[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303F\uFF01-\uFF0F\uFF1A-\uFF20\uFF3B-\uFF40\uFF5B-\uFF60])/gu, '$1')
      .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))

  it('gives what the five passes give, on random text', () => {
    const alphabet = ['a', 'Z', '1', '.', '[', '~', ' ', ' ', '  ', '\t', '\n', '\u00a0', '议', '定', 'Ａ', '（', '\u3000', 'e\u0301', '\u0301', 'é', '°']
    let seed = 1
    const rnd = () => ((seed = (seed * 48271) % 2147483647) / 2147483647)
    for (let n = 0; n < 5000; n++) {
      const length = Math.floor(rnd() * 8)
      const text = Array.from({ length }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('')
      expect(normalizeText(text), JSON.stringify(text)).toBe(reference(text))
    }
    for (const text of ['', ' ', 'Protocol', 'this Protocol', 'a  b', ' a', 'a ', 'x\u007f', 'CMA 1']) expect(normalizeText(text)).toBe(reference(text))
  })

  it('alternativeText of text and notes only is the texts joined, normalised', () => {
    expect(alternativeText([{ type: 'text', text: 'this ' }, { type: 'text', text: ' Protocol ' }])).toBe('this Protocol')
    expect(alternativeText([{ type: 'note', text: '(n)' }, { type: 'text', text: 'Ａ' }])).toBe('A')
    expect(alternativeText([])).toBe('')
    const [g] = parseBrackets('[a [b][c] d]').inlines as [BracketGroup]
    expect(alternativeText(g.alternatives[0])).toBe('a [b][c] d')
  })
})
