/**
 * What the importer accepts. The limits are stated in every refusal so that a person knows
 * what to do: 16 Mi characters is about ten times the longest treaty in force (UNCLOS is
 * about 1 MB of text), and no real negotiating text nests brackets more than a few levels.
 */
export const MAX_IMPORT_CHARS = 16 * 1024 * 1024
export const MAX_IMPORT_BYTES = 3 * MAX_IMPORT_CHARS // UTF-8 of CJK text is 3 bytes a character
export const MAX_NESTING = 64

export type ImportErrorCode = 'empty' | 'binary' | 'too-large' | 'too-deep' | 'unreadable'

/** The text cannot be made into a document; `message` says why and what to do. */
export class ImportError extends Error {
  override name = 'ImportError'
  constructor(
    readonly code: ImportErrorCode,
    message: string,
  ) {
    super(message)
  }
}
