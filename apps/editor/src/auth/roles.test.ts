import { describe, expect, it } from 'vitest'
import { canEditBrackets, canEditText, documentRole, offersAction, stateLabel } from './roles'

describe('roles', () => {
  it('maps a role and the open-drafting switch to editability', () => {
    expect(canEditText('facilitator', false)).toBe(true)
    expect(canEditText('secretariat', false)).toBe(true)
    expect(canEditText('delegation', false)).toBe(false)
    expect(canEditText('delegation', true)).toBe(true)
    expect(canEditText('observer', true)).toBe(false)
    expect(canEditText('observer', false)).toBe(false)
  })
  it('keeps the bracket structure to facilitators', () => {
    expect(canEditBrackets('facilitator')).toBe(true)
    expect(canEditBrackets('secretariat')).toBe(true)
    expect(canEditBrackets('delegation')).toBe(false)
    expect(offersAction('delegation', 'bracket')).toBe(false)
    expect(offersAction('delegation', 'alternative')).toBe(false)
    expect(offersAction('delegation', 'addParagraph')).toBe(true)
    expect(offersAction('facilitator', 'bracket')).toBe(true)
    expect(documentRole('secretariat')).toBe('facilitator')
  })
  it('names a State', () => {
    expect(stateLabel({ state: 'FR', stateName: 'France' })).toBe('France')
    expect(stateLabel({ state: 'FR', stateName: null })).toBe('FR')
    expect(stateLabel({ state: null, stateName: null })).toBeNull()
  })
})
