import type { DOMOutputSpec, NodeSpec, Node as PMNode, TagParseRule } from 'prosemirror-model'
import {
  isLanguage,
  isSponsor,
  isSuffix,
  OPTION_STYLES,
  type OptionStyle,
  MAX_LEVEL,
  validateBoolean,
  validateLanguage,
  validateLevel,
  validateOptionStyle,
  validateParagraphStyle,
  validateSeparator,
  validateSponsors,
  validateSuffix,
} from './attrs'

/*
 * The treaty schema. Node names are persisted as Y.Xml element names, so they are stable
 * snake_case and renaming one is a data migration.
 *
 * Content expressions use `*` wherever concurrent edits could empty or reorder a node:
 * y-prosemirror deletes, on every peer, any Y element whose content breaks the schema, so a
 * strict expression turns a harmless merge into lost text. Structure the schema cannot
 * guarantee (one preamble, a title first) is kept by the commands and normalised by
 * explicit transactions.
 *
 * Numbers are never stored: articles, paragraphs, options, parts and annexes are numbered
 * from their position (see numbering.ts); only the `bis`/`ter` insertion suffix is an
 * attribute, because it is a drafting decision.
 */

const suffixAttr = { default: '', validate: validateSuffix }

function suffixFromDOM(dom: HTMLElement): string {
  const value = dom.getAttribute('data-suffix') ?? ''
  return isSuffix(value) ? value : ''
}

function withSuffix(attrs: Record<string, string>, node: PMNode): Record<string, string> {
  if (node.attrs.suffix) attrs['data-suffix'] = node.attrs.suffix as string
  return attrs
}

// Sponsors travel through the clipboard as `data-sponsors="CN,FR"` (a State code holds no comma).
function withSponsors(attrs: Record<string, string>, node: PMNode): Record<string, string> {
  const sponsors = node.attrs.sponsors as string[]
  if (sponsors.length) attrs['data-sponsors'] = sponsors.join(',')
  return attrs
}

function sponsorsFromDOM(dom: HTMLElement): string[] {
  const value = dom.getAttribute('data-sponsors')
  return value ? value.split(',').filter(isSponsor) : []
}

function optionStyleFromDOM(dom: HTMLElement): OptionStyle {
  const value = dom.getAttribute('data-label-style')
  return (OPTION_STYLES as readonly (string | null)[]).includes(value) ? (value as OptionStyle) : 'arabic'
}

function textBlock(tag: string, cls: string): Pick<NodeSpec, 'toDOM' | 'parseDOM'> {
  return {
    toDOM: (): DOMOutputSpec => [tag, { class: cls }, 0],
    parseDOM: [{ tag: `${tag}.${cls}` }],
  }
}

