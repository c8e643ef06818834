import { AlignmentType, Document, Footer, PageNumber, Packer, Paragraph, Tab, TextRun, type IRunOptions } from 'docx'
import type { Node as PMNode } from 'prosemirror-model'
import { renderClean, type BracketGroup, type Inline } from '@accord/bracket-variants'
import { flatten, openItems, type Block, type ExportMode, type OpenItem } from '@accord/treaty-io'

export type DocxResult = { ok: true; content: Uint8Array; contentType: string; extension: string } | { ok: false; open: OpenItem[] }

export const DOCX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'

/** Latin text in Times New Roman, Chinese in SimSun (Word on Windows) with Noto Serif CJK SC as the fallback name. */
const FONTS = { ascii: 'Times New Roman', hAnsi: 'Times New Roman', cs: 'Times New Roman', eastAsia: 'SimSun' }
const BRACKET = { color: 'C00000', bold: true } as const
const NOTE = { color: '808080', italics: true } as const
const PLACEHOLDER = { color: '8A5300' } as const
/** Alternatives are shaded in turn so that where one ends and the next begins shows at a glance. */
const SHADES = ['FFF2CC', 'DDEBF7']
/** Hanging indent per paragraph level, in twentieths of a point. */
const INDENT = 567 // 1 cm
/** A4 with 2.5 cm margins, in twentieths of a point (shared with compilationDocx, like the two helpers below; not in the index). */
export const PAGE = { size: { width: 11906, height: 16838 }, margin: { top: 1418, bottom: 1418, left: 1418, right: 1418 } }

/** The default run: 12 pt in FONTS, tagged with the document's language (Chinese always as the East Asian one). */
export function defaultRun(lang: string) {
  return { font: FONTS, size: 24, language: { value: lang === 'zh' ? 'zh-CN' : 'en-GB', eastAsia: 'zh-CN' } }
}

/** The page number, centred at the foot of every page. */
export function pageNumberFooter(): Footer {
  return new Footer({ children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ children: [PageNumber.CURRENT] })] })] })
}

/**
 * The treaty as a Word document. Clean mode refuses while anything is open (like the text
 * formats: ok false with every open item), drops drafting notes and numbers finally.
 * Negotiating mode shows each bracket in bold red and shades its alternatives in turn;
 * drafting notes are grey italics.
 */
export async function exportDocx(doc: PMNode, opts: { mode: ExportMode }): Promise<DocxResult> {
  if (opts.mode === 'clean') {
    const open = openItems(doc)
    if (open.length) return { ok: false, open }
  }
  const { blocks, lang } = flatten(doc, { finalNumbering: opts.mode === 'clean', unwrapSingleOptions: opts.mode === 'clean' })
  const runs = (inlines: Inline[], extra: IRunOptions = {}) => (opts.mode === 'clean' ? cleanRuns(inlines, extra) : negotiatingRuns(inlines, extra))
  const children = blocks.flatMap((b) => paragraphsOf(b, runs))
  const document = new Document({
    creator: 'Accord',
    title: blocks[0]?.kind === 'title' ? textOf(blocks[0].inlines) : 'Treaty',
    styles: {
      default: {
        document: {
          run: defaultRun(lang),
          paragraph: { spacing: { after: 120, line: 300 } },
        },
      },
    },
    sections: [
      {
        properties: { page: PAGE },
        footers: { default: pageNumberFooter() },
        children,
      },
    ],
  })
  const buffer = await Packer.toArrayBuffer(document)
  return { ok: true, content: new Uint8Array(buffer), contentType: DOCX_CONTENT_TYPE, extension: 'docx' }
}

type Runs = (inlines: Inline[], extra?: IRunOptions) => TextRun[]

