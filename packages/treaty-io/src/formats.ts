import type { Node as PMNode } from 'prosemirror-model'
import { renderClean, renderNegotiating, type BracketGroup, type Inline } from '@accord/bracket-variants'
import { flatten, openItems, type Block, type OpenItem } from './blocks'

export type ExportFormat = 'text' | 'html' | 'md'
export type ExportMode = 'clean' | 'negotiating'
export const EXPORT_FORMATS: readonly ExportFormat[] = ['text', 'html', 'md']
export const EXPORT_MODES: readonly ExportMode[] = ['clean', 'negotiating']

export type ExportResult = { ok: true; content: string; contentType: string; extension: string } | { ok: false; open: OpenItem[] }

/**
 * Exports a document. Negotiating mode writes the text as circulated between sessions:
 * brackets as `[A][B]`, options, drafting notes. Clean mode writes the consensus text: it
 * refuses (ok: false, with every open item and where it is) while any bracket, placeholder
 * or option is open; it drops drafting notes and numbers with the final numbering.
 */
export function exportDocument(doc: PMNode, opts: { format: ExportFormat; mode: ExportMode }): ExportResult {
  if (opts.mode === 'clean') {
    const open = openItems(doc)
    if (open.length) return { ok: false, open }
  }
  const { blocks, lang } = flatten(doc, { finalNumbering: opts.mode === 'clean', unwrapSingleOptions: opts.mode === 'clean' })
  const inline = opts.mode === 'clean' ? cleanInline : negotiatingInline
  switch (opts.format) {
    case 'text':
      return { ok: true, content: toText(blocks, inline), contentType: 'text/plain; charset=utf-8', extension: 'txt' }
    case 'html':
      return { ok: true, content: toHtml(blocks, lang, opts.mode), contentType: 'text/html; charset=utf-8', extension: 'html' }
    case 'md':
      return { ok: true, content: toMarkdown(blocks, inline), contentType: 'text/markdown; charset=utf-8', extension: 'md' }
  }
}

function negotiatingInline(inlines: Inline[]): string {
  return renderNegotiating(inlines, { canonical: true })
}

function cleanInline(inlines: Inline[]): string {
  const r = renderClean(inlines)
  // openItems() refused open groups before we got here.
  if (!r.ok) throw new Error(`internal: clean rendering met ${r.open.length} open group(s)`)
  return r.text.replace(/[ \t]+$/g, '').replace(/ {2,}/g, ' ')
}

type InlineRender = (inlines: Inline[]) => string

/** Plain text: one block a paragraph, blank lines between; re-imports to the same document. */
function toText(blocks: Block[], inline: InlineRender): string {
  const out: string[] = []
  for (const b of blocks) {
    const indent = ''
    switch (b.kind) {
      case 'title':
        out.push(inline(b.inlines))
        break
      case 'preamble-heading':
        out.push(b.text)
        break
      case 'opening':
      case 'formula':
        out.push(indent + inline(b.inlines))
        break
      case 'recital':
        out.push(indent + (b.label ? `${b.label} ` : '') + inline(b.inlines))
        break
      case 'part':
      case 'article':
      case 'annex':
        out.push(b.label)
        break
      case 'heading':
        out.push(inline(b.inlines))
        break
      case 'paragraph':
        out.push(indent + (b.label ? labelWithSpace(b.label) : '') + inline(b.inlines))
        break
      case 'option':
        out.push(optionLine(b, inline, (x) => x))
        break
      case 'options-end':
        if (b.bracketed) closeBracket(out)
        break
    }
  }
  return out.join('\n\n') + '\n'
}

/** "Option 2: No text", "[Option 1:", or for a numbered slot "2. [Option 1: text of its first paragraph". */
function optionLine(b: Extract<Block, { kind: 'option' }>, inline: InlineRender, escape: (s: string) => string): string {
  const open = b.bracketed && b.first ? '[' : ''
  if (b.empty) return `${open}${escape(b.label)}: ${escape(b.noText)}`
  if (!b.lead) return `${open}${escape(b.label)}:`
  const slot = b.lead.label ? escape(labelWithSpace(b.lead.label)) : ''
  return `${slot}${open}${escape(b.label)}: ${inline(b.lead.inlines)}`
}

/** "1." and "（一）" are followed by the text; Latin labels get a space. */
function labelWithSpace(label: string): string {
  return /[）、]$/.test(label) ? label : `${label} `
}

