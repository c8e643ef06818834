import type { Node as PMNode } from 'prosemirror-model'
import { EditorState, NodeSelection, TextSelection, type Command, type Selection } from 'prosemirror-state'
import { treatyBuilders } from '@accord/schema/test-builders'
import { expect } from 'vitest'

/**
 * Test fixtures: prosemirror-test-builder builders over the treaty schema. `<a>` (and `<b>`)
 * mark the selection; `<node>` a node selection. Only tests import this module.
 */
export const b = treatyBuilders

export type Tagged = PMNode & { tag: Record<string, number> }

export function selectionOf(doc: Tagged): Selection {
  const { a, b: head, node } = doc.tag
  if (node !== undefined) return NodeSelection.create(doc, node)
  if (a === undefined) return TextSelection.atStart(doc)
  return TextSelection.create(doc, a, head ?? a)
}

/**
 * Runs `cmd` on `doc` (selection from its tags) and checks the resulting document — and the
 * selection when `expected` carries tags. `expected: null` asserts the command refuses, both
 * as a dry run and for real.
 */
export function apply(doc: Tagged, cmd: Command, expected: Tagged | null): EditorState {
  let state = EditorState.create({ doc, selection: selectionOf(doc) })
  if (expected === null) {
    expect(cmd(state), 'dry run should refuse').toBe(false)
    expect(cmd(state, () => { throw new Error('dispatched although the command refused') }), 'command should refuse').toBe(false)
    return state
  }
  expect(cmd(state), 'dry run should accept').toBe(true)
  let dispatched = 0
  const ok = cmd(state, (tr) => {
    dispatched++
    state = state.apply(tr)
  })
  expect(ok, 'command should accept').toBe(true)
  expect(dispatched).toBe(1)
  expect(state.doc.toJSON()).toEqual(expected.toJSON())
  state.doc.check()
  if (expected.tag.a !== undefined) {
    expect({ from: state.selection.from, to: state.selection.to }).toEqual({ from: expected.tag.a, to: expected.tag.b ?? expected.tag.a })
  }
  return state
}
