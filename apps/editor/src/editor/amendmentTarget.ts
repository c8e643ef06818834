import { outline, type OutlineBlock } from '@accord/schema'
import type { Node as PMNode } from 'prosemirror-model'
import type { TargetSpec } from '../api'

/*
 * What a delegation's selection amends, in the words the server's API takes (docs/API.md,
 * "Amendments"): `{article, paragraph, quote}` or `{preamble, quote}`, numbers as the treaty
 * numbers them (the schema's outline), the quote as the server quotes text: brackets in
 * notation (`本[议定书][协议]`), placeholders as `[…]`/`{…}`, a drafting note as its text.
 */

const SEPARATOR_TEXT: Record<string, string> = { none: '', space: ' ', or: ' [or] ', slash: ' / ' }

/** A textblock's content as the server renders a quote, with the document position each character comes from. */
export interface RenderedText {
  text: string
  /** For each character, the position of what it renders (the text character, or the bracket / placeholder / note it belongs to). */
  pos: number[]
}

/** Renders the inline content of `node` (its content starting at `contentStart`) in negotiating notation. */
export function renderInline(node: PMNode, contentStart: number): RenderedText {
  const out: RenderedText = { text: '', pos: [] }
  const push = (s: string, at: number) => {
    for (let k = 0; k < s.length; k++) {
      out.text += s[k]
      out.pos.push(at)
    }
  }
  const walk = (parent: PMNode, start: number) => {
    parent.forEach((child, offset) => {
      const at = start + offset
      if (child.isText) {
        const t = child.text!
        for (let k = 0; k < t.length; k++) push(t[k], at + k)
      } else if (child.type.name === 'bracket') {
        const sep = SEPARATOR_TEXT[child.attrs.separator as string] ?? ''
        child.forEach((alt, altOffset, i) => {
          if (i > 0) push(sep, at)
          push('[', at)
          walk(alt, at + 1 + altOffset + 1)
          push(']', at + child.nodeSize - 1)
        })
      } else if (child.type.name === 'placeholder') {
        const [open, close] = child.attrs.curly ? ['{', '}'] : ['[', ']']
        push(open, at)
        walk(child, at + 1)
        push(close, at + child.nodeSize - 1)
      } else {
        walk(child, at + 1)
      }
    })
  }
  walk(node, contentStart)
  return out
}

/** The text between `from` and `to` (both in one node with inline content) as a quote. */
export function quoteBetween(doc: PMNode, from: number, to: number): string {
  const $from = doc.resolve(from)
  const parent = $from.parent
  const r = renderInline(parent, $from.start())
  let text = ''
  for (let i = 0; i < r.text.length; i++) if (r.pos[i] >= from && r.pos[i] < to) text += r.text[i]
  return text
}

/** Where a block is, as a target: `{preamble}`, `{article, paragraph}`, `{article}`; null where amendments cannot go (title, annexes, final clauses). */
export function placeOf(block: OutlineBlock): Pick<TargetSpec, 'article' | 'paragraph' | 'preamble'> | null {
  const l = block.location
  if (l.annex !== undefined || l.finalClauses) return null
  if (l.preamble !== undefined) return { preamble: l.preamble }
  if (l.article === undefined) return null
  if (l.paragraph !== undefined && l.block !== 'article_heading') return { article: l.article, paragraph: l.paragraph }
  return { article: l.article }
}

function samePlace(a: Pick<TargetSpec, 'article' | 'paragraph' | 'preamble'>, b: Pick<TargetSpec, 'article' | 'paragraph' | 'preamble'>): boolean {
  return a.article === b.article && a.paragraph === b.paragraph && a.preamble === b.preamble
}

/** "Article 4, paragraph 1" / "Preamble, paragraph 3" / "Article 4", as the server writes it. */
export function describePlace(p: Pick<TargetSpec, 'article' | 'paragraph' | 'preamble'>): string {
  if (p.preamble !== undefined) return `Preamble, paragraph ${p.preamble}`
  if (p.paragraph !== undefined) return `Article ${p.article}, paragraph ${p.paragraph}`
  return `Article ${p.article}`
}

export type SelectionProblem =
  /** Nothing selected. */
  | 'empty'
  /** The selection starts and ends in different paragraphs. */
  | 'acrossParagraphs'
  /** It starts inside a bracket (or note, placeholder) and ends outside it, or the reverse. */
  | 'acrossBracket'
  /** It is inside a drafting note or a placeholder: not treaty text. */
  | 'notTreatyText'
  /** Title, annex, final clauses: not a place the API takes. */
  | 'unsupportedPlace'

