import { elementId, walkCorresponding } from '@accord/collab'
import { treatySchema } from '@accord/schema'
import type { Node as PMNode } from 'prosemirror-model'
import type { Decoration } from 'prosemirror-view'
import { describe, expect, it } from 'vitest'
import { absolutePositionToRelativePosition, initProseMirrorDoc, prosemirrorToYXmlFragment } from 'y-prosemirror'
import * as Y from 'yjs'
import type { Amendment } from '../api'
import { amendmentRecordsOf, placeAmendments, type AnchorContext, type StoredAmendment, type TextAnchor } from './amendmentAnchors'
import { amendmentDecorations, shownAmendments } from './amendmentPlugin'

const s = treatySchema
const alt = (text: string) => s.node('alternative', null, [s.text(text)])
const para = (...content: (string | PMNode)[]) => s.node('paragraph', { level: 0 }, content.map((c) => (typeof c === 'string' ? s.text(c) : c)))
const treaty = (...children: PMNode[]) => s.node('doc', null, [s.node('treaty', { lang: 'en' }, children)])

const initial = treaty(s.node('article', null, [para('Each Party shall ', s.node('bracket', null, [alt('promptly'), alt('duly')]), ' notify the depositary.'), para('This Protocol shall be ratified.')]))

/** The Y document of a treaty, and the editor's view of it (the doc and y-prosemirror's mapping), read again after each change. */
function shared(doc: PMNode) {
  const ydoc = new Y.Doc()
  const fragment = ydoc.getXmlFragment('treaty')
  prosemirrorToYXmlFragment(doc, fragment)
  const read = (): AnchorContext => {
    const { doc: now, meta } = initProseMirrorDoc(fragment, s)
    return { ydoc, fragment, doc: now, mapping: meta.mapping as AnchorContext['mapping'] }
  }
  return { ydoc, fragment, read }
}

function find(doc: PMNode, text: string): { from: number; to: number } {
  let found: { from: number; to: number } | null = null
  doc.descendants((node, pos) => {
    if (!found && node.isText && node.text!.includes(text)) found = { from: pos + node.text!.indexOf(text), to: pos + node.text!.indexOf(text) + text.length }
    return !found
  })
  if (!found) throw new Error(`${text} not found`)
  return found
}

const b64 = (rel: Y.RelativePosition) => Buffer.from(Y.encodeRelativePosition(rel)).toString('base64')

/** An anchor as the server writes it: relative positions of the quote and its surroundings in the element that holds it. */
function anchorFor(c: AnchorContext, text: string): TextAnchor {
  const { from, to } = find(c.doc, text)
  let parent = ''
  walkCorresponding(c.fragment, c.doc, ({ element, node, pos }) => {
    if (node.isTextblock && pos < from && from < pos + node.nodeSize) parent = elementId(element)
  })
  const line = c.doc.resolve(from).parent.textContent
  const i = line.indexOf(text)
  return {
    start: b64(absolutePositionToRelativePosition(from, c.fragment, c.mapping as never)),
    end: b64(absolutePositionToRelativePosition(to, c.fragment, c.mapping as never)),
    parent,
    text,
    before: line.slice(Math.max(0, i - 32), i),
    after: line.slice(i + text.length, i + text.length + 32),
  }
}

function record(id: string, anchor: TextAnchor | null, extra: Partial<Amendment> = {}): StoredAmendment {
  return {
    id,
    number: 1,
    state: 'FR',
    kind: 'replace',
    target: { article: 1, paragraph: 2, quote: anchor?.text ?? '', location: 'Article 1, paragraph 2' },
    text: 'shall be subject to ratification',
    justification: '',
    status: 'open',
    cosponsors: [],
    created: '2026-11-24T10:00:00.000Z',
    updated: '2026-11-24T10:00:00.000Z',
    author: { participant: 'p_1', name: 'France' },
    anchor,
    ...extra,
  }
}

/** The text of each placed passage. */
function placedText(c: AnchorContext, amendments: StoredAmendment[]): (string | null)[] {
  const placements = placeAmendments(c, amendments)
  return amendments.map((a) => {
    const p = placements.find((x) => x.id === a.id)
    return p && p.kind === 'text' ? c.doc.textBetween(p.from, p.to) : null
  })
}

/** The Y.XmlText of the paragraph whose text starts with `start`. */
function yText(fragment: Y.XmlFragment, start: string): Y.XmlText {
  let found: Y.XmlText | null = null
  const visit = (el: Y.XmlFragment | Y.XmlElement) => {
    for (const child of el.toArray()) {
      if (child instanceof Y.XmlText && child.toString().startsWith(start)) found = child
      else if (child instanceof Y.XmlElement) visit(child)
    }
  }
  visit(fragment)
  if (!found) throw new Error(`no Y text starts with ${start}`)
  return found
}

