import { treatySchema } from '@accord/schema'
import type { Node as PMNode } from 'prosemirror-model'
import { Slice } from 'prosemirror-model'
import { EditorState } from 'prosemirror-state'
import { describe, expect, it } from 'vitest'
import { textOnlyChange } from './textChanges'

const s = treatySchema
const para = (...content: (string | PMNode)[]) => s.node('paragraph', null, content.map((c) => (typeof c === 'string' ? s.text(c) : c)))
const bracket = (...alts: string[]) => s.node('bracket', null, alts.map((a) => s.node('alternative', null, a ? [s.text(a)] : [])))
const doc = (...paras: PMNode[]) => s.node('doc', null, [s.node('treaty', { lang: 'en' }, [s.node('article', null, paras)])])

/** Where `text` starts in `d` (the first occurrence, in a text node). */
function find(d: PMNode, text: string): number {
  let at = -1
  d.descendants((node, pos) => {
    if (at < 0 && node.isText && node.text!.includes(text)) at = pos + node.text!.indexOf(text)
    return at < 0
  })
  return at
}

describe('textOnlyChange', () => {
  const base = doc(para('The Parties ', bracket('shall', 'should'), ' cooperate.'), para('Each Party shall report.'))

  it('maps text typed and deleted in several paragraphs, outside the brackets', () => {
    let state = EditorState.create({ doc: base })
    const cooperate = find(base, 'cooperate')
    const report = find(base, 'report')
    state = state.apply(state.tr.insertText('fully ', cooperate).delete(find(state.doc, 'Each'), find(state.doc, 'Each') + 5))
    const map = textOnlyChange(base, state.doc)!
    expect(map).not.toBeNull()
    expect(state.doc.textBetween(map.map(report), map.map(report) + 6)).toBe('report')
    const group = find(base, 'shall') - 2
    expect(state.doc.nodeAt(map.map(group))!.type.name).toBe('bracket')
  })

  it('sees a whole-document replace that keeps the unchanged nodes (as y-prosemirror makes it) as the text change it is', () => {
    const edited = base.firstChild!.firstChild!.child(1)
    const changed = doc(base.firstChild!.firstChild!.child(0), para(edited.textContent.replace('report', 'report yearly')))
    const state = EditorState.create({ doc: base })
    const next = state.apply(state.tr.replace(0, base.content.size, new Slice(changed.content, 0, 0))).doc
    const map = textOnlyChange(base, next)!
    expect(map).not.toBeNull()
    expect(map.map(find(base, '.'))).toBe(find(next, '.'))
    expect(map.map(base.content.size)).toBe(next.content.size)
    expect(map.map(find(base, 'report') + 6, -1)).toBe(find(next, ' yearly'))
  })

  it('is null when a bracket, a block or an attribute changed', () => {
    const state = EditorState.create({ doc: base })
    const inBracket = state.apply(state.tr.insertText('x', find(base, 'should'))).doc
    expect(textOnlyChange(base, inBracket)).toBeNull()
    const split = state.apply(state.tr.split(find(base, 'report'))).doc
    expect(textOnlyChange(base, split)).toBeNull()
    const level = state.apply(state.tr.setNodeMarkup(find(base, 'Each') - 1, undefined, { level: 1 })).doc
    expect(textOnlyChange(base, level)).toBeNull()
    const removed = state.apply(state.tr.delete(find(base, 'shall') - 2, find(base, ' cooperate'))).doc
    expect(textOnlyChange(base, removed)).toBeNull()
  })

  it('is the empty map for the same document', () => {
    expect(textOnlyChange(base, base)!.maps).toEqual([])
  })
})
