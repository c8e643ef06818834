import type { Node as PMNode } from 'prosemirror-model'
import { labelStyleOf, outline } from '@accord/schema'
import { countDocumentVariants, treatyBracketStats } from '@accord/bracket-variants/prosemirror'
import { documentTitle } from './title'

/** The figures a secretariat asks of a draft (what `accord stats` prints). */
export interface TreatyStats {
  title: string
  lang: string
  articles: number
  /** Numbered paragraphs (level 0) per article, in order; an option group counts as one. */
  paragraphsPerArticle: number[]
  /** Opening lines and recitals. */
  preambleParagraphs: number
  /** Open bracket groups, nested ones included. */
  brackets: number
  alternatives: number
  placeholders: number
  maxDepth: number
  openPerArticle: { label: string; openGroups: number }[]
  linkedSets: { alternatives: string[]; count: number }[]
  nearDuplicates: { alternatives: string[]; count: number; likely: string[]; reason: string; suggestion: string[] }[]
  /** Drafting notes. */
  notes: number
  optionGroups: number
  /** Number of distinct texts the brackets allow, as a decimal string (it outgrows any number). */
  variants: string
}

export function treatyStats(doc: PMNode): TreatyStats {
  let articles = 0
  const paragraphsPerArticle: number[] = []
  let preambleParagraphs = 0
  let notes = 0
  let optionGroups = 0
  doc.descendants((node) => {
    switch (node.type.name) {
      case 'article': {
        articles++
        let n = 0
        node.forEach((c) => {
          if ((c.type.name === 'paragraph' && c.attrs.level === 0) || c.type.name === 'option_group') n++
        })
        paragraphsPerArticle.push(n)
        return true
      }
      case 'preamble_opening':
      case 'recital':
        preambleParagraphs++
        return true
      case 'note':
        notes++
        return false
      case 'option_group':
        optionGroups++
        return true
      default:
        return true
    }
  })
  const blocks = outline(doc)
  const b = treatyBracketStats(doc, blocks)
  return {
    title: documentTitle(doc),
    lang: labelStyleOf(doc).lang,
    articles,
    paragraphsPerArticle,
    preambleParagraphs,
    brackets: b.openGroups,
    alternatives: b.alternatives,
    placeholders: b.placeholders,
    maxDepth: b.maxDepth,
    openPerArticle: b.perArticle,
    linkedSets: b.linkedSets.map((s) => ({ alternatives: s.alternatives, count: s.count })),
    nearDuplicates: b.nearDuplicates.map((n) => ({ alternatives: n.alternatives, count: n.count, likely: n.likelyAlternatives, reason: n.reason, suggestion: n.suggestion })),
    notes,
    optionGroups,
    variants: countDocumentVariants(doc, blocks).toString(),
  }
}
