import type { Node as PMNode } from 'prosemirror-model'
import { labelsByPos, numberTreaty } from '@accord/schema'
import { documentTitle, openItems, withFinalNumbering, type ExportMode, type OpenItem } from '@accord/treaty-io'

export const AKN_NS = 'http://docs.oasis-open.org/legaldocml/ns/akn/3.0'
/**
 * Accord's own attributes on AKN elements (foreign-namespace attributes are allowed on every
 * AKN element). They carry what AKN has no word for — the node type and its non-default
 * attributes, a bracket's separator, sponsors — so the import rebuilds the same document.
 */
export const ACCORD_NS = 'https://accord.un/ns/treaty/1.0'

export type AknResult = { ok: true; content: string; contentType: string; extension: string } | { ok: false; open: OpenItem[] }

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

/** `accord:*` attributes for a node's type and every attribute that differs from its default. */
function accordAttrs(node: PMNode): string {
  let out = ` accord:node="${node.type.name}"`
  const specs = node.type.spec.attrs ?? {}
  for (const [name, spec] of Object.entries(specs)) {
    const value = node.attrs[name]
    if (JSON.stringify(value) === JSON.stringify(spec.default)) continue
    out += ` accord:${name}="${esc(typeof value === 'string' ? value : JSON.stringify(value))}"`
  }
  return out
}

interface Ctx {
  mode: ExportMode
  labels: Map<number, { label: string }>
  notes: number
  /** Article counters per scope: articles are numbered through the act (parts do not restart them). */
  articles: Map<string, Counter>
}

/**
 * Writes an Akoma Ntoso 3.0 `act`. Clean mode refuses while anything is open (like the text
 * formats), drops drafting notes and numbers finally. Negotiating mode writes each bracket
 * group as `<inline name="bracket">` whose alternatives are `<inline name="alternative">`,
 * every one after the first carrying `alternativeTo` the first one's eId.
 */
export function exportAkomaNtoso(input: PMNode, opts: { mode: ExportMode; date?: string }): AknResult {
  if (opts.mode === 'clean') {
    const open = openItems(input)
    if (open.length) return { ok: false, open }
  }
  const doc = opts.mode === 'clean' ? withFinalNumbering(input) : input
  const treaty = doc.firstChild!
  const ctx: Ctx = { mode: opts.mode, labels: labelsByPos(numberTreaty(doc)), notes: 0, articles: new Map() }
  const lang = treaty.attrs.lang as string
  const date = opts.date ?? new Date().toISOString().slice(0, 10)
  const slug = slugOf(documentTitle(doc)) || 'treaty'
  const work = `/akn/un/act/${date}/${slug}`
  const expr = `${work}/${lang === 'zh' ? 'zho' : lang === 'fr' ? 'fra' : lang === 'es' ? 'spa' : lang === 'ru' ? 'rus' : lang === 'ar' ? 'ara' : 'eng'}@${date}${opts.mode === 'negotiating' ? '!negotiating' : ''}`
  const out: string[] = []
  out.push('<?xml version="1.0" encoding="UTF-8"?>')
  out.push(`<akomaNtoso xmlns="${AKN_NS}" xmlns:accord="${ACCORD_NS}">`)
  out.push('<act name="treaty">')
  const meta = (component: string) =>
    [
      '<meta>',
      '<identification source="#accord">',
      `<FRBRWork><FRBRthis value="${esc(work)}/!${component}"/><FRBRuri value="${esc(work)}"/><FRBRdate date="${date}" name="generation"/><FRBRauthor href="#accord"/><FRBRcountry value="un"/></FRBRWork>`,
      `<FRBRExpression><FRBRthis value="${esc(expr)}/!${component}"/><FRBRuri value="${esc(expr)}"/><FRBRdate date="${date}" name="generation"/><FRBRauthor href="#accord"/><FRBRlanguage language="${esc(lang)}"/></FRBRExpression>`,
      `<FRBRManifestation><FRBRthis value="${esc(expr)}/!${component}.xml"/><FRBRuri value="${esc(expr)}.akn"/><FRBRdate date="${date}" name="generation"/><FRBRauthor href="#accord"/></FRBRManifestation>`,
      '</identification>',
      component === 'main' ? '<references source="#accord"><TLCOrganization eId="accord" href="/ontology/organization/accord" showAs="Accord"/></references>' : '',
      '</meta>',
    ]
      .filter(Boolean)
      .join('\n')
  out.push(meta('main'))

  const bodyNodes: PMNode[] = []
  const bodyPositions: number[] = []
  const attachments: string[] = []
  treaty.forEach((child, off) => {
    const pos = 1 + off // doc > treaty: the treaty's content starts at 1
    switch (child.type.name) {
      case 'title':
        out.push(`<preface><longTitle eId="longTitle"><p${accordAttrs(child)}>${inlines(child, 'title', ctx)}</p></longTitle></preface>`)
        return
      case 'preamble':
        out.push(preamble(child, pos + 1, ctx))
        return
      case 'annex': {
        // An annex is a document of its own, attached to the act.
        const n = attachments.length + 1
        attachments.push(annex(child, pos + 1, `att_${n}`, meta(`annex_${n}`), ctx))
        return
      }
      default:
        bodyNodes.push(child)
        bodyPositions.push(pos)
    }
  })
  // <act> takes no foreign attributes: the treaty's own ride on <body>.
  out.push(`<body${accordAttrs(treaty).replace(' accord:node="treaty"', '')} accord:mode="${opts.mode}">`)
  const body = children(bodyNodes, bodyPositions, '', ctx, new Counter())
  out.push(body || '<hcontainer name="empty" eId="empty"/>')
  out.push('</body>')
  if (attachments.length) out.push(`<attachments>\n${attachments.join('\n')}\n</attachments>`)
  out.push('</act>')
  out.push('</akomaNtoso>')
  return { ok: true, content: out.join('\n') + '\n', contentType: 'application/akn+xml; charset=utf-8', extension: 'akn.xml' }
}

