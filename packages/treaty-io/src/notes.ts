import type { Inline } from '@accord/bracket-variants'

// Final punctuation that a source note follows: "…至关重要，(摘自安理会第984(1995)号决议)".
const BEFORE_NOTE = /[，。；：,.;:]\s*$/

/**
 * Splits a drafting note off the end of a paragraph. A note is a parenthesised text that
 * stands after the paragraph's final punctuation and ends the paragraph, as the source notes
 * of the sample treaty do ("…，(摘自安理会第984(1995)号决议)"); a parenthesis inside a
 * sentence ("(下称“不扩散条约”)") is treaty text. Parentheses may nest inside the note.
 */
export function splitTrailingNote(inlines: Inline[]): Inline[] {
  const last = inlines[inlines.length - 1]
  if (!last || last.type !== 'text') return inlines
  const text = last.text.replace(/\s+$/, '')
  if (!text.endsWith(')') && !text.endsWith('）')) return inlines
  let depth = 0
  let open = -1
  for (let i = text.length - 1; i >= 0; i--) {
    const ch = text[i]
    if (ch === ')' || ch === '）') depth++
    else if (ch === '(' || ch === '（') {
      depth--
      if (depth === 0) {
        open = i
        break
      }
    }
  }
  if (open < 0) return inlines
  const before = text.slice(0, open)
  const note = text.slice(open)
  // Only after final punctuation in the same run: "[…](source)" directly after a bracket reads as text.
  if (before.trim() === '' || !BEFORE_NOTE.test(before)) return inlines
  const beforeText = before.replace(/\s+$/, '')
  const head: Inline[] = inlines.slice(0, -1)
  head.push({ type: 'text', text: beforeText, ...(last.start !== undefined ? { start: last.start, end: last.start + beforeText.length } : {}) })
  head.push({ type: 'note', text: note, ...(last.start !== undefined ? { start: last.start + open, end: last.start + open + note.length } : {}) })
  return head
}
