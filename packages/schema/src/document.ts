import type { Node as PMNode } from 'prosemirror-model'
import { treatySchema } from './schema'

/**
 * The document file format written by `accord import` and read wherever a document JSON is
 * accepted: the ProseMirror JSON of the treaty, tagged with a format name and version so
 * that a later schema change can migrate old files instead of misreading them.
 */
export const DOCUMENT_FORMAT = 'accord-treaty'
export const DOCUMENT_VERSION = 1

export interface TreatyFile {
  format: typeof DOCUMENT_FORMAT
  version: typeof DOCUMENT_VERSION
  doc: unknown
}

/** A document that cannot be read; the message says what is wrong and where. */
export class DocumentError extends Error {
  override name = 'DocumentError'
}

export function toTreatyFile(doc: PMNode): TreatyFile {
  return { format: DOCUMENT_FORMAT, version: DOCUMENT_VERSION, doc: doc.toJSON() }
}

/**
 * Reads a document from a TreatyFile or a bare ProseMirror JSON document, and checks it
 * against the schema (content, attributes). Throws DocumentError, never a bare RangeError.
 */
export function fromTreatyJSON(json: unknown): PMNode {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new DocumentError('a document must be a JSON object with "format": "accord-treaty" and "doc"')
  }
  const obj = json as Record<string, unknown>
  let docJSON: unknown = json
  if ('format' in obj) {
    if (obj.format !== DOCUMENT_FORMAT) throw new DocumentError(`unknown document format ${JSON.stringify(obj.format)}; expected "${DOCUMENT_FORMAT}"`)
    if (obj.version !== DOCUMENT_VERSION) throw new DocumentError(`unsupported document version ${JSON.stringify(obj.version)}; this Accord reads version ${DOCUMENT_VERSION}`)
    docJSON = obj.doc
  }
  if (docJSON === null || typeof docJSON !== 'object' || (docJSON as { type?: unknown }).type !== 'doc') {
    throw new DocumentError('"doc" must be a ProseMirror document whose top node has "type": "doc"')
  }
  let doc: PMNode
  try {
    doc = treatySchema.nodeFromJSON(docJSON)
    doc.check()
  } catch (e) {
    throw new DocumentError(`the document does not fit the treaty schema: ${(e as Error).message}`)
  }
  return doc
}
