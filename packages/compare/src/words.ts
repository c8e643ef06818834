import { diffArrays } from 'diff'

/** A piece of a compared text: in both texts, only in the later one, or only in the earlier one. */
export interface Segment {
  kind: 'same' | 'added' | 'removed'
  text: string
}

const segmenters = new Map<string, Intl.Segmenter>()

/**
 * The text cut into words, spaces and punctuation, every character kept (joined, the pieces
 * give the text back). Intl.Segmenter knows where Chinese words end although nothing separates
 * them (议定书, 缔约国, 批准书 are one word each).
 */
export function words(text: string, lang: string): string[] {
  let segmenter = segmenters.get(lang)
  if (!segmenter) {
    segmenter = new Intl.Segmenter(lang, { granularity: 'word' })
    segmenters.set(lang, segmenter)
  }
  return Array.from(segmenter.segment(text), (s) => s.segment)
}

const LETTER = /[\p{L}\p{N}]/u
const HAN = /\p{Script=Han}/u
const CLOSE: Record<string, string> = { '[': ']', '{': '}' }

/**
 * The text as diff tokens: words, spaces and punctuation outside brackets, and each top-level
 * bracketed alternative (`[议定书]`, `{placeholder}`) whole, so that a diff never cuts a
 * bracket in two: `[议定书][协议]` → `议定书` reads as the group removed and the word added,
 * not as two brackets and 协议 removed. An unbalanced bracket is a token like any other.
 */
function tokens(text: string, lang: string): string[] {
  const out: string[] = []
  let plain = 0
  let i = 0
  while (i < text.length) {
    const close = CLOSE[text[i]]
    const end = close ? matching(text, i, text[i], close) : -1
    if (end < 0) {
      i++
      continue
    }
    if (i > plain) out.push(...words(text.slice(plain, i), lang))
    out.push(text.slice(i, end + 1))
    i = plain = end + 1
  }
  if (plain < text.length) out.push(...words(text.slice(plain), lang))
  return out
}

/** The index of the bracket closing the one at `start`, or -1. */
function matching(text: string, start: number, open: string, close: string): number {
  let depth = 0
  for (let i = start; i < text.length; i++) {
    if (text[i] === open) depth++
    else if (text[i] === close && --depth === 0) return i
  }
  return -1
}

function isBracketed(token: string): boolean {
  return token.length >= 2 && CLOSE[token[0]] === token[token.length - 1]
}

/**
 * What a diff should not keep as common between two changes: spaces and punctuation, or one
 * Chinese character (的, 和): keeping them cuts one rewritten phrase into confetti.
 */
function trivial(text: string): boolean {
  if (!LETTER.test(text)) return true
  return [...text].length === 1 && HAN.test(text)
}

/** A word-level diff of two texts; consecutive pieces of one kind are merged, removals before additions. */
export function diffWords(before: string, after: string, lang: string, afterLang: string = lang): Segment[] {
  if (before === after) return before ? [{ kind: 'same', text: before }] : []
  return tidy(merge(fold(rawDiff(before, after, lang, afterLang))))
}

/**
 * Spaces that both sides of a change start or end with belong to the text around it:
 * `shall {-[A][B]-}{+A+} to`, not `shall {-[A][B] -}{+A +}to`.
 */
function tidy(segments: Segment[]): Segment[] {
  const out = segments.map((s) => ({ ...s }))
  for (let i = 0; i < out.length; i++) {
    const r = out[i]
    const a = out[i + 1]
    if (r?.kind !== 'removed' || a?.kind !== 'added') continue
    const tail = commonSpace(r.text, a.text, (t) => t.match(/\s+$/)?.[0] ?? '')
    if (tail && tail.length < r.text.length && tail.length < a.text.length) {
      r.text = r.text.slice(0, -tail.length)
      a.text = a.text.slice(0, -tail.length)
      const next = out[i + 2]
      if (next?.kind === 'same') next.text = tail + next.text
      else out.splice(i + 2, 0, { kind: 'same', text: tail })
    }
    const head = commonSpace(r.text, a.text, (t) => t.match(/^\s+/)?.[0] ?? '')
    if (head && head.length < r.text.length && head.length < a.text.length) {
      r.text = r.text.slice(head.length)
      a.text = a.text.slice(head.length)
      const prev = out[i - 1]
      if (prev?.kind === 'same') prev.text += head
      else {
        out.splice(i, 0, { kind: 'same', text: head })
        i++
      }
    }
  }
  return out
}

function commonSpace(x: string, y: string, space: (t: string) => string): string {
  const a = space(x)
  const b = space(y)
  return a === b ? a : ''
}

