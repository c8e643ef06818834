import { labelStyleOf, noTextLabel, numberTreaty, preambleHeading, type NumberedUnit } from '@accord/schema'
import type { Node as PMNode } from 'prosemirror-model'
import { Plugin, type Transaction } from 'prosemirror-state'
import { ReplaceStep } from 'prosemirror-transform'
import { Decoration, DecorationSet } from 'prosemirror-view'
import { numberingKey } from './pluginKeys'
import { textOnlyChange } from './textChanges'

/**
 * Shows the derived numbers — 第一条 / Article 1, 1., (a), Option 1, Pp1 — and the preamble's
 * heading. Nothing is stored: each label is a `data-label` attribute that a node decoration
 * puts on the unit's element and the stylesheet draws with `::before`, so labels are never
 * selectable, typed over or sent to the other delegations.
 *
 * Cost: an edit inside one textblock (typing, pasting inline text, bracketing) cannot change
 * any number, so its decorations are mapped, not recomputed; so is a remote change that only
 * typed or deleted text (y-prosemirror applies every remote change by replacing the whole
 * document, so the documents are compared: `textOnlyChange`). Anything else — a structural
 * command, a remote structural change — renumbers: one pass over the blocks (numberTreaty
 * never enters a paragraph's text) and one DecorationSet.
 */
export interface NumberingState {
  decorations: DecorationSet
}

function unitAttrs(unit: NumberedUnit, lang: Parameters<typeof noTextLabel>[0]): Record<string, string> {
  const attrs: Record<string, string> = { 'data-label': unit.label }
  if (unit.kind === 'option' && unit.node.childCount === 0) attrs['data-empty'] = noTextLabel(lang)
  return attrs
}

export function numberingDecorations(doc: PMNode): DecorationSet {
  const treaty = doc.firstChild
  if (!treaty || treaty.type.name !== 'treaty') return DecorationSet.empty
  const { lang } = labelStyleOf(doc)
  const decorations: Decoration[] = []
  treaty.forEach((child, offset) => {
    if (child.type.name === 'preamble') {
      const pos = 1 + offset
      decorations.push(Decoration.node(pos, pos + child.nodeSize, { 'data-label': preambleHeading(lang) }))
    }
  })
  for (const unit of numberTreaty(doc)) {
    decorations.push(Decoration.node(unit.pos, unit.pos + unit.node.nodeSize, unitAttrs(unit, lang)))
  }
  return DecorationSet.create(doc, decorations)
}

/** True when every step of `tr` replaces inline content within one textblock, which leaves all numbers as they were. */
export function isInlineOnly(tr: Transaction): boolean {
  for (let i = 0; i < tr.steps.length; i++) {
    const step = tr.steps[i]
    if (!(step instanceof ReplaceStep)) return false
    const { slice } = step
    if (slice.openStart > 0 || slice.openEnd > 0) return false
    let inline = true
    slice.content.forEach((node) => {
      if (!node.isInline) inline = false
    })
    if (!inline) return false
    const doc = tr.docs[i]
    const $from = doc.resolve(step.from)
    const $to = doc.resolve(step.to)
    let depth = $from.depth
    while (depth > 0 && !$from.node(depth).isTextblock) depth--
    if (depth === 0 || $to.depth < depth || $to.node(depth) !== $from.node(depth) || $to.start(depth) !== $from.start(depth)) return false
  }
  return true
}

export function numberingPlugin(): Plugin<NumberingState> {
  return new Plugin<NumberingState>({
    key: numberingKey,
    state: {
      init: (_, state) => ({ decorations: numberingDecorations(state.doc) }),
      apply: (tr, value, old, state) => {
        if (!tr.docChanged) return value
        if (isInlineOnly(tr)) return { decorations: value.decorations.map(tr.mapping, tr.doc) }
        const text = textOnlyChange(old.doc, state.doc)
        if (text) return { decorations: value.decorations.map(text, state.doc) }
        return { decorations: numberingDecorations(state.doc) }
      },
    },
    props: {
      decorations: (state) => numberingKey.getState(state)?.decorations,
    },
  })
}
