import { treatySchema } from '@accord/schema'
import { addArticle } from '@accord/commands'
import { Slice, type Node as PMNode } from 'prosemirror-model'
import { EditorState, TextSelection } from 'prosemirror-state'
import type { Decoration } from 'prosemirror-view'
import { describe, expect, it } from 'vitest'
import { isInlineOnly, numberingDecorations, numberingPlugin } from './numberingPlugin'
import { numberingKey } from './pluginKeys'

const s = treatySchema
const para = (text: string, level = 0) => s.node('paragraph', { level }, text ? [s.text(text)] : [])
const article = (...paras: PMNode[]) => s.node('article', null, paras)

function treaty(lang: 'zh' | 'en', ...children: PMNode[]): PMNode {
  return s.node('doc', null, [s.node('treaty', { lang }, children)])
}

function labels(state: EditorState): string[] {
  const set = numberingKey.getState(state)!.decorations
  return set
    .find()
    .sort((a, b) => a.from - b.from)
    .map((d: Decoration) => (d as unknown as { type: { attrs: Record<string, string> } }).type.attrs['data-label'])
}

describe('numberingPlugin', () => {
  const doc = treaty(
    'zh',
    s.node('title', null, [s.text('议定书')]),
    s.node('preamble', null, [s.node('recital', null, [s.text('回顾')])]),
    article(para('甲'), para('乙'), para('丙', 1)),
    article(para('丁')),
  )

  it('labels the preamble, articles and paragraphs', () => {
    const state = EditorState.create({ doc, plugins: [numberingPlugin()] })
    expect(labels(state)).toEqual(['序言', '第一条', '1.', '2.', '（一）', '第二条', '1.'])
  })

  it('maps labels through typing and renumbers after a structural change', () => {
    let state = EditorState.create({ doc, plugins: [numberingPlugin()] })
    // Type in the first paragraph of the first article.
    let pos = -1
    state.doc.descendants((node, p) => {
      if (pos < 0 && node.type.name === 'paragraph') pos = p + 1
    })
    const typing = state.tr.insertText('X', pos)
    expect(isInlineOnly(typing)).toBe(true)
    const before = numberingKey.getState(state)!.decorations
    state = state.apply(typing)
    expect(numberingKey.getState(state)!.decorations).not.toBe(before)
    expect(labels(state)).toEqual(['序言', '第一条', '1.', '2.', '（一）', '第二条', '1.'])

    state = state.apply(state.tr.setSelection(TextSelection.create(state.doc, pos + 1)))
    addArticle(state, (tr) => {
      expect(isInlineOnly(tr)).toBe(false)
      state = state.apply(tr)
    })
    expect(labels(state)).toEqual(['序言', '第一条', '1.', '2.', '（一）', '第二条', '1.', '第三条', '1.'])
  })

  it('says "No text" on an empty option', () => {
    const d = treaty('en', article(s.node('option_group', null, [s.node('option', null, [para('a')]), s.node('option')])))
    const state = EditorState.create({ doc: d, plugins: [numberingPlugin()] })
    const empty = numberingKey
      .getState(state)!
      .decorations.find()
      .map((deco) => (deco as unknown as { type: { attrs: Record<string, string> } }).type.attrs)
      .find((a) => a['data-empty'])
    expect(empty).toEqual({ 'data-label': 'Option 2', 'data-empty': 'No text' })
  })
})

describe('numberingPlugin and remote changes', () => {
  it('maps the labels through a whole-document replace that only changed text, and renumbers after one that changed blocks', () => {
    const d = treaty('en', article(para('a'), para('b')), article(para('c')))
    let state = EditorState.create({ doc: d, plugins: [numberingPlugin()] })
    // What y-prosemirror dispatches for a remote edit: the whole content replaced, unchanged nodes kept.
    const typed = treaty('en', d.firstChild!.child(0), article(para('c and more')))
    const before = numberingKey.getState(state)!.decorations
    state = state.apply(state.tr.replace(0, state.doc.content.size, new Slice(typed.content, 0, 0)))
    const mapped = numberingKey.getState(state)!.decorations
    expect(mapped).not.toBe(before)
    expect(mapped.find().map((x) => [x.from, x.to])).toEqual(numberingDecorations(state.doc).find().map((x) => [x.from, x.to]))
    expect(labels(state)).toEqual(['Article 1', '1.', '2.', 'Article 2', '1.'])
    const added = treaty('en', d.firstChild!.child(0), article(para('c and more'), para('d')))
    state = state.apply(state.tr.replace(0, state.doc.content.size, new Slice(added.content, 0, 0)))
    expect(labels(state)).toEqual(['Article 1', '1.', '2.', 'Article 2', '1.', '2.'])
  })
})
