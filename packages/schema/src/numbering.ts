import type { Node as PMNode } from 'prosemirror-model'
import { SUFFIXES, type Language, type OptionStyle, type ParagraphStyle, type Suffix } from './attrs'
import { chineseNumeral, letterNumeral, romanNumeral } from './numerals'

/**
 * Derived numbering. Nothing in the document stores a number: an article is "Article 3"
 * because it is the third counted article. A unit with an insertion suffix (`bis`, `ter`)
 * is not counted and takes the number of the counted unit before it, so inserting
 * "Article 2 bis" during a negotiation leaves every other number alone; `renumber` (a final
 * step) removes the suffixes.
 *
 * Block-level options share numbers: an option group takes the next number, each of its
 * options counts from there, and numbering after the group continues after the longest
 * option — the way a delegate reads "2. Option 1: … Option 2: …".
 */

export type NumberedKind = 'part' | 'article' | 'paragraph' | 'recital' | 'option' | 'annex'

export interface NumberedUnit {
  kind: NumberedKind
  /** Position directly before the node in the document. */
  pos: number
  node: PMNode
  /** The counted number (a `bis` unit shares the number of the unit before it). For options, the option's index from 1. */
  number: number
  suffix: Suffix
  /** Paragraph level (0 = numbered paragraph); 0 for other kinds. */
  level: number
  /** The label as displayed and exported: "第一条", "Article 1", "1.", "(a)", "Option 1", "Pp1". */
  label: string
}

export interface LabelStyle {
  lang: Language
  paraStyle: ParagraphStyle
}

const ARTICLE_WORD: Record<Language, string> = { zh: '', en: 'Article', fr: 'Article', es: 'Artículo', ru: 'Статья', ar: 'المادة' }
const PART_WORD: Record<Language, string> = { zh: '', en: 'Part', fr: 'Partie', es: 'Parte', ru: 'Часть', ar: 'الجزء' }
const ANNEX_WORD: Record<Language, string> = { zh: '附件', en: 'Annex', fr: 'Annexe', es: 'Anexo', ru: 'Приложение', ar: 'المرفق' }
const OPTION_WORD: Record<Language, string> = { zh: '备选案文', en: 'Option', fr: 'Option', es: 'Opción', ru: 'Вариант', ar: 'الخيار' }
const PREAMBLE_WORD: Record<Language, string> = { zh: '序言', en: 'Preamble', fr: 'Préambule', es: 'Preámbulo', ru: 'Преамбула', ar: 'الديباجة' }
const NO_TEXT: Record<Language, string> = { zh: '无案文', en: 'No text', fr: 'Pas de texte', es: 'Sin texto', ru: 'Текст отсутствует', ar: 'لا نص' }

/** The derived heading of a preamble in the treaty's language. */
export function preambleHeading(lang: Language): string {
  return PREAMBLE_WORD[lang]
}

/** What an empty option says: "No text" / "无案文". */
export function noTextLabel(lang: Language): string {
  return NO_TEXT[lang]
}

function suffixIndex(suffix: Suffix): number {
  return SUFFIXES.indexOf(suffix) + 1 // bis → 2, ter → 3
}

function latinSuffix(suffix: Suffix): string {
  return suffix ? ` ${suffix}` : ''
}

// A `bis` unit before any counted one has the number 0 ("Part 0 bis", "(0 bis)"): Roman
// numerals and letters have no zero, and a label must never throw on a valid document.
function roman(n: number): string {
  return n === 0 ? '0' : romanNumeral(n)
}

function letters(n: number): string {
  return n === 0 ? '0' : letterNumeral(n)
}

/** "第一条" / "第二条之二" / "Article 2 bis". */
export function articleLabel(lang: Language, n: number, suffix: Suffix = ''): string {
  if (lang === 'zh') return `第${chineseNumeral(n)}条${suffix ? `之${chineseNumeral(suffixIndex(suffix))}` : ''}`
  return `${ARTICLE_WORD[lang]} ${n}${latinSuffix(suffix)}`
}

/** "第一部分" / "Part I". */
export function partLabel(lang: Language, n: number, suffix: Suffix = ''): string {
  if (lang === 'zh') return `第${chineseNumeral(n)}部分${suffix ? `之${chineseNumeral(suffixIndex(suffix))}` : ''}`
  return `${PART_WORD[lang]} ${roman(n)}${latinSuffix(suffix)}`
}

