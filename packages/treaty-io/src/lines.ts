/**
 * From raw pasted text to logical paragraphs, remembering for every character where it came
 * from (so a warning can say "line 12, column 5" of what the person pasted).
 *
 * Text pasted from a PDF is wrapped mid-sentence (mid-word in Chinese), may have a blank line
 * after every line, may split a bracket across a page break, and carries stray spaces. Clean
 * text has one paragraph per line. The assembler first decides which kind it is looking at
 * (`analyse`), then joins lines into paragraphs with rules that hold for both: a line that
 * starts with a structural marker (第二条, Article 2, 1., (a), Pp3, Option 1) always starts a
 * paragraph; otherwise a wrapped line continues the previous one unless that one visibly ended
 * (final punctuation on a line shorter than the text's column width).
 */

/** A cleaned line: its text and, per UTF-16 unit, the offset in the original text. */
export interface SourceLine {
  text: string
  offsets: number[]
  /** 1-based line number in the original text. */
  line: number
  /** A blank line came before this one. */
  gapBefore: boolean
}

/** A logical paragraph with the source offset of each of its characters. */
export interface SourceParagraph {
  text: string
  offsets: number[]
  line: number
}

const ZERO_WIDTH = /[\u200b-\u200d\u2060\ufeff\u00ad]/
const SPACE = /[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]/

/** Splits and cleans the original text: zero-width characters dropped, spaces collapsed and trimmed. */
export function sourceLines(text: string): SourceLine[] {
  const out: SourceLine[] = []
  let lineNo = 0
  let gap = false
  let i = 0
  while (i <= text.length) {
    let end = i
    while (end < text.length && text[end] !== '\n' && text[end] !== '\r' && text[end] !== '\f' && text[end] !== '\v') end++
    lineNo++
    let chars = ''
    const offsets: number[] = []
    let pendingSpace = -1
    for (let j = i; j < end; j++) {
      const ch = text[j]
      if (ZERO_WIDTH.test(ch)) continue
      if (SPACE.test(ch)) {
        if (chars.length && pendingSpace < 0) pendingSpace = j
        continue
      }
      if (pendingSpace >= 0) {
        chars += ' '
        offsets.push(pendingSpace)
        pendingSpace = -1
      }
      chars += ch
      offsets.push(j)
    }
    if (chars.length) {
      out.push({ text: chars, offsets, line: lineNo, gapBefore: gap })
      gap = false
    } else if (out.length) gap = true
    // \r\n is one break
    if (text[end] === '\r' && text[end + 1] === '\n') end++
    i = end + 1
  }
  return out
}

/** True for CJK ideographs, kana, hangul, and full-width forms and punctuation. */
export function isWide(ch: string): boolean {
  const c = ch.codePointAt(0) ?? 0
  return (
    (c >= 0x2e80 && c <= 0x9fff) ||
    (c >= 0xa960 && c <= 0xa97f) ||
    (c >= 0xac00 && c <= 0xd7ff) ||
    (c >= 0xf900 && c <= 0xfaff) ||
    (c >= 0xfe30 && c <= 0xfe4f) ||
    (c >= 0xff00 && c <= 0xff60) ||
    (c >= 0xffe0 && c <= 0xffe6) ||
    (c >= 0x20000 && c <= 0x3fffd)
  )
}

/** Display width: wide characters count 2, others 1. */
export function displayWidth(text: string): number {
  let w = 0
  for (const ch of text) w += isWide(ch) ? 2 : 1
  return w
}

const TERMINAL = new Set(['。', '．', '.', '；', ';', '：', ':', '，', ',', '！', '!', '？', '?', '、'])
const TRANSPARENT_CLOSERS = new Set([']', '］', '"', '”', '’', "'", '」', '』', '》'])

/**
 * Whether a paragraph visibly ends: its last significant character is final punctuation.
 * Closing brackets and quotes are looked through ("…2080;]" ends), and a trailing
 * parenthesis that follows punctuation — a source note like "，(摘自…)" — ends it too.
 */
export function endsWithTerminal(text: string): boolean {
  let i = text.length - 1
  while (i >= 0 && (TRANSPARENT_CLOSERS.has(text[i]) || text[i] === ' ')) i--
  if (i < 0) return false
  const ch = text[i]
  if (TERMINAL.has(ch)) return true
  return endsWithNote(text)
}

/**
 * Whether a paragraph ends with a parenthesis that follows final punctuation — the shape of a
 * source note ("…，(摘自安理会第984(1995)号决议)"). Notes end paragraphs, so a line ending
 * with one ends its paragraph however long the line is.
 */
export function endsWithNote(text: string): boolean {
  let i = text.length - 1
  while (i >= 0 && text[i] === ' ') i--
  if (i < 0) return false
  const ch = text[i]
  if (ch === ')' || ch === '）') {
    // find the matching opening parenthesis
    let depth = 0
    // Notes are short: look back a bounded distance so that joining a long paragraph stays linear.
    for (let j = i; j >= Math.max(0, i - 500); j--) {
      const c = text[j]
      if (c === ')' || c === '）') depth++
      else if (c === '(' || c === '（') {
        depth--
        if (depth === 0) {
          let k = j - 1
          while (k >= 0 && text[k] === ' ') k--
          return k >= 0 && TERMINAL.has(text[k])
        }
      }
    }
  }
  return false
}

