import type { Node as PMNode } from 'prosemirror-model'
import type { Suffix } from './attrs'
import { labelsByPos, numberTreaty, type NumberedUnit } from './numbering'

/**
 * Where a piece of text is, in the words a delegate uses: "Article 6, paragraph 2",
 * "Preamble, paragraph 3". Used by every message that points at the text (open brackets
 * refusing a clean export, import warnings, amendment targets).
 */
export interface Location {
  /** Counted article number (a `bis` article shares its predecessor's number; see articleSuffix). */
  article?: number
  articleSuffix?: Suffix
  /** Counted paragraph number within the article, annex or final clauses (level 0). */
  paragraph?: number
  paragraphSuffix?: Suffix
  /** Sub-paragraph label, e.g. "(a)", when the text is in one. */
  subparagraph?: string
  /** 1-based index among the preamble's paragraphs (opening lines and recitals together). */
  preamble?: number
  annex?: number
  /** Option labels from the outside in, e.g. ["Option 2"]. */
  options?: string[]
  /** What kind of block holds the text: title, preamble_opening, recital, enacting_formula, article_heading, paragraph, … */
  block: string
  /** English description: "Article 6, paragraph 2". */
  text: string
}

export interface OutlineBlock {
  node: PMNode
  /** Position directly before the textblock. */
  pos: number
  location: Location
}

/** Every textblock of the document with its location, in document order. */
export function outline(doc: PMNode): OutlineBlock[] {
  const labels = labelsByPos(numberTreaty(doc))
  const out: OutlineBlock[] = []
  const baseDepth = doc.type.name === 'treaty' ? 0 : 1
  let preambleIndex = 0
  // Which outline entries are level-0 paragraphs (index → unit), for sub-paragraph locations.
  const level0 = new Map<number, NumberedUnit>()

  doc.descendants((node, pos) => {
    if (!node.isTextblock) return true
    const $pos = doc.resolve(pos)
    const loc: Location = { block: node.type.name, text: '' }
    const options: string[] = []
    let paragraphUnit: NumberedUnit | undefined
    let parentPara: NumberedUnit | undefined
    for (let d = baseDepth + 1; d <= $pos.depth; d++) {
      const ancestor = $pos.node(d)
      const unit = labels.get($pos.before(d))
      if (ancestor.type.name === 'article' && unit) {
        loc.article = unit.number
        loc.articleSuffix = unit.suffix
      } else if (ancestor.type.name === 'annex' && unit) loc.annex = unit.number
      else if (ancestor.type.name === 'option' && unit) options.push(unit.label)
    }
    if (node.type.name === 'paragraph') {
      paragraphUnit = labels.get(pos)
      if (paragraphUnit && paragraphUnit.level === 0) {
        loc.paragraph = paragraphUnit.number
        loc.paragraphSuffix = paragraphUnit.suffix
      } else {
        // A sub-paragraph or an unnumbered paragraph belongs to the nearest numbered paragraph before it.
        parentPara = lastLevel0(out, level0, loc)
        if (parentPara) {
          loc.paragraph = parentPara.number
          loc.paragraphSuffix = parentPara.suffix
        }
        if (paragraphUnit) loc.subparagraph = paragraphUnit.label
      }
    }
    if (node.type.name === 'preamble_opening' || node.type.name === 'recital' || node.type.name === 'enacting_formula') {
      if (node.type.name !== 'enacting_formula') loc.preamble = ++preambleIndex
    }
    if (options.length) loc.options = options
    loc.text = describe(loc)
    out.push({ node, pos, location: loc })
    if (paragraphUnit && paragraphUnit.level === 0) level0.set(out.length - 1, paragraphUnit)
    return false
  })
  return out
}

function lastLevel0(out: OutlineBlock[], level0: Map<number, NumberedUnit>, loc: Location): NumberedUnit | undefined {
  for (let i = out.length - 1; i >= 0; i--) {
    const prev = out[i].location
    if (prev.article !== loc.article || prev.annex !== loc.annex) return undefined
    const unit = level0.get(i)
    if (unit) return unit
  }
  return undefined
}

function withSuffix(n: number, suffix: Suffix | undefined): string {
  return suffix ? `${n} ${suffix}` : String(n)
}

/** "Article 6, paragraph 2 (a)", "Preamble, paragraph 3", "Title". */
export function describe(loc: Omit<Location, 'text'>): string {
  const parts: string[] = []
  if (loc.annex !== undefined) parts.push(`Annex ${loc.annex}`)
  if (loc.article !== undefined) parts.push(`Article ${withSuffix(loc.article, loc.articleSuffix)}`)
  if (loc.preamble !== undefined) parts.push(`Preamble, paragraph ${loc.preamble}`)
  else if (loc.block === 'enacting_formula') parts.push('Preamble, enacting formula')
  if (loc.options?.length) parts.push(loc.options.join(', '))
  if (loc.paragraph !== undefined) parts.push(`paragraph ${withSuffix(loc.paragraph, loc.paragraphSuffix)}${loc.subparagraph ? ` ${loc.subparagraph}` : ''}`)
  else if (loc.subparagraph) parts.push(`sub-paragraph ${loc.subparagraph}`)
  if (loc.block === 'title') parts.push('Title')
  else if (loc.block === 'article_heading') parts.push('heading')
  else if (loc.block === 'part_heading') parts.push('Part heading')
  else if (loc.block === 'annex_heading') parts.push('heading')
  if (!parts.length) parts.push(loc.block.replace(/_/g, ' '))
  return parts.join(', ')
}
