import { XMLParser, XMLValidator } from 'fast-xml-parser'
import type { Node as PMNode, NodeType } from 'prosemirror-model'
import { treatySchema } from '@accord/schema'
import { ACCORD_NS } from './akn'

type XNode = Record<string, unknown> & { ':@'?: Record<string, string> }

/** Why an Akoma Ntoso file could not be read, for a person. */
export class AknImportError extends Error {
  override name = 'AknImportError'
}

const TEXT_BLOCKS = new Set(['title', 'preamble_opening', 'recital', 'enacting_formula', 'paragraph', 'part_heading', 'article_heading', 'annex_heading'])

/**
 * Reads an Akoma Ntoso 3.0 `act` back into a treaty document. Files written by
 * `exportAkomaNtoso` carry `accord:*` attributes and come back exactly (negotiating mode
 * keeps every bracket, alternative and note). Other acts are read by element name:
 * `longTitle` → title, `recital`, `formula`, `article`/`heading`, `paragraph`/`point` by depth.
 */
export function importAkomaNtoso(xml: string): PMNode {
  const parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    trimValues: false,
    parseTagValue: false,
    parseAttributeValue: false,
    processEntities: true,
    htmlEntities: false,
  })
  const valid = XMLValidator.validate(xml)
  if (valid !== true) throw new AknImportError(`The file is not well-formed XML: ${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col}).`)
  let tree: XNode[]
  try {
    tree = parser.parse(xml) as XNode[]
  } catch (e) {
    throw new AknImportError(`The file is not well-formed XML: ${(e as Error).message}`)
  }
  const root = tree.find((n) => tagOf(n) === 'akomaNtoso')
  const act = root && kids(root).find((n) => tagOf(n) === 'act')
  if (!act) throw new AknImportError('No <akomaNtoso><act> element: this is not an Akoma Ntoso act.')
  const prefix = accordPrefix(root!)
  const reader = new Reader(prefix)
  // The treaty's attributes ride on <body> (<act> takes no foreign attributes).
  const body = kids(act).find((n) => localName(tagOf(n) ?? '') === 'body') ?? act
  const treaty = reader.node(treatySchema.nodes.treaty, body, reader.blocks(kids(act), 0))
  return treatySchema.nodes.doc.create(null, treaty)
}

function tagOf(n: XNode): string | null {
  for (const k of Object.keys(n)) if (k !== ':@') return k
  return null
}
function kids(n: XNode): XNode[] {
  const t = tagOf(n)
  return t && Array.isArray(n[t]) ? (n[t] as XNode[]) : []
}
function attr(n: XNode, name: string): string | undefined {
  return n[':@']?.[name]
}
function localName(tag: string): string {
  const i = tag.indexOf(':')
  return i < 0 ? tag : tag.slice(i + 1)
}

/** The prefix the file binds to Accord's namespace ('accord' when we wrote it). */
function accordPrefix(root: XNode): string | null {
  for (const [k, v] of Object.entries(root[':@'] ?? {})) if (k.startsWith('xmlns:') && v === ACCORD_NS) return k.slice(6)
  return null
}

class Reader {
  constructor(private readonly prefix: string | null) {}

  private accord(n: XNode, name: string): string | undefined {
    return this.prefix ? attr(n, `${this.prefix}:${name}`) : undefined
  }

