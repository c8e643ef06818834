import { DocumentError, treatySchema } from '@accord/schema'
import type { Node as PMNode } from 'prosemirror-model'
import { prosemirrorToYXmlFragment, yXmlFragmentToProseMirrorRootNode } from 'y-prosemirror'
import * as Y from 'yjs'

/** The Y.XmlFragment that holds the treaty, in y-prosemirror's encoding: a public contract for other tools. */
export const TREATY_FRAGMENT = 'treaty'

/**
 * Server documents keep their whole history (`gc: false`): named revisions and their
 * comparison use y-prosemirror snapshots, which need deleted content to still be there. The
 * cost is size: deleted text stays in the state, and maxDocumentBytes counts it.
 */
export function newServerYDoc(): Y.Doc {
  return new Y.Doc({ gc: false })
}

/**
 * The seed state of a new document: the ProseMirror document written into the treaty fragment.
 * Done once, on the server, when the document is created; a client seeding it would duplicate it.
 */
export function seedState(doc: PMNode): Uint8Array {
  const ydoc = newServerYDoc()
  try {
    ydoc.transact(() => {
      prosemirrorToYXmlFragment(doc, ydoc.getXmlFragment(TREATY_FRAGMENT))
    }, 'seed')
    return Y.encodeStateAsUpdate(ydoc)
  } finally {
    ydoc.destroy()
  }
}

/**
 * Reads the treaty out of a Yjs document, checked against the schema. Works on a copy: reading
 * with y-prosemirror deletes, in the Y document, whatever does not fit the schema, and a read
 * (an API call, an inspection) must never change the shared document behind the clients' backs.
 * An emptied fragment reads as an empty treaty. Throws DocumentError when the content does not
 * fit the schema.
 */
export function readTreaty(source: Y.Doc | readonly Uint8Array[]): PMNode {
  const copy = new Y.Doc({ gc: false })
  try {
    if (source instanceof Y.Doc) Y.applyUpdate(copy, Y.encodeStateAsUpdate(source))
    else copy.transact(() => source.forEach((update) => Y.applyUpdate(copy, update)))
    const root = yXmlFragmentToProseMirrorRootNode(copy.getXmlFragment(TREATY_FRAGMENT), treatySchema)
    try {
      root.check()
      return root
    } catch (error) {
      // createAndFill adds what is missing around the content (an empty fragment becomes an empty treaty).
      const filled = treatySchema.topNodeType.createAndFill(null, root.content)
      if (filled) {
        try {
          filled.check()
          return filled
        } catch {
          // fall through to the first error, which is about the stored content itself
        }
      }
      throw new DocumentError(`the shared document does not fit the treaty schema: ${(error as Error).message}`)
    }
  } finally {
    copy.destroy()
  }
}
