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