  /** Attributes from `accord:*`, typed by the schema's defaults. */
  attrs(type: NodeType, n: XNode): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    for (const [name, spec] of Object.entries(type.spec.attrs ?? {})) {
      const raw = this.accord(n, name)
      if (raw === undefined) continue
      const d = spec.default
      out[name] = typeof d === 'string' ? raw : JSON.parse(raw)
    }
    return out
  }

  node(type: NodeType, n: XNode, content: PMNode[]): PMNode {
    try {
      return type.create(this.attrs(type, n), content)
    } catch (e) {
      throw new AknImportError(`<${tagOf(n)}${attr(n, 'eId') ? ` eId="${attr(n, 'eId')}"` : ''}> cannot become a ${type.name}: ${(e as Error).message}`)
    }
  }

  /** Which treaty node an element stands for, or null when it is a wrapper to look through. */
  private typeOf(n: XNode, depth: number): NodeType | null {
    const named = this.accord(n, 'node')
    if (named) {
      const t = treatySchema.nodes[named]
      if (!t) throw new AknImportError(`Unknown node type accord:node="${named}".`)
      return t
    }
    if (this.prefix) return null
    const tag = localName(tagOf(n) ?? '')
    switch (tag) {
      case 'preamble':
        return treatySchema.nodes.preamble
      case 'formula':
        return treatySchema.nodes.enacting_formula
      case 'article':
        return treatySchema.nodes.article
      case 'part':
        return treatySchema.nodes.part
      default:
        return null
    }
  }

  /** Block children, in order; wrappers (body, recitals, content, intro, point, …) are looked through. */
  blocks(list: XNode[], depth: number): PMNode[] {
    const out: PMNode[] = []
    for (const n of list) {
      const tag = tagOf(n)
      if (!tag || tag === '#text' || tag === '?xml') continue
      const local = localName(tag)
      if (local === 'meta' || local === 'num') continue
      const type = this.typeOf(n, depth)
      if (type && TEXT_BLOCKS.has(type.name)) out.push(this.node(type, n, this.inlines(kids(n))))
      else if (type) out.push(this.node(type, n, this.blocks(kids(n), depth + 1)))
      else if (!this.prefix) out.push(...this.plain(n, local, depth))
      else out.push(...this.blocks(kids(n), depth))
    }
    return out
  }

  /** Reading an act that Accord did not write: by element name. */
  private plain(n: XNode, local: string, depth: number): PMNode[] {
    const s = treatySchema.nodes
    const firstP = () => kids(n).filter((k) => tagOf(k) === 'p')
    switch (local) {
      case 'longTitle':
        return [s.title.create(null, this.inlines(kids(firstP()[0] ?? n)))]
      case 'recital':
        return [s.recital.create(null, this.inlines(kids(firstP()[0] ?? n)))]
      case 'heading':
        return [s.article_heading.create(null, this.inlines(kids(n)))]
      case 'paragraph':
      case 'point':
        return this.numbered(n, 0)
      case 'p':
        return depth <= 1 ? [s.preamble_opening.create(null, this.inlines(kids(n)))] : []
      default:
        return this.blocks(kids(n), depth)
    }
  }

  /** A paragraph or point of a foreign act, its points one level deeper. */
  private numbered(n: XNode, level: number): PMNode[] {
    const s = treatySchema.nodes
    const local = (k: XNode) => localName(tagOf(k) ?? '')
    const text = kids(n).find((k) => local(k) === 'content' || local(k) === 'intro')
    const p = text && kids(text).find((k) => local(k) === 'p')
    const out = [s.paragraph.create({ level, numbered: kids(n).some((k) => local(k) === 'num') }, p ? this.inlines(kids(p)) : [])]
    for (const k of kids(n)) {
      const name = local(k)
      if (name === 'point' || name === 'paragraph' || name === 'subparagraph') out.push(...this.numbered(k, Math.min(level + 1, 3)))
      else if (name === 'list') {
        for (const item of kids(k)) if (local(item) === 'point') out.push(...this.numbered(item, Math.min(level + 1, 3)))
      } else if (name === 'wrapUp') {
        const w = kids(k).find((x) => local(x) === 'p')
        if (w) out.push(s.paragraph.create({ level, numbered: false }, this.inlines(kids(w))))
      }
    }
    return out
  }

  /** Inline content: text, brackets with their alternatives, placeholders, notes. */
  inlines(list: XNode[]): PMNode[] {
    const s = treatySchema.nodes
    const out: PMNode[] = []
    for (const n of list) {
      const tag = tagOf(n)
      if (!tag) continue
      if (tag === '#text') {
        const text = String(n['#text'] ?? '')
        if (text) out.push(treatySchema.text(text))
        continue
      }
      const local = localName(tag)
      const name = local === 'inline' ? attr(n, 'name') : local
      switch (name) {
        case 'bracket':
          out.push(this.node(s.bracket, n, kids(n).filter((k) => localName(tagOf(k) ?? '') === 'inline').map((a) => this.node(s.alternative, a, this.inlines(kids(a))))))
          break
        case 'placeholder':
          out.push(this.node(s.placeholder, n, textOf(kids(n))))
          break
        case 'authorialNote':
          out.push(this.node(s.note, n, textOf(kids(n))))
          break
        case 'num':
          break
        default:
          // Any other inline markup (b, i, span, ref, …): keep its text.
          out.push(...this.inlines(kids(n)))
      }
    }
    return mergeText(out)
  }
}

function textOf(list: XNode[]): PMNode[] {
  let s = ''
  const walk = (l: XNode[]) => {
    for (const n of l) {
      if (tagOf(n) === '#text') s += String(n['#text'] ?? '')
      else walk(kids(n))
    }
  }
  walk(list)
  return s ? [treatySchema.text(s)] : []
}

function mergeText(nodes: PMNode[]): PMNode[] {
  const out: PMNode[] = []
  for (const n of nodes) {
    const last = out[out.length - 1]
    if (n.isText && last?.isText) out[out.length - 1] = treatySchema.text(last.text! + n.text!)
    else out.push(n)
  }
  return out
}