export type SelectionTarget =
  | { ok: true; target: TargetSpec; location: string; quote: string }
  | { ok: false; problem: SelectionProblem; location?: string }

/** The outline block (textblock) holding `pos`. */
function blockAt(blocks: readonly OutlineBlock[], pos: number): OutlineBlock | undefined {
  let found: OutlineBlock | undefined
  for (const b of blocks) {
    if (b.pos > pos) break
    if (pos < b.pos + b.node.nodeSize) found = b
  }
  return found
}

/**
 * The target of a selection from `from` to `to`: the quote must lie inside one paragraph, and
 * either take in a bracket whole or stay inside one of its alternatives (as the server finds
 * quotes). When the quote occurs more than once in the paragraph, `occurrence` says which.
 */
export function targetFromSelection(doc: PMNode, from: number, to: number, blocks: readonly OutlineBlock[] = outline(doc)): SelectionTarget {
  if (from > to) [from, to] = [to, from]
  if (from === to) return { ok: false, problem: 'empty' }
  const $from = doc.resolve(from)
  const $to = doc.resolve(to)
  const blockFrom = blockAt(blocks, from)
  const blockTo = blockAt(blocks, to)
  if (!blockFrom || blockFrom !== blockTo) return { ok: false, problem: 'acrossParagraphs' }
  const place = placeOf(blockFrom)
  if (!place) return { ok: false, problem: 'unsupportedPlace', location: blockFrom.location.text }
  if (!$from.sameParent($to) || !$from.parent.inlineContent) return { ok: false, problem: 'acrossBracket', location: blockFrom.location.text }
  for (let d = $from.depth; d > 0; d--) {
    const name = $from.node(d).type.name
    if (name === 'note' || name === 'placeholder') return { ok: false, problem: 'notTreatyText', location: blockFrom.location.text }
  }
  const quote = quoteBetween(doc, from, to)
  if (!quote.trim()) return { ok: false, problem: 'empty' }
  const target: TargetSpec = { ...place, quote }
  const occurrence = occurrenceOf(blocks, place, quote, from)
  if (occurrence.total > 1) target.occurrence = occurrence.index
  return { ok: true, target, location: describePlace(place), quote }
}

/** Which occurrence (1-based) of `quote` in the blocks of `place` starts at `from`, and how many there are. */
export function occurrenceOf(blocks: readonly OutlineBlock[], place: Pick<TargetSpec, 'article' | 'paragraph' | 'preamble'>, quote: string, from: number): { index: number; total: number } {
  let total = 0
  let before = 0
  for (const b of blocks) {
    const p = placeOf(b)
    if (!p || !placeMatches(place, p)) continue
    const r = renderInline(b.node, b.pos + 1)
    for (let i = r.text.indexOf(quote); i >= 0; i = r.text.indexOf(quote, i + 1)) {
      total++
      if (r.pos[i] < from) before++
    }
  }
  return { index: before + 1, total }
}

/** Whether a block at `p` belongs to the target `place` (a target without paragraph takes the whole article). */
function placeMatches(place: Pick<TargetSpec, 'article' | 'paragraph' | 'preamble'>, p: Pick<TargetSpec, 'article' | 'paragraph' | 'preamble'>): boolean {
  if (place.preamble !== undefined) return p.preamble === place.preamble
  if (place.paragraph === undefined) return p.article === place.article
  return samePlace(place, p)
}

/**
 * The target of a structural proposal (a new paragraph after this one, a new article after
 * this one, deleting this paragraph or article) from the block at `pos`.
 */
export function structuralTarget(
  doc: PMNode,
  pos: number,
  kind: 'addParagraph' | 'addArticle' | 'deleteParagraph' | 'deleteArticle',
  blocks: readonly OutlineBlock[] = outline(doc),
): { ok: true; target: TargetSpec; location: string } | { ok: false; problem: 'unsupportedPlace' | 'noParagraph'; location?: string } {
  const block = blockAt(blocks, pos)
  const place = block ? placeOf(block) : null
  if (!block || !place) return { ok: false, problem: 'unsupportedPlace', location: block?.location.text }
  if (kind === 'addArticle' || kind === 'deleteArticle') {
    if (place.article === undefined) return { ok: false, problem: 'unsupportedPlace', location: block.location.text }
    const target = { article: place.article }
    return { ok: true, target, location: describePlace(target) }
  }
  if (kind === 'deleteParagraph' && place.preamble === undefined && place.paragraph === undefined) return { ok: false, problem: 'noParagraph', location: block.location.text }
  return { ok: true, target: place, location: describePlace(place) }
}
