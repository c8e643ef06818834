import { alternativeText, renderNegotiating, type Inline } from '@accord/bracket-variants'
import { collectGroups } from '@accord/bracket-variants/prosemirror'
import { describe, outline, type Location, type OutlineBlock } from '@accord/schema'
import { flatten } from '@accord/treaty-io'
import type { Node as PMNode } from 'prosemirror-model'
import { words } from './words'

/** What a compared unit is: the title, the preamble, an article, … */
export type UnitKind = 'title' | 'preamble' | 'part' | 'article' | 'annex' | 'final-clauses' | 'body'

/** What a compared block (one line of the negotiating text) is. */
export type BlockKind = 'title' | 'opening' | 'recital' | 'formula' | 'heading' | 'paragraph' | 'option'

/** A bracket group as the comparison counts it. */
export interface GroupRef {
  /** Where it is: "Article 6, paragraph 2". */
  location: string
  /** Its alternatives' texts, normalised as the linked sets compare them. */
  alternatives: string[]
  /** `groupKey`: the alternatives in negotiating notation, `[议定书][协议]`. */
  key: string
}

/** One block of a document, as compared: its negotiating text without its derived label. */
export interface TextBlock {
  kind: BlockKind
  /** The derived label ("1.", "(a)", "Pp3", "Option 1"), or null. Never compared: renumbering is not a change. */
  label: string | null
  location: string
  text: string
  tokens: string[]
  groups: GroupRef[]
}

/** An article (or the title, the preamble, …) with its blocks. */
export interface Unit {
  kind: UnitKind
  /** The document's own label ("第四条", "Article 4 bis"), or the preamble's heading; null for the title, the body and the final clauses. */
  label: string | null
  /** In English, as outline() says it: "Article 4", "Preamble", "Annex II", "Title". */
  location: string
  blocks: TextBlock[]
  /** Every block's text, the key of an unchanged unit. */
  key: string
  tokens: string[]
}

const TEXTBLOCK_OF: Record<BlockKind, readonly string[]> = {
  title: ['title'],
  opening: ['preamble_opening'],
  recital: ['recital'],
  formula: ['enacting_formula'],
  heading: ['part_heading', 'article_heading', 'annex_heading'],
  paragraph: ['paragraph'],
  option: ['paragraph'],
}

/**
 * The document as a sequence of units, each a sequence of blocks in negotiating notation
 * (brackets as `[A][B]`, drafting notes kept), from treaty-io's flatten (the blocks the text
 * export writes) paired with outline()'s locations: both list the textblocks in document order.
 */
export function unitsOf(doc: PMNode): { units: Unit[]; lang: string } {
  const { blocks, lang } = flatten(doc)
  const textblocks = outline(doc)
  let next = 0
  const take = (kind: BlockKind): OutlineBlock => {
    const block = textblocks[next++]
    if (!block || !TEXTBLOCK_OF[kind].includes(block.node.type.name)) {
      throw new Error(`internal: the flattened blocks and the outline disagree at textblock ${next} (expected ${kind}, found ${block?.node.type.name ?? 'nothing'})`)
    }
    return block
  }
  const units: Unit[] = []
  let unit: Unit | null = null
  const start = (kind: UnitKind, label: string | null, location: string): Unit => {
    unit = { kind, label, location, blocks: [], key: '', tokens: [] }
    units.push(unit)
    return unit
  }
  const add = (kind: BlockKind, label: string | null, inlines: Inline[] | null, source: OutlineBlock | null, fallback: string) => {
    const loc = source?.location
    let current: Unit = unit ?? start('body', null, 'Body')
    if (loc && kind !== 'heading' && kind !== 'title') current = unitFor(current, loc, start)
    const text = inlines ? renderNegotiating(inlines, { canonical: true }) : fallback
    if (current.blocks.length === 0 && loc) current.location = unitLocation(current, loc)
    current.blocks.push({ kind, label, location: loc?.text ?? `${current.location}, ${label ?? kind}`, text, tokens: words(text, lang), groups: source ? groupsOf(doc, source) : [] })
  }
  for (const b of blocks) {
    switch (b.kind) {
      case 'title':
        start('title', null, 'Title')
        add('title', null, b.inlines, take('title'), '')
        break
      case 'preamble-heading':
        start('preamble', b.text, 'Preamble')
        break
      case 'opening':
      case 'formula':
      case 'recital':
        add(b.kind, b.kind === 'recital' ? (b.label ?? null) : null, b.inlines, take(b.kind), '')
        break
      case 'part':
      case 'article':
      case 'annex':
        start(b.kind, b.label, b.label)
        break
      case 'heading':
        add('heading', null, b.inlines, take('heading'), '')
        break
      case 'paragraph':
        add('paragraph', b.label ?? null, b.inlines, take('paragraph'), '')
        break
      case 'option':
        if (b.lead) add('option', b.label, b.lead.inlines, take('option'), '')
        else add('option', b.label, null, null, b.empty ? b.noText : '')
        break
      case 'options-end':
        break
    }
  }
  if (next !== textblocks.length) throw new Error(`internal: ${textblocks.length - next} textblock(s) of the outline were not flattened`)
  for (const u of units) {
    u.key = `${u.kind}\u0000${u.blocks.map((b) => `${b.kind}\u0001${b.text}`).join('\u0000')}`
    u.tokens = u.blocks.flatMap((b) => b.tokens)
  }
  return { units, lang }
}

/** The unit a block at `loc` belongs to: the current one, or a new one for the final clauses or a paragraph outside any article. */
function unitFor(current: Unit, loc: Location, start: (kind: UnitKind, label: string | null, location: string) => Unit): Unit {
  if (loc.finalClauses && loc.article === undefined && loc.annex === undefined) {
    return current.kind === 'final-clauses' ? current : start('final-clauses', null, 'Final clauses')
  }
  const outside = loc.article === undefined && loc.annex === undefined && loc.preamble === undefined && loc.block !== 'enacting_formula'
  if (outside && (current.kind === 'title' || current.kind === 'preamble' || current.kind === 'article' || current.kind === 'final-clauses')) {
    return start('body', null, 'Body')
  }
  return current
}

function unitLocation(unit: Unit, loc: Location): string {
  if (unit.kind === 'article' && loc.article !== undefined) return describe({ article: loc.article, articleSuffix: loc.articleSuffix, annex: loc.annex, annexSuffix: loc.annexSuffix, block: 'article' })
  if (unit.kind === 'annex' && loc.annex !== undefined) return describe({ annex: loc.annex, annexSuffix: loc.annexSuffix, block: 'annex' })
  return unit.location
}

function groupsOf(doc: PMNode, block: OutlineBlock): GroupRef[] {
  return collectGroups(doc, [block])
    .filter((g) => !g.group.placeholder)
    .map((g) => ({ location: g.location.text, alternatives: g.group.alternatives.map(alternativeText), key: g.key }))
}
