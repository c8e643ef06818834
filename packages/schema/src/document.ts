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
    checkAttributeNames(docJSON)
    doc = treatySchema.nodeFromJSON(docJSON)
    doc.check()
  } catch (e) {
    throw new DocumentError(`the document does not fit the treaty schema: ${(e as Error).message}`)
  }
  return doc
}

/**
 * ProseMirror drops attributes a node type does not declare when it creates the node, so a
 * misspelt or foreign attribute (`"lvl": 2`) would vanish without a word; refuse it instead.
 */
function checkAttributeNames(json: unknown): void {
  const stack: unknown[] = [json]
  while (stack.length) {
    const node = stack.pop()
    if (node === null || typeof node !== 'object') continue
    const { type, attrs, content } = node as { type?: unknown; attrs?: unknown; content?: unknown }
    const nodeType = typeof type === 'string' ? treatySchema.nodes[type] : undefined
    if (nodeType && attrs !== null && typeof attrs === 'object') {
      for (const name of Object.keys(attrs)) {
        if (!Object.hasOwn(nodeType.spec.attrs ?? {}, name)) throw new RangeError(`a ${type} node has no attribute ${JSON.stringify(name)}`)
      }
    }
    if (Array.isArray(content)) for (const child of content) stack.push(child)
  }
}
