import { PluginKey } from 'prosemirror-state'
import type { AmendmentPluginState } from './amendmentPlugin'
import type { NumberingState } from './numberingPlugin'

/** Every plugin key of the editor, so that plugins and components find each other's state in one place. y-prosemirror's own keys are re-exported. */
export const numberingKey = new PluginKey<NumberingState>('accord-numbering')
export const amendmentsKey = new PluginKey<AmendmentPluginState>('accord-amendments')

export { ySyncPluginKey, yUndoPluginKey, yCursorPluginKey } from 'y-prosemirror'
