import { Schema } from 'prosemirror-model'
import { nodes } from './nodes'

/**
 * The treaty schema. No marks: y-prosemirror 1.x keeps text marks, but nothing in a treaty's
 * meaning lives in formatting, and a mark-free model keeps exports and diffs exact.
 */
export const treatySchema = new Schema({ nodes, marks: {} })

export type TreatySchema = typeof treatySchema
