import type { Node as PMNode } from 'prosemirror-model'
import { Fragment } from 'prosemirror-model'
import { outline } from '@accord/schema'
import { countVariants, findLinkedSets, findNearDuplicates, type Inline, type LinkedSet, type NearDuplicate } from '../core/index'
import { collectGroups } from './groups'
import { nodeToInlines } from './convert'

export interface TreatyBracketStats {
  /** Open bracket groups, nested ones included; placeholders are counted apart. */
  openGroups: number
  alternatives: number
  placeholders: number
  maxDepth: number
  /** Open groups per article, in article order ("Article 1" …), plus "Preamble", "Title" and others where they have any. */
  perArticle: { label: string; openGroups: number }[]
  linkedSets: LinkedSet[]
  nearDuplicates: NearDuplicate[]
}

/** Bracket statistics of a whole document. */
export function treatyBracketStats(doc: PMNode): TreatyBracketStats {
  const groups = collectGroups(doc)
  const open = groups.filter((g) => !g.group.placeholder)
  const per = new Map<string, number>()
  for (const b of outline(doc)) {
    const label = unitLabel(b.location)
    if (!per.has(label)) per.set(label, 0)
  }
  for (const g of open) {
    const label = unitLabel(g.location)
    per.set(label, (per.get(label) ?? 0) + 1)
  }
  const sets = findLinkedSets(open.map((g) => ({ id: g.id, group: g.group })))
  return {
    openGroups: open.length,
    alternatives: open.reduce((n, g) => n + g.group.alternatives.length, 0),
    placeholders: groups.length - open.length,
    maxDepth: groups.reduce((m, g) => Math.max(m, g.depth), 0),
    perArticle: [...per].filter(([label, n]) => label.startsWith('Article') || n > 0).map(([label, openGroups]) => ({ label, openGroups })),
    linkedSets: sets.filter((s) => s.count >= 2),
    nearDuplicates: findNearDuplicates(sets),
  }
}

function unitLabel(loc: { article?: number; articleSuffix?: string; annex?: number; preamble?: number; block: string }): string {
  if (loc.annex !== undefined) return `Annex ${loc.annex}${loc.article !== undefined ? `, Article ${loc.article}${loc.articleSuffix ? ' ' + loc.articleSuffix : ''}` : ''}`
  if (loc.article !== undefined) return `Article ${loc.article}${loc.articleSuffix ? ' ' + loc.articleSuffix : ''}`
  if (loc.preamble !== undefined || loc.block === 'enacting_formula') return 'Preamble'
  if (loc.block === 'title') return 'Title'
  return 'Other'
}

/** All inline content of a document as one plain sequence (blocks separated by newlines). */
export function documentInlines(doc: PMNode): Inline[] {
  const out: Inline[] = []
  for (const b of outline(doc)) {
    if (out.length) out.push({ type: 'text', text: '\n' })
    out.push(...nodeToInlines(b.node, b.pos + 1))
  }
  return out
}

/** How many distinct texts the document's brackets allow (a product over its groups). */
export function countDocumentVariants(doc: PMNode): bigint {
  return countVariants(documentInlines(doc))
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
        if (choice === undefined || (choice !== null && choice >= child.childCount)) {
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
