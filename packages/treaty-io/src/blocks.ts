import type { Node as PMNode } from 'prosemirror-model'
import { labelsByPos, labelStyleOf, noTextLabel, numberTreaty, outline, preambleHeading, type Language, type Location } from '@accord/schema'
import type { Inline } from '@accord/bracket-variants'
import { collectGroups, collectOptionGroups, nodeToInlines } from '@accord/bracket-variants/prosemirror'
import { renderNegotiating } from '@accord/bracket-variants'

/**
 * A document flattened into the blocks every text format writes, in order, with derived
 * labels. The formats (text, HTML, Markdown) differ only in how they spell each block.
 */
export type Block =
  | { kind: 'title'; inlines: Inline[] }
  | { kind: 'preamble-heading'; text: string }
  | { kind: 'opening' | 'recital' | 'formula'; label?: string; inlines: Inline[]; depth: number }
  | { kind: 'part' | 'article' | 'annex'; label: string; depth: number }
  | { kind: 'heading'; of: 'part' | 'article' | 'annex'; inlines: Inline[]; depth: number }
  | { kind: 'paragraph'; label?: string; level: number; inlines: Inline[]; depth: number; final?: boolean }
  | {
      kind: 'option'
      label: string
      bracketed: boolean
      first: boolean
      empty: boolean
      noText: string
      depth: number
      /**
       * Options that fill a numbered slot ("2. [Option 1: … Option 2: …") are written as the
       * sources write them: the first paragraph of each option on the option's line, and the
       * slot's number in front of the first option only.
       */
      lead?: { label?: string; level: number; inlines: Inline[] }
    }
  | { kind: 'options-end'; bracketed: boolean; depth: number }

export interface FlattenOptions {
  /** Number as if every `bis`/`ter` unit were renumbered (the final numbering of a clean text). */
  finalNumbering?: boolean
  /** Unwrap option groups with a single, unbracketed option (clean text has no options). */
  unwrapSingleOptions?: boolean
}

/** The document with every insertion suffix removed: its numbering is the final one. */
export function withFinalNumbering(doc: PMNode): PMNode {
  let changed = false
  const strip = (node: PMNode): PMNode => {
    if (node.isText || node.isInline) return node
    const children: PMNode[] = []
    node.forEach((c) => children.push(strip(c)))
    const attrs = 'suffix' in node.attrs && node.attrs.suffix ? ((changed = true), { ...node.attrs, suffix: '' }) : node.attrs
    return node.type.create(attrs, children, node.marks)
  }
  const out = strip(doc)
  return changed ? out : doc
}

