/**
 * Where documents live between restarts. A document is a metadata record plus its Yjs history:
 * a checkpoint (one merged state update) followed by the log of updates appended since.
 * Loading replays checkpoint then log; replaying an update twice is harmless (Yjs ignores what
 * it has), which is what lets compaction and appends interleave without coordination.
 *
 * Every method returns a promise so that a networked store can implement it; the SQLite one
 * does its work synchronously and resolves at once.
 */
export interface DocumentRecord {
  id: string
  /** The treaty's title as last inspected ("" when it has none). */
  title: string
  /** Epoch milliseconds. */
  created: number
  /** Epoch milliseconds of the last appended update. */
  updated: number
}

export interface StoredDocument {
  record: DocumentRecord
  /** Checkpoint first (when there is one), then the log in append order. */
  updates: Uint8Array[]
  /** Total bytes of `updates`. */
  bytes: number
  /** Log entries after the checkpoint, and their bytes: what compaction would fold in. */
  logCount: number
  logBytes: number
}

export interface AppendedUpdate {
  docId: string
  update: Uint8Array
  /**
   * Who made the update, as the tamper-evident ledger records it: the participant id for a
   * client's update, `server:<role>:<participant>` for a server change; `server` when unknown.
   */
  actor?: string
}

/** The log entries a compaction dropped (folded into the checkpoint), and their bytes. */
export interface CompactedLog {
  count: number
  bytes: number
}

export interface Storage {
  /** Creates a document from its seed state (`actor` created it: the ledger records who). Rejects when the id is taken. */
  create(id: string, title: string, state: Uint8Array, actor?: string): Promise<DocumentRecord>
  get(id: string): Promise<DocumentRecord | undefined>
  /** Every document, most recently updated first. */
  list(): Promise<DocumentRecord[]>
  load(id: string): Promise<StoredDocument | undefined>
  /** Appends updates (of any documents) atomically; resolves once they are durable. */
  append(batch: readonly AppendedUpdate[]): Promise<void>
  /**
   * Replaces a document's checkpoint with `state` and drops the log it covers. The caller
   * guarantees that `state` contains every update appended for the document before the call;
   * an implementation must fix that point when called, not when its write happens to run.
   * Updates appended after that point (still queued when the caller encoded `state`, say) stay
   * in the log. Resolves with what it dropped: only the storage knows which appends it covered.
   */
  compact(id: string, state: Uint8Array): Promise<CompactedLog>
  setTitle(id: string, title: string): Promise<void>
  /** Small server-wide values (e.g. which document is the sample). */
  getSetting(key: string): Promise<string | undefined>
  setSetting(key: string, value: string): Promise<void>
  close(): Promise<void>
}
