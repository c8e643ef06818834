import { parseChineseNumeral, parseLetterNumeral, parseRomanNumeral, SUFFIXES, type Suffix } from '@accord/schema'
import { parseOptionLabel } from '@accord/bracket-variants'

/**
 * Recognisers for the line starts that open a structural unit, in the conventions of real
 * treaty texts: Chinese (序言, 第X条, 第X部分, 附件, 1., 一、, （一）) and English (Preamble,
 * Article N, Part I, Annex, N., N bis., (a), (i), Pp labels, Option labels).
 */
export type Marker =
  | { kind: 'preamble' }
  | { kind: 'article'; number: number; suffix: Suffix; rest: string }
  | { kind: 'part'; number: number; suffix: Suffix; rest: string }
  | { kind: 'annex'; number: number | null; rest: string }
  | { kind: 'paragraph'; level: number; number: number; suffix: Suffix; label: string; rest: string; scheme: Scheme; alternativeNumbers?: string }
  | { kind: 'recital'; number: number; suffix: Suffix; rest: string }
  | { kind: 'option'; index: number; style: 'arabic' | 'roman' | 'alpha'; rest: string; noText: boolean; bracketed: boolean }
  | { kind: 'formula' }
  | { kind: 'final' }

/** Which numbering scheme a paragraph label uses; decides its level with the document's conventions. */
export type Scheme = 'arabic' | 'decimal' | 'cjk' | 'cjk-paren' | 'letter' | 'roman' | 'arabic-paren'

const SUFFIX_RE = `(?:\\s*(${SUFFIXES.filter(Boolean).join('|')}))?`
const CN_NUM = '[零〇一二两三四五六七八九十百千]+'
const ZH_SUFFIX = `(?:之(${CN_NUM}))?`

function suffixOf(word: string | undefined): Suffix {
  const s = (word ?? '').toLowerCase()
  return (SUFFIXES as readonly string[]).includes(s) ? (s as Suffix) : ''
}

function zhSuffix(n: string | undefined): Suffix {
  if (!n) return ''
  const i = parseChineseNumeral(n)
  return i !== null && i >= 2 && i <= SUFFIXES.length ? SUFFIXES[i - 1] : ''
}

/** A heading that may follow an article number on its line: short, no final punctuation. */
function headingLike(rest: string): boolean {
  return rest.length <= 120 && !/[。；;，,:：]$/.test(rest) && !/^[a-z]/.test(rest)
}

function stripParens(rest: string): string {
  const m = /^[(（](.*)[)）]$/.exec(rest)
  return m ? m[1].trim() : rest
}

const RE = {
  preamble: /^(序言|Preamble|PREAMBLE|Préambule|Preámbulo|Преамбула)$/,
  zhArticle: new RegExp(`^第(${CN_NUM}|\\d+)条${ZH_SUFFIX}\\s*(.*)$`),
  enArticle: new RegExp(`^(?:Article|ARTICLE|Art\\.)\\s+(\\d+)${SUFFIX_RE}\\s*[.:–—-]?\\s*(.*)$`),
  zhPart: new RegExp(`^第(${CN_NUM}|\\d+)部分${ZH_SUFFIX}\\s*(.*)$`),
  enPart: new RegExp(`^(?:Part|PART)\\s+([IVXLC]+|\\d+)${SUFFIX_RE}\\s*[.:–—-]?\\s*(.*)$`),
  zhAnnex: new RegExp(`^附件(${CN_NUM}|\\d+)?\\s*(.*)$`),
  enAnnex: /^(?:Annex|ANNEX)(?:\s+([IVXLC]+|\d+))?\s*[.:–—-]?\s*(.*)$/,
  decimal: new RegExp(`^(\\d+)\\.(\\d+)${SUFFIX_RE}\\.?\\s+(.*)$`),
  arabic: new RegExp(`^(\\[\\s*)?(\\d+)${SUFFIX_RE}\\s*[.．]\\s*(?!\\d)(.*)$`),
  altNumbers: /^((?:\[\d+\]\s*){2,})[.．]\s*(.*)$/,
  cjk: new RegExp(`^(${CN_NUM})${ZH_SUFFIX}、\\s*(.*)$`),
  cjkParen: new RegExp(`^[（(](${CN_NUM})${ZH_SUFFIX}[）)]\\s*(.*)$`),
  paren: new RegExp(`^(\\[\\s*)?\\(([a-z]{1,4}|\\d{1,3})${SUFFIX_RE}\\)\\s+(.*)$`),
  pp: new RegExp(`^(\\[)?Pp\\s?(\\d+)${SUFFIX_RE}\\.?\\s+(.*)$`),
  formula: /(?:^|\s)(?:have|hereby|has)?\s*(?:agreed|agree|agrees)\s+as\s+follows\s*[:：.]?$|(?:商定|议定|协议|约定)如下[：:]$/i,
  final: /^(?:IN WITNESS WHEREOF|In witness whereof|DONE at|Done at|为此，?下列|下列签署人|.{0,12}订于)/,
}

