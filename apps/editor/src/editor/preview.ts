import { variantDocument } from '@accord/bracket-variants/prosemirror'
import { exportDocument, openItems, type OpenItem } from '@accord/treaty-io'
import type { Node as PMNode } from 'prosemirror-model'

/**
 * Previews, computed from the document without changing it: the clean text as it would export
 * now (or the open items that stop it), and a variant — alternatives picked tentatively per
 * group — read as text.
 */

export type CleanPreview = { ok: true; text: string } | { ok: false; open: OpenItem[] }

/** The clean export as plain text, or every item still open with its location. */
export function cleanPreview(doc: PMNode): CleanPreview {
  const result = exportDocument(doc, { format: 'text', mode: 'clean' })
  return result.ok ? { ok: true, text: result.content as string } : { ok: false, open: result.open }
}

/** A tentative choice per group (by its position in `doc`): an alternative's index, `null` to drop it; absent = left open. */
export type VariantChoices = ReadonlyMap<number, number | null>

export interface VariantPreview {
  /** The text with the choices applied: clean when nothing is left open, else in negotiating notation. */
  text: string
  clean: boolean
  /** Items still open in the variant. */
  open: number
}

export function variantPreview(doc: PMNode, choices: VariantChoices): VariantPreview {
  const variant = variantDocument(doc, (pos) => (choices.has(pos) ? choices.get(pos)! : undefined))
  const open = openItems(variant).length
  const result = exportDocument(variant, { format: 'text', mode: open ? 'negotiating' : 'clean' })
  return { text: result.ok ? (result.content as string) : '', clean: open === 0, open }
}
