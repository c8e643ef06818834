import type { Node as PMNode } from 'prosemirror-model'
import { treatySchema, type Language, type OptionStyle } from '@accord/schema'
import { lineIndex, parseBrackets, type Diagnostic, type LineIndex } from '@accord/bracket-variants'
import { inlinesToNodes } from '@accord/bracket-variants/prosemirror'
import { splitTrailingNote } from './notes'
import { analyse, assembleParagraphs, sourceLines, type SourceParagraph } from './lines'
import { isStandaloneHeading, markerOf, opensClause, startsUnit, type Marker } from './markers'
import { ImportError, MAX_IMPORT_CHARS, MAX_NESTING } from './limits'

/** A problem in the imported text that did not stop the import. Lines and columns are 1-based. */
export interface ImportWarning {
  line: number
  column: number
  code: string
  message: string
}

export interface ImportResult {
  doc: PMNode
  warnings: ImportWarning[]
}

export interface ImportOptions {
  /** Force the treaty's language instead of detecting it from the text. */
  lang?: Language
}

/** A block being built: a textblock carries its source paragraph, a container its children. */
interface Draft {
  type: string
  attrs: Record<string, unknown>
  children: Draft[]
  source?: SourceParagraph
}

function draft(type: string, attrs: Record<string, unknown> = {}, source?: SourceParagraph): Draft {
  return { type, attrs, children: [], source }
}

/**
 * The part of a paragraph after its label. `rest` is normally a suffix of the paragraph; a
 * marker written inside an opening bracket ("[1. The purpose …", "[ (c) Pursue …") gives the
 * bracket back in front of the rest, and it keeps the bracket's source position.
 */
function restSource(p: SourceParagraph, rest: string): SourceParagraph {
  if (p.text.endsWith(rest)) {
    const from = p.text.length - rest.length
    return { text: rest, offsets: p.offsets.slice(from), line: p.line }
  }
  const tail = rest.slice(1)
  const from = p.text.length - tail.length
  const open = p.text.indexOf(rest[0])
  return { text: rest, offsets: [p.offsets[Math.max(0, open)], ...p.offsets.slice(from)], line: p.line }
}

/** Chinese when CJK characters outnumber Latin letters. */
function detectLanguage(text: string): Language {
  let cjk = 0
  let latin = 0
  const sample = text.length > 200_000 ? text.slice(0, 200_000) : text
  for (const ch of sample) {
    if (/[\u4e00-\u9fff]/.test(ch)) cjk++
    else if (/[A-Za-z]/.test(ch)) latin++
  }
  return cjk > latin / 3 ? 'zh' : 'en'
}

/**
 * Imports a treaty from plain text as people paste it (clean, or from a PDF). Never throws
 * for merely irregular text: unbalanced brackets, odd numbering and unknown lines become
 * warnings with their line and column. Throws ImportError only when no document can be
 * made (empty, binary, beyond the size or nesting limits).
 */
export function importText(text: string, options: ImportOptions = {}): ImportResult {
  if (text.length > MAX_IMPORT_CHARS) {
    throw new ImportError('too-large', `the text has ${text.length.toLocaleString('en')} characters; Accord imports at most ${MAX_IMPORT_CHARS.toLocaleString('en')} (split it into several documents)`)
  }
  if (text.includes('\u0000')) throw new ImportError('binary', 'this is not text (it contains NUL bytes); paste or import the treaty as plain text')
  const lines = sourceLines(text)
  if (!lines.length) throw new ImportError('empty', 'the text is empty; there is nothing to import')

  const where: LineIndex = lineIndex(text)
  const warnings: ImportWarning[] = []
  const warn = (offset: number, code: string, message: string) => {
    const pos = where(offset)
    warnings.push({ line: pos.line, column: pos.column, code, message })
  }

  const layout = analyse(lines, isStandaloneHeading)
  const paragraphs = assembleParagraphs(lines, layout, startsUnit, isStandaloneHeading, opensClause)
  const lang = options.lang ?? detectLanguage(text)
  const builder = new Builder(lang, warn)
  for (const p of paragraphs) builder.add(p)
  const treatyDraft = builder.finish()

  const convert = (d: Draft): PMNode => {
    const type = treatySchema.nodes[d.type]
    if (type.isTextblock) {
      return type.create(d.attrs, d.source ? inlineContent(d.source, warn) : [])
    }
    return type.create(d.attrs, d.children.map(convert))
  }
  const doc = treatySchema.node('doc', null, [convert(treatyDraft)])
  doc.check()
  return { doc, warnings }
}

