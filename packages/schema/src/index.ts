export { treatySchema, type TreatySchema } from './schema'
export { nodes } from './nodes'
export {
  LANGUAGES,
  SUFFIXES,
  SEPARATORS,
  OPTION_STYLES,
  PARAGRAPH_STYLES,
  MAX_LEVEL,
  isLanguage,
  isSuffix,
  type Language,
  type Suffix,
  type Separator,
  type OptionStyle,
  type ParagraphStyle,
} from './attrs'
export { chineseNumeral, parseChineseNumeral, romanNumeral, parseRomanNumeral, letterNumeral, parseLetterNumeral } from './numerals'
export {
  numberTreaty,
  labelsByPos,
  labelStyleOf,
  articleLabel,
  partLabel,
  annexLabel,
  optionLabel,
  recitalLabel,
  paragraphLabel,
  preambleHeading,
  noTextLabel,
  type NumberedUnit,
  type NumberedKind,
  type LabelStyle,
} from './numbering'
export { outline, describe, type Location, type OutlineBlock } from './outline'
export { toTreatyFile, fromTreatyJSON, DocumentError, DOCUMENT_FORMAT, DOCUMENT_VERSION, type TreatyFile } from './document'