export interface LayoutAnalysis {
  /** A blank line after (nearly) every line: blank lines say nothing about paragraphs. */
  doubleSpaced: boolean
  /** Lines are wrapped at a column width, so paragraphs span several lines. */
  wrapped: boolean
  /** Display width of a full line (the column width) when wrapped. */
  fullWidth: number
}

/**
 * Looks at the text's layout. `isHeading` tells lines that are headings by themselves (第二条,
 * Article 2), which are short by nature and not evidence of wrapping.
 */
export function analyse(lines: SourceLine[], isHeading: (text: string) => boolean): LayoutAnalysis {
  if (lines.length < 2) return { doubleSpaced: false, wrapped: false, fullWidth: Infinity }
  let gaps = 0
  for (let i = 1; i < lines.length; i++) if (lines[i].gapBefore) gaps++
  const doubleSpaced = gaps / (lines.length - 1) > 0.6
  let open = 0
  let counted = 0
  const widths: number[] = []
  for (const l of lines) {
    widths.push(displayWidth(l.text))
    if (isHeading(l.text)) continue
    counted++
    if (!endsWithTerminal(l.text)) open++
  }
  widths.sort((a, b) => a - b)
  const p90 = widths[Math.min(widths.length - 1, Math.floor(widths.length * 0.9))]
  // In clean text nearly every paragraph ends with punctuation (titles and headings aside);
  // in wrapped text most lines end mid-sentence.
  const wrapped = counted > 0 && open / counted > 0.3
  return { doubleSpaced, wrapped, fullWidth: p90 }
}

function isLatinWordChar(ch: string | undefined): boolean {
  return ch !== undefined && /[\p{L}\p{N}]/u.test(ch) && !isWide(ch)
}

/**
 * Joins lines into paragraphs. `isMarker(text)` says whether a line starts a new structural
 * unit; `layout` comes from `analyse`.
 */
export function assembleParagraphs(
  lines: SourceLine[],
  layout: LayoutAnalysis,
  isMarker: (text: string) => boolean,
  isStandaloneHeading: (text: string) => boolean,
  opensClause: (text: string) => boolean = () => false,
): SourceParagraph[] {
  const out: SourceParagraph[] = []
  let current: SourceParagraph | null = null
  let prevLine: SourceLine | null = null
  for (const line of lines) {
    let join = false
    if (current && prevLine) {
      const prevText = prevLine.text
      if (isMarker(line.text)) join = false
      else if (isStandaloneHeading(current.text)) join = false
      else if (line.gapBefore && !layout.doubleSpaced) join = false
      else if (/\p{L}-$/u.test(prevText) && !isWide(prevText[prevText.length - 2])) join = true
      else if (!layout.wrapped) join = false
      else if (endsWithNote(current.text)) join = false
      else if (!endsWithTerminal(current.text)) join = true
      else if (/^\p{Ll}/u.test(line.text)) join = true
      else if (opensClause(line.text)) join = false
      else join = displayWidth(prevText) >= layout.fullWidth * (isWide(prevText[prevText.length - 1]) ? 0.92 : 0.85)
    }
    if (join && current) {
      const a = current.text[current.text.length - 1]
      const b = line.text[0]
      // Latin words wrapped at a space get the space back; CJK text and hyphenated words join directly.
      if (a !== '-' && isLatinWordChar(a) && isLatinWordChar(b)) {
        current.text += ' '
        current.offsets.push(line.offsets[0] - 1)
      } else if (a !== '-' && !isWide(a) && !isWide(b) && a !== '(' && a !== '[' && b !== ')' && b !== ']' && b !== ',' && b !== '.' && b !== ';') {
        current.text += ' '
        current.offsets.push(line.offsets[0] - 1)
      }
      current.text += line.text
      current.offsets.push(...line.offsets)
    } else {
      current = { text: line.text, offsets: [...line.offsets], line: line.line }
      out.push(current)
    }
    prevLine = line
  }
  for (const p of out) tidySpaces(p)
  return out
}

/** Removes spaces between two wide characters (Chinese never spaces its ideographs): "安全保 证" → "安全保证". */
function tidySpaces(p: SourceParagraph): void {
  if (!p.text.includes(' ')) return
  let text = ''
  const offsets: number[] = []
  for (let i = 0; i < p.text.length; i++) {
    const ch = p.text[i]
    if (ch === ' ' && i > 0 && i < p.text.length - 1 && isWide(p.text[i - 1]) && isWide(p.text[i + 1])) continue
    text += ch
    offsets.push(p.offsets[i])
  }
  p.text = text
  p.offsets = offsets
}