function inlineContent(p: SourceParagraph, warn: (offset: number, code: string, message: string) => void): PMNode[] {
  const text = p.text
  if (!text) return []
  const parsed = parseBrackets(text, { maxDepth: MAX_NESTING, unitName: 'paragraph' })
  for (const d of parsed.diagnostics) {
    const offset = p.offsets[d.pos.offset] ?? p.offsets[p.offsets.length - 1]
    if (d.code === 'too-deep') {
      throw new ImportError('too-deep', `brackets are nested more than ${MAX_NESTING} deep in the paragraph starting on line ${p.line}; real negotiating texts nest a few levels, so this is probably not a treaty text`)
    }
    warn(offset, d.code, describeDiagnostic(d))
  }
  return inlinesToNodes(splitTrailingNote(parsed.inlines))
}

/** The parser's message without its own (paragraph-relative) position: the caller gives the real one. */
function describeDiagnostic(d: Diagnostic): string {
  return d.message.replace(/^(at )?line \d+, column \d+:?\s*/i, '').replace(/ at line \d+, column \d+/g, '')
}

const PARTY_ENDING = /([\p{L}]{1,6})[，,]$/u

interface OptionFrame {
  group: Draft
  option: Draft
  style: OptionStyle
  bracketed: boolean
  /** Net bracket balance of the text placed in this group since its opening '['. */
  balance: number
  /** Level of the paragraphs its options hold. */
  level: number
  /** Whether the first paragraph of each option is numbered (it stands in a numbered slot: "2. [Option 1: …"). */
  numbered: boolean
  /** Where the group's bracket opened, for the warning when it never closes. */
  openedAt: number
}

/** Builds the treaty structure from logical paragraphs, one at a time. */
class Builder {
  private readonly treaty: Draft
  private title: Draft | null = null
  private preamble: Draft | null = null
  private finalClauses: Draft | null = null
  private part: Draft | null = null
  private article: Draft | null = null
  /** Unsuffixed articles so far (an article's derived number), counted as they start. */
  private articleCount = 0
  private annex: Draft | null = null
  private options: OptionFrame[] = []
  private section: 'start' | 'preamble' | 'body' | 'final' = 'start'
  private lastLetter = 0
  private expectHeading: Draft | null = null
  private openingEnding: string | null = null
  private sawRecitalLabels = false
  private sawCjkParagraphs = false

  constructor(
    private readonly lang: Language,
    private readonly warn: (offset: number, code: string, message: string) => void,
  ) {
    this.treaty = draft('treaty', { lang })
  }

  add(p: SourceParagraph): void {
    const marker = markerOf(p.text, this.lastLetter)
    const heading = this.expectHeading
    this.expectHeading = null
    if (heading && !marker && isHeadingText(p.text)) {
      heading.children.push(draft(headingType(heading.type), {}, p))
      return
    }
    if (!marker) return this.addPlain(p)
    switch (marker.kind) {
      case 'preamble':
        this.closeOptions()
        this.section = 'preamble'
        this.ensurePreamble()
        return
      case 'formula':
        this.closeOptions()
        this.ensurePreamble().children.push(draft('enacting_formula', {}, p))
        this.section = 'body'
        return
      case 'recital':
        this.sawRecitalLabels = true
        if (this.section === 'start' || this.section === 'preamble') {
          this.section = 'preamble'
          this.container().children.push(draft('recital', { suffix: marker.suffix }, restSource(p, marker.rest)))
          return
        }
        return this.addPlain(p)
      case 'article':
        return this.startArticle(p, marker)
      case 'part': {
        this.closeOptions()
        this.section = 'body'
        this.article = null
        this.annex = null
        this.part = draft('part', { suffix: marker.suffix })
        this.treaty.children.push(this.part)
        this.addHeading(this.part, p, marker.rest)
        return
      }
      case 'annex': {
        if (this.section === 'start' && !this.title) {
          // "Annex III" above a draft decision's title labels the whole document.
          return this.addPlain(p)
        }
        this.closeOptions()
        this.section = 'body'
        this.part = null
        this.article = null
        this.annex = draft('annex', {})
        this.treaty.children.push(this.annex)
        this.addHeading(this.annex, p, marker.rest)
        return
      }
      case 'option':
        return this.startOption(p, marker, 0, false)
      case 'paragraph':
        return this.addNumbered(p, marker)
      case 'final':
        if (this.section === 'body' || this.section === 'final') {
          this.closeOptions()
          this.section = 'final'
          this.finalClauses ??= draft('final_clauses')
          this.finalClauses.children.push(draft('paragraph', { numbered: false }, p))
          return
        }
        return this.addPlain(p)
    }
  }

  private ensurePreamble(): Draft {
    if (!this.preamble) this.preamble = draft('preamble')
    return this.preamble
  }