function slugOf(title: string): string {
  return title
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60)
}

/** Counts eIds per kind among the children of one element. */
class Counter {
  private n = new Map<string, number>()
  peek(kind: string): number {
    return this.n.get(kind) ?? 0
  }
  next(kind: string): number {
    const v = (this.n.get(kind) ?? 0) + 1
    this.n.set(kind, v)
    return v
  }
}

const join = (prefix: string, id: string) => (prefix ? `${prefix}__${id}` : id)

/** The preamble: openings as `<p>`, consecutive recitals in one `<recitals>`, the formula. `start` is the first child's position. */
function preamble(node: PMNode, start: number, ctx: Ctx): string {
  const out: string[] = [`<preamble${accordAttrs(node)}>`]
  let inRecitals = false
  let rec = 0
  const counter = new Counter()
  node.forEach((c, off) => {
    const pos = start + off
    if (c.type.name !== 'recital' && inRecitals) {
      out.push('</recitals>')
      inRecitals = false
    }
    switch (c.type.name) {
      case 'preamble_opening':
        out.push(`<p${accordAttrs(c)}>${inlines(c, `preamble__p_${counter.next('p')}`, ctx)}</p>`)
        break
      case 'recital': {
        if (!inRecitals) {
          out.push(`<recitals eId="recs_${counter.next('recs')}">`)
          inRecitals = true
        }
        const eId = `rec_${++rec}`
        const label = ctx.labels.get(pos)?.label
        out.push(`<recital eId="${eId}">${label ? `<num>${esc(label)}</num>` : ''}<p${accordAttrs(c)}>${inlines(c, eId, ctx)}</p></recital>`)
        break
      }
      case 'enacting_formula':
        out.push(`<formula name="enactingFormula" eId="formula_${counter.next('formula')}"><p${accordAttrs(c)}>${inlines(c, 'formula', ctx)}</p></formula>`)
        break
      case 'option_group':
        out.push(preambleOptions(c, pos + 1, `preamble__opts_${counter.next('opts')}`, ctx))
        break
    }
  })
  if (inRecitals) out.push('</recitals>')
  out.push('</preamble>')
  return out.join('\n')
}

