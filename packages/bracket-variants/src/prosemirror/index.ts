// The thin adapter from the bracket engine's pure core onto the treaty schema.
export { inlinesToNodes, nodeToInlines, alternativeContent } from './convert'
export { collectGroups, collectOptionGroups, type GroupOccurrence } from './groups'
export {
  resolveBracket,
  resolveLinkedSet,
  resolveByText,
  chooseOption,
  removeEmptyBrackets,
  resolveInTransaction,
  linkedSetDecisions,
  textDecisions,
  RESOLUTION_META,
  type ResolutionMeta,
} from './commands'
export { treatyBracketStats, unitLabel, documentInlines, countDocumentVariants, variantDocument, type TreatyBracketStats } from './analysis'
