import { addAlternative, bracketSelection } from '@accord/commands'
import { treatySchema as s } from '@accord/schema'
import type { Node as PMNode } from 'prosemirror-model'
import { EditorState, TextSelection, type Transaction } from 'prosemirror-state'
import { describe, expect, it } from 'vitest'
import { structureGuard, touchesBracketStructure } from './structureGuard'

const alt = (text: string) => s.node('alternative', null, text ? [s.text(text)] : [])
const bracket = (...alts: string[]) => s.node('bracket', null, alts.map(alt))
const doc = (...content: (string | PMNode)[]) =>
  s.node('doc', null, [s.node('treaty', null, [s.node('article', null, [s.node('paragraph', null, content.map((c) => (typeof c === 'string' ? s.text(c) : c)))])])])

// doc > treaty > article > paragraph: the paragraph's text starts at 3.
const d = doc('The ', bracket('Protocol', 'Agreement'), ' shall')
const bracketPos = 3 + 4
const at = (from: number, to = from) => EditorState.create({ doc: d, selection: TextSelection.create(d, from, to) })

describe('touchesBracketStructure', () => {
  it('lets text through, also inside an alternative (as the server does)', () => {
    expect(touchesBracketStructure(at(3).tr.insertText('X'))).toBe(false)
    expect(touchesBracketStructure(at(3).tr.delete(3, 5))).toBe(false)
    expect(touchesBracketStructure(at(bracketPos + 2).tr.insertText('X'))).toBe(false)
    expect(touchesBracketStructure(at(bracketPos + 2).tr.delete(bracketPos + 2, bracketPos + 4))).toBe(false)
  })
  it('catches deleting or splitting a bracket, deleting across alternatives, bracketing, and attributes', () => {
    expect(touchesBracketStructure(at(bracketPos + 2, bracketPos + 13).tr.deleteSelection())).toBe(true)
    expect(touchesBracketStructure(at(3).tr.split(bracketPos + 3, 3))).toBe(true)
    expect(touchesBracketStructure(at(3).tr.setNodeMarkup(1, undefined, { lang: 'zh' }))).toBe(true)
    expect(touchesBracketStructure(at(3).tr.delete(3, bracketPos + 3))).toBe(true)
    let tr: Transaction | undefined
    bracketSelection(at(3, 6), (t) => (tr = t))
    expect(tr && touchesBracketStructure(tr)).toBe(true)
    let tr2: Transaction | undefined
    addAlternative(at(bracketPos + 3), (t) => (tr2 = t))
    expect(tr2 && touchesBracketStructure(tr2)).toBe(true)
    expect(touchesBracketStructure(at(3).tr.setNodeMarkup(bracketPos, undefined, { separator: 'or' }))).toBe(true)
  })
})

describe('structureGuard', () => {
  it('drops guarded transactions while not allowed, and says so', () => {
    let blocked = 0
    let allowed = false
    const state = EditorState.create({ doc: d, selection: TextSelection.create(d, 3, bracketPos + 3), plugins: [structureGuard(() => allowed, () => blocked++)] })
    expect(state.applyTransaction(state.tr.insertText('X')).state.doc.eq(state.doc)).toBe(true)
    expect(blocked).toBe(1)
    const plain = state.apply(state.tr.insertText('Y', 3))
    expect(plain.doc.textContent.startsWith('Y')).toBe(true)
    allowed = true
    expect(state.apply(state.tr.insertText('X')).doc.eq(state.doc)).toBe(false)
  })
})
