import { treatySchema as s } from '@accord/schema'
import type { Node as PMNode } from 'prosemirror-model'
import { EditorState, TextSelection } from 'prosemirror-state'
import { describe, expect, it } from 'vitest'
import { adjacentGroup, bracketPositions, currentGroup, selectGroupTr } from './bracketNav'

const alt = (...content: (string | PMNode)[]) => s.node('alternative', null, content.map((c) => (typeof c === 'string' ? s.text(c) : c)))
const bracket = (...alts: PMNode[]) => s.node('bracket', null, alts)
const doc = (...content: (string | PMNode)[]) =>
  s.node('doc', null, [s.node('treaty', null, [s.node('article', null, [s.node('paragraph', null, content.map((c) => (typeof c === 'string' ? s.text(c) : c)))])])])

// "A " [x][y] " B " [all [dev]]   (paragraph text starts at 3)
const inner = bracket(alt('dev'))
const d = doc('A ', bracket(alt('x'), alt('y')), ' B ', bracket(alt('all ', inner)))
const first = 5
const second = first + bracket(alt('x'), alt('y')).nodeSize + 3
const nested = second + 2 + 4
const state = (from: number, to = from) => EditorState.create({ doc: d, selection: TextSelection.create(d, from, to) })

describe('bracket navigation', () => {
  it('lists open groups, nested ones too', () => {
    expect(bracketPositions(d)).toEqual([first, second, nested])
  })
  it('finds the current group: the selected one, else the innermost around the cursor', () => {
    const sel = selectGroupTr(state(3), second)!
    expect(currentGroup(state(3).apply(sel))?.pos).toBe(second)
    expect(currentGroup(state(first + 2))?.pos).toBe(first)
    expect(currentGroup(state(nested + 2))?.pos).toBe(nested)
    expect(currentGroup(state(3))).toBeNull()
  })
  it('steps forward and back, wrapping around', () => {
    expect(adjacentGroup(state(3), 1)).toBe(first)
    expect(adjacentGroup(state(first + 2), 1)).toBe(second)
    expect(adjacentGroup(state(nested + 2), 1)).toBe(first)
    expect(adjacentGroup(state(3), -1)).toBe(nested)
    expect(adjacentGroup(state(second + 2), -1)).toBe(first)
  })
})
