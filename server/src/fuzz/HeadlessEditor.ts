import { commandName } from '@accord/commands'
import { treatySchema } from '@accord/schema'
import type { Node as PMNode } from 'prosemirror-model'
import { EditorState, type Command, type Plugin, type Selection, type Transaction } from 'prosemirror-state'
import { ProsemirrorBinding, redo, undo, ySyncPlugin, ySyncPluginKey, yUndoPlugin, yUndoPluginKey, yXmlFragmentToProseMirrorRootNode } from 'y-prosemirror'
import type * as Y from 'yjs'
// The editor's own filter, so that a delegation's peer refuses locally exactly what the editor refuses.
import { narrowYSync, structureGuard } from '@accord/collab'

/** The parts of y-prosemirror's binding that ySyncPlugin's view hook drives (not in its typings). */
interface Binding {
  mux: (f: () => void) => void
  initView(view: unknown): void
  destroy(): void
  _forceRerender(): void
  _prosemirrorChanged(doc: PMNode): void
}

/**
 * An editor without a DOM: an EditorState with the editor's plugins that touch the text
 * (y-prosemirror's `ySyncPlugin` and `yUndoPlugin`, the editor's `structureGuard`) bound to a
 * Y.XmlFragment through the sync plugin's own binding, driven the way the plugins' view hooks
 * drive it. A dispatched transaction is applied to the state (plugins
 * may filter it) and the new document written into Y with `updateYFragment` under the binding's
 * mutex and persistent mapping; a remote Y change makes the binding dispatch the rebuilt
 * document here (`_typeChanged`), exactly as in the browser.
 */
export class HeadlessEditor {
  state: EditorState
  /** Local transactions the structure guard refused. */
  blocked = 0
  private readonly binding: Binding

  constructor(
    readonly fragment: Y.XmlFragment,
    structureAllowed: boolean,
  ) {
    // As createEditor.ts: sync, undo (paragraphs and recitals protected), the structure guard.
    const undoPlugin = yUndoPlugin({ protectedNodes: new Set(['paragraph', 'recital']) })
    const plugins: Plugin[] = [ySyncPlugin(fragment), undoPlugin, structureGuard(() => structureAllowed, () => this.blocked++)]
    // Starting from the fragment's document keeps the first render's selection inside text.
    this.state = EditorState.create({ schema: treatySchema, doc: yXmlFragmentToProseMirrorRootNode(fragment, treatySchema), plugins })
    // As createEditor.ts: local changes are written from the deepest changed element.
    narrowYSync(this.state)
    const pluginState = ySyncPluginKey.getState(this.state) as { binding: ProsemirrorBinding }
    this.binding = pluginState.binding as unknown as Binding
    this.binding.initView(this)
    // What the plugin's view hook does when no mapping was given: render the fragment.
    this.binding._forceRerender()
    // The undo plugin's view hook (it records the selection with each undo step).
    this.undoView = (undoPlugin.spec.view as (view: unknown) => { destroy?: () => void })(this)
  }

  private readonly undoView: { destroy?: () => void }

  private get undoManager(): Y.UndoManager {
    return (yUndoPluginKey.getState(this.state) as { undoManager: Y.UndoManager }).undoManager
  }

  /** Undo (Mod-z): y-prosemirror's undo of this peer's own changes, applied to Y and rendered back. */
  undo(): boolean {
    return undo(this.state)
  }

  redo(): boolean {
    return redo(this.state)
  }

  /** The view interface the binding uses. */
  hasFocus(): boolean {
    return false
  }

  get doc(): PMNode {
    return this.state.doc
  }

  readonly dispatch = (tr: Transaction): void => {
    // As the editor's dispatchTransaction: a command is one undo step of its own.
    const command = commandName(tr) !== undefined
    if (command) this.undoManager.stopCapturing()
    try {
      this.apply(tr)
    } finally {
      if (command) this.undoManager.stopCapturing()
    }
  }

  private apply(tr: Transaction): void {
    const next = this.state.apply(tr)
    const filtered = next === this.state && tr.docChanged
    this.state = next
    if (filtered) return
    // ySyncPlugin's view update(): write the document into Y, unless the binding is already
    // busy (a remote change being rendered here, inside its mutex).
    const pluginState = ySyncPluginKey.getState(next) as { snapshot: unknown; prevSnapshot: unknown; addToHistory: boolean; doc: Y.Doc }
    if (pluginState.snapshot == null && pluginState.prevSnapshot == null) {
      this.binding.mux(() => {
        pluginState.doc.transact((ytr) => {
          ytr.meta.set('addToHistory', pluginState.addToHistory)
          this.binding._prosemirrorChanged(next.doc)
        }, ySyncPluginKey)
      })
    }
  }

  /** Moves the selection (no change to the text, nothing written). */
  select(selection: Selection): void {
    this.state = this.state.apply(this.state.tr.setSelection(selection))
  }

  /** Runs a command on the current state; true when it ran and changed the text (not refused by a plugin filter). */
  run(command: Command): boolean {
    const before = this.state.doc
    const blocked = this.blocked
    const ok = command(this.state, this.dispatch)
    return ok && this.blocked === blocked && this.state.doc !== before
  }

  destroy(): void {
    this.undoView.destroy?.()
    this.binding.destroy()
  }
}