  private startArticle(p: SourceParagraph, marker: Extract<Marker, { kind: 'article' }>): void {
    this.closeOptions()
    this.section = 'body'
    this.annex = null
    const article = draft('article', { suffix: marker.suffix })
    this.article = article
    this.lastLetter = 0
    ;(this.part ?? this.treaty).children.push(article)
    if (!marker.suffix) this.articleCount++
    const expected = this.articleCount // counted articles so far, this one included
    if (!marker.suffix && marker.number !== expected) {
      this.warn(p.offsets[0], 'renumbered', `the source numbers this article ${marker.number}; Accord derives numbers from the order of articles and shows it as article ${expected}`)
    }
    this.addHeading(article, p, marker.rest)
  }

  private addHeading(container: Draft, p: SourceParagraph, rest: string): void {
    if (rest) container.children.push(draft(headingType(container.type), {}, restSource(p, rest)))
    else this.expectHeading = container
  }

  /** The container that plain and numbered paragraphs go into now. */
  private container(): Draft {
    const frame = this.options[this.options.length - 1]
    if (frame) return frame.option
    if (this.section === 'preamble' || this.section === 'start') return this.ensurePreamble()
    if (this.section === 'final') return (this.finalClauses ??= draft('final_clauses'))
    return this.article ?? this.annex ?? this.treaty
  }

  private addPlain(p: SourceParagraph): void {
    if (this.section === 'start') {
      if (!this.title) {
        this.title = draft('title', {}, p)
        return
      }
      // A paragraph that ends with a comma after the title opens the preamble:
      // "The Conference of the Parties," / "本协定各缔约方，".
      if (/[,，]$/.test(p.text)) {
        this.section = 'preamble'
        return this.addPlain(p)
      }
      // More title lines (a draft decision's label above its title).
      return this.appendToTitle(p)
    }
    if (this.section === 'preamble' && !this.options.length) {
      const pre = this.ensurePreamble()
      const kinds = pre.children.map((c) => c.type)
      const firstOpening = !kinds.some((k) => k === 'recital' || k === 'preamble_opening')
      const ending = PARTY_ENDING.exec(p.text)?.[1] ?? null
      if (firstOpening && !this.sawRecitalLabels) {
        this.openingEnding = ending
        pre.children.push(draft('preamble_opening', {}, p))
        return
      }
      const onlyOpenings = kinds.every((k) => k === 'preamble_opening')
      if (onlyOpenings && this.openingEnding && ending === this.openingEnding) {
        // "同时也是…《不扩散核武器条约》缔约国，" continues naming the parties.
        pre.children.push(draft('preamble_opening', {}, p))
        return
      }
      pre.children.push(draft('recital', {}, p))
      return
    }
    const frame = this.options[this.options.length - 1]
    if (frame) {
      this.placeInOption(frame, draft('paragraph', { level: frame.level, numbered: false }, p), p.text)
      return
    }
    this.section = this.section === 'final' ? 'final' : 'body'
    this.container().children.push(draft('paragraph', { numbered: false }, p))
  }

  private appendToTitle(p: SourceParagraph): void {
    const title = this.title!
    const src = title.source!
    const sep = ' '
    title.source = { text: src.text + sep + p.text, offsets: [...src.offsets, p.offsets[0], ...p.offsets], line: src.line }
  }

  private addNumbered(p: SourceParagraph, marker: Extract<Marker, { kind: 'paragraph' }>): void {
    if (this.section === 'start' || this.section === 'preamble') {
      if (this.section === 'preamble' || this.title) this.section = 'body'
      else if (!this.title) {
        // A text that starts with a numbered paragraph has no title.
        this.section = 'body'
      }
    }
    let level = marker.level
    if (marker.scheme === 'cjk') this.sawCjkParagraphs = true
    if (marker.scheme === 'arabic-paren' && this.lang !== 'zh') level = 2
    if (marker.scheme === 'letter') this.lastLetter = marker.number
    else if (level === 0) this.lastLetter = 0
    if (marker.alternativeNumbers) {
      this.warn(p.offsets[0], 'alternative-numbers', `the paragraph number ${marker.alternativeNumbers} offers alternative numberings; Accord numbers paragraphs from their order, so the alternatives are dropped`)
    }
    // A numbered paragraph that opens with options: "2. [Option 1: …".
    const inner = markerOf(marker.rest)
    if (inner?.kind === 'option') return this.startOption(p, inner, level, true)

    // Close option groups that this paragraph ends: a paragraph at or above their level.
    while (this.options.length) {
      const frame = this.options[this.options.length - 1]
      if (level > frame.level) break
      if (level === frame.level && !frame.numbered) break
      this.closeOption(frame, 'next-paragraph', p)
    }
    const para = draft('paragraph', { level, suffix: marker.suffix }, restSource(p, marker.rest))
    const frame = this.options[this.options.length - 1]
    if (frame) this.placeInOption(frame, para, marker.rest)
    else this.container().children.push(para)
  }