function paragraphsOf(b: Block, runs: Runs): Paragraph[] {
  switch (b.kind) {
    case 'title':
      return [new Paragraph({ alignment: AlignmentType.CENTER, spacing: { before: 240, after: 480 }, children: runs(b.inlines, { bold: true, size: 28 }) })]
    case 'preamble-heading':
      return [new Paragraph({ alignment: AlignmentType.CENTER, spacing: { before: 360, after: 240 }, children: [new TextRun({ text: b.text, bold: true })] })]
    case 'opening':
    case 'formula':
      return [new Paragraph({ alignment: AlignmentType.JUSTIFIED, children: runs(b.inlines) })]
    case 'recital':
      return [new Paragraph({ alignment: AlignmentType.JUSTIFIED, indent: { firstLine: INDENT }, children: [...labelRuns(b.label), ...runs(b.inlines)] })]
    case 'part':
    case 'article':
    case 'annex':
      return [new Paragraph({ alignment: AlignmentType.CENTER, keepNext: true, spacing: { before: 360, after: 120 }, children: [new TextRun({ text: b.label, bold: true })] })]
    case 'heading':
      return [new Paragraph({ alignment: AlignmentType.CENTER, keepNext: true, spacing: { after: 240 }, children: runs(b.inlines, b.of === 'article' ? { italics: true } : { bold: true }) })]
    case 'paragraph':
      return [numbered(b.label, b.level, runs(b.inlines))]
    case 'option': {
      const open = b.bracketed && b.first ? [new TextRun({ text: '[', ...BRACKET })] : []
      const head = new Paragraph({
        keepNext: !b.empty,
        spacing: { before: 200 },
        children: [...open, new TextRun({ text: `${b.label}:`, bold: true }), ...(b.empty ? [new TextRun({ text: ` ${b.noText}`, italics: true })] : [])],
      })
      return b.lead ? [head, numbered(b.lead.label, b.lead.level, runs(b.lead.inlines))] : [head]
    }
    case 'options-end':
      return b.bracketed ? [new Paragraph({ children: [new TextRun({ text: ']', ...BRACKET })] })] : []
  }
}

/** A numbered paragraph: the label as text, then a tab to the hanging indent of its level. */
function numbered(label: string | undefined, level: number, children: TextRun[]): Paragraph {
  const left = INDENT * (level + 1)
  return new Paragraph({
    alignment: AlignmentType.JUSTIFIED,
    indent: label ? { left, hanging: INDENT } : { left: INDENT * level },
    children: [...labelRuns(label, true), ...children],
  })
}

function labelRuns(label: string | undefined, tab = false): TextRun[] {
  if (!label) return []
  return [new TextRun({ text: label }), tab ? new TextRun({ children: [new Tab()] }) : new TextRun({ text: ' ' })]
}

function textOf(inlines: Inline[]): string {
  const r = renderClean(inlines.filter((i) => i.type !== 'note'))
  return r.ok ? r.text : inlines.map((i) => (i.type === 'text' ? i.text : '')).join('')
}

function cleanRuns(inlines: Inline[], extra: IRunOptions): TextRun[] {
  const r = renderClean(inlines)
  // openItems() refused open groups before we got here.
  if (!r.ok) throw new Error(`internal: clean rendering met ${r.open.length} open group(s)`)
  const text = r.text.replace(/[ \t]+$/g, '').replace(/ {2,}/g, ' ')
  return text ? [new TextRun({ ...extra, text })] : []
}

function negotiatingRuns(inlines: readonly Inline[], extra: IRunOptions): TextRun[] {
  const out: TextRun[] = []
  const walk = (list: readonly Inline[], style: IRunOptions) => {
    for (const i of list) {
      if (i.type === 'text') {
        if (i.text) out.push(new TextRun({ ...style, text: i.text }))
      } else if (i.type === 'note') out.push(new TextRun({ ...style, ...NOTE, text: i.text }))
      else group(i, style)
    }
  }
  const group = (g: BracketGroup, style: IRunOptions) => {
    if (g.placeholder) {
      const [o, c] = g.curly ? ['{', '}'] : ['[', ']']
      out.push(new TextRun({ ...style, ...PLACEHOLDER, text: o }))
      walk(g.alternatives[0] ?? [], { ...style, ...PLACEHOLDER })
      out.push(new TextRun({ ...style, ...PLACEHOLDER, text: c }))
      return
    }
    const sep = { none: '', space: ' ', or: ' [or] ', slash: ' / ' }[g.separator]
    g.alternatives.forEach((alt, i) => {
      if (i > 0 && sep) out.push(new TextRun({ ...style, ...BRACKET, text: sep }))
      const shaded: IRunOptions = g.alternatives.length > 1 ? { ...style, shading: { fill: SHADES[i % SHADES.length] } } : style
      out.push(new TextRun({ ...shaded, ...BRACKET, text: '[' }))
      walk(alt, shaded)
      out.push(new TextRun({ ...shaded, ...BRACKET, text: ']' }))
    })
  }
  walk(inlines, extra)
  return out
}
