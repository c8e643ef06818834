import type { Node as PMNode } from 'prosemirror-model'
import { Plugin, type EditorState } from 'prosemirror-state'
import { Decoration, DecorationSet, type EditorView } from 'prosemirror-view'
import type * as Y from 'yjs'
import { colorFor } from '../settings'
import { amendmentRecordsOf, placeAmendments, type Placement, type StoredAmendment } from './amendmentAnchors'
import { amendmentsKey, ySyncPluginKey } from './pluginKeys'

/*
 * Shows the open amendments where they apply: the quoted passage underlined in the proposing
 * State's colour (the colour the server gives that State's presence), with a small widget after
 * it showing the State, the co-sponsors and the proposed wording; a paragraph or article that a
 * structural amendment is about gets a bar in that colour.
 *
 * Cost: the anchors are resolved again only when the amendments changed (the Y.Map's observer
 * dispatches a meta transaction) or when y-prosemirror replaced the document (a remote change,
 * after which its mapping is current); a local edit only maps the decorations.
 */

/** How a widget and its tooltip read (the interface language's words). */
export interface AmendmentWords {
  /** "FR, with CN: replace with «…»" — the tooltip. */
  describe: (a: StoredAmendment) => string
  /** The widget's short text for a kind: "→", "⌫", "+". */
  mark: (a: StoredAmendment) => string
}

export interface AmendmentPluginState {
  decorations: DecorationSet
  /** Where the open amendments are, for tests and the panel ("show in the text"). */
  placements: Placement[]
}

export interface AmendmentSource {
  ydoc: Y.Doc
  fragment: Y.XmlFragment
  amendments: Y.Map<unknown>
}

/** The open amendments among the records: the ones shown in the text. */
export function shownAmendments(records: readonly StoredAmendment[]): StoredAmendment[] {
  return records.filter((a) => a.status === 'open')
}

/** The decorations for placed amendments (pure: tests build them without a view). */
export function amendmentDecorations(doc: PMNode, records: readonly StoredAmendment[], placements: readonly Placement[], words: AmendmentWords): DecorationSet {
  const byId = new Map(records.map((a) => [a.id, a]))
  const decorations: Decoration[] = []
  for (const p of placements) {
    const a = byId.get(p.id)
    if (!a) continue
    const color = colorFor(a.state)
    const title = words.describe(a)
    const attrs = { 'data-amendment': a.id, 'data-state': a.state, style: `--amendment-color: ${color}`, title }
    if (p.kind === 'text') {
      decorations.push(Decoration.inline(p.from, p.to, { ...attrs, class: `amendment amendment-${a.kind}` }, { amendment: a.id }))
      const key = `am-${a.id}-${a.updated}-${a.cosponsors.join(',')}-${title}`
      decorations.push(Decoration.widget(p.to, () => widget(a, color, title, words), { side: 1, key, ignoreSelection: true, amendment: a.id }))
    } else {
      // A deletion marks what would go; an addition only says where the new text would come.
      const addition = a.kind === 'addParagraph' || a.kind === 'addArticle'
      if (!addition) for (const b of p.blocks) decorations.push(Decoration.node(b.from, b.to, { ...attrs, class: `amendment-block amendment-${a.kind}` }, { amendment: a.id }))
      const at = addition ? p.blocks[p.blocks.length - 1].to - 1 : p.blocks[0].from + 1
      const key = `am-${a.id}-${a.updated}-${a.cosponsors.join(',')}-${title}`
      decorations.push(Decoration.widget(at, () => widget(a, color, title, words), { side: addition ? 1 : -1, key, ignoreSelection: true, amendment: a.id }))
    }
  }
  return DecorationSet.create(doc, decorations)
}

function widget(a: StoredAmendment, color: string, title: string, words: AmendmentWords): HTMLElement {
  const el = document.createElement('span')
  el.className = `amendment-widget amendment-widget-${a.kind}`
  el.contentEditable = 'false'
  el.dataset.amendment = a.id
  el.setAttribute('data-testid', 'amendment-widget')
  el.title = title
  el.style.setProperty('--amendment-color', color)
  const states = document.createElement('span')
  states.className = 'amendment-states'
  states.textContent = [a.state, ...a.cosponsors].join('+')
  el.append(states)
  const mark = words.mark(a)
  if (mark) {
    const m = document.createElement('span')
    m.className = 'amendment-mark'
    m.textContent = mark
    el.append(m)
  }
  if (a.text && a.kind !== 'delete' && a.kind !== 'deleteParagraph' && a.kind !== 'deleteArticle') {
    const text = document.createElement('span')
    text.className = 'amendment-text'
    text.textContent = a.text.length > 80 ? `${a.text.slice(0, 79)}…` : a.text
    el.append(text)
  }
  return el
}

function compute(state: EditorState, source: AmendmentSource, words: () => AmendmentWords): AmendmentPluginState {
  const binding = ySyncPluginKey.getState(state)?.binding as { mapping: Map<Y.AbstractType<unknown>, PMNode> } | undefined
  const records = shownAmendments(amendmentRecordsOf(source.amendments))
  if (!binding || !records.length) return { decorations: DecorationSet.empty, placements: [] }
  const placements = placeAmendments({ ydoc: source.ydoc, fragment: source.fragment, mapping: binding.mapping, doc: state.doc }, records)
  return { decorations: amendmentDecorations(state.doc, records, placements, words()), placements }
}

/** The meta a transaction carries to have the amendments placed again. */
export const REFRESH_AMENDMENTS = 'refresh'

export function amendmentPlugin(source: AmendmentSource, words: () => AmendmentWords): Plugin<AmendmentPluginState> {
  return new Plugin<AmendmentPluginState>({
    key: amendmentsKey,
    state: {
      init: () => ({ decorations: DecorationSet.empty, placements: [] }),
      apply: (tr, value, _old, state) => {
        if (tr.getMeta(amendmentsKey) === REFRESH_AMENDMENTS || tr.getMeta(ySyncPluginKey) !== undefined) return compute(state, source, words)
        if (!tr.docChanged) return value
        const decorations = value.decorations.map(tr.mapping, tr.doc)
        const placements = value.placements.flatMap((p): Placement[] => {
          if (p.kind === 'text') {
            const from = tr.mapping.map(p.from, 1)
            const to = tr.mapping.map(p.to, -1)
            return from < to ? [{ ...p, from, to }] : []
          }
          const blocks = p.blocks.map((b) => ({ from: tr.mapping.map(b.from, 1), to: tr.mapping.map(b.to, -1) })).filter((b) => b.from < b.to)
          return blocks.length ? [{ ...p, blocks }] : []
        })
        return { decorations, placements }
      },
    },
    props: {
      decorations: (state) => amendmentsKey.getState(state)?.decorations,
    },
    view: (view: EditorView) => {
      let scheduled = false
      let destroyed = false
      const refresh = () => {
        if (scheduled) return
        scheduled = true
        // After the Y transaction has been fully applied (y-prosemirror renders the text in the same round).
        queueMicrotask(() => {
          scheduled = false
          if (!destroyed) view.dispatch(view.state.tr.setMeta(amendmentsKey, REFRESH_AMENDMENTS))
        })
      }
      source.amendments.observeDeep(refresh)
      refresh()
      return {
        destroy: () => {
          destroyed = true
          source.amendments.unobserveDeep(refresh)
        },
      }
    },
  })
}

/** Asks the plugin to place the amendments again (e.g. after the interface language changed). */
export function refreshAmendments(view: EditorView): void {
  view.dispatch(view.state.tr.setMeta(amendmentsKey, REFRESH_AMENDMENTS))
}
