/** The bracket-structure guard lives in @accord/collab, shared with the convergence fuzz that checks it. */
export { GUARDED_NODES, movesGuardedContent, structureGuard, touchesBracketStructure } from '@accord/collab'
