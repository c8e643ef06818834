/**
 * Placeholder detection: a placeholder is a blank the drafters will fill (`[X date]`,
 * `[document symbol to be added]`, `{Placeholder for preamble}`, `[……]`), not wording that
 * delegations choose between. It matters because a placeholder is not a variant: counting it as
 * "keep or drop" would double the variant count for every blank.
 */

// Words that mark a blank anywhere in the text, case-insensitive.
const MARKERS = /placeholder|to be (?:added|inserted|determined)|\bX date\b|待定|待补|待添加|占位/i
// Texts that are a blank only when they are the whole content: an ellipsis, or xx standing
// for a number (`[XX] per cent`, `20XX`) but not inside a word ("Exxon").
const WHOLE = /^(?:…+|\.{3,}|(?:\d*)x{2,}(?:\/\S*)?)$/i

/** True when `text` (the content of a single-alternative bracket) reads as a blank to fill. */
export function isPlaceholderText(text: string): boolean {
  const t = text.replace(/\s+/g, ' ').trim()
  if (t === '') return false
  return MARKERS.test(t) || WHOLE.test(t)
}