export function flatten(input: PMNode, options: FlattenOptions = {}): { blocks: Block[]; lang: Language } {
  const doc = options.finalNumbering ? withFinalNumbering(input) : input
  const style = labelStyleOf(doc)
  const labels = labelsByPos(numberTreaty(doc))
  const blocks: Block[] = []
  const inlines = (node: PMNode, pos: number) => nodeToInlines(node, pos + 1)

  const walk = (node: PMNode, pos: number, depth: number): void => {
    const name = node.type.name
    switch (name) {
      case 'doc':
      case 'treaty':
        node.forEach((c, off) => walk(c, pos + 1 + off, depth))
        return
      case 'title':
        blocks.push({ kind: 'title', inlines: inlines(node, pos) })
        return
      case 'preamble':
        blocks.push({ kind: 'preamble-heading', text: preambleHeading(style.lang) })
        node.forEach((c, off) => walk(c, pos + 1 + off, depth))
        return
      case 'preamble_opening':
        blocks.push({ kind: 'opening', inlines: inlines(node, pos), depth })
        return
      case 'recital':
        blocks.push({ kind: 'recital', label: labels.get(pos)?.label, inlines: inlines(node, pos), depth })
        return
      case 'enacting_formula':
        blocks.push({ kind: 'formula', inlines: inlines(node, pos), depth })
        return
      case 'part':
      case 'article':
      case 'annex':
        blocks.push({ kind: name, label: labels.get(pos)?.label ?? '', depth })
        node.forEach((c, off) => walk(c, pos + 1 + off, depth))
        return
      case 'part_heading':
      case 'article_heading':
      case 'annex_heading':
        blocks.push({ kind: 'heading', of: name.replace('_heading', '') as 'part' | 'article' | 'annex', inlines: inlines(node, pos), depth })
        return
      case 'paragraph':
        blocks.push({ kind: 'paragraph', label: labels.get(pos)?.label, level: node.attrs.level as number, inlines: inlines(node, pos), depth })
        return
      case 'final_clauses':
        node.forEach((c, off) => {
          const before = blocks.length
          walk(c, pos + 1 + off, depth)
          for (let i = before; i < blocks.length; i++) {
            const b = blocks[i]
            if (b.kind === 'paragraph') b.final = true
          }
        })
        return
      case 'option_group': {
        const bracketed = node.attrs.bracketed as boolean
        if (options.unwrapSingleOptions && node.childCount === 1 && !bracketed) {
          node.firstChild!.forEach((c, off) => walk(c, pos + 2 + off, depth))
          return
        }
        const slotted = isSlotted(node)
        node.forEach((option, off) => {
          const optPos = pos + 1 + off
          const lead = slotted && option.firstChild ? option.firstChild : null
          blocks.push({
            kind: 'option',
            label: labels.get(optPos)?.label ?? '',
            bracketed,
            first: off === 0,
            empty: option.childCount === 0,
            noText: noTextLabel(style.lang),
            depth: depth + 1,
            ...(lead
              ? { lead: { label: off === 0 ? labels.get(optPos + 1)?.label : undefined, level: lead.attrs.level as number, inlines: inlines(lead, optPos + 1) } }
              : {}),
          })
          option.forEach((c, cOff) => {
            if (lead && cOff === 0) return
            walk(c, optPos + 1 + cOff, depth + 1)
          })
        })
        blocks.push({ kind: 'options-end', bracketed, depth: depth + 1 })
        return
      }
      default:
        return
    }
  }
  walk(doc, -1, 0)
  return { blocks, lang: style.lang }
}

/**
 * Whether an option group fills a numbered slot: every option that has content starts with a
 * numbered paragraph, all at one level, and holds no other numbered paragraph at that level
 * (what follows is deeper). Options holding several numbered paragraphs ("Option I: 1. … 2. …")
 * are a block of their own instead.
 */
function isSlotted(group: PMNode): boolean {
  if (!group.firstChild?.firstChild) return false
  let level: number | null = null
  let ok = true
  group.forEach((option) => {
    const first = option.firstChild
    if (!first) return
    if (first.type.name !== 'paragraph' || first.attrs.numbered !== true) ok = false
    else if (level === null) level = first.attrs.level as number
    else if (level !== first.attrs.level) ok = false
    option.forEach((c, _o, i) => {
      if (i > 0 && c.type.name === 'paragraph' && c.attrs.numbered && (c.attrs.level as number) <= (first.attrs.level as number)) ok = false
      if (i > 0 && c.type.name !== 'paragraph') ok = false
    })
  })
  return ok
}

/** Something that keeps a text from being clean: an open bracket group, a placeholder or open options. */
export interface OpenItem {
  kind: 'bracket' | 'placeholder' | 'options'
  /** "Article 6, paragraph 2". */
  location: string
  /** The item in negotiating notation, e.g. "[本议定书][协议]". */
  text: string
  /** Structured location, for tools that point at it. */
  at: Location
  /** Position of the bracket, placeholder or option group node in the document (the editor selects it). */
  pos: number
}

/** Everything still open in a document, in document order (nested groups only through their outermost group). */
export function openItems(doc: PMNode): OpenItem[] {
  const items: OpenItem[] = []
  const blocks = outline(doc)
  for (const g of collectGroups(doc, blocks)) {
    if (g.depth > 1) continue
    items.push({
      kind: g.group.placeholder ? 'placeholder' : 'bracket',
      location: g.location.text,
      text: renderNegotiating([g.group]),
      at: g.location,
      pos: g.pos,
    })
  }
  for (const o of collectOptionGroups(doc, blocks)) {
    items.push({ kind: 'options', location: o.location.text, text: `${o.node.childCount} option(s)${o.node.attrs.bracketed ? ', in brackets' : ''}`, at: o.location, pos: o.pos })
  }
  return items.sort((a, b) => a.pos - b.pos)
}