  private startOption(p: SourceParagraph, marker: Extract<Marker, { kind: 'option' }>, level: number, numbered: boolean): void {
    if (this.section === 'start' || this.section === 'preamble') this.section = 'body'
    // A sibling option continues the innermost group with the same label style.
    let frame: OptionFrame | undefined
    for (let i = this.options.length - 1; i >= 0; i--) {
      if (this.options[i].style === marker.style) {
        frame = this.options[i]
        while (this.options.length - 1 > i) this.closeOption(this.options[this.options.length - 1], 'sibling', p)
        break
      }
    }
    if (frame && marker.index > 1) {
      frame.option = draft('option')
      frame.group.children.push(frame.option)
    } else {
      if (frame && marker.index <= 1) {
        this.closeOption(frame, 'next-paragraph', p)
        this.options.splice(this.options.indexOf(frame))
      }
      const outer = this.options[this.options.length - 1]
      if (!outer && level === 0 && !numbered) {
        // A bare "Option I" line ends any article-less run of paragraphs' sub-structure.
        this.lastLetter = 0
      }
      const group = draft('option_group', { bracketed: marker.bracketed, label_style: marker.style })
      const option = draft('option')
      group.children.push(option)
      const container = outer ? outer.option : this.container()
      container.children.push(group)
      frame = {
        group,
        option,
        style: marker.style,
        bracketed: marker.bracketed,
        balance: 0,
        level: outer && level === 0 ? outer.level + 1 : level,
        numbered,
        openedAt: p.offsets[0],
      }
      this.options.push(frame)
    }
    if (marker.noText || !marker.rest) return
    const para = draft('paragraph', { level: frame.level, numbered: frame.numbered }, restSource(p, marker.rest))
    this.placeInOption(frame, para, marker.rest)
  }

  /** Puts a paragraph into the current option and closes the group when its bracket closes. */
  private placeInOption(frame: OptionFrame, para: Draft, text: string): void {
    frame.option.children.push(para)
    if (!frame.bracketed) return
    let balance = frame.balance
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]
      if (ch === '[' || ch === '［') balance++
      else if (ch === ']' || ch === '］') {
        balance--
        if (balance < 0) {
          // This ']' closes the bracket opened before "Option 1": drop it from the text.
          const src = para.source!
          const at = src.text.length - text.length + i
          para.source = {
            text: src.text.slice(0, at) + src.text.slice(at + 1),
            offsets: [...src.offsets.slice(0, at), ...src.offsets.slice(at + 1)],
            line: src.line,
          }
          const rest = text.slice(i + 1).trim()
          if (rest) this.warn(src.offsets[at], 'text-after-options', `text "${rest.slice(0, 40)}" follows the ']' that closes the options; it is kept in the last option`)
          this.options.splice(this.options.indexOf(frame))
          return
        }
      }
    }
    frame.balance = balance
  }

  private closeOption(frame: OptionFrame, _why: 'next-paragraph' | 'sibling' | 'end', p?: SourceParagraph): void {
    if (frame.bracketed) {
      this.warn(frame.openedAt, 'unclosed-options', `the '[' before these options is never closed${p ? ` before line ${p.line}` : ''}; the options are kept as an open, bracketed group`)
    }
    const i = this.options.indexOf(frame)
    if (i >= 0) this.options.splice(i)
  }

  private closeOptions(): void {
    while (this.options.length) this.closeOption(this.options[this.options.length - 1], 'end')
  }

  finish(): Draft {
    this.closeOptions()
    const t = this.treaty
    const head: Draft[] = []
    if (this.title) head.push(this.title)
    if (this.preamble) head.push(this.preamble)
    t.children.unshift(...head)
    if (this.finalClauses) t.children.push(this.finalClauses)
    // annexes were pushed in order with the body; move them after the final clauses
    const annexes = t.children.filter((c) => c.type === 'annex')
    t.children = t.children.filter((c) => c.type !== 'annex').concat(annexes)
    if (this.sawRecitalLabels) t.attrs.recital_labels = true
    if (this.sawCjkParagraphs && this.lang === 'zh') t.attrs.para_style = 'cjk'
    return t
  }
}

function headingType(containerType: string): string {
  return containerType === 'part' ? 'part_heading' : containerType === 'annex' ? 'annex_heading' : 'article_heading'
}

/** A short line without final punctuation: an article's or part's heading on the line after its number. */
function isHeadingText(text: string): boolean {
  return text.length <= 120 && !/[。；;，,：:.]$/.test(text) && !/^\[/.test(text)
}

