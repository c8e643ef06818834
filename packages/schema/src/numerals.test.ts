import { describe, expect, it } from 'vitest'
import { chineseNumeral, letterNumeral, parseChineseNumeral, parseLetterNumeral, parseRomanNumeral, romanNumeral } from './numerals'

describe('chineseNumeral', () => {
  it.each([
    [0, '零'],
    [1, '一'],
    [2, '二'],
    [9, '九'],
    [10, '十'],
    [11, '十一'],
    [19, '十九'],
    [20, '二十'],
    [21, '二十一'],
    [99, '九十九'],
    [100, '一百'],
    [101, '一百零一'],
    [110, '一百一十'],
    [111, '一百一十一'],
    [120, '一百二十'],
    [1000, '一千'],
    [1001, '一千零一'],
    [1010, '一千零一十'],
    [1100, '一千一百'],
    [2005, '二千零五'],
    [9999, '九千九百九十九'],
    [10000, '一万'],
    [10001, '一万零一'],
    [10010, '一万零一十'],
    [10100, '一万零一百'],
    [11000, '一万一千'],
    [100000, '十万'],
    [110000, '十一万'],
    [1000100, '一百万零一百'],
    [12345678, '一千二百三十四万五千六百七十八'],
  ])('%i → %s', (n, text) => {
    expect(chineseNumeral(n)).toBe(text)
  })

  it('writes 1 to 120 without a leading 一十 and with one 零 per gap', () => {
    for (let n = 1; n <= 120; n++) {
      const text = chineseNumeral(n)
      expect(text.startsWith('一十'), `${n} → ${text}`).toBe(false)
      expect(text.includes('零零'), `${n} → ${text}`).toBe(false)
      expect(text.endsWith('零'), `${n} → ${text}`).toBe(false)
    }
  })

  it.each([-1, 1.5, 1e8, Number.NaN, Number.POSITIVE_INFINITY])('rejects %s', (n) => {
    expect(() => chineseNumeral(n)).toThrow(RangeError)
  })
})

describe('parseChineseNumeral', () => {
  it('inverts chineseNumeral over 1..2000 and on numbers of ten thousand and more', () => {
    for (let n = 1; n <= 2000; n++) expect(parseChineseNumeral(chineseNumeral(n))).toBe(n)
    for (const n of [10000, 10001, 10010, 10100, 11000, 20000, 100000, 110000, 1000100, 12345678, 99999999]) {
      expect(parseChineseNumeral(chineseNumeral(n))).toBe(n)
    }
  })

  it('reads the variants people write: 〇, 两, 一十', () => {
    expect(parseChineseNumeral('二〇〇五')).toBe(2005)
    expect(parseChineseNumeral('两百')).toBe(200)
    expect(parseChineseNumeral('一十二')).toBe(12)
  })

  it('reads 零 alone as 0 and one digit as itself', () => {
    expect(parseChineseNumeral('零')).toBe(0)
    expect(parseChineseNumeral('〇')).toBe(0)
    expect(parseChineseNumeral('七')).toBe(7)
  })

  it.each(['', '第一', '1', 'abc', '一条', '十十', '一十十', '百', '一百十一零', '零一', '一零零零万', '一百零', '零零', '一百零零一', '一千零一百', '万', '一万万', '一万五', '一百一', '二两'])('is null for %j', (text) => {
    expect(parseChineseNumeral(text)).toBeNull()
  })
})

describe('romanNumeral', () => {
  it.each([
    [1, 'I'],
    [4, 'IV'],
    [9, 'IX'],
    [14, 'XIV'],
    [40, 'XL'],
    [90, 'XC'],
    [400, 'CD'],
    [1994, 'MCMXCIV'],
    [3999, 'MMMCMXCIX'],
  ])('%i → %s', (n, text) => {
    expect(romanNumeral(n)).toBe(text)
  })

  it.each([0, -3, 4000, 2.5])('rejects %s', (n) => {
    expect(() => romanNumeral(n)).toThrow(RangeError)
  })

  it('is inverted by parseRomanNumeral, in either case', () => {
    for (let n = 1; n < 4000; n++) {
      expect(parseRomanNumeral(romanNumeral(n))).toBe(n)
      expect(parseRomanNumeral(romanNumeral(n).toLowerCase())).toBe(n)
    }
  })

  it.each(['', 'IIII', 'VX', 'IL', 'MMMM', 'ABC', 'I V'])('parseRomanNumeral(%j) is null', (text) => {
    expect(parseRomanNumeral(text)).toBeNull()
  })
})

describe('letterNumeral', () => {
  it.each([
    [1, 'a'],
    [2, 'b'],
    [26, 'z'],
    [27, 'aa'],
    [28, 'bb'],
    [52, 'zz'],
    [53, 'aaa'],
  ])('%i → %s', (n, text) => {
    expect(letterNumeral(n)).toBe(text)
  })

  it.each([0, -1, 1.5])('rejects %s', (n) => {
    expect(() => letterNumeral(n)).toThrow(RangeError)
  })

  it('is inverted by parseLetterNumeral', () => {
    for (let n = 1; n <= 200; n++) expect(parseLetterNumeral(letterNumeral(n))).toBe(n)
    expect(parseLetterNumeral('BB')).toBe(28)
  })

  it.each(['', 'ab', 'a1', '1', 'é'])('parseLetterNumeral(%j) is null', (text) => {
    expect(parseLetterNumeral(text)).toBeNull()
  })
})
