/**
 * Block-level options: "Option 1: …", "Option II: No text", "备选案文1：…". Labels are read
 * from the start of a line (after indentation); a caller that has stripped a paragraph number
 * or an opening bracket passes what follows.
 */
export interface OptionLabel {
  /** The label as written: '1', 'II', 'a', 'A', '一'. */
  label: string
  /**
   * Numbering style. Chinese numerals (方案一) report 'arabic': they count 1, 2, 3, and the
   * document schema has no separate style for them.
   */
  style: 'arabic' | 'roman' | 'alpha'
  /** The label's ordinal value: 1 for '1', 'I', 'a', 'A', '一'. */
  value: number
  /** The text after the label and its punctuation, trimmed. */
  rest: string
  /** The option is "No text" (delete the provision): `No text`, `No text.`, `无案文`. */
  noText: boolean
}

const ENGLISH = /^\s*option\s+(\(\s*[a-z]\s*\)|\d+|[ivxlcdm]+|[a-z])(?=$|[\s:：.\-–—])\s*(?:[:：.\-–—]\s*)?(.*)$/i
const CHINESE = /^\s*(?:备选案文|备选方案|备选|方案)[\s\u3000]*(\d+|[一二三四五六七八九十]+|[A-Za-zＡ-Ｚ])(?=$|[\s\u3000:：.、])[\s\u3000]*(?:[:：.、]\s*)?(.*)$/
const NO_TEXT = /^(?:no text\.?|无案文[。.]?)$/i
const ROMAN: Record<string, number> = { i: 1, v: 5, x: 10, l: 50, c: 100, d: 500, m: 1000 }
const CHINESE_DIGITS = '一二三四五六七八九'

/**
 * Recognises an option label at the start of `line`, or returns null. A single letter is
 * alphabetic except I, V and X, which are read as Roman numerals (`Option I` is far more common
 * than a ninth option lettered `I`); `(i)` is alphabetic like `(a)`.
 */
export function parseOptionLabel(line: string): OptionLabel | null {
  const english = ENGLISH.exec(line)
  const chinese = english ? null : CHINESE.exec(line)
  const m = english ?? chinese
  if (!m) return null
  const written = m[1]
  const rest = m[2].trim()
  const noText = NO_TEXT.test(rest)
  const paren = /^\(\s*([a-z])\s*\)$/i.exec(written)
  if (paren) return { label: paren[1], style: 'alpha', value: letterValue(paren[1]), rest, noText }
  if (/^\d+$/.test(written)) return { label: written, style: 'arabic', value: Number(written), rest, noText }
  if (/^[一二三四五六七八九十]+$/.test(written)) {
    const value = chineseValue(written)
    return value === null ? null : { label: written, style: 'arabic', value, rest, noText }
  }
  const folded = written.replace(/[Ａ-Ｚ]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
  if (folded.length > 1 || /^[ivx]$/i.test(folded)) {
    const value = romanValue(folded)
    // "Option mild:" is not a label; a run of letters must be a valid Roman numeral.
    if (value === null) return null
    return { label: written, style: 'roman', value, rest, noText }
  }
  return { label: written, style: 'alpha', value: letterValue(folded), rest, noText }
}

function letterValue(letter: string): number {
  return letter.toLowerCase().charCodeAt(0) - 96
}

function romanValue(s: string): number | null {
  const t = s.toLowerCase()
  if (!/^m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$/.test(t) || t === '') return null
  let value = 0
  for (let i = 0; i < t.length; i++) {
    const v = ROMAN[t[i]]
    const next = ROMAN[t[i + 1]] ?? 0
    value += v < next ? -v : v
  }
  return value
}

/** 一 … 九十九; null for anything else. */
function chineseValue(s: string): number | null {
  const m = /^([一二三四五六七八九]?)(十?)([一二三四五六七八九]?)$/.exec(s)
  if (!m || s === '') return null
  const [, tensDigit, ten, units] = m
  if (!ten) return tensDigit && !units ? CHINESE_DIGITS.indexOf(tensDigit) + 1 : null
  return (tensDigit ? CHINESE_DIGITS.indexOf(tensDigit) + 1 : 1) * 10 + (units ? CHINESE_DIGITS.indexOf(units) + 1 : 0)
}
