import { randomBytes } from 'node:crypto'

/** Crockford's base32, lowercase (no i, l, o, u): ids are read aloud and typed in conference rooms. */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'

/** 12 characters = 60 random bits: unguessable enough to share a link, short enough to read out. */
export const ID_LENGTH = 12

export function newDocumentId(): string {
  const bytes = randomBytes(ID_LENGTH)
  let id = ''
  for (let i = 0; i < ID_LENGTH; i++) id += ALPHABET[bytes[i] & 31]
  return id
}

/**
 * Whether a string can name a document. Lenient on purpose (ids made elsewhere, e.g. by a
 * migration, stay reachable) but bounded, URL-safe and never a path.
 */
export function isDocumentId(value: string): boolean {
  return /^[A-Za-z0-9_-]{1,64}$/.test(value)
}
