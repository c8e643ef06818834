import type { BlockComparison, Comparison, ComparisonSummary, UnitComparison } from './compare'
import type { Segment } from './words'

export interface RenderOptions {
  /** Leave out units and blocks that did not change (default: show the whole text). */
  changedOnly?: boolean
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

/** The summary as English sentences, one per figure that is not zero ("19 brackets resolved"). */
export function summaryLines(s: ComparisonSummary): string[] {
  const n = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`
  const lines: string[] = []
  if (s.bracketsResolved) lines.push(`${n(s.bracketsResolved, 'bracket', 'brackets')} resolved`)
  if (s.bracketsOpened) lines.push(`${n(s.bracketsOpened, 'bracket', 'brackets')} opened`)
  if (s.bracketsChanged) lines.push(`${n(s.bracketsChanged, 'bracket', 'brackets')} reworded`)
  if (s.amendmentsAccepted) lines.push(`${n(s.amendmentsAccepted, 'amendment', 'amendments')} accepted`)
  if (s.articlesAdded) lines.push(`${n(s.articlesAdded, 'article', 'articles')} added: ${s.addedArticles.join(', ')}`)
  if (s.articlesRemoved) lines.push(`${n(s.articlesRemoved, 'article', 'articles')} removed: ${s.removedArticles.join(', ')}`)
  if (s.paragraphsChanged) lines.push(`${n(s.paragraphsChanged, 'paragraph', 'paragraphs')} changed`)
  if (s.paragraphsAdded) lines.push(`${n(s.paragraphsAdded, 'paragraph', 'paragraphs')} added`)
  if (s.paragraphsRemoved) lines.push(`${n(s.paragraphsRemoved, 'paragraph', 'paragraphs')} removed`)
  if (!lines.length) lines.push('No changes')
  return lines
}

function visibleUnits(result: Comparison, options: RenderOptions): { unit: UnitComparison; blocks: BlockComparison[] }[] {
  return result.units
    .filter((u) => !options.changedOnly || u.status !== 'same')
    .map((unit) => ({ unit, blocks: unit.blocks.filter((b) => !options.changedOnly || b.status !== 'same') }))
}

function unitHeading(u: UnitComparison): string {
  const moved = u.beforeLabel && u.label && u.beforeLabel !== u.label ? ` (was ${u.beforeLabel})` : ''
  return `${u.label ?? u.location}${moved}`
}

const STATUS_WORD = { same: '', changed: 'changed', added: 'added', removed: 'removed' } as const

function htmlSegments(segments: readonly Segment[]): string {
  return segments
    .map((s) => (s.kind === 'same' ? escapeHtml(s.text) : s.kind === 'added' ? `<ins>${escapeHtml(s.text)}</ins>` : `<del>${escapeHtml(s.text)}</del>`))
    .join('')
}

/**
 * The comparison as an HTML fragment: the summary, then each unit with its blocks, additions in
 * `<ins>`, deletions in `<del>`; classes `unit-<status>` and `block-<status>` for styling.
 * Everything from the documents is escaped.
 */
export function renderComparisonHtml(result: Comparison, options: RenderOptions = {}): string {
  const out: string[] = ['<div class="accord-comparison">', '<section class="summary">', '<ul>']
  for (const line of summaryLines(result.summary)) out.push(`<li>${escapeHtml(line)}</li>`)
  out.push('</ul>', '</section>')
  for (const { unit, blocks } of visibleUnits(result, options)) {
    const status = STATUS_WORD[unit.status]
    out.push(`<section class="unit unit-${unit.status}" data-kind="${unit.kind}">`)
    if (unit.kind !== 'title') {
      out.push(`<h2>${escapeHtml(unitHeading(unit))}${status ? ` <small class="status">${status}</small>` : ''}</h2>`)
    }
    for (const b of blocks) {
      const label = b.label ? `<span class="num">${escapeHtml(b.label)}</span> ` : ''
      out.push(`<p class="block block-${b.status} ${b.kind}" title="${escapeHtml(b.location)}">${label}${htmlSegments(b.segments)}</p>`)
    }
    out.push('</section>')
  }
  out.push('</div>')
  return out.join('\n') + '\n'
}

function textSegments(segments: readonly Segment[]): string {
  return segments.map((s) => (s.kind === 'same' ? s.text : s.kind === 'added' ? `{+${s.text}+}` : `{-${s.text}-}`)).join('')
}

/**
 * The comparison as plain text, git's word-diff style: `{-removed-}{+added+}` (curly, because
 * square brackets are the negotiating text's own). A block added or removed whole is marked
 * with a leading `+ ` or `- `.
 */
export function renderComparisonText(result: Comparison, options: RenderOptions = {}): string {
  const out: string[] = summaryLines(result.summary).map((l) => `* ${l}`)
  for (const { unit, blocks } of visibleUnits(result, options)) {
    const status = STATUS_WORD[unit.status]
    const lines: string[] = []
    if (unit.kind !== 'title') lines.push(`${unitHeading(unit)}${status ? ` [${status}]` : ''}`)
    for (const b of blocks) {
      const mark = b.status === 'added' ? '+ ' : b.status === 'removed' ? '- ' : ''
      const label = b.label ? `${b.label} ` : ''
      lines.push(`${mark}${label}${b.status === 'changed' ? textSegments(b.segments) : b.segments.map((s) => s.text).join('')}`)
    }
    out.push(lines.join('\n\n'))
  }
  return out.join('\n\n') + '\n'
}
