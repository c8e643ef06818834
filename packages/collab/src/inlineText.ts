import type { Node as PMNode } from 'prosemirror-model'

/**
 * The inline content of a node as a string, an inline element (a bracket, a note) counted as
 * one U+FFFC, with the document position before each character (and after the last): how the
 * server and the editor find an anchored passage again by its text and surroundings.
 */
export function inlineText(node: PMNode, contentStart: number): { text: string; posAt: number[] } {
  let text = ''
  const posAt: number[] = []
  node.forEach((child, offset) => {
    const pos = contentStart + offset
    if (child.isText) {
      for (let k = 0; k < child.text!.length; k++) posAt.push(pos + k)
      text += child.text!
    } else {
      posAt.push(pos)
      text += '\ufffc'
    }
  })
  posAt.push(contentStart + node.content.size)
  return { text, posAt }
}
