import type { Node as PMNode } from 'prosemirror-model'
import type { Suffix } from './attrs'
import { labelsByPos, numberTreaty, type NumberedUnit } from './numbering'
import { romanNumeral } from './numerals'

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
  annexSuffix?: Suffix
  /** The text is in the final clauses. */
  finalClauses?: boolean
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
  // The level-0 paragraphs seen so far in each article, annex, final clauses or the treaty body
  // (by the position of that container), with the options they are in: a sub-paragraph belongs
  // to the last of them that is not in a sibling of one of its own options.
  const level0 = new Map<number, { unit: NumberedUnit; options: OptionAt[] }[]>()

  doc.descendants((node, pos) => {
    if (!node.isTextblock) return true
    const $pos = doc.resolve(pos)
    const loc: Location = { block: node.type.name, text: '' }
    const options: string[] = []
    const optionPositions: OptionAt[] = []
    let container = -1
    for (let d = baseDepth + 1; d <= $pos.depth; d++) {
      const ancestor = $pos.node(d)
      const before = $pos.before(d)
      const unit = labels.get(before)
      switch (ancestor.type.name) {
        case 'article':
          if (unit) {
            loc.article = unit.number
            loc.articleSuffix = unit.suffix
          }
          container = before
          break
        case 'annex':
          if (unit) {
            loc.annex = unit.number
            if (unit.suffix) loc.annexSuffix = unit.suffix
          }
          container = before
          break
        case 'final_clauses':
          loc.finalClauses = true
          container = before
          break
        case 'preamble':
          container = before
          break
        case 'option':
          if (unit) options.push(unit.label)
          optionPositions.push({ group: $pos.before(d - 1), option: before })
          break
      }
    }
    if (node.type.name === 'paragraph') {
      const paragraphUnit = labels.get(pos)
      if (paragraphUnit && paragraphUnit.level === 0) {
        loc.paragraph = paragraphUnit.number
        loc.paragraphSuffix = paragraphUnit.suffix
        const seen = level0.get(container) ?? []
        seen.push({ unit: paragraphUnit, options: optionPositions })
        level0.set(container, seen)
      } else {
        // A sub-paragraph or an unnumbered paragraph belongs to the nearest numbered paragraph before it.
        const parent = lastLevel0(level0.get(container), optionPositions)
        if (parent) {
          loc.paragraph = parent.number
          loc.paragraphSuffix = parent.suffix
        }
        if (paragraphUnit) loc.subparagraph = paragraphUnit.label
      }
    }
    if (node.type.name === 'preamble_opening' || node.type.name === 'recital') loc.preamble = ++preambleIndex
    if (options.length) loc.options = options
    loc.text = describe(loc)
    out.push({ node, pos, location: loc })
    return false
  })
  return out
}

/** An option a block is in: positions of the option group and of the option. */
interface OptionAt {
  group: number
  option: number
}

/**
 * The last of `seen` that is not in a sibling of an option holding the block at `options`: a
 * paragraph in "Option 1" is not the parent of a sub-paragraph in "Option 2", but it is of one
 * after the group.
 */
function lastLevel0(seen: { unit: NumberedUnit; options: OptionAt[] }[] | undefined, options: OptionAt[]): NumberedUnit | undefined {
  if (!seen) return undefined
  for (let i = seen.length - 1; i >= 0; i--) {
    const candidate = seen[i]
    if (!inSiblingOption(candidate.options, options)) return candidate.unit
  }
  return undefined
}

function inSiblingOption(a: OptionAt[], b: OptionAt[]): boolean {
  for (let k = 0; k < a.length && k < b.length; k++) {
    if (a[k].group !== b[k].group) return false
    if (a[k].option !== b[k].option) return true
  }
  return false
}

function withSuffix(n: number, suffix: Suffix | undefined): string {
  return suffix ? `${n} ${suffix}` : String(n)
}

/** "Article 6, paragraph 2 (a)", "Preamble, paragraph 3", "Annex II, paragraph 1", "Final clauses", "Title". */
export function describe(loc: Omit<Location, 'text'>): string {
  const parts: string[] = []
  // Annexes are told apart by Roman numerals, as their labels are (Annex II); articles keep arabic ones.
  if (loc.annex !== undefined) parts.push(`Annex ${loc.annex === 0 ? '0' : romanNumeral(loc.annex)}${loc.annexSuffix ? ` ${loc.annexSuffix}` : ''}`)
  if (loc.finalClauses) parts.push('Final clauses')
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
