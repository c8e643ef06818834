import { DocumentError, treatySchema } from '@accord/schema'
import type { Node as PMNode } from 'prosemirror-model'
import { prosemirrorToYXmlFragment, yXmlFragmentToProseMirrorRootNode } from 'y-prosemirror'
import * as Y from 'yjs'

/** The Y.XmlFragment that holds the treaty, in y-prosemirror's encoding: a public contract for other tools. */
export const TREATY_FRAGMENT = 'treaty'

/**
 * A room's document: garbage-collected, like every Yjs client's. Deleted text keeps only its
 * length, and whatever was inside a deleted element (y-prosemirror rewrites a paragraph when a
 * bracket earlier in it is resolved, or when it is joined or split) collapses into ranges, so
 * the state a room loads, stores at each compaction and sends to a new client grows with the
 * text rather than with the months of editing behind it. The history itself is not lost: every
 * update is kept, never compacted, in the ledger (`ledger.ts`), and `ledgerHistory` replays it
 * into a `newHistoryYDoc` when a past state must be rebuilt.
 */
export function newServerYDoc(): Y.Doc {
  return new Y.Doc({ gc: true })
}

/**
 * A document that keeps every deleted item (`gc: false`), for replaying the ledger:
 * `Y.createDocFromSnapshot` rebuilds the text of any past snapshot from it.
 */
export function newHistoryYDoc(): Y.Doc {
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
