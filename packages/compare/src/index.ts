// Compares two versions of a treaty: a word-level diff per unit (title, preamble, article,
// annex) in negotiating notation, and a summary of what happened to brackets, articles and
// paragraphs. Pure: ProseMirror documents in, plain data and strings out; no Yjs.
export { compareTreaties, type BlockComparison, type ChangeStatus, type CompareOptions, type Comparison, type ComparisonSummary, type GroupChange, type UnitComparison } from './compare'
export { renderComparisonHtml, renderComparisonText, summaryLines, type RenderOptions } from './render'
export { diffWords, similarity, words, type Segment } from './words'
export type { BlockKind, UnitKind } from './units'
