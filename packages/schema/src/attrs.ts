/**
 * Attribute vocabularies and their validators. Attribute values are persisted (as Y.Xml
 * attributes and in document files), so every value a node can carry is listed here and
 * checked when a node is created from untrusted data.
 */

/** Languages whose numbering styles Accord knows: the six UN languages. */
export const LANGUAGES = ['zh', 'en', 'fr', 'es', 'ru', 'ar'] as const
export type Language = (typeof LANGUAGES)[number]

/**
 * Insertion suffixes used during a negotiation so that inserting an article or paragraph does
 * not renumber the others ("Article 2 bis", "2 ter."). The empty string is an ordinary,
 * counted unit.
 */
export const SUFFIXES = ['', 'bis', 'ter', 'quater', 'quinquies', 'sexies', 'septies', 'octies', 'novies', 'decies'] as const
export type Suffix = (typeof SUFFIXES)[number]

/** How the alternatives of one bracket group were separated in the source text. */
export const SEPARATORS = ['none', 'space', 'or', 'slash'] as const
export type Separator = (typeof SEPARATORS)[number]

/** Label style of block-level options: Option 1 / Option I / Option (a). */
export const OPTION_STYLES = ['arabic', 'roman', 'alpha'] as const
export type OptionStyle = (typeof OPTION_STYLES)[number]

/** Paragraph number style: `1.` (arabic) or `一、` (cjk, the style of PRC-drafted Chinese texts). */
export const PARAGRAPH_STYLES = ['arabic', 'cjk'] as const
export type ParagraphStyle = (typeof PARAGRAPH_STYLES)[number]

/** Deepest sub-paragraph level: 0 = numbered paragraph, 1 = (a), 2 = (i), 3 = (aa). */
export const MAX_LEVEL = 3

function oneOf<T extends string>(name: string, values: readonly T[]): (value: unknown) => void {
  return (value) => {
    if (typeof value !== 'string' || !(values as readonly string[]).includes(value)) {
      throw new RangeError(`${name} must be one of ${values.map((v) => JSON.stringify(v)).join(', ')}; got ${JSON.stringify(value)}`)
    }
  }
}

export const validateLanguage = oneOf('lang', LANGUAGES)
export const validateSuffix = oneOf('suffix', SUFFIXES)
export const validateSeparator = oneOf('separator', SEPARATORS)
export const validateOptionStyle = oneOf('label_style', OPTION_STYLES)
export const validateParagraphStyle = oneOf('para_style', PARAGRAPH_STYLES)

export function validateBoolean(name: string): (value: unknown) => void {
  return (value) => {
    if (typeof value !== 'boolean') throw new RangeError(`${name} must be true or false; got ${JSON.stringify(value)}`)
  }
}

export function validateLevel(value: unknown): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_LEVEL) {
    throw new RangeError(`level must be an integer from 0 to ${MAX_LEVEL}; got ${JSON.stringify(value)}`)
  }
}

/** ISO 3166-1 alpha-2/alpha-3 codes, or a group name like "G77" — upper-case letters and digits. */
export function isSponsor(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Z0-9][A-Z0-9 +._-]{0,31}$/.test(value)
}

export function validateSponsors(value: unknown): void {
  if (!Array.isArray(value) || !value.every(isSponsor)) {
    throw new RangeError(`sponsors must be a list of State codes such as ["CN", "FR"]; got ${JSON.stringify(value)}`)
  }
}

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value)
}

export function isSuffix(value: unknown): value is Suffix {
  return typeof value === 'string' && (SUFFIXES as readonly string[]).includes(value)
}