/**
 * Recognises a structural marker at the start of a paragraph. `previousLetter` is the last
 * lettered sub-paragraph number seen, so that "(i)" after "(h)" is a letter, not a Roman one.
 */
export function markerOf(text: string, previousLetter = 0): Marker | null {
  let m: RegExpExecArray | null
  if (RE.preamble.test(text)) return { kind: 'preamble' }
  if ((m = RE.zhArticle.exec(text)) && headingLike(m[3])) {
    const n = /^\d+$/.test(m[1]) ? Number(m[1]) : parseChineseNumeral(m[1])
    if (n !== null) return { kind: 'article', number: n, suffix: zhSuffix(m[2]), rest: stripParens(m[3]) }
  }
  if ((m = RE.enArticle.exec(text)) && headingLike(m[3])) return { kind: 'article', number: Number(m[1]), suffix: suffixOf(m[2]), rest: stripParens(m[3]) }
  if ((m = RE.zhPart.exec(text)) && headingLike(m[3])) {
    const n = /^\d+$/.test(m[1]) ? Number(m[1]) : parseChineseNumeral(m[1])
    if (n !== null) return { kind: 'part', number: n, suffix: zhSuffix(m[2]), rest: stripParens(m[3]) }
  }
  if ((m = RE.enPart.exec(text)) && headingLike(m[3])) {
    const n = /^\d+$/.test(m[1]) ? Number(m[1]) : parseRomanNumeral(m[1])
    if (n !== null) return { kind: 'part', number: n, suffix: suffixOf(m[2]), rest: stripParens(m[3]) }
  }
  if ((m = RE.zhAnnex.exec(text)) && m[2].length <= 40 && headingLike(m[2]) && (m[1] || !m[2])) {
    return { kind: 'annex', number: m[1] ? (/^\d+$/.test(m[1]) ? Number(m[1]) : parseChineseNumeral(m[1])) : null, rest: m[2] }
  }
  if ((m = RE.enAnnex.exec(text)) && headingLike(m[2]) && (m[1] || !m[2])) {
    return { kind: 'annex', number: m[1] ? (/^\d+$/.test(m[1]) ? Number(m[1]) : parseRomanNumeral(m[1])) : null, rest: m[2] }
  }
  if (RE.formula.test(text) && text.length < 80) return { kind: 'formula' }
  const option = optionMarker(text)
  if (option) return option
  if ((m = RE.pp.exec(text))) return { kind: 'recital', number: Number(m[2]), suffix: suffixOf(m[3]), rest: (m[1] ?? '') + m[4] }
  if ((m = RE.altNumbers.exec(text))) {
    const first = /\d+/.exec(m[1])
    return { kind: 'paragraph', level: 0, number: Number(first?.[0] ?? 0), suffix: '', label: m[1].trim() + '.', rest: m[2], scheme: 'arabic', alternativeNumbers: m[1].replace(/\s+/g, '') }
  }
  if ((m = RE.decimal.exec(text))) {
    return { kind: 'paragraph', level: 1, number: Number(m[2]), suffix: suffixOf(m[3]), label: `${m[1]}.${m[2]}`, rest: m[4], scheme: 'decimal' }
  }
  if ((m = RE.arabic.exec(text)) && !/^\d/.test(m[4])) {
    return { kind: 'paragraph', level: 0, number: Number(m[2]), suffix: suffixOf(m[3]), label: `${m[2]}.`, rest: (m[1] ? '[' : '') + m[4], scheme: 'arabic' }
  }
  if ((m = RE.cjk.exec(text))) {
    const n = parseChineseNumeral(m[1])
    if (n !== null) return { kind: 'paragraph', level: 0, number: n, suffix: zhSuffix(m[2]), label: `${m[1]}、`, rest: m[3], scheme: 'cjk' }
  }
  if ((m = RE.cjkParen.exec(text))) {
    const n = parseChineseNumeral(m[1])
    if (n !== null) return { kind: 'paragraph', level: 1, number: n, suffix: zhSuffix(m[2]), label: `（${m[1]}）`, rest: m[3], scheme: 'cjk-paren' }
  }
  if ((m = RE.paren.exec(text))) {
    const open = m[1] ? '[' : ''
    const token = m[2]
    if (/^\d+$/.test(token)) return { kind: 'paragraph', level: 2, number: Number(token), suffix: suffixOf(m[3]), label: `(${token})`, rest: open + m[4], scheme: 'arabic-paren' }
    const letter = parseLetterNumeral(token)
    const roman = parseRomanNumeral(token)
    // "(i)" is a letter right after "(h)", otherwise a Roman numeral; "(v)", "(x)" likewise.
    const isLetter = letter !== null && (roman === null || letter === previousLetter + 1)
    if (isLetter) return { kind: 'paragraph', level: 1, number: letter, suffix: suffixOf(m[3]), label: `(${token})`, rest: open + m[4], scheme: 'letter' }
    if (roman !== null) return { kind: 'paragraph', level: 2, number: roman, suffix: suffixOf(m[3]), label: `(${token})`, rest: open + m[4], scheme: 'roman' }
  }
  if (RE.final.test(text)) return { kind: 'final' }
  return null
}

