import {
  AlignmentType,
  BorderStyle,
  Document,
  HeadingLevel,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  WidthType,
  type IRunOptions,
} from 'docx'
import { defaultRun, PAGE, pageNumberFooter } from './docx'

/**
 * A compilation as plain data: a title and a subtitle, then sections of items, each item a
 * title and label/value fields, in the order they are printed. It knows nothing of what is
 * compiled (the server's compilation of amendments by State or by article is one), so every
 * string arrives already worded.
 */
export interface Compilation {
  /** The language of the text ("zh", "en", …): Word's proofing language; Chinese is always the East Asian one. */
  lang: string
  title: string
  subtitle: string
  sections: readonly CompilationSection[]
  /** Printed under the subtitle when there are no sections ("No amendments."). */
  empty?: string
}

export interface CompilationSection {
  heading: string
  items: readonly CompilationItem[]
}

export interface CompilationItem {
  title: string
  /** Label and value; a value's line breaks are kept. */
  fields: readonly (readonly [string, string])[]
  /** An item no longer in play (withdrawn, rejected): printed in grey. */
  muted?: boolean
}

const MUTED = '595959'
/** Label column 4 cm; the value column takes the rest of the A4 text width. */
const LABEL_WIDTH = 2268
const VALUE_WIDTH = PAGE.size.width - PAGE.margin.left - PAGE.margin.right - LABEL_WIDTH
const RULE = { style: BorderStyle.SINGLE, size: 4, color: 'BFBFBF' } as const

/**
 * The compilation as a Word document: the title (Word's Title style), each section a Heading 1
 * and each item a Heading 2 over a two-column table of its fields, label in bold, in the fonts
 * of the treaty export (Chinese and Latin) with page numbers at the foot. Headings use Word's
 * own styles, so the navigation pane lists the sections and items. An item is kept on one page
 * when it fits.
 */
export async function exportCompilationDocx(compilation: Compilation): Promise<Uint8Array> {
  const children: (Paragraph | Table)[] = [
    new Paragraph({ heading: HeadingLevel.TITLE, alignment: AlignmentType.CENTER, children: [new TextRun(compilation.title)] }),
    new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 360 }, children: [new TextRun({ text: compilation.subtitle, color: MUTED })] }),
  ]
  if (!compilation.sections.length && compilation.empty) children.push(new Paragraph({ children: [new TextRun(compilation.empty)] }))
  for (const section of compilation.sections) {
    children.push(new Paragraph({ heading: HeadingLevel.HEADING_1, keepNext: true, border: { bottom: { ...RULE, color: '999999', space: 1 } }, children: [new TextRun(section.heading)] }))
    for (const item of section.items) children.push(...itemBlocks(item))
  }
  const heading = (size: number) => ({ run: { size, bold: true, color: '000000' }, paragraph: { spacing: { before: 360, after: 120 } } })
  const document = new Document({
    creator: 'Accord',
    title: compilation.title,
    styles: {
      default: {
        document: { run: defaultRun(compilation.lang), paragraph: { spacing: { after: 120, line: 300 } } },
        title: { run: { size: 32, bold: true, color: '000000' }, paragraph: { spacing: { before: 240, after: 120 } } },
        heading1: heading(28),
        heading2: { ...heading(24), paragraph: { spacing: { before: 280, after: 80 } } },
      },
    },
    sections: [{ properties: { page: PAGE }, footers: { default: pageNumberFooter() }, children }],
  })
  return new Uint8Array(await Packer.toArrayBuffer(document))
}

function itemBlocks(item: CompilationItem): (Paragraph | Table)[] {
  const style: IRunOptions = item.muted ? { color: MUTED } : {}
  const title = new Paragraph({ heading: HeadingLevel.HEADING_2, keepNext: true, children: [new TextRun({ text: item.title, ...style })] })
  if (!item.fields.length) return [title]
  // keepNext on every row but the last holds the heading and the whole table together.
  const cell = (width: number, text: string, keepNext: boolean, extra: IRunOptions) =>
    new TableCell({
      width: { size: width, type: WidthType.DXA },
      margins: { top: 40, bottom: 40, left: 100, right: 100 },
      children: [new Paragraph({ keepNext, spacing: { after: 0 }, children: lines(text, { ...style, ...extra }) })],
    })
  const rows = item.fields.map(([label, value], i) => {
    const keepNext = i < item.fields.length - 1
    return new TableRow({ cantSplit: true, children: [cell(LABEL_WIDTH, label, keepNext, { bold: true }), cell(VALUE_WIDTH, value, keepNext, {})] })
  })
  return [
    title,
    new Table({
      layout: TableLayoutType.FIXED,
      width: { size: LABEL_WIDTH + VALUE_WIDTH, type: WidthType.DXA },
      columnWidths: [LABEL_WIDTH, VALUE_WIDTH],
      borders: { top: RULE, bottom: RULE, left: RULE, right: RULE, insideHorizontal: RULE, insideVertical: RULE },
      rows,
    }),
  ]
}

/** The text as runs, a line break for each newline (proposed articles come one paragraph per line). */
function lines(text: string, style: IRunOptions): TextRun[] {
  return text.split('\n').map((line, i) => new TextRun({ ...style, text: line, break: i > 0 ? 1 : undefined }))
}
