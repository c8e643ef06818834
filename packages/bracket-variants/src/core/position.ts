import type { SourcePos } from './types'

/**
 * Maps offsets of one text to line and column. Line starts are computed once (O(n)); each
 * lookup is a binary search plus a count of astral characters on the line, done incrementally
 * when lookups move forward along one line (as a parser's diagnostics do), so a 10 MB text on a
 * single line does not make every lookup re-scan the line.
 */
export type LineIndex = (offset: number) => SourcePos

/** Builds a `LineIndex` for `text`. A line ends at '\n', '\r\n' or a lone '\r'. */
export function lineIndex(text: string): LineIndex {
  const starts = [0]
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 10) starts.push(i + 1)
    else if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++
      starts.push(i + 1)
    }
  }
  // Without surrogates a column is just an offset difference: the common case, checked once.
  const astral = /[\uD800-\uDBFF][\uDC00-\uDFFF]/.test(text)
  let lastLine = -1
  let lastOffset = 0
  let lastColumn = 1

  return (offset) => {
    if (!Number.isInteger(offset) || offset < 0 || offset > text.length) {
      throw new RangeError(`offset ${offset} is outside the text (0–${text.length})`)
    }
    let lo = 0
    let hi = starts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (starts[mid] <= offset) lo = mid
      else hi = mid - 1
    }
    const lineStart = starts[lo]
    if (!astral) return { offset, line: lo + 1, column: offset - lineStart + 1 }
    let from = lineStart
    let column = 1
    if (lo === lastLine && offset >= lastOffset) {
      from = lastOffset
      column = lastColumn
    }
    for (let i = from; i < offset; i++) {
      const c = text.charCodeAt(i)
      // A surrogate pair is one code point: count its high half, skip its low half.
      if (c >= 0xdc00 && c <= 0xdfff && i > lineStart) {
        const p = text.charCodeAt(i - 1)
        if (p >= 0xd800 && p <= 0xdbff) continue
      }
      column++
    }
    lastLine = lo
    lastOffset = offset
    lastColumn = column
    return { offset, line: lo + 1, column }
  }
}

let cachedText: string | undefined
let cachedIndex: LineIndex | undefined

/**
 * Line and column of `offset` in `text`. Repeated calls with the same string reuse one
 * `LineIndex`; use `lineIndex` directly when alternating between texts.
 */
export function lineColumn(text: string, offset: number): SourcePos {
  if (cachedText !== text || !cachedIndex) {
    cachedText = text
    cachedIndex = lineIndex(text)
  }
  return cachedIndex(offset)
}
