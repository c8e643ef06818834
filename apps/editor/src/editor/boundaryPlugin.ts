import { Plugin, TextSelection, type EditorState } from 'prosemirror-state'
import type { EditorView } from 'prosemirror-view'

/**
 * Brackets, alternatives, drafting notes and placeholders are inline nodes with content.
 * Where the cursor sits next to one with no text between — at the start of a paragraph
 * that opens with a bracket, after a note that ends a paragraph, between a bracket and a
 * note — the browser cannot tell "just outside the node" from "just inside it", and types
 * into the node: a delegate's words would land in a drafting note. ProseMirror leaves
 * such nodes to the application (ProseMirror issue #1343), so this plugin makes typing at
 * those positions go where the editor's cursor is:
 *
 * - plain typing (`beforeinput` insertText, which Chrome lets a page cancel) is inserted by a
 *   transaction at the cursor;
 * - an IME composition (Chinese input) cannot be cancelled, so before it starts the plugin
 *   sets empty stored marks, which makes ProseMirror wrap the cursor in its own placeholder
 *   (its "cursor wrapper") and read the composed text at the cursor's position.
 */

/** True when the empty cursor has an inline node with content (not text) directly beside it. */
export function atInlineBoundary(state: EditorState): boolean {
  const sel = state.selection
  if (!(sel instanceof TextSelection) || !sel.$cursor) return false
  const $c = sel.$cursor
  if (!$c.parent.inlineContent || $c.textOffset > 0) return false
  const isBoundary = (node: typeof $c.nodeAfter) => !!node && node.isInline && !node.isText && !node.isLeaf
  return isBoundary($c.nodeBefore) || isBoundary($c.nodeAfter)
}

export function boundaryPlugin(): Plugin {
  return new Plugin({
    props: {
      handleDOMEvents: {
        beforeinput(view: EditorView, event: Event) {
          const e = event as InputEvent
          if (e.inputType !== 'insertText' || !e.data || view.composing || !atInlineBoundary(view.state)) return false
          e.preventDefault()
          view.dispatch(view.state.tr.insertText(e.data).scrollIntoView())
          return true
        },
        compositionstart(view: EditorView) {
          if (atInlineBoundary(view.state) && !view.state.storedMarks) view.dispatch(view.state.tr.setStoredMarks([]))
          return false
        },
      },
    },
  })
}