/** "Option 1:", "[Option I:", "Option II: No text", "备选案文1：". */
export function optionMarker(text: string): Extract<Marker, { kind: 'option' }> | null {
  const bracketed = /^\[\s*/.exec(text)
  const body = bracketed ? text.slice(bracketed[0].length) : text
  if (!/^(Option|OPTION|备选|方案)/.test(body)) return null
  const label = parseOptionLabel(body)
  if (!label) return null
  return { kind: 'option', index: label.value, style: label.style, rest: label.rest, noText: label.noText, bracketed: !!bracketed }
}

/** Whether a line starts a structural unit (used while joining wrapped lines). */
export function startsUnit(text: string): boolean {
  const m = markerOf(text)
  return m !== null && m.kind !== 'formula' && m.kind !== 'final'
}

/** A line that is a heading by itself (序言, 第二条, Article 2 (PURPOSE), Part I, Annex): nothing joins onto it. */
export function isStandaloneHeading(text: string): boolean {
  if (text.length > 80) return false
  const m = markerOf(text)
  return m !== null && (m.kind === 'preamble' || m.kind === 'article' || m.kind === 'part' || m.kind === 'annex')
}

/**
 * Words that open an English preambular or operative clause ("Recalling …,", "Having
 * considered …,"): after a line that ended with punctuation, a line starting with one starts a
 * new paragraph even when the previous line was long.
 */
export function opensClause(text: string): boolean {
  return /^(?:[A-Z][a-z]+ing\b|Having\b|Mindful\b|Convinced\b|Determined\b|Aware\b|Conscious\b|Concerned\b|Deeply\b|Desirous\b|Guided\b|Cognizant\b|Bearing in mind\b|\[\s*(?:[A-Z][a-z]+ing|Having|Placeholder)\b)/.test(text)
}
