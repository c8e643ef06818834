import { renderNegotiating } from './render'
import type { Inline } from './types'

// Whitespace between two CJK characters is a line wrap (PDF text, `[协\n议]`), not a word break.
// CJK characters and CJK or full-width punctuation; not full-width digits and letters ('ＣＭＡ　１').
const CJK_GAP = /([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303F\uFF01-\uFF0F\uFF1A-\uFF20\uFF3B-\uFF40\uFF5B-\uFF60]) (?=[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303F\uFF01-\uFF0F\uFF1A-\uFF20\uFF3B-\uFF40\uFF5B-\uFF60])/gu

/**
 * Normalises wording for comparison: NFC, full-width ASCII folded to half-width (`［Ａ］` →
 * `[A]`, ideographic space → space), whitespace runs collapsed to one space, ends trimmed,
 * and whitespace between two CJK characters removed (it is a line wrap, as in PDF text).
 * Chinese punctuation outside the full-width ASCII block (、。《》“”) is left alone: it is
 * wording, not a width variant.
 */
export function normalizeText(text: string): string {
  // Printable ASCII words separated by single spaces is already normal (no NFC change, no CJK,
  // nothing full-width): most of a treaty's alternatives, so they skip the five passes.
  if (ALREADY_NORMAL.test(text)) return text
  return text
    .normalize('NFC')
    .replace(/\s+/g, ' ')
    .trim()
    // before folding, while full-width punctuation still reads as CJK
    .replace(CJK_GAP, '$1')
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
}

const ALREADY_NORMAL = /^(?:[\x21-\x7e]+(?: [\x21-\x7e]+)*)?$/

/**
 * The normalised plain text of one alternative: its text, nested groups in canonical bracket
 * notation (`[a] / [b]` and `[a]/[b]` read the same), drafting notes left out.
 */
export function alternativeText(alternative: readonly Inline[]): string {
  // Without a nested group the rendering is the text runs joined (notes left out).
  let plain = ''
  for (const inline of alternative) {
    if (inline.type === 'group') return normalizeText(renderNegotiating(alternative, { canonical: true, notes: false }))
    if (inline.type === 'text') plain += inline.text
  }
  return normalizeText(plain)
}
