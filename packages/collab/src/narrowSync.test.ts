import { importText } from '@accord/treaty-io'
import { sampleTreatyText } from '@accord/treaty-io/sample'
import type { Node as PMNode } from 'prosemirror-model'
import { EditorState, type Transaction } from 'prosemirror-state'
import { describe, expect, it } from 'vitest'
import { updateYFragment } from 'y-prosemirror'
import * as Y from 'yjs'
import { mulberry32 } from '@accord/testing'
import { updateYFragmentNarrowly, type SyncTarget } from './narrowSync'

const SAMPLE = sampleTreatyText()

function target(): SyncTarget {
  const doc = new Y.Doc()
  doc.clientID = 1
  return { doc, type: doc.getXmlFragment('treaty'), mapping: new Map(), isOMark: new Map() }
}

/** Positions directly inside textblocks and inline nodes with inline content, where text can go. */
function textPositions(doc: PMNode): number[] {
  const out: number[] = []
  doc.descendants((node, pos) => {
    if (node.inlineContent) for (let i = 0; i <= node.content.size; i++) out.push(pos + 1 + i)
    return !node.isLeaf
  })
  return out.filter((p) => doc.resolve(p).parent.inlineContent)
}

/** One random edit of the kinds people make: typing, deleting, splitting, re-levelling or removing a paragraph. */
function randomEdit(state: EditorState, rnd: () => number): Transaction {
  const tr = state.tr
  const positions = textPositions(state.doc)
  const at = positions[Math.floor(rnd() * positions.length)]
  const $at = state.doc.resolve(at)
  const kind = rnd()
  if (kind < 0.45) return tr.insertText(rnd() < 0.5 ? 'z' : '新的', at)
  if (kind < 0.7) {
    const end = Math.min($at.end(), at + 1 + Math.floor(rnd() * 4))
    return end > at ? tr.delete(at, end) : tr.insertText('x', at)
  }
  if (kind < 0.8 && $at.parent.type.name === 'paragraph') return tr.split(at)
  if (kind < 0.9 && $at.parent.type.name === 'paragraph') {
    const pos = $at.before($at.depth)
    return tr.setNodeMarkup(pos, undefined, { ...$at.parent.attrs, level: $at.parent.attrs.level === 0 ? 1 : 0 })
  }
  if ($at.parent.type.name === 'paragraph' && $at.node($at.depth - 1).childCount > 1) return tr.delete($at.before($at.depth), $at.after($at.depth))
  return tr.insertText('y', at)
}

describe('updateYFragmentNarrowly', () => {
  it('writes exactly the Y operations updateYFragment writes, through random edits', () => {
    const { doc } = importText(SAMPLE)
    for (const seed of [1, 2]) {
      const rnd = mulberry32(seed || 1)
      const full = target()
      const narrow = target()
      updateYFragment(full.doc, full.type, doc, full as never)
      updateYFragmentNarrowly(narrow, doc)
      let state = EditorState.create({ doc })
      for (let step = 0; step < 80; step++) {
        // Sometimes several edits (two places at once) before one update, as after a paste or a command.
        const edits = rnd() < 0.2 ? 2 : 1
        for (let i = 0; i < edits; i++) state = state.apply(randomEdit(state, rnd))
        updateYFragment(full.doc, full.type, state.doc, full as never)
        updateYFragmentNarrowly(narrow, state.doc)
        expect(Y.encodeStateAsUpdate(narrow.doc)).toEqual(Y.encodeStateAsUpdate(full.doc))
      }
      expect(narrow.type.toJSON()).toEqual(full.type.toJSON())
    }
  })

  it('does nothing when nothing changed, and sets the mapping of every level it passed', () => {
    const { doc } = importText(SAMPLE)
    const t = target()
    updateYFragmentNarrowly(t, doc)
    const before = Y.encodeStateVector(t.doc)
    updateYFragmentNarrowly(t, doc)
    expect(Y.encodeStateVector(t.doc)).toEqual(before)
    const state = EditorState.create({ doc })
    const at = textPositions(doc)[40]
    const next = state.apply(state.tr.insertText('z', at)).doc
    updateYFragmentNarrowly(t, next)
    const treaty = t.type.get(0)
    expect(t.mapping.get(treaty)).toBe(next.firstChild)
  })
})