export const nodes: Record<string, NodeSpec> = {
  /** The editor's top node; it holds exactly one treaty so that treaty-wide attributes survive Yjs (which stores no attributes on the root fragment). */
  doc: { content: 'treaty' },

  /**
   * The treaty (or a decision: a preamble followed by operative paragraphs, with no articles,
   * is the shape of a COP decision or a resolution, so paragraphs may stand at the top level).
   * `lang` chooses the numbering and heading style (第一条 / Article 1);
   * `para_style` how numbered paragraphs are labelled (`1.` or `一、`); `recital_labels`
   * whether preambular paragraphs carry negotiation labels (Pp1, Pp2, …).
   */
  treaty: {
    attrs: {
      lang: { default: 'en', validate: validateLanguage },
      para_style: { default: 'arabic', validate: validateParagraphStyle },
      recital_labels: { default: false, validate: validateBoolean('recital_labels') },
    },
    content: 'title? preamble? (part | article | paragraph | option_group)* final_clauses? annex*',
    defining: true,
    isolating: true,
    toDOM: (node): DOMOutputSpec => [
      'article',
      { class: 'treaty', lang: node.attrs.lang as string, 'data-para-style': node.attrs.para_style as string, 'data-recital-labels': String(node.attrs.recital_labels) },
      0,
    ],
    parseDOM: [
      {
        tag: 'article.treaty',
        getAttrs: (dom: HTMLElement) => {
          const lang = dom.getAttribute('lang')
          return {
            lang: isLanguage(lang) ? lang : 'en',
            para_style: dom.getAttribute('data-para-style') === 'cjk' ? 'cjk' : 'arabic',
            recital_labels: dom.getAttribute('data-recital-labels') === 'true',
          }
        },
      },
    ],
  },

  /** The treaty's title: "Draft Protocol on …". */
  title: { content: 'inline*', defining: true, ...textBlock('h1', 'title') },

  /** The preamble: opening lines, preambular paragraphs (recitals) and the enacting formula. Its heading (序言 / Preamble) is derived. */
  preamble: {
    content: '(preamble_opening | recital | enacting_formula | option_group)*',
    defining: true,
    toDOM: () => ['section', { class: 'preamble' }, 0],
    parseDOM: [{ tag: 'section.preamble' }],
  },

  /** An opening line naming the parties: "The States Parties to this Protocol," / "本议定书缔约国，". */
  preamble_opening: { content: 'inline*', ...textBlock('p', 'preamble-opening') },

  /** A preambular paragraph: "Recalling …,". `suffix` marks an inserted one (Pp2 bis). */
  recital: {
    content: 'inline*',
    attrs: { suffix: suffixAttr },
    toDOM: (node) => ['p', withSuffix({ class: 'recital' }, node), 0],
    parseDOM: [{ tag: 'p.recital', getAttrs: (dom: HTMLElement) => ({ suffix: suffixFromDOM(dom) }) }],
  },

  /** The enacting formula closing the preamble: "Have agreed as follows:" / "决定并商定如下：". */
  enacting_formula: { content: 'inline*', ...textBlock('p', 'enacting-formula') },

  /** A part grouping articles (第一部分 / Part I), with an optional heading. Articles are numbered across parts. */
  part: {
    content: 'part_heading? (article | option_group)*',
    attrs: { suffix: suffixAttr },
    defining: true,
    toDOM: (node) => ['section', withSuffix({ class: 'part' }, node), 0],
    parseDOM: [{ tag: 'section.part', getAttrs: (dom: HTMLElement) => ({ suffix: suffixFromDOM(dom) }) }],
  },
  part_heading: { content: 'inline*', defining: true, ...textBlock('h2', 'part-heading') },

  /** An article: a derived number (第一条 / Article 1), an optional heading, numbered paragraphs. */
  article: {
    content: 'article_heading? (paragraph | option_group)*',
    attrs: { suffix: suffixAttr },
    defining: true,
    toDOM: (node) => ['section', withSuffix({ class: 'article' }, node), 0],
    parseDOM: [{ tag: 'section.article', getAttrs: (dom: HTMLElement) => ({ suffix: suffixFromDOM(dom) }) }],
  },
  /** An article's heading: "Definitions" / "定义". */
  article_heading: { content: 'inline*', defining: true, ...textBlock('h3', 'article-heading') },

  /**
   * A paragraph of an article, annex or final clauses. `level` 0 is a numbered paragraph
   * (1.), 1 a lettered sub-paragraph ((a) / （一）), 2 and 3 deeper points; sub-paragraphs
   * belong to the nearest preceding paragraph of a lower level. `numbered: false` is an
   * unnumbered paragraph (a chapeau's continuation, a final clause). `suffix` marks an
   * insertion (2 bis.).
   */
  paragraph: {
    content: 'inline*',
    attrs: {
      level: { default: 0, validate: validateLevel },
      numbered: { default: true, validate: validateBoolean('numbered') },
      suffix: suffixAttr,
    },
    toDOM: (node) => {
      const attrs: Record<string, string> = { class: 'paragraph', 'data-level': String(node.attrs.level) }
      if (!node.attrs.numbered) attrs['data-numbered'] = 'false'
      return ['p', withSuffix(attrs, node), 0]
    },
    parseDOM: [
      {
        tag: 'p',
        getAttrs: (dom: HTMLElement) => {
          const level = Number(dom.getAttribute('data-level') ?? 0)
          return {
            level: Number.isInteger(level) && level >= 0 && level <= MAX_LEVEL ? level : 0,
            numbered: dom.getAttribute('data-numbered') !== 'false',
            suffix: suffixFromDOM(dom),
          }
        },
      } satisfies TagParseRule,
    ],
  },

  /**
   * Block-level alternatives: whole paragraphs, recitals or articles offered as options
   * ("Option 1: … Option 2: No text"). `bracketed` when the whole set stands in brackets.
   * Options are labelled from their position in `label_style`.
   */
  option_group: {
    content: 'option*',
    attrs: {
      bracketed: { default: false, validate: validateBoolean('bracketed') },
      label_style: { default: 'arabic', validate: validateOptionStyle },
    },
    defining: true,
    toDOM: (node) => ['div', { class: 'option-group', 'data-bracketed': String(node.attrs.bracketed), 'data-label-style': node.attrs.label_style as string }, 0],
    parseDOM: [
      {
        tag: 'div.option-group',
        getAttrs: (dom: HTMLElement) => ({ bracketed: dom.getAttribute('data-bracketed') === 'true', label_style: optionStyleFromDOM(dom) }),
      },
    ],
  },
  /** One option. Empty means "No text": the option of deleting the provision. */
  option: {
    content: '(paragraph | recital | preamble_opening | enacting_formula | article | option_group)*',
    attrs: { sponsors: { default: [], validate: validateSponsors } },
    defining: true,
    toDOM: (node) => ['div', withSponsors({ class: 'option' }, node), 0],
    parseDOM: [{ tag: 'div.option', getAttrs: (dom: HTMLElement) => ({ sponsors: sponsorsFromDOM(dom) }) }],
  },

  /** Final clauses after the articles: testimonium ("IN WITNESS WHEREOF …"), place and date. Unnumbered. */
  final_clauses: {
    content: '(paragraph | option_group)*',
    defining: true,
    toDOM: () => ['section', { class: 'final-clauses' }, 0],
    parseDOM: [{ tag: 'section.final-clauses' }],
  },

  /** An annex (附件一 / Annex I), with an optional heading, paragraphs or articles. */
  annex: {
    content: 'annex_heading? (paragraph | article | option_group)*',
    attrs: { suffix: suffixAttr },
    defining: true,
    toDOM: (node) => ['section', withSuffix({ class: 'annex' }, node), 0],
    parseDOM: [{ tag: 'section.annex', getAttrs: (dom: HTMLElement) => ({ suffix: suffixFromDOM(dom) }) }],
  },
  annex_heading: { content: 'inline*', defining: true, ...textBlock('h2', 'annex-heading') },

  text: { group: 'inline' },

  /**
   * A bracket group: text not yet agreed. One alternative alone means "keep or drop"; several
   * mean "choose one". `alternative*` (not `+`): when two delegations concurrently delete the
   * two alternatives of one group, the merge must stay valid so that the empty group can be
   * normalised away rather than dropped with its surroundings by y-prosemirror.
   * `separator` remembers how the alternatives were written ([A][B], [A] [B], [A] [or] [B], [A] / [B]).
   * `adRef` marks a group the facilitator has sent *ad referendum*: agreed in the room, subject
   * to confirmation by capitals. It is still open (a choice has not been made in the text).
   */
  bracket: {
    group: 'inline',
    inline: true,
    content: 'alternative*',
    attrs: {
      separator: { default: 'none', validate: validateSeparator },
      adRef: { default: false, validate: validateBoolean('adRef') },
    },
    toDOM: (node) => {
      const attrs: Record<string, string> = { class: 'bracket', 'data-separator': node.attrs.separator as string }
      if (node.attrs.adRef) attrs['data-ad-ref'] = 'true'
      return ['span', attrs, 0]
    },
    parseDOM: [
      {
        tag: 'span.bracket',
        getAttrs: (dom: HTMLElement) => {
          const s = dom.getAttribute('data-separator')
          return { separator: s === 'space' || s === 'or' || s === 'slash' ? s : 'none', adRef: dom.getAttribute('data-ad-ref') === 'true' }
        },
      },
    ],
  },
  /** One alternative wording of a bracket group; `sponsors` lists the States that proposed it. */
  alternative: {
    inline: true,
    content: 'inline*',
    attrs: { sponsors: { default: [], validate: validateSponsors } },
    toDOM: (node) => ['span', withSponsors({ class: 'alternative' }, node), 0],
    parseDOM: [{ tag: 'span.alternative', getAttrs: (dom: HTMLElement) => ({ sponsors: sponsorsFromDOM(dom) }) }],
  },

  /** A blank to fill: `[X date]`, `[document symbol to be added]`, `{Placeholder for preamble}`. Never clean text. */
  placeholder: {
    group: 'inline',
    inline: true,
    content: 'text*',
    attrs: { curly: { default: false, validate: validateBoolean('curly') } },
    toDOM: (node) => ['span', { class: 'placeholder', 'data-curly': String(node.attrs.curly) }, 0],
    parseDOM: [{ tag: 'span.placeholder', getAttrs: (dom: HTMLElement) => ({ curly: dom.getAttribute('data-curly') === 'true' }) }],
  },

  /** A drafting note, e.g. the source note "(摘自安理会第984(1995)号决议)": part of the negotiating text, never of the clean text. */
  note: {
    group: 'inline',
    inline: true,
    content: 'text*',
    toDOM: () => ['span', { class: 'note' }, 0],
    parseDOM: [{ tag: 'span.note' }],
  },
}