describe('placeAmendments', () => {
  it('finds the quote where it is after edits around it, and not at all once it is deleted', () => {
    const { fragment, read } = shared(initial)
    const a = record('m_1', anchorFor(read(), 'be ratified'))
    expect(placedText(read(), [a])).toEqual(['be ratified'])

    const text = yText(fragment, 'This Protocol')
    text.insert(0, 'Subject to Article 3, ')
    text.insert(text.length, ' It enters into force at once.')
    expect(read().doc.textContent).toContain('Subject to Article 3, This Protocol shall be ratified. It enters')
    expect(placedText(read(), [a])).toEqual(['be ratified'])

    // Typed inside: the passage grows with it.
    text.insert(text.toString().indexOf('ratified'), 'duly ')
    expect(placedText(read(), [a])).toEqual(['be duly ratified'])

    const at = text.toString().indexOf('be duly ratified')
    text.delete(at, 'be duly ratified'.length)
    expect(placedText(read(), [a])).toEqual([null])
  })

  it('finds a passage again from its surroundings when its characters were written anew (a rewritten paragraph)', () => {
    const { fragment, read } = shared(initial)
    const a = record('m_1', anchorFor(read(), 'be ratified'))
    const text = yText(fragment, 'This Protocol')
    const content = text.toString()
    // As y-prosemirror does after an inline element before the text disappears: the same characters, new items.
    text.insert(0, content)
    text.delete(content.length, content.length)
    expect(read().doc.child(0).child(0).child(1).textContent).toBe('This Protocol shall be ratified.')
    expect(placedText(read(), [a])).toEqual(['be ratified'])
    // It was the surroundings that found it: without the element that held it, nothing is shown.
    expect(placedText(read(), [{ ...a, anchor: { ...a.anchor!, parent: '0.0' } }])).toEqual([null])
  })

  it('places passages after a bracket (positions count the inline element) and structural amendments on their elements', () => {
    const { read } = shared(initial)
    const c = read()
    const a = record('m_1', anchorFor(c, 'notify'))
    let articleId = ''
    walkCorresponding(c.fragment, c.doc, ({ element, node }) => {
      if (node.type.name === 'article') articleId = elementId(element)
    })
    const structural = record('m_2', null, { kind: 'deleteArticle', elements: { elements: [articleId], place: null } } as Partial<StoredAmendment>)
    const placements = placeAmendments(c, [a, structural])
    expect(placedText(c, [a])).toEqual(['notify'])
    const blocks = placements.find((p) => p.id === 'm_2')
    expect(blocks).toEqual({ id: 'm_2', kind: 'blocks', blocks: [{ from: 1, to: 1 + c.doc.child(0).child(0).nodeSize }] })
  })
})

describe('amendmentDecorations', () => {
  it('underlines the passage in the State’s colour and puts the proposal after it; only open amendments are shown', () => {
    const { read } = shared(initial)
    const c = read()
    const open = record('m_1', anchorFor(c, 'be ratified'), { cosponsors: ['CN'] })
    const withdrawn = record('m_2', anchorFor(c, 'notify'), { status: 'withdrawn', state: 'US' })
    const shown = shownAmendments([open, withdrawn])
    expect(shown.map((a) => a.id)).toEqual(['m_1'])
    const placements = placeAmendments(c, shown)
    const set = amendmentDecorations(c.doc, shown, placements, { describe: (a) => `${a.state}: ${a.text}`, mark: () => '→' })
    const found = set.find() as (Decoration & { type: { attrs?: Record<string, string>; side?: number } })[]
    const { from, to } = find(c.doc, 'be ratified')
    const inline = found.find((d) => d.from === from && d.to === to)
    expect(inline).toBeDefined()
    expect(inline!.type.attrs).toMatchObject({ class: 'amendment amendment-replace', 'data-state': 'FR', 'data-amendment': 'm_1', title: 'FR: shall be subject to ratification' })
    expect(inline!.type.attrs!.style).toMatch(/^--amendment-color: #[0-9a-f]{6}$/)
    const widget = found.find((d) => d.from === to && d.to === to)
    expect(widget?.spec.amendment).toBe('m_1')
    expect(found).toHaveLength(2)
  })
})

describe('amendmentRecordsOf', () => {
  it('reads the server-written map in order of proposal and skips what it does not understand', () => {
    const ydoc = new Y.Doc()
    const map = ydoc.getMap<unknown>('amendments')
    map.set('m_b', record('m_b', null, { number: 2 }))
    map.set('m_a', record('m_a', null, { number: 1 }))
    map.set('junk', { hello: 1 })
    expect(amendmentRecordsOf(map).map((a) => a.id)).toEqual(['m_a', 'm_b'])
  })
})
