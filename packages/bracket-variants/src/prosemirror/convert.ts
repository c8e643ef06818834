import { Fragment, type Node as PMNode } from 'prosemirror-model'
import { treatySchema, type Separator } from '@accord/schema'
import type { BracketGroup, Inline } from '../core/index'

/**
 * Plain inline data (the core's `Inline[]`) to the schema's inline nodes: text, `bracket` >
 * `alternative`, `placeholder`, `note`. Empty text runs are dropped (ProseMirror has no empty
 * text nodes); a group keeps its empty alternatives, which are meaningful ("[]" = keep or
 * drop nothing, usually a typo that the parser warned about).
 */
export function inlinesToNodes(inlines: readonly Inline[]): PMNode[] {
  const out: PMNode[] = []
  for (const inline of inlines) {
    if (inline.type === 'text') {
      if (inline.text) out.push(treatySchema.text(inline.text))
    } else if (inline.type === 'note') {
      out.push(treatySchema.nodes.note.create(null, inline.text ? treatySchema.text(inline.text) : null))
    } else if (inline.placeholder) {
      const text = inline.alternatives.map((alt) => plainText(alt)).join(' ')
      out.push(treatySchema.nodes.placeholder.create({ curly: !!inline.curly }, text ? treatySchema.text(text) : null))
    } else {
      const alternatives = inline.alternatives.map((alt) => treatySchema.nodes.alternative.create(null, inlinesToNodes(alt)))
      out.push(treatySchema.nodes.bracket.create({ separator: inline.separator }, alternatives))
    }
  }
  return out
}

function plainText(inlines: readonly Inline[]): string {
  return inlines.map((i) => (i.type === 'group' ? i.alternatives.map(plainText).join(' ') : i.text)).join('')
}

/**
 * The inline content of a node (a textblock or an `alternative`) as plain data. Each group's
 * `id` is the absolute document position of its `bracket` node when `pos` (the position of
 * the node's content start) is given, so results from the core can be mapped back.
 */
export function nodeToInlines(node: PMNode, contentStart = 0): Inline[] {
  const out: Inline[] = []
  node.forEach((child, offset) => {
    const pos = contentStart + offset
    if (child.isText) {
      const prev = out[out.length - 1]
      if (prev && prev.type === 'text') prev.text += child.text ?? ''
      else out.push({ type: 'text', text: child.text ?? '' })
    } else if (child.type.name === 'note') {
      out.push({ type: 'note', text: child.textContent })
    } else if (child.type.name === 'placeholder') {
      out.push({ type: 'group', id: String(pos), alternatives: [[{ type: 'text', text: child.textContent }]], separator: 'none', placeholder: true, ...(child.attrs.curly ? { curly: true } : {}) })
    } else if (child.type.name === 'bracket') {
      // A bracket left without alternatives by concurrent deletions holds no text and no
      // choice: it is not a group. (Removing the node is not done automatically: two peers
      // removing it at once make y-prosemirror join the surrounding text twice.)
      if (child.childCount === 0) return
      const alternatives: Inline[][] = []
      child.forEach((alt, altOffset) => alternatives.push(nodeToInlines(alt, pos + 1 + altOffset + 1)))
      const group: BracketGroup = { type: 'group', id: String(pos), alternatives, separator: child.attrs.separator as Separator }
      out.push(group)
    }
  })
  return out
}

/** A fragment holding the content of alternative `index` of the bracket node `bracket`. */
export function alternativeContent(bracket: PMNode, index: number): Fragment {
  if (index < 0 || index >= bracket.childCount) throw new RangeError(`this bracket has ${bracket.childCount} alternative(s); there is no alternative ${index + 1}`)
  return bracket.child(index).content
}
