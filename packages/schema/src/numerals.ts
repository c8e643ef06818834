/** Number formatting for treaty labels: Chinese numerals, Roman numerals, UN-style letters. */

const CN_DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九']
const CN_UNITS = ['', '十', '百', '千']

/**
 * Chinese numeral as written in treaty numbering: 1 → 一, 10 → 十, 11 → 十一, 20 → 二十,
 * 101 → 一百零一, 110 → 一百一十. Defined for 0 ≤ n < 100 000 000.
 */
export function chineseNumeral(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n >= 1e8) throw new RangeError(`chineseNumeral: ${n} is out of range`)
  if (n === 0) return CN_DIGITS[0]
  if (n >= 10000) {
    const high = Math.floor(n / 10000)
    const low = n % 10000
    const lowText = low === 0 ? '' : (low < 1000 ? '零' : '') + chineseBelow10000(low, true)
    return chineseBelow10000(high, false) + '万' + lowText
  }
  return chineseBelow10000(n, false)
}

function chineseBelow10000(n: number, inner: boolean): string {
  const digits = String(n).padStart(4, '0').split('').map(Number)
  let out = ''
  let pendingZero = false
  for (let i = 0; i < 4; i++) {
    const d = digits[i]
    const unit = CN_UNITS[3 - i]
    if (d === 0) {
      if (out) pendingZero = true
      continue
    }
    if (pendingZero) out += '零'
    pendingZero = false
    // 十一 rather than 一十一 at the start of a number; inside a larger one, 一百一十.
    if (!(d === 1 && unit === '十' && out === '' && !inner)) out += CN_DIGITS[d]
    out += unit
  }
  return out
}

/**
 * Parses a Chinese numeral as used in 第X条: the positional form chineseNumeral writes (一 …
 * 九千九百九十九万…), also with 〇 for 零, 两 for 二 and 一十 for 十, and the digit-by-digit
 * form of years (二〇〇五). Returns null if it is not one, including forms that read two ways:
 * 一百一 is 110 in speech but 101 to a parser, so it must be written 一百一十 or 一百零一.
 */
export function parseChineseNumeral(text: string): number | null {
  if (!/^[零〇一二两三四五六七八九十百千万]+$/.test(text)) return null
  const chars = [...text]
  if (!/[十百千万]/.test(text)) {
    if (chars.length === 1) return CN_DIGIT[text]
    // Digit by digit, as years are written: 二〇〇五.
    if (text.includes('两') || CN_DIGIT[chars[0]] === 0) return null
    return Number(chars.map((c) => CN_DIGIT[c]).join(''))
  }
  const sections = text.split('万')
  if (sections.length > 2) return null
  if (sections.length === 1) return parseChineseSection([...sections[0]], true)
  const high = parseChineseSection([...sections[0]], true)
  if (high === null || high === 0) return null
  if (sections[1] === '') return high * 10000
  const low = parseChineseSection([...sections[1]], false)
  return low === null || low === 0 ? null : high * 10000 + low
}

const CN_DIGIT: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 }
const CN_UNIT: Record<string, number> = { 十: 1, 百: 2, 千: 3 }

/**
 * One section below 10 000 of a positional numeral: terms (digit + unit) with decreasing
 * units, one 零 standing for each gap. `first`: the section starts the number (so it cannot
 * start with 零); otherwise it follows 万, which counts as the unit before its first term.
 */
function parseChineseSection(chars: string[], first: boolean): number | null {
  if (!chars.length) return null
  let value = 0
  let lastExp = 4
  let terms = 0
  let zero = false
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]
    let digit: number
    let exp: number
    if (CN_DIGIT[c] === 0) {
      if (zero || (first && terms === 0)) return null
      zero = true
      continue
    }
    if (c in CN_UNIT) {
      // A bare 十 starts a section: 十一, 一万零十.
      if (c !== '十' || terms > 0) return null
      digit = 1
      exp = 1
    } else {
      digit = CN_DIGIT[c]
      const unit = chars[i + 1]
      if (unit !== undefined && unit in CN_UNIT) {
        exp = CN_UNIT[unit]
        i++
      } else {
        if (i !== chars.length - 1) return null
        exp = 0
      }
    }
    if (exp >= lastExp) return null
    const hasPrevious = terms > 0 || !first
    // 零 stands for a gap; a bare last digit right after a gap would be ambiguous (一百一).
    if (zero ? lastExp - exp < 2 : exp === 0 && hasPrevious && lastExp - exp >= 2) return null
    value += digit * 10 ** exp
    lastExp = exp
    terms++
    zero = false
  }
  return zero || terms === 0 ? null : value
}

const ROMAN: [number, string][] = [
  [1000, 'M'], [900, 'CM'], [500, 'D'], [400, 'CD'], [100, 'C'], [90, 'XC'],
  [50, 'L'], [40, 'XL'], [10, 'X'], [9, 'IX'], [5, 'V'], [4, 'IV'], [1, 'I'],
]

/** Upper-case Roman numeral (1 → I). Defined for 1 ≤ n < 4000. */
export function romanNumeral(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n >= 4000) throw new RangeError(`romanNumeral: ${n} is out of range`)
  let out = ''
  for (const [value, sym] of ROMAN) {
    while (n >= value) {
      out += sym
      n -= value
    }
  }
  return out
}

/** Parses an upper- or lower-case Roman numeral; null if it is not a well-formed one. */
export function parseRomanNumeral(text: string): number | null {
  const upper = text.toUpperCase()
  if (!/^[MDCLXVI]+$/.test(upper)) return null
  const values: Record<string, number> = { I: 1, V: 5, X: 10, L: 50, C: 100, D: 500, M: 1000 }
  let total = 0
  for (let i = 0; i < upper.length; i++) {
    const v = values[upper[i]]
    const next = values[upper[i + 1]] ?? 0
    total += v < next ? -v : v
  }
  if (total < 1 || total >= 4000) return null
  return romanNumeral(total) === upper ? total : null
}

/**
 * UN-style letters for sub-paragraphs: 1 → a, 26 → z, 27 → aa, 28 → bb (doubled, not
 * spreadsheet-style "ab").
 */
export function letterNumeral(n: number): string {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`letterNumeral: ${n} is out of range`)
  const letter = String.fromCharCode(97 + ((n - 1) % 26))
  return letter.repeat(Math.floor((n - 1) / 26) + 1)
}

/** Inverse of letterNumeral; null if `text` is not one letter repeated. */
export function parseLetterNumeral(text: string): number | null {
  const lower = text.toLowerCase()
  if (!/^([a-z])\1*$/.test(lower)) return null
  return (lower.length - 1) * 26 + (lower.charCodeAt(0) - 96)
}
