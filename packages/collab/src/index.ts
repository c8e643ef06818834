// What the server and the editor share about the collaborative document (Y.Doc + ProseMirror).
export { walkCorresponding, elementId, groupId, isGroupId, bracketIds, findGroup, linkedSetId, type Corresponding } from './correspond'
export { GUARDED_NODES, movesGuardedContent, structureGuard, touchesBracketStructure } from './guard'
export { inlineText } from './inlineText'
export { bestMatch, inDeletedContent, rangeFromRelative, relativePositionIn, type PassageContext } from './anchors'
export { writeChangedBlocks, type WriteMeta } from './write'
export { narrowYSync, updateYFragmentNarrowly, type SyncTarget } from './narrowSync'
