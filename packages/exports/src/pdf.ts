// Node only: prints the HTML export with headless Chromium.
import type { Node as PMNode } from 'prosemirror-model'
import { chromium } from 'playwright-core'
import { exportDocument, type ExportMode, type OpenItem } from '@accord/treaty-io'

export type PdfResult = { ok: true; content: Uint8Array; contentType: string; extension: string } | { ok: false; open: OpenItem[] }

/** Debian's Chromium (Playwright cannot download its own browsers here); ACCORD_CHROMIUM overrides. */
export function chromiumPath(): string {
  return process.env.ACCORD_CHROMIUM || '/usr/bin/chromium'
}

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']

/** Page margins and the "page / pages" footer of the printed text. */
const PRINT_CSS = '@page { size: A4; margin: 25mm 22mm 22mm 22mm; } body { margin: 0; max-width: none; }'
const FOOTER = '<div style="width:100%;font-size:9px;text-align:center;color:#444;font-family:serif"><span class="pageNumber"></span> / <span class="totalPages"></span></div>'

/**
 * The treaty as a PDF for the plenary: the HTML export (with its print stylesheet) printed on
 * A4 with page numbers. Clean mode refuses exactly as the HTML export does.
 */
export async function exportPdf(doc: PMNode, opts: { mode: ExportMode }): Promise<PdfResult> {
  const html = exportDocument(doc, { format: 'html', mode: opts.mode })
  if (!html.ok) return html
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: ARGS, headless: true })
  try {
    const page = await browser.newPage()
    await page.setContent(html.content.replace('</style>', `${PRINT_CSS}</style>`), { waitUntil: 'load' })
    const pdf = await page.pdf({
      format: 'A4',
      printBackground: true,
      displayHeaderFooter: true,
      headerTemplate: '<div></div>',
      footerTemplate: FOOTER,
      margin: { top: '25mm', bottom: '22mm', left: '22mm', right: '22mm' },
    })
    return { ok: true, content: new Uint8Array(pdf), contentType: 'application/pdf', extension: 'pdf' }
  } finally {
    await browser.close()
  }
}
