import { isPlaceholderText } from './placeholder'
import { lineIndex } from './position'
import { CANONICAL_SEPARATOR } from './render'
import type { BracketGroup, Diagnostic, Inline, Separator } from './types'
import { walkInlines } from './walk'

export interface ParseOptions {
  /** Deepest nesting kept as structure; deeper brackets stay literal text with a 'too-deep' error. Default 256. */
  maxDepth?: number
  /**
   * How many diagnostics to list before one 'too-many-diagnostics' summary stands for the rest:
   * that many found while scanning, plus that many unclosed brackets. Default 1000.
   */
  maxDiagnostics?: number
  /** Prepended to the ids the parser assigns ('p3-g1'), so that ids stay unique across parsed units. */
  idPrefix?: string
  /** What the text is, for messages ("expected ']' before the end of the paragraph"). Default 'text'. */
  unitName?: string
}

export interface ParseResult {
  inlines: Inline[]
  diagnostics: Diagnostic[]
  /** Deepest group nesting in `inlines`: 0 without groups, 1 for groups not inside another. */
  maxDepth: number
}

/** One closed bracket, before adjacent ones are joined into groups. */
interface Closed {
  kind: 'bracket'
  start: number
  /** Just after the closing bracket. */
  end: number
  content: Inline[]
  delimiters: string
}
interface Literal {
  kind: 'text'
  start: number
  end: number
}
interface Done {
  kind: 'done'
  inline: Inline
}
type Item = Closed | Literal | Done

interface Frame {
  items: Item[]
  /** Offset of the opening bracket; -1 for the root. */
  open: number
}

const OPEN = 0x5b // [
const CLOSE = 0x5d // ]
const OPEN_FW = 0xff3b // ［
const CLOSE_FW = 0xff3d // ］
const CURLY_OPEN = 0x7b // {

const SPACE = /^[\t\p{Zs}]+$/u
const SLASH = /^[\t\p{Zs}]*[/／][\t\p{Zs}]*$/u
const CONNECTOR = /^\s*(?:or|或|或者)\s*$/i
const STRENGTH: Record<Separator, number> = { none: 0, space: 1, slash: 2, or: 3 }

/**
 * Parses bracket notation in `text` (a paragraph or many lines; newlines stay in text runs).
 *
 * - `[…]` and full-width `［…］` nest to `maxDepth`; deeper brackets are literal text and get
 *   one 'too-deep' error per outermost such bracket.
 * - Adjacent brackets form one group of alternatives when only horizontal whitespace, one `/`,
 *   or a connector bracket `[or]` / `[或]` stands between them: `[A][B]`, `[A] [B]`,
 *   `[A] [or] [B]`, `[A] / [B]`, and runs of any length. The grouping is positional: it cannot
 *   tell `[A] [B]` as two independent optional phrases from a choice between them.
 * - `{…}` is a curly placeholder group when its content reads as a placeholder
 *   (`isPlaceholderText`) and holds no bracket; any other brace is literal text.
 * - Unbalanced input: a `]` with no `[` stays literal ('unmatched-close' error); a `[` never
 *   closed stays literal while its content is parsed as if it were not there
 *   ('unclosed-bracket' error). Pairing is positional, so an extra `[` early and an extra `]`
 *   late pair with each other.
 *
 * Linear in the length of `text` and iterative, so neither size nor nesting can overflow the
 * stack. Every literal text run is an exact slice of `text` and `renderNegotiating` of the
 * result gives `text` back, balanced or not.
 */
