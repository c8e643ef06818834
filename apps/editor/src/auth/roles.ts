import type { Participant, Role } from './tokens'

/**
 * What each role may do in the editor — a mirror of the server's rules (docs/API.md), which
 * the server enforces whatever the interface shows. The interface only avoids offering what
 * would be refused.
 */

/** A role within one document: a secretariat officer is a facilitator in every document. */
export type DocumentRole = Exclude<Role, 'secretariat'>

export function documentRole(role: Role): DocumentRole {
  return role === 'secretariat' ? 'facilitator' : role
}

export function isFacilitator(role: Role): boolean {
  return documentRole(role) === 'facilitator'
}

/**
 * Whether the text may be typed into: facilitators always, delegations only while the
 * facilitators have opened the text for drafting, observers never.
 */
export function canEditText(role: Role, openDrafting: boolean): boolean {
  const r = documentRole(role)
  return r === 'facilitator' || (r === 'delegation' && openDrafting)
}

/** Creating, changing and resolving bracket groups (and option groups) is the facilitators'. */
export function canEditBrackets(role: Role): boolean {
  return isFacilitator(role)
}

/** Toolbar actions that change the bracket structure: only for those who may (see `canEditBrackets`). */
export const BRACKET_ACTIONS: ReadonlySet<string> = new Set(['bracket', 'alternative'])

/** Whether a toolbar action (by id) is offered to `role` at all (enabled or not). */
export function offersAction(role: Role, actionId: string): boolean {
  return !BRACKET_ACTIONS.has(actionId) || canEditBrackets(role)
}

/** "France", "FR", or nothing: how a delegation's State is shown. */
export function stateLabel(p: Pick<Participant, 'state' | 'stateName'>): string | null {
  return p.stateName || p.state || null
}
