import { narrowYSync } from '@accord/collab'
import { commandName } from '@accord/commands'
import { treatySchema } from '@accord/schema'
import { EditorState } from 'prosemirror-state'
import { EditorView } from 'prosemirror-view'
import { ySyncPlugin, yCursorPlugin, yUndoPlugin } from 'y-prosemirror'
import type { CollabSession } from '../collab/session'
import { amendmentPlugin, type AmendmentWords } from './amendmentPlugin'
import { boundaryPlugin } from './boundaryPlugin'
import { remoteCursor } from './cursor'
import type { EditorController } from './EditorController'
import { treatyKeymaps } from './keymap'
import { numberingPlugin } from './numberingPlugin'
import { structureGuard } from './structureGuard'
import { yUndoPluginKey } from './pluginKeys'

/**
 * Textblocks whose Y elements an undo does not delete while they still hold content: undoing
 * "add paragraph" after another delegation typed into it keeps their text. (Containers such
 * as articles always hold a paragraph, so protecting them would make them undeletable.)
 */
const PROTECTED_NODES = new Set(['paragraph', 'recital'])

export interface TreatyEditorOptions {
  /** Whether the text may be edited; false until the document has been received once. */
  editable: () => boolean
  /** A label for assistive technology: "Treaty text". */
  label: string
  /** Whether this person may change the bracket structure (facilitators); default yes. */
  structureAllowed?: () => boolean
  /** Called when a change to the bracket structure was refused here (see structureGuard). */
  onStructureBlocked?: () => void
  /** How amendments read in the text (the interface language); without it they are not shown. */
  amendmentWords?: () => AmendmentWords
}

/**
 * Mounts the treaty editor on `place`, bound to the session's Y.XmlFragment. Plugin order
 * matters: the undo plugin reads the sync plugin's state when it starts.
 */
export function createTreatyEditor(place: HTMLElement, session: CollabSession, controller: EditorController, options: TreatyEditorOptions): EditorView {
  const state = EditorState.create({
    schema: treatySchema,
    plugins: [
      ySyncPlugin(session.fragment),
      yCursorPlugin(session.provider.awareness, { cursorBuilder: remoteCursor }),
      yUndoPlugin({ protectedNodes: PROTECTED_NODES }),
      ...treatyKeymaps(),
      boundaryPlugin(),
      numberingPlugin(),
      structureGuard(options.structureAllowed ?? (() => true), options.onStructureBlocked ?? (() => {})),
      ...(options.amendmentWords ? [amendmentPlugin(session, options.amendmentWords)] : []),
    ],
  })
  // Local changes reach the Y document without y-prosemirror comparing the whole treaty each time.
  narrowYSync(state)
  const view: EditorView = new EditorView(place, {
    state,
    editable: options.editable,
    attributes: { 'aria-label': options.label, spellcheck: 'false', class: 'treaty-editor' },
    // `this`, not `view`: y-prosemirror dispatches its first render while the view is being constructed.
    dispatchTransaction(this: EditorView, tr) {
      // A command is one undo step of its own: close the step before it and after it.
      const undoManager = commandName(tr) ? yUndoPluginKey.getState(this.state)?.undoManager : undefined
      undoManager?.stopCapturing()
      this.updateState(this.state.apply(tr))
      undoManager?.stopCapturing()
      controller.notify()
    },
  })
  controller.view = view
  return view
}