/** "附件一" / "Annex I"; a treaty with one annex calls it just "附件" / "Annex". */
export function annexLabel(lang: Language, n: number, suffix: Suffix = '', only = false): string {
  if (only && !suffix) return ANNEX_WORD[lang]
  if (lang === 'zh') return `${ANNEX_WORD.zh}${chineseNumeral(n)}${suffix ? `之${chineseNumeral(suffixIndex(suffix))}` : ''}`
  return `${ANNEX_WORD[lang]} ${roman(n)}${latinSuffix(suffix)}`
}

/** "Option 1" / "Option I" / "Option (a)" / "备选案文1". */
export function optionLabel(lang: Language, n: number, style: OptionStyle): string {
  const num = style === 'roman' ? romanNumeral(n) : style === 'alpha' ? `(${letterNumeral(n)})` : String(n)
  return lang === 'zh' ? `${OPTION_WORD.zh}${num}` : `${OPTION_WORD[lang]} ${num}`
}

/** "Pp1", "Pp2 bis": negotiation labels of preambular paragraphs. */
export function recitalLabel(n: number, suffix: Suffix = ''): string {
  return `Pp${n}${latinSuffix(suffix)}`
}

/**
 * The label of a paragraph at `level`. English-style: "1.", "(a)", "(i)", "a.". Chinese with
 * arabic paragraph numbers: "1.", "（一）", "(1)", "(i)"; with Chinese ones: "一、", "（一）",
 * "1.", "(1)". Every level's label is distinct from the others', so exported text re-imports
 * to the same structure.
 */
export function paragraphLabel(style: LabelStyle, level: number, n: number, suffix: Suffix = ''): string {
  const zh = style.lang === 'zh'
  switch (level) {
    case 0:
      if (zh && style.paraStyle === 'cjk') return `${chineseNumeral(n)}${suffix ? `之${chineseNumeral(suffixIndex(suffix))}` : ''}、`
      return `${n}${latinSuffix(suffix)}.`
    case 1:
      return zh ? `（${chineseNumeral(n)}${suffix ? `之${chineseNumeral(suffixIndex(suffix))}` : ''}）` : `(${letters(n)}${latinSuffix(suffix)})`
    case 2:
      // Chinese legal style is 一、（一）1.（1）; with arabic paragraph numbers "1." is taken by level 0.
      if (zh) return style.paraStyle === 'cjk' ? `${n}${latinSuffix(suffix)}.` : `(${n}${latinSuffix(suffix)})`
      return `(${roman(n).toLowerCase()}${latinSuffix(suffix)})`
    default:
      if (zh) return style.paraStyle === 'cjk' ? `(${n}${latinSuffix(suffix)})` : `(${roman(n).toLowerCase()}${latinSuffix(suffix)})`
      return `${letters(n)}${latinSuffix(suffix)}.`
  }
}

/** The label style of a document (its `treaty` node's attributes). */
export function labelStyleOf(doc: PMNode): LabelStyle {
  const treaty = doc.type.name === 'treaty' ? doc : doc.firstChild
  return {
    lang: (treaty?.attrs.lang as Language | undefined) ?? 'en',
    paraStyle: (treaty?.attrs.para_style as ParagraphStyle | undefined) ?? 'arabic',
  }
}

interface Counters {
  article: number
  paragraph: number[] // one counter per level
  recital: number
}

function counted(counter: number, suffix: Suffix): number {
  return suffix ? Math.max(counter, 0) : counter + 1
}

/**
 * Numbers every numbered unit of a document (or a lone `treaty` node), in document order.
 * Pure and linear in the size of the document.
 */