/** Appends the ']' that closes a bracketed option group to the last line written. */
function closeBracket(out: string[]): void {
  if (out.length) out[out.length - 1] += ']'
  else out.push(']')
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

function htmlInline(inlines: Inline[], mode: 'clean' | 'negotiating'): string {
  if (mode === 'clean') return escapeHtml(cleanInline(inlines))
  const render = (list: readonly Inline[]): string =>
    list
      .map((i) => {
        if (i.type === 'text') return escapeHtml(i.text)
        if (i.type === 'note') return `<span class="note">${escapeHtml(i.text)}</span>`
        return htmlGroup(i, render)
      })
      .join('')
  return render(inlines)
}

function htmlGroup(g: BracketGroup, render: (list: readonly Inline[]) => string): string {
  if (g.placeholder) {
    const [o, c] = g.curly ? ['{', '}'] : ['[', ']']
    return `<span class="placeholder">${o}${render(g.alternatives[0] ?? [])}${c}</span>`
  }
  const sep = { none: '', space: ' ', or: ' [or] ', slash: ' / ' }[g.separator]
  const alts = g.alternatives.map((a) => `<span class="alternative">[${render(a)}]</span>`).join(escapeHtml(sep))
  return `<span class="bracket">${alts}</span>`
}

const HTML_STYLE = `
body { font-family: "Noto Serif CJK SC", "Source Han Serif SC", "Songti SC", "Times New Roman", serif; line-height: 1.7; max-width: 46em; margin: 2em auto; padding: 0 1em; color: #111; }
h1 { font-size: 1.4em; text-align: center; margin: 1.5em 0; }
h2 { font-size: 1.15em; text-align: center; margin: 1.6em 0 0.4em; }
h3 { font-size: 1.05em; text-align: center; font-weight: normal; font-style: italic; margin: 0 0 0.8em; }
p { margin: 0.6em 0; text-align: justify; }
p.level-1 { margin-left: 2em; } p.level-2 { margin-left: 4em; } p.level-3 { margin-left: 6em; }
.num { margin-right: 0.4em; }
.option-label { font-weight: bold; margin-top: 1em; }
.options { border-left: 3px solid #ccc; padding-left: 1em; }
.bracket .alternative:nth-child(even) { background: #eef3fb; }
.note { color: #666; font-size: 0.9em; }
.placeholder { color: #8a5300; }
@media print { body { margin: 0; max-width: none; } .options { border-left: none; } }
`

function toHtml(blocks: Block[], lang: string, mode: 'clean' | 'negotiating'): string {
  const body: string[] = []
  let title = ''
  let open = '' // the section currently open
  const closeSection = () => {
    if (open) body.push('</section>')
    open = ''
  }
  const inline = (x: Inline[]) => htmlInline(x, mode)
  for (const b of blocks) {
    switch (b.kind) {
      case 'title':
        title = mode === 'clean' ? cleanInline(b.inlines) : renderNegotiating(b.inlines)
        body.push(`<h1 class="title">${inline(b.inlines)}</h1>`)
        break
      case 'preamble-heading':
        closeSection()
        body.push('<section class="preamble">')
        open = 'preamble'
        body.push(`<h2>${escapeHtml(b.text)}</h2>`)
        break
      case 'opening':
        body.push(`<p class="preamble-opening">${inline(b.inlines)}</p>`)
        break
      case 'recital':
        body.push(`<p class="recital">${b.label ? `<span class="num">${escapeHtml(b.label)}</span>` : ''}${inline(b.inlines)}</p>`)
        break
      case 'formula':
        body.push(`<p class="enacting-formula">${inline(b.inlines)}</p>`)
        break
      case 'part':
      case 'article':
      case 'annex':
        if (b.kind !== 'article' || open !== 'part') closeSection()
        if (b.kind === 'article' && open === 'article') closeSection()
        body.push(`<section class="${b.kind}">`)
        open = b.kind
        body.push(`<h2 class="${b.kind}-number">${escapeHtml(b.label)}</h2>`)
        break
      case 'heading':
        body.push(`<h3 class="${b.of}-heading">${inline(b.inlines)}</h3>`)
        break
      case 'paragraph':
        body.push(`<p class="paragraph level-${b.level}${b.final ? ' final-clause' : ''}">${b.label ? `<span class="num">${escapeHtml(b.label)}</span>` : ''}${inline(b.inlines)}</p>`)
        break
      case 'option':
        if (b.first) body.push('<div class="options">')
        body.push(`<p class="option-label">${b.bracketed && b.first ? '[' : ''}${escapeHtml(b.label)}:${b.empty ? ` ${escapeHtml(b.noText)}` : ''}</p>`)
        if (b.lead) body.push(`<p class="paragraph level-${b.lead.level}">${b.lead.label ? `<span class="num">${escapeHtml(b.lead.label)}</span>` : ''}${inline(b.lead.inlines)}</p>`)
        break
      case 'options-end':
        body.push(`${b.bracketed ? '<p class="options-close">]</p>' : ''}</div>`)
        break
    }
  }
  closeSection()
  return `<!doctype html>\n<html lang="${escapeHtml(lang)}">\n<head>\n<meta charset="utf-8">\n<title>${escapeHtml(title)}</title>\n<style>${HTML_STYLE}</style>\n</head>\n<body>\n<article class="treaty ${mode}">\n${body.join('\n')}\n</article>\n</body>\n</html>\n`
}

/** Escapes what Markdown would read as markup, including `[` (links) and a leading "1." (lists). */
function escapeMarkdown(s: string): string {
  return s.replace(/([\\`*_[\]{}<>#|~])/g, '\\$1')
}

function toMarkdown(blocks: Block[], inline: InlineRender): string {
  const out: string[] = []
  const md = (x: Inline[]) => escapeMarkdown(inline(x))
  for (const b of blocks) {
    switch (b.kind) {
      case 'title':
        out.push(`# ${md(b.inlines)}`)
        break
      case 'preamble-heading':
        out.push(`## ${escapeMarkdown(b.text)}`)
        break
      case 'opening':
      case 'formula':
        out.push(md(b.inlines))
        break
      case 'recital':
        out.push((b.label ? `${escapeMarkdown(b.label)} ` : '') + md(b.inlines))
        break
      case 'part':
      case 'article':
      case 'annex':
        out.push(`## ${escapeMarkdown(b.label)}`)
        break
      case 'heading':
        out.push(`### ${md(b.inlines)}`)
        break
      case 'paragraph': {
        const label = b.label ? escapeMarkdown(labelWithSpace(b.label)).replace(/^(\d+)\./, '$1\\.') : ''
        out.push('  '.repeat(0) + label + md(b.inlines))
        break
      }
      case 'option':
        out.push(optionLine(b, (x) => escapeMarkdown(inline(x)), escapeMarkdown))
        break
      case 'options-end':
        if (b.bracketed) closeBracketMd(out)
        break
    }
  }
  return out.join('\n\n') + '\n'
}

function closeBracketMd(out: string[]): void {
  if (out.length) out[out.length - 1] += '\\]'
  else out.push('\\]')
}
