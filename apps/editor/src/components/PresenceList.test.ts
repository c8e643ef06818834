import { describe, expect, it } from 'vitest'
import { people } from './PresenceList'

const awareness = (states: [number, unknown][], clientID = 1) => ({ clientID, getStates: () => new Map(states as [number, Record<string, unknown>][]) })

describe('people', () => {
  it('reads the server-written user: name, colour, State or role', () => {
    const list = people(
      awareness([
        [2, { user: { name: 'Marie Dupont', color: '#1d4ed8', role: 'delegation', state: 'FR', stateName: 'France', participant: 'p_2' } }],
        [1, { user: { name: 'Chair', color: '#047857', role: 'facilitator', state: null, stateName: null } }],
        [3, { user: { name: 'Obs', color: 'red', role: 'observer' } }],
        [4, { cursor: {} }],
      ]),
      (r) => r.toUpperCase(),
    )
    expect(list.map((p) => [p.name, p.what, p.color, p.self])).toEqual([
      ['Chair', 'FACILITATOR', '#047857', true],
      ['Marie Dupont', 'France', '#1d4ed8', false],
      ['Obs', 'OBSERVER', '#6b7280', false],
    ])
    expect(list[1].state).toBe('FR')
  })
})