export function numberTreaty(doc: PMNode): NumberedUnit[] {
  const treaty = doc.type.name === 'treaty' ? doc : doc.firstChild
  if (!treaty || treaty.type.name !== 'treaty') return []
  const base = doc.type.name === 'treaty' ? -1 : 0 // position of the treaty node
  const style = labelStyleOf(doc)
  const recitalLabels = treaty.attrs.recital_labels === true
  const out: NumberedUnit[] = []
  const annexCount = countChildren(treaty, 'annex')

  const push = (kind: NumberedKind, pos: number, node: PMNode, number: number, level: number, label: string) =>
    out.push({ kind, pos, node, number, suffix: (node.attrs.suffix as Suffix | undefined) ?? '', level, label })

  // Walks the children of `parent` (whose content starts at `start`), numbering with `c`.
  const walk = (parent: PMNode, start: number, c: Counters): void => {
    parent.forEach((child, offset) => visit(child, start + offset, c))
  }
  const visit = (child: PMNode, pos: number, c: Counters): void => {
    {
      const suffix = (child.attrs.suffix as Suffix | undefined) ?? ''
      switch (child.type.name) {
        case 'part': {
          // Parts are counted separately; articles keep counting across parts.
          walk(child, pos + 1, c)
          break
        }
        case 'article': {
          c.article = counted(c.article, suffix)
          push('article', pos, child, c.article, 0, articleLabel(style.lang, c.article, suffix))
          const inner: Counters = { article: 0, paragraph: [0, 0, 0, 0], recital: 0 }
          walk(child, pos + 1, inner)
          break
        }
        case 'paragraph': {
          if (child.attrs.numbered === false) break
          const level = child.attrs.level as number
          c.paragraph[level] = counted(c.paragraph[level], suffix)
          for (let l = level + 1; l < c.paragraph.length; l++) c.paragraph[l] = 0
          push('paragraph', pos, child, c.paragraph[level], level, paragraphLabel(style, level, c.paragraph[level], suffix))
          break
        }
        case 'recital': {
          c.recital = counted(c.recital, suffix)
          if (recitalLabels) push('recital', pos, child, c.recital, 0, recitalLabel(c.recital, suffix))
          break
        }
        case 'option_group': {
          const labelStyle = child.attrs.label_style as OptionStyle
          const after = cloneCounters(c)
          let index = 0
          child.forEach((option, optOffset) => {
            index++
            const optPos = pos + 1 + optOffset
            push('option', optPos, option, index, 0, optionLabel(style.lang, index, labelStyle))
            const own = cloneCounters(c)
            walk(option, optPos + 1, own)
            maxInto(after, own)
          })
          Object.assign(c, after)
          break
        }
        case 'preamble':
        case 'final_clauses':
          walk(child, pos + 1, { article: c.article, paragraph: [0, 0, 0, 0], recital: 0 })
          break
        default:
          break
      }
    }
  }

  const top: Counters = { article: 0, paragraph: [0, 0, 0, 0], recital: 0 }
  let part = 0
  let annex = 0
  treaty.forEach((child, offset) => {
    const pos = base + 1 + offset
    const suffix = (child.attrs.suffix as Suffix | undefined) ?? ''
    if (child.type.name === 'part') {
      part = counted(part, suffix)
      push('part', pos, child, part, 0, partLabel(style.lang, part, suffix))
      walk(child, pos + 1, top)
    } else if (child.type.name === 'annex') {
      annex = counted(annex, suffix)
      push('annex', pos, child, annex, 0, annexLabel(style.lang, annex, suffix, annexCount === 1))
      // An annex numbers its own articles and paragraphs from 1.
      walk(child, pos + 1, { article: 0, paragraph: [0, 0, 0, 0], recital: 0 })
    } else {
      visit(child, pos, top)
    }
  })
  out.sort((a, b) => a.pos - b.pos)
  return out
}

function countChildren(node: PMNode, name: string): number {
  let n = 0
  node.forEach((c) => {
    if (c.type.name === name) n++
  })
  return n
}

function cloneCounters(c: Counters): Counters {
  return { article: c.article, paragraph: [...c.paragraph], recital: c.recital }
}

function maxInto(target: Counters, other: Counters): void {
  target.article = Math.max(target.article, other.article)
  target.recital = Math.max(target.recital, other.recital)
  // Paragraph counters go together: after "2. (c)" in one option and "3." in another, the text
  // goes on from "3.", whose sub-paragraphs start again at (a) — not from a level-wise max "3. (c)".
  const i = target.paragraph.findIndex((n, level) => n !== other.paragraph[level])
  if (i >= 0 && other.paragraph[i] > target.paragraph[i]) target.paragraph = [...other.paragraph]
}

/** Looks up the label of the unit at `pos` (the position before the node). */
export function labelsByPos(units: NumberedUnit[]): Map<number, NumberedUnit> {
  return new Map(units.map((u) => [u.pos, u]))
}
