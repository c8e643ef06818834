import type { Node as PMNode } from 'prosemirror-model'
import { Fragment } from 'prosemirror-model'
import { numberTreaty, outline, romanNumeral, type Location, type OutlineBlock, type Suffix } from '@accord/schema'
import { countVariants, findLinkedSets, findNearDuplicates, type Inline, type LinkedSet, type NearDuplicate } from '../core/index'
import { collectGroups, type GroupOccurrence } from './groups'
import { nodeToInlines } from './convert'

export interface TreatyBracketStats {
  /** Open bracket groups, nested ones included; placeholders are counted apart. */
  openGroups: number
  /** Alternatives summed over the open groups. */
  alternatives: number
  placeholders: number
  /** Deepest nesting of open groups: 0 without any, 1 when none is inside another. A placeholder is not a level. */
  maxDepth: number
  /**
   * Open groups per article, in article order ("Article 1" …), plus "Title", "Preamble", "Final clauses",
   * annexes ("Annex I", "Annex I, Article 1") and "Other" where they have any.
   */
  perArticle: { label: string; openGroups: number }[]
  linkedSets: LinkedSet[]
  nearDuplicates: NearDuplicate[]
}

/** Bracket statistics of a whole document. */
export function treatyBracketStats(doc: PMNode, blocks: readonly OutlineBlock[] = outline(doc), groups: readonly GroupOccurrence[] = collectGroups(doc, blocks)): TreatyBracketStats {
  const open = groups.filter((g) => !g.group.placeholder)
  const per = new Map<string, number>()
  // Every article is listed, also one without text yet (which has no outline block), in document order.
  const seeds = [...blocks.map((b) => ({ pos: b.pos, label: unitLabel(b.location) })), ...articleSeeds(doc)].sort((a, b) => a.pos - b.pos)
  for (const { label } of seeds) if (!per.has(label)) per.set(label, 0)
  for (const g of open) {
    const label = unitLabel(g.location)
    per.set(label, (per.get(label) ?? 0) + 1)
  }
  const sets = findLinkedSets(open.map((g) => ({ id: g.id, group: g.group })))
  return {
    openGroups: open.length,
    alternatives: open.reduce((n, g) => n + g.group.alternatives.length, 0),
    placeholders: groups.length - open.length,
    maxDepth: open.reduce((m, g) => Math.max(m, g.depth), 0),
    perArticle: [...per].filter(([label, n]) => label.startsWith('Article') || n > 0).map(([label, openGroups]) => ({ label, openGroups })),
    linkedSets: sets.filter((s) => s.count >= 2),
    nearDuplicates: findNearDuplicates(sets),
  }
}

function articleSeeds(doc: PMNode): { pos: number; label: string }[] {
  const out: { pos: number; label: string }[] = []
  let annex: { end: number; number: number; suffix: Suffix } | undefined
  for (const unit of numberTreaty(doc)) {
    if (unit.kind === 'annex') annex = { end: unit.pos + unit.node.nodeSize, number: unit.number, suffix: unit.suffix }
    if (unit.kind !== 'article') continue
    const inAnnex = annex && unit.pos < annex.end ? annex : undefined
    const loc: Location = { block: 'article', text: '', article: unit.number, articleSuffix: unit.suffix }
    if (inAnnex) {
      loc.annex = inAnnex.number
      loc.annexSuffix = inAnnex.suffix
    }
    out.push({ pos: unit.pos, label: unitLabel(loc) })
  }
  return out
}

/**
 * The article, annex or part of the treaty a location is in ("Annex I, Article 2", "Preamble"),
 * in the words of `describe` (outline.ts), so that a unit reads the same everywhere.
 */
export function unitLabel(loc: Location): string {
  const article = loc.article !== undefined ? `Article ${loc.article}${loc.articleSuffix ? ' ' + loc.articleSuffix : ''}` : undefined
  if (loc.annex !== undefined) {
    const annex = `Annex ${loc.annex === 0 ? '0' : romanNumeral(loc.annex)}${loc.annexSuffix ? ' ' + loc.annexSuffix : ''}`
    return article ? `${annex}, ${article}` : annex
  }
  if (article) return article
  if (loc.preamble !== undefined || loc.block === 'enacting_formula') return 'Preamble'
  if (loc.block === 'title') return 'Title'
  if (loc.finalClauses) return 'Final clauses'
  return 'Other'
}

/** All inline content of a document as one plain sequence (blocks separated by newlines). */
export function documentInlines(doc: PMNode, blocks: readonly OutlineBlock[] = outline(doc)): Inline[] {
  const out: Inline[] = []
  for (const b of blocks) {
    if (out.length) out.push({ type: 'text', text: '\n' })
    out.push(...nodeToInlines(b.node, b.pos + 1))
  }
  return out
}

/** How many distinct texts the document's brackets allow (a product over its groups). */
export function countDocumentVariants(doc: PMNode, blocks: readonly OutlineBlock[] = outline(doc)): bigint {
  return countVariants(documentInlines(doc, blocks))
}

/**
 * One variant of the document, without changing it: `choose(pos)` gives, for the bracket at
 * `pos` (in the original document), the alternative to keep, null to drop it, or undefined to
 * leave it open. Returns a new document.
 */
export function variantDocument(doc: PMNode, choose: (pos: number, bracket: PMNode) => number | null | undefined): PMNode {
  const rebuild = (node: PMNode, contentStart: number): Fragment => {
    const children: PMNode[] = []
    node.forEach((child, offset) => {
      const pos = contentStart + offset
      if (child.type.name === 'bracket') {
        const choice = choose(pos, child)
        if (choice === undefined || (choice !== null && !(Number.isInteger(choice) && choice >= 0 && choice < child.childCount))) {
          children.push(child.copy(rebuild(child, pos + 1)))
        } else if (choice !== null) {
          const alt = child.child(choice)
          let altStart = pos + 1
          for (let i = 0; i < choice; i++) altStart += child.child(i).nodeSize
          rebuild(alt, altStart + 1).forEach((n) => children.push(n))
        }
      } else if (child.isText || child.isLeaf) children.push(child)
      else children.push(child.copy(rebuild(child, pos + 1)))
    })
    return Fragment.from(children)
  }
  return doc.copy(rebuild(doc, 0))
}