/** Options in the preamble: containers of paragraphs (a container holds no recitals). */
function preambleOptions(group: PMNode, start: number, eId: string, ctx: Ctx): string {
  const out: string[] = [`<container name="optionGroup" eId="${eId}"${accordAttrs(group)}>`]
  group.forEach((option, off) => {
    const optId = `${eId}__opt_${off + 1}`
    const inner: string[] = []
    option.forEach((c, cOff) => {
      const pos = start + off + 1 + cOff
      if (c.type.name === 'option_group') inner.push(preambleOptions(c, pos + 1, `${optId}__opts_${cOff + 1}`, ctx))
      else if (c.isTextblock) {
        const label = ctx.labels.get(pos)?.label
        inner.push(`<p${accordAttrs(c)}>${label ? `<inline name="num">${esc(label)}</inline> ` : ''}${inlines(c, `${optId}__p_${cOff + 1}`, ctx)}</p>`)
      }
    })
    out.push(`<container name="option" eId="${optId}"${accordAttrs(option)}>${inner.length ? inner.join('\n') : '<p/>'}</container>`)
  })
  out.push('</container>')
  return out.join('\n')
}

/**
 * One block of the body. Numbered paragraphs are nested by level: a paragraph at a deeper level
 * than the one before it becomes a `point` of it (whose text moves to `intro`).
 */
function block(node: PMNode, start: number, prefix: string, ctx: Ctx, counter: Counter): string {
  const name = node.type.name
  switch (name) {
    case 'article': {
      // Articles are numbered through the act, so a part is not part of their eId (art_5, not
      // part_2__art_1); bis/ter ones take the number of the article they follow: art_2bis.
      const scope = prefix
        .split('__')
        .filter((s) => s && !s.startsWith('part_'))
        .join('__')
      let articles = ctx.articles.get(scope)
      if (!articles) ctx.articles.set(scope, (articles = new Counter()))
      const suffix = (node.attrs.suffix as string) || ''
      const n = suffix ? articles.peek('art') : articles.next('art')
      return hier('article', node, start, join(scope, `art_${n}${suffix}`), ctx)
    }
    case 'part':
      return hier('part', node, start, join(prefix, `part_${counter.next('part')}`), ctx)
    case 'final_clauses':
      return hier('hcontainer', node, start, join(prefix, `finalClauses`), ctx, 'finalClauses')
    case 'option_group':
      return options(node, start, join(prefix, `opts_${counter.next('opts')}`), ctx)
    default:
      return ''
  }
}

function hier(tag: string, node: PMNode, start: number, eId: string, ctx: Ctx, hname?: string): string {
  const label = ctx.labels.get(start - 1)?.label
  const out: string[] = [`<${tag}${hname ? ` name="${hname}"` : ''} eId="${eId}"${accordAttrs(node)}>`]
  if (label) out.push(`<num>${esc(label)}</num>`)
  const kids: PMNode[] = []
  const positions: number[] = []
  node.forEach((c, off) => {
    if (c.type.name.endsWith('_heading')) out.push(`<heading${accordAttrs(c)}>${inlines(c, `${eId}__heading`, ctx)}</heading>`)
    else {
      kids.push(c)
      positions.push(start + off)
    }
  })
  out.push(children(kids, positions, eId, ctx, new Counter()))
  out.push(`</${tag}>`)
  return out.filter(Boolean).join('\n')
}

/** `<attachment>`: the annex's number and heading, then a `doc` of its own whose mainBody holds the content. */
function annex(node: PMNode, start: number, eId: string, meta: string, ctx: Ctx): string {
  const label = ctx.labels.get(start - 1)?.label
  const out: string[] = [`<attachment eId="${eId}"${accordAttrs(node)}>`]
  if (label) out.push(`<num>${esc(label)}</num>`)
  const kids: PMNode[] = []
  const positions: number[] = []
  node.forEach((c, off) => {
    if (c.type.name === 'annex_heading') out.push(`<heading${accordAttrs(c)}>${inlines(c, `${eId}__heading`, ctx)}</heading>`)
    else {
      kids.push(c)
      positions.push(start + off)
    }
  })
  const content = children(kids, positions, eId, ctx, new Counter())
  out.push(`<doc name="annex">\n${meta}\n<mainBody>\n${content || '<p/>'}\n</mainBody>\n</doc>`)
  out.push('</attachment>')
  return out.join('\n')
}

