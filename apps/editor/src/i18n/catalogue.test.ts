import { describe, expect, it } from 'vitest'
import { CATALOGUES, format, initialLanguage, translator, UI_LANGUAGES } from './catalogue'
import { en } from './en'

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()

describe('catalogues', () => {
  for (const lang of UI_LANGUAGES) {
    it(`${lang} has every key, non-empty, with the same placeholders as English`, () => {
      const messages = CATALOGUES[lang]
      expect(Object.keys(messages).sort()).toEqual(Object.keys(en).sort())
      for (const [key, text] of Object.entries(messages)) {
        expect(text.trim(), key).not.toBe('')
        expect(placeholders(text), key).toEqual(placeholders(en[key as keyof typeof en]))
      }
    })
  }
})

describe('format', () => {
  it('fills placeholders and leaves unknown ones visible', () => {
    expect(format('Line {line}, column {column}', { line: 3, column: 7 })).toBe('Line 3, column 7')
    expect(format('{a} {b}', { a: 1 })).toBe('1 {b}')
  })
  it('translates', () => {
    expect(translator('zh')('new.warningAt', { line: 2, column: 5 })).toBe('第 2 行，第 5 列')
  })
})

describe('initialLanguage', () => {
  it('prefers the stored choice, then the browser, then English', () => {
    expect(initialLanguage('zh', ['en-GB'])).toBe('zh')
    expect(initialLanguage(null, ['fr-FR', 'zh-CN'])).toBe('zh')
    expect(initialLanguage('xx', ['fr'])).toBe('en')
  })
})
