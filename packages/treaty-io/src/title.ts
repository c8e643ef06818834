import type { Node as PMNode } from 'prosemirror-model'
import { renderNegotiating } from '@accord/bracket-variants'
import { nodeToInlines } from '@accord/bracket-variants/prosemirror'

/** The document's title as listed (brackets shown); "Untitled treaty" when it has none. */
export function documentTitle(doc: PMNode): string {
  let title: PMNode | null = null
  doc.descendants((node) => {
    if (title) return false
    if (node.type.name === 'title') {
      title = node
      return false
    }
    return node.type.name === 'doc' || node.type.name === 'treaty'
  })
  const text = title ? renderNegotiating(nodeToInlines(title)).trim() : ''
  return text || 'Untitled treaty'
}