function rawDiff(before: string, after: string, lang: string, afterLang: string): Segment[] {
  const b = tokens(before, lang)
  const a = tokens(after, afterLang)
  const out: Segment[] = []
  let removed: string[] = []
  let added: string[] = []
  const flush = () => {
    // One alternative for another, with the same delimiters: diff inside it.
    if (removed.length && removed.length === added.length && removed.every((t, k) => isBracketed(t) && isBracketed(added[k]) && t[0] === added[k][0])) {
      removed.forEach((t, k) => {
        const u = added[k]
        out.push({ kind: 'same', text: t[0] }, ...rawDiff(t.slice(1, -1), u.slice(1, -1), lang, afterLang), { kind: 'same', text: t[t.length - 1] })
      })
    } else {
      if (removed.length) out.push({ kind: 'removed', text: removed.join('') })
      if (added.length) out.push({ kind: 'added', text: added.join('') })
    }
    removed = []
    added = []
  }
  for (const c of diffArrays(b, a)) {
    if (c.removed) removed.push(...c.value)
    else if (c.added) added.push(...c.value)
    else {
      flush()
      out.push({ kind: 'same', text: c.value.join('') })
    }
  }
  flush()
  return out
}

/**
 * Common pieces between two changes that are not worth keeping become part of the change
 * around them: spaces and punctuation, one Chinese character, or (diff-match-patch's semantic
 * clean-up) a piece no longer than the changes on either side of it. Repeated until nothing
 * changes, so that a rewritten phrase reads as one removal and one addition.
 */
function fold(segments: Segment[]): Segment[] {
  let out = merge(segments)
  for (;;) {
    const i = out.findIndex((s, k) => s.kind === 'same' && k > 0 && out[k - 1].kind !== 'same' && k < out.length - 1 && out[k + 1].kind !== 'same' && foldable(out, k))
    if (i < 0) return out
    out = merge([...out.slice(0, i), { kind: 'removed', text: out[i].text }, { kind: 'added', text: out[i].text }, ...out.slice(i + 1)])
  }
}

function foldable(segments: readonly Segment[], i: number): boolean {
  const text = segments[i].text
  if (trivial(text)) return true
  const length = [...text].length
  return length <= changeLength(segments, i, -1) && length <= changeLength(segments, i, 1)
}

/** The longer side (removed or added, in code points) of the run of changes next to `i` in `direction`. */
function changeLength(segments: readonly Segment[], i: number, direction: 1 | -1): number {
  let removed = 0
  let added = 0
  for (let k = i + direction; k >= 0 && k < segments.length && segments[k].kind !== 'same'; k += direction) {
    if (segments[k].kind === 'removed') removed += [...segments[k].text].length
    else added += [...segments[k].text].length
  }
  return Math.max(removed, added)
}

/** Adjacent pieces of one kind joined; in a run of changes, everything removed before everything added. */
function merge(segments: readonly Segment[]): Segment[] {
  const out: Segment[] = []
  let removed = ''
  let added = ''
  const flush = () => {
    if (removed) out.push({ kind: 'removed', text: removed })
    if (added) out.push({ kind: 'added', text: added })
    removed = added = ''
  }
  for (const s of segments) {
    if (s.kind === 'removed') removed += s.text
    else if (s.kind === 'added') added += s.text
    else if (s.text) {
      flush()
      const last = out[out.length - 1]
      if (last?.kind === 'same') last.text += s.text
      else out.push({ kind: 'same', text: s.text })
    }
  }
  flush()
  return out
}

/**
 * How alike two texts are by their words (Dice's coefficient over the multisets of words,
 * spaces and punctuation left out): 1 for the same words, 0 for none in common.
 */
export function similarity(a: readonly string[], b: readonly string[]): number {
  const wa = wordCounts(a)
  const wb = wordCounts(b)
  if (!wa.total && !wb.total) return 1
  let common = 0
  for (const [w, n] of wa.counts) common += Math.min(n, wb.counts.get(w) ?? 0)
  return (2 * common) / (wa.total + wb.total)
}

/** Per token array, its words counted: the aligner asks for the same units' similarity many times. */
const countsCache = new WeakMap<readonly string[], { counts: Map<string, number>; total: number }>()

function wordCounts(tokens: readonly string[]): { counts: Map<string, number>; total: number } {
  let entry = countsCache.get(tokens)
  if (!entry) {
    const counts = new Map<string, number>()
    let total = 0
    for (const t of tokens) {
      if (!LETTER.test(t)) continue
      counts.set(t, (counts.get(t) ?? 0) + 1)
      total++
    }
    entry = { counts, total }
    countsCache.set(tokens, entry)
  }
  return entry
}