export function parseBrackets(text: string, options: ParseOptions = {}): ParseResult {
  const maxDepth = options.maxDepth ?? 256
  const maxDiagnostics = options.maxDiagnostics ?? 1000
  const unit = options.unitName ?? 'text'
  const where = lineIndex(text)
  const diagnostics: Diagnostic[] = []
  // Unclosed brackets are only known at the end, after the scan may have used up the budget;
  // they have their own, so that an early unclosed '[' is never crowded out by later noise.
  const listed = { scan: 0, unclosed: 0 }
  let suppressed = 0
  let firstSuppressed = Infinity

  const report = (budget: keyof typeof listed, severity: Diagnostic['severity'], code: string, offset: number, describe: (at: string) => string, expected?: string) => {
    if (listed[budget] >= maxDiagnostics) {
      suppressed++
      firstSuppressed = Math.min(firstSuppressed, offset)
      return
    }
    listed[budget]++
    const pos = where(offset)
    const d: Diagnostic = { severity, code, message: describe(`line ${pos.line}, column ${pos.column}`), pos }
    if (expected !== undefined) d.expected = expected
    diagnostics.push(d)
  }

  const stack: Frame[] = [{ items: [], open: -1 }]
  // Brackets deeper than maxDepth still pair with each other, as literal text, so that the
  // ']' of a too-deep '[' does not close one of the structured brackets around it.
  let overflow = 0
  // Start of the literal text not yet added to the top frame.
  let pending = 0
  // Scanning '{' forward for its '}' must stay linear: remember the next '{' and '}' found.
  let nextCurlyClose = -2
  let nextCurlyOpen = -2

  const pushLiteral = (items: Item[], start: number, end: number) => {
    if (end <= start) return
    const last = items[items.length - 1]
    if (last?.kind === 'text' && last.end === start) last.end = end
    else items.push({ kind: 'text', start, end })
  }
  const flush = (upTo: number) => {
    pushLiteral(stack[stack.length - 1].items, pending, upTo)
  }

  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === OPEN || c === OPEN_FW) {
      if (overflow > 0 || stack.length - 1 >= maxDepth) {
        if (overflow++ === 0) {
          report('scan', 'error', 'too-deep', i, (at) => `'${text[i]}' at ${at} opens nesting level ${stack.length}, deeper than the limit of ${maxDepth}; it and everything inside it are kept as literal text`, `at most ${maxDepth} levels`)
        }
        continue
      }
      flush(i)
      stack.push({ items: [], open: i })
      pending = i + 1
    } else if (c === CLOSE || c === CLOSE_FW) {
      if (overflow > 0) {
        overflow--
        continue
      }
      if (stack.length === 1) {
        report('scan', 'error', 'unmatched-close', i, (at) => `'${text[i]}' at ${at} has no matching '${c === CLOSE ? '[' : '［'}' before it; it is kept as literal text`, c === CLOSE ? '[' : '［')
        continue
      }
      flush(i)
      const frame = stack.pop()!
      const content = joinAlternatives(frame.items, text)
      if (content.length === 0) {
        report('scan', 'warning', 'empty-bracket', frame.open, (at) => `'${text[frame.open]}${text[i]}' at ${at} is empty; delete it or write the text it should hold`)
      }
      stack[stack.length - 1].items.push({ kind: 'bracket', start: frame.open, end: i + 1, content, delimiters: text[frame.open] + text[i] })
      pending = i + 1
    } else if (c === CURLY_OPEN && overflow === 0 && stack.length - 1 < maxDepth) {
      if (nextCurlyClose !== -1 && nextCurlyClose <= i) nextCurlyClose = text.indexOf('}', i + 1)
      if (nextCurlyOpen !== -1 && nextCurlyOpen <= i) nextCurlyOpen = text.indexOf('{', i + 1)
      if (nextCurlyClose === -1 || (nextCurlyOpen !== -1 && nextCurlyOpen < nextCurlyClose)) continue
      const inner = text.slice(i + 1, nextCurlyClose)
      if (/[[\]［］]/.test(inner) || !isPlaceholderText(inner)) continue
      flush(i)
      const group: BracketGroup = {
        type: 'group',
        alternatives: [[{ type: 'text', text: inner, start: i + 1, end: nextCurlyClose }]],
        separator: 'none',
        placeholder: true,
        curly: true,
        start: i,
        end: nextCurlyClose + 1,
      }
      stack[stack.length - 1].items.push({ kind: 'done', inline: group })
      i = nextCurlyClose
      pending = i + 1
    }
  }
  flush(text.length)

  // Unclosed brackets become literal text. Each open frame's items precede the next frame's
  // '[', so appending them outermost first keeps document order in one linear pass.
  const root = stack[0].items
  for (let f = 1; f < stack.length; f++) {
    const frame = stack[f]
    const close = text[frame.open] === '[' ? ']' : '］'
    report('unclosed', 'error', 'unclosed-bracket', frame.open, (at) => `'${text[frame.open]}' at ${at} is never closed; expected '${close}' before the end of the ${unit}; it is kept as literal text`, close)
    pushLiteral(root, frame.open, frame.open + 1)
    for (const item of frame.items) {
      if (item.kind === 'text') pushLiteral(root, item.start, item.end)
      else root.push(item)
    }
  }

  if (suppressed > 0) {
    const pos = where(firstSuppressed)
    diagnostics.push({
      severity: 'warning',
      code: 'too-many-diagnostics',
      message: `${suppressed} more problem${suppressed === 1 ? '' : 's'} from line ${pos.line}, column ${pos.column} on ${suppressed === 1 ? 'is' : 'are'} not listed; fix the ones above and parse again`,
      pos,
    })
  }
  diagnostics.sort((a, b) => a.pos.offset - b.pos.offset)

  const inlines = joinAlternatives(root, text)
  return { inlines, diagnostics, maxDepth: numberGroups(inlines, options.idPrefix ?? '') }
}