interface Tree {
  node: PMNode
  pos: number
  kids: Tree[]
}

/** Children of a hierarchy: paragraphs nested by level, other blocks as they come. */
function children(nodes: PMNode[], positions: number[], prefix: string, ctx: Ctx, counter: Counter): string {
  const out: string[] = []
  let stack: Tree[] = []
  const flush = () => {
    for (const t of roots) out.push(paragraph(t, prefix, ctx, counter, 'paragraph'))
    roots = []
    stack = []
  }
  let roots: Tree[] = []
  nodes.forEach((n, i) => {
    const pos = positions[i]
    if (n.type.name !== 'paragraph') {
      flush()
      out.push(block(n, pos + 1, prefix, ctx, counter))
      return
    }
    const t: Tree = { node: n, pos, kids: [] }
    const level = n.attrs.level as number
    while (stack.length && (stack[stack.length - 1].node.attrs.level as number) >= level) stack.pop()
    if (stack.length) stack[stack.length - 1].kids.push(t)
    else roots.push(t)
    stack.push(t)
  })
  flush()
  return out.filter(Boolean).join('\n')
}

function paragraph(t: Tree, prefix: string, ctx: Ctx, counter: Counter, tag: 'paragraph' | 'point'): string {
  const eId = join(prefix, `${tag === 'paragraph' ? 'para' : 'point'}_${counter.next(tag)}`)
  const label = ctx.labels.get(t.pos)?.label
  const num = label ? `<num>${esc(label)}</num>` : ''
  const p = `<p${accordAttrs(t.node)}>${inlines(t.node, eId, ctx)}</p>`
  if (!t.kids.length) return `<${tag} eId="${eId}">${num}<content>${p}</content></${tag}>`
  const sub = new Counter()
  return `<${tag} eId="${eId}">${num}<intro>${p}</intro>\n${t.kids.map((k) => paragraph(k, eId, ctx, sub, 'point')).join('\n')}\n</${tag}>`
}

function options(group: PMNode, start: number, eId: string, ctx: Ctx): string {
  const out: string[] = [`<hcontainer name="optionGroup" eId="${eId}"${accordAttrs(group)}>`]
  group.forEach((option, off) => {
    const optId = `${eId}__opt_${off + 1}`
    const optStart = start + off + 1
    const label = ctx.labels.get(optStart - 1)?.label
    const kids: PMNode[] = []
    const positions: number[] = []
    option.forEach((c, cOff) => {
      kids.push(c)
      positions.push(optStart + cOff)
    })
    const inner = children(kids, positions, optId, ctx, new Counter())
    out.push(`<hcontainer name="option" eId="${optId}"${accordAttrs(option)}>${label ? `<num>${esc(label)}</num>` : ''}${inner ? `\n${inner}\n` : ''}</hcontainer>`)
  })
  out.push('</hcontainer>')
  return out.join('\n')
}

/** Inline content of a text block, written without any whitespace of our own. */
function inlines(node: PMNode, owner: string, ctx: Ctx): string {
  let brackets = 0
  const render = (parent: PMNode): string => {
    let s = ''
    parent.forEach((c) => {
      switch (c.type.name) {
        case 'text':
          s += esc(c.text ?? '')
          break
        case 'note':
          if (ctx.mode === 'clean') break
          s += `<authorialNote marker="${++ctx.notes}" placement="inline" eId="${owner}__note_${ctx.notes}"${accordAttrs(c)}><p>${esc(c.textContent)}</p></authorialNote>`
          break
        case 'placeholder':
          s += `<inline name="placeholder"${accordAttrs(c)}>${esc(c.textContent)}</inline>`
          break
        case 'bracket': {
          const id = `${owner}__brk_${++brackets}`
          let alts = ''
          c.forEach((alt, _o, i) => {
            const altId = `${id}__alt_${i + 1}`
            alts += `<inline name="alternative" eId="${altId}"${i > 0 ? ` alternativeTo="${id}__alt_1"` : ''}${accordAttrs(alt)}>${render(alt)}</inline>`
          })
          s += `<inline name="bracket" eId="${id}"${accordAttrs(c)}>${alts}</inline>`
          break
        }
      }
    })
    return s
  }
  return render(node)
}
