/**
 * Websocket close codes the server uses. y-websocket stops reconnecting on 4400–4499 (the
 * server decided and retrying cannot help) and retries on everything else, so a code here also
 * decides what the client does next.
 */
export const CLOSE = {
  /** The server is shutting down; the client reconnects when it is back. */
  GOING_AWAY: 1001,
  /** A text frame: the protocol is binary. */
  UNSUPPORTED_DATA: 1003,
  /** A message above maxMessageBytes (sent by `ws` itself). */
  MESSAGE_TOO_BIG: 1009,
  /** The server could not save; reconnecting re-sends the client's changes. */
  INTERNAL_ERROR: 1011,
  /** The message or update is malformed or writes what a treaty cannot hold. */
  MALFORMED: 4400,
  /** No ticket, or an unknown, used or expired one: get a new ticket and reconnect. */
  UNAUTHENTICATED: 4401,
  /** The participant may not open this document, or was revoked: do not reconnect. */
  FORBIDDEN: 4403,
  /** No document has this id (or none this participant may open). */
  UNKNOWN_DOCUMENT: 4404,
  /**
   * The client holds another epoch of the document (it was re-based while the client was away):
   * it must not sync; it sends its state to `POST …/merges` and loads the document afresh.
   */
  STALE_EPOCH: 4409,
  /** The update would take the document past maxDocumentBytes. */
  DOCUMENT_TOO_LARGE: 4413,
  /** Too many connections from this client address. */
  TOO_MANY_CONNECTIONS: 4429,
  /** The client does not read what it is sent; it may reconnect and resync. */
  TOO_SLOW: 4503,
} as const
