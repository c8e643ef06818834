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
  /** How many times the document was re-based (rebase.ts): 0 as created. Clients name the epoch they hold. */
  epoch: number
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

/** A re-base, as stored: what the epoch it started began with, and what the one before ended with. */
export interface RebaseRecord {
  /** The epoch this re-base started. */
  epoch: number
  /** The previous epoch's final state (checkpoint and log merged). */
  previous: Uint8Array
  /** The new epoch's initial state. */
  state: Uint8Array
  /** Epoch milliseconds. */
  time: number
  actor: string
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
  /**
   * Re-bases a document atomically: `make` gets the stored state (checkpoint and log merged) and
   * returns the new epoch's initial state, or null to leave the document as it is. The
   * checkpoint becomes that state, the log is dropped, the epoch goes up by one, and the re-base
   * is kept (`rebases`) and recorded in the ledger. Nothing can be appended between reading and
   * writing. Resolves with the new epoch, or null when `make` declined (or there is no document).
   */
  rebase(id: string, make: (state: Uint8Array) => Uint8Array | null, actor?: string): Promise<number | null>
  /** The re-bases that started the epochs after `epoch`, oldest first. */
  rebasesAfter(id: string, epoch: number): Promise<RebaseRecord[]>
  /**
   * Records that a copy's edits were carried across a re-base (rebase.ts mergeOffline): the
   * re-base's `previous` and `state` gain what was carried, so that the same edits sent again
   * are recognised as already there.
   */
  updateRebase(id: string, epoch: number, states: { previous: Uint8Array; state: Uint8Array }): Promise<void>
  setTitle(id: string, title: string): Promise<void>
  /** Small server-wide values (e.g. which document is the sample). */
  getSetting(key: string): Promise<string | undefined>
  setSetting(key: string, value: string): Promise<void>
  close(): Promise<void>
}