/** Turns the items of one bracket level into inlines, joining adjacent brackets into groups. */
function joinAlternatives(items: Item[], text: string): Inline[] {
  const out: Inline[] = []
  let i = 0
  while (i < items.length) {
    const item = items[i]
    if (item.kind === 'text') {
      out.push({ type: 'text', text: text.slice(item.start, item.end), start: item.start, end: item.end })
      i++
      continue
    }
    if (item.kind === 'done') {
      out.push(item.inline)
      i++
      continue
    }
    const run: Closed[] = [item]
    const kinds: Separator[] = []
    let j = i + 1
    for (;;) {
      const next = nextAlternative(items, j, text)
      if (!next) break
      run.push(items[next.index] as Closed)
      kinds.push(next.kind)
      j = next.index + 1
    }
    out.push(makeGroup(run, kinds, text))
    i = j
  }
  return out
}

/** The next bracket that continues a run of alternatives from `items[j]`, if any. */
function nextAlternative(items: Item[], j: number, text: string): { index: number; kind: Separator } | null {
  const item = items[j]
  if (!item) return null
  if (item.kind === 'bracket') {
    const after = connectorTarget(items, j, text)
    return after === -1 ? { index: j, kind: 'none' } : { index: after, kind: 'or' }
  }
  if (item.kind !== 'text' || items[j + 1]?.kind !== 'bracket') return null
  const between = text.slice(item.start, item.end)
  if (SPACE.test(between)) {
    const after = connectorTarget(items, j + 1, text)
    return after === -1 ? { index: j + 1, kind: 'space' } : { index: after, kind: 'or' }
  }
  if (SLASH.test(between)) return { index: j + 1, kind: 'slash' }
  return null
}

/** If `items[j]` is a connector bracket (`[or]`) followed by a bracket, the index of that bracket; else -1. */
function connectorTarget(items: Item[], j: number, text: string): number {
  const item = items[j] as Closed
  const only = item.content[0]
  if (item.content.length !== 1 || only.type !== 'text' || only.text.length > 8 || !CONNECTOR.test(only.text)) return -1
  const next = items[j + 1]
  if (next?.kind === 'bracket') return j + 1
  if (next?.kind === 'text' && items[j + 2]?.kind === 'bracket' && SPACE.test(text.slice(next.start, next.end))) return j + 2
  return -1
}

function makeGroup(run: Closed[], kinds: Separator[], text: string): BracketGroup {
  let separator: Separator = 'none'
  for (const k of kinds) if (STRENGTH[k] > STRENGTH[separator]) separator = k
  const group: BracketGroup = { type: 'group', alternatives: run.map((r) => r.content), separator }
  if (run.length === 1) {
    const content = run[0].content
    if (content.length === 1 && content[0].type === 'text' && isPlaceholderText(content[0].text)) group.placeholder = true
  }
  const delimiters = run.map((r) => r.delimiters)
  const separators = kinds.map((_, k) => text.slice(run[k].end, run[k + 1].start))
  if (delimiters.some((d) => d !== '[]') || separators.some((s) => s !== CANONICAL_SEPARATOR[separator])) {
    group.raw = { delimiters, separators }
  }
  group.start = run[0].start
  group.end = run[run.length - 1].end
  return group
}

/** Assigns ids in document order, outer before inner; returns the deepest nesting. */
function numberGroups(inlines: Inline[], prefix: string): number {
  let n = 0
  let deepest = 0
  walkInlines(inlines, {
    enterGroup(group, _path, depth) {
      // Curly placeholders are built before their position in document order is known, and
      // every group object here is fresh, so assigning in place is safe.
      group.id = `${prefix}g${++n}`
      if (depth > deepest) deepest = depth
    },
  })
  return deepest
}
