import { createHash } from 'node:crypto'
import { fromTreatyJSON, outline, toTreatyFile } from '@accord/schema'
import type Database from 'better-sqlite3'
import type { Node as PMNode } from 'prosemirror-model'
import * as Y from 'yjs'
import { AUDIT_ROOT } from './audit'
import type { SqliteStorage } from './SqliteStorage'
import { newHistoryYDoc, readTreaty } from './treatyDoc'

/**
 * The server-only roots a re-base copies besides the treaty: Room's SETTINGS_MAP and
 * amendments.ts's AMENDMENTS_ROOT, named here rather than imported so that the storage (which
 * imports this module, also in the `accord` command) does not load the room and the exporters.
 */
const SETTINGS_ROOT = 'settings'
const AMENDMENTS_ROOT = 'amendments'

/*
 * The tamper-evident record of what was stored: an append-only, hash-chained table beside the
 * storage's tables. Compaction replaces a document's checkpoint and deletes the log it folded,
 * so the history that proves what happened cannot live there; the ledger keeps every stored
 * update itself (not only its hash), so replaying it rebuilds the document and every named
 * revision, and `verify` can say which entry or revision no longer agrees.
 *
 * One chain per document: entry `n` of a document points at entry `n - 1` by hash, so one
 * document is verified without reading the others, and each document's chain starts at 0.
 * Entries are written in the same SQLite transaction as what they record (the update rows,
 * the new document, the revision), so the ledger can never disagree with the store except by
 * tampering.
 *
 * Kinds: `seed` (the document's first state: revision 0 is checked against it), `update` (every
 * update the write queue stored, with who made it: the participant for a client's, the
 * transaction origin `server:<role>:<participant>` for a server action), `revision` (a saved
 * revision: its id, name, the SHA-256 of its stored treaty JSON and its Yjs snapshot; verify
 * rebuilds the text at that snapshot from the replayed history, so it does not matter that
 * updates still queued when the revision was saved land after its entry), `baseline` (the
 * stored state of a document that existed before the ledger did), `rebase` (the initial state
 * of a new epoch, see below).
 *
 * Epochs: an idle room may be re-based, its Y.Doc replaced by a fresh one holding the same
 * content (treaty, settings, audit log, amendments) without the tombstones of its history.
 * Every Yjs id changes, so updates and snapshots of one epoch mean nothing in another: the
 * chain is replayed epoch by epoch, each from the state that starts it (the seed or baseline
 * for epoch 0, the `rebase` entry's for epoch k), and a revision is rebuilt over the replay of
 * the epoch it was saved in, which is the number of `rebase` entries before its own entry.
 *
 * What it proves, and what not: anyone who can write the file can also rewrite the whole chain
 * consistently from the altered point on. The chain makes such a rewrite detectable once its
 * head hash (printed by `accord verify`) has been noted somewhere else: the minutes of a
 * session, an e-mail to the delegations. Triggers refuse UPDATE and DELETE on the table, which
 * stops accidents, not an attacker.
 */

/**
 * What an entry records. `baseline`: the state of a document that existed before the ledger did
 * (its history before that is not covered). `rebase`: the initial state of a new epoch, a fresh
 * Y.Doc holding the same content as the previous epoch's (every Yjs id changes).
 */
export type LedgerKind = 'seed' | 'baseline' | 'update' | 'revision' | 'rebase'

export interface LedgerInput {
  doc: string
  /** A participant id, `server:<role>:<participant>` for server changes, or a process name (`server`, `cli`). */
  actor: string
  kind: LedgerKind
  /** For `revision`: the revision's name. */
  name?: string | null
  /** The bytes recorded: the Yjs update for seed, baseline and update; `revisionContent` for a revision. */
  content: Uint8Array
}

export interface LedgerEntry {
  doc: string
  /** Position in the document's chain, from 0. */
  n: number
  actor: string
  /** Epoch milliseconds. */
  time: number
  kind: LedgerKind
  name: string | null
  content: Uint8Array
  contentHash: string
  prevHash: string
  hash: string
}

/** What a revision entry holds: enough to find the revision again and to check its stored text and snapshot. */
export interface RevisionRecord {
  id: string
  number: number
  name: string
  /** SHA-256 (hex) of the revision's stored treaty JSON, as stored. */
  treaty: string
  /** The revision's Yjs snapshot, base64: where in the replayed history of its epoch its text is. */
  snapshot: string
  /** The epoch the revision was saved in (absent in entries written before re-basing existed: 0). */
  epoch?: number
}

/** The previous hash of a chain's first entry. */
export const GENESIS = '0'.repeat(64)

export function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/** The entry's hash: over every field but the content itself, which its hash stands for. JSON makes the fields unambiguous. */
export function entryHash(e: Omit<LedgerEntry, 'hash' | 'content'>): string {
  return sha256(JSON.stringify([e.n, e.doc, e.actor, e.time, e.kind, e.name, e.contentHash, e.prevHash]))
}

/** The content of a revision's ledger entry. */
export function revisionContent(revision: { id: string; number: number; name: string; treaty: string; snapshot: Uint8Array; epoch: number }): Uint8Array {
  const record: RevisionRecord = {
    id: revision.id,
    number: revision.number,
    name: revision.name,
    treaty: sha256(revision.treaty),
    snapshot: Buffer.from(revision.snapshot).toString('base64'),
    epoch: revision.epoch,
  }
  return Buffer.from(JSON.stringify(record), 'utf8')
}

interface Row {
  seq: number
  doc: string
  n: number
  actor: string
  time: number
  kind: string
  name: string | null
  content: Buffer
  content_hash: string
  prev_hash: string
  hash: string
}

/** The ledger table of an open database. Several stores (storage, revisions) each hold one; the table is shared. */
export class Ledger {
  private readonly s: ReturnType<Ledger['prepare']>

  /** `db` holds SqliteStorage's tables: a document created before the ledger existed starts its chain with its stored state (checkpoint and log). */
  constructor(private readonly db: Database.Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS ledger (
        seq INTEGER PRIMARY KEY,
        doc TEXT NOT NULL,
        n INTEGER NOT NULL,
        actor TEXT NOT NULL,
        time INTEGER NOT NULL,
        kind TEXT NOT NULL,
        name TEXT,
        content BLOB NOT NULL,
        content_hash TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL,
        UNIQUE (doc, n)
      );
      CREATE TRIGGER IF NOT EXISTS ledger_no_update BEFORE UPDATE ON ledger BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
      CREATE TRIGGER IF NOT EXISTS ledger_no_delete BEFORE DELETE ON ledger BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
    `)
    this.s = this.prepare()
  }

  private prepare() {
    const db = this.db
    return {
      head: db.prepare('SELECT n, hash FROM ledger WHERE doc = ? ORDER BY n DESC LIMIT 1'),
      checkpoint: db.prepare('SELECT upto, state FROM checkpoints WHERE doc = ?'),
      log: db.prepare('SELECT data FROM updates WHERE doc = ? AND seq > ? ORDER BY seq'),
      insert: db.prepare(
        'INSERT INTO ledger (doc, n, actor, time, kind, name, content, content_hash, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
    }
  }

  /** The stored state of a document without ledger entries, when it has one. */
  private baseline(doc: string): Uint8Array | undefined {
    const checkpoint = this.s.checkpoint.get(doc) as { upto: number; state: Uint8Array } | undefined
    const log = (this.s.log.all(doc, checkpoint?.upto ?? 0) as { data: Uint8Array }[]).map((row) => row.data)
    const updates = checkpoint ? [checkpoint.state, ...log] : log
    return updates.length ? Y.mergeUpdates(updates) : undefined
  }

  /**
   * Appends entries, each to its document's chain. Call it inside the transaction that stores
   * what they record. A document without entries first gets its `baseline`, when there is one.
   */
  record(inputs: readonly LedgerInput[], time: number): void {
    const heads = new Map<string, { n: number; hash: string }>()
    const write = (input: LedgerInput) => {
      let head = heads.get(input.doc)
      if (!head) {
        head = (this.s.head.get(input.doc) as { n: number; hash: string } | undefined) ?? { n: -1, hash: GENESIS }
        heads.set(input.doc, head)
        if (head.n < 0 && input.kind !== 'seed' && input.kind !== 'baseline') {
          const state = this.baseline(input.doc)
          if (state) write({ doc: input.doc, actor: 'server', kind: 'baseline', content: state })
        }
      }
      const partial = {
        doc: input.doc,
        n: head.n + 1,
        actor: input.actor,
        time,
        kind: input.kind,
        name: input.name ?? null,
        contentHash: sha256(input.content),
        prevHash: head.hash,
      }
      const hash = entryHash(partial)
      this.s.insert.run(partial.doc, partial.n, partial.actor, time, partial.kind, partial.name, input.content, partial.contentHash, partial.prevHash, hash)
      head.n = partial.n
      head.hash = hash
    }
    for (const input of inputs) write(input)
  }
}

/**
 * The history of one epoch of a document (default: the last, the room's current one), replayed
 * from its ledger into a `newHistoryYDoc` that keeps every deleted item, so
 * `Y.createDocFromSnapshot` can rebuild any past state of that epoch (the room's own document is
 * garbage-collected): the entry that starts the epoch (seed, baseline or rebase) and the updates
 * up to the next rebase. Only what is durable is in the ledger. The caller destroys the document.
 * Throws RangeError for an epoch the ledger does not have.
 */
export function ledgerHistory(db: Database.Database, docId: string, epoch?: number): Y.Doc {
  const rebases = (db.prepare("SELECT n FROM ledger WHERE doc = ? AND kind = 'rebase' ORDER BY n").all(docId) as { n: number }[]).map((row) => row.n)
  const k = epoch ?? rebases.length
  if (!Number.isInteger(k) || k < 0 || k > rebases.length) {
    throw new RangeError(`the ledger of document ${JSON.stringify(docId)} has no epoch ${k}: it records ${rebases.length} re-base${rebases.length === 1 ? '' : 's'} (epochs 0 to ${rebases.length})`)
  }
  const from = k === 0 ? 0 : rebases[k - 1]
  const to = k < rebases.length ? rebases[k] : Number.MAX_SAFE_INTEGER
  const rows = db
    .prepare("SELECT content FROM ledger WHERE doc = ? AND kind IN ('seed', 'baseline', 'update', 'rebase') AND n >= ? AND n < ? ORDER BY n")
    .all(docId, from, to) as { content: Uint8Array }[]
  const doc = newHistoryYDoc()
  doc.transact(() => {
    for (const row of rows) Y.applyUpdate(doc, row.content)
  }, 'ledger')
  return doc
}

/** One entry as a person reads it in a message: "entry 12 (update by p_… at 2026-…)". */
export function describeEntry(e: { n: number; kind: string; actor: string; time: number; name?: string | null }): string {
  const when = Number.isFinite(e.time) ? new Date(e.time).toISOString() : String(e.time)
  const what = e.kind === 'revision' && e.name ? `revision “${e.name}”` : e.kind
  return `entry ${e.n} (${what} by ${e.actor} at ${when})`
}

export interface VerifyReport {
  doc: string
  ok: boolean
  /** Entries in the document's chain. */
  entries: number
  /** `rebase` entries in the chain: the document has one more epoch than this. */
  rebases: number
  /** Hash of the last entry: note it elsewhere to detect a rewrite of the whole chain later. */
  head: string | null
  /** Named revisions whose stored text the replay rebuilt exactly. */
  revisionsRebuilt: number
  revisions: number
  /** What is wrong, each saying where; empty when ok. */
  problems: string[]
  /** What is not covered but not wrong (a document older than the ledger). */
  notes: string[]
}

/** At most this many problems are listed: one altered byte early in a chain makes every later link suspect. */
const MAX_PROBLEMS = 50

const KINDS: readonly string[] = ['seed', 'baseline', 'update', 'revision', 'rebase'] satisfies readonly LedgerKind[]

interface RevisionRow {
  id: string
  author: string | null
  number: number
  name: string
  created: number
  snapshot: Buffer
  treaty: string
  epoch: number
}

/** A revision entry of the chain, read: what it records and the epoch it was written in. */
interface RecordedRevision {
  entry: Row
  record: RevisionRecord
  epoch: number
}

/**
 * Checks a document's ledger: every hash recomputed, every link and position in sequence; then
 * replays it, epoch by epoch, and checks that (a) each `rebase` entry holds the content of the
 * epoch it ends (the same treaty, settings, audit entries and amendments), (b) the last epoch's
 * replay is the document the storage now holds (checkpoint + log), as Yjs state and as a
 * treaty, and (c) every named revision's stored text is what the replayed history of its epoch
 * holds at that revision's snapshot, and its text, snapshot and epoch are those the ledger
 * recorded when it was saved. Reads only.
 *
 * `stored`: the document's stored updates (Storage.load), undefined when it has no document record.
 */
export function verifyDocument(db: Database.Database, docId: string, stored: readonly Uint8Array[] | undefined): VerifyReport {
  const report: VerifyReport = { doc: docId, ok: false, entries: 0, rebases: 0, head: null, revisionsRebuilt: 0, revisions: 0, problems: [], notes: [] }
  const problem = (message: string) => {
    if (report.problems.length < MAX_PROBLEMS) report.problems.push(message)
    else if (report.problems.length === MAX_PROBLEMS) report.problems.push('… (more problems not listed)')
  }
  const hasTable = (name: string) => Boolean(db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name))
  if (stored === undefined) problem(`there is no document ${JSON.stringify(docId)} in the store`)
  const rows = hasTable('ledger') ? (db.prepare('SELECT * FROM ledger WHERE doc = ? ORDER BY n, seq').all(docId) as Row[]) : []
  report.entries = rows.length
  if (!rows.length) {
    problem(`the ledger has no entries for document ${JSON.stringify(docId)}`)
    return finish(report)
  }

  // 1. The chain.
  let prev: Row | null = null
  for (const row of rows) {
    const where = describeEntry(row)
    const expectedN = prev ? prev.n + 1 : 0
    if (row.n !== expectedN) {
      if (row.n > expectedN) problem(`${row.n - expectedN === 1 ? `entry ${expectedN} is` : `entries ${expectedN}–${row.n - 1} are`} missing (before ${where})`)
      else problem(`${where}: appears twice in the chain`)
    }
    if (prev && row.seq <= prev.seq) problem(`${where}: stored out of order (row ${row.seq} after row ${prev.seq})`)
    const expectedPrev = prev ? prev.hash : GENESIS
    if (row.prev_hash !== expectedPrev) problem(`${where}: its previous hash does not match ${prev ? `the hash of ${describeEntry(prev)}` : 'the start of a chain'}`)
    if (sha256(row.content) !== row.content_hash) problem(`${where}: content hash does not match`)
    const hash = entryHash({ doc: row.doc, n: row.n, actor: row.actor, time: row.time, kind: row.kind as LedgerKind, name: row.name, contentHash: row.content_hash, prevHash: row.prev_hash })
    if (hash !== row.hash) problem(`${where}: its hash does not match its fields (one of sequence, document, actor, time, kind, name, content hash, previous hash was altered)`)
    if (!KINDS.includes(row.kind)) problem(`${where}: unknown kind ${JSON.stringify(row.kind)}`)
    if ((row.kind === 'seed' || row.kind === 'baseline') && row.n !== 0) problem(`${where}: a ${row.kind} can only start a chain`)
    if (row.kind === 'rebase' && row === rows[0]) problem(`${where}: a rebase cannot start a chain (it re-bases a document the chain must hold before)`)
    prev = row
  }
  report.head = prev!.hash
  report.rebases = rows.filter((row) => row.kind === 'rebase').length
  const first = rows[0]
  if (first.kind === 'baseline') {
    report.notes.push(`the document is older than the ledger: its history before ${new Date(first.time).toISOString()} is not covered`)
  } else if (first.kind !== 'seed') {
    problem(`${describeEntry(first)}: the chain does not start with the document's seed`)
  }

  // 2. What the ledger says of each revision, and the epoch it was saved in.
  const recorded = new Map<string, RecordedRevision>()
  let epoch = 0
  for (const row of rows) {
    if (row.kind === 'rebase') epoch++
    if (row.kind !== 'revision') continue
    let record: RevisionRecord
    try {
      record = JSON.parse(Buffer.from(row.content).toString('utf8')) as RevisionRecord
    } catch {
      problem(`${describeEntry(row)}: its content is not a revision record`)
      continue
    }
    if ((record.epoch ?? 0) !== epoch) problem(`${describeEntry(row)}: it says the revision was saved in epoch ${record.epoch}, but it follows ${epoch} re-base${epoch === 1 ? '' : 's'}`)
    recorded.set(record.id, { entry: row, record, epoch })
  }

  // 3. The revisions, by the epoch whose replay rebuilds them: the ledger's, when it recorded them.
  const revisions = hasTable('revisions') ? readRevisions(db, docId) : []
  report.revisions = revisions.length
  const byEpoch = new Map<number, { revision: RevisionRow; consistent: boolean }[]>()
  for (const revision of revisions) {
    const entry = recorded.get(revision.id)
    // Revision 0 is the seed: epoch 0 whatever its row says.
    const at = revision.number === 0 ? 0 : (entry?.epoch ?? revision.epoch)
    const consistent = revision.epoch === at
    if (!consistent) {
      const why = revision.number === 0 ? 'the initial text is epoch 0' : `the ledger's ${describeEntry(entry!.entry)} follows ${at} re-base${at === 1 ? '' : 's'}`
      problem(`revision ${revision.name}: its stored epoch ${revision.epoch} is wrong (${why})`)
    }
    byEpoch.set(at, [...(byEpoch.get(at) ?? []), { revision, consistent }])
  }
  const tableIds = new Set(revisions.map((revision) => revision.id))
  for (const { entry, record } of recorded.values()) {
    if (!tableIds.has(record.id)) problem(`revision ${record.name} (${describeEntry(entry)}) is missing from the revisions table`)
  }

  // 4. Replay, epoch by epoch. An epoch's revisions are rebuilt when it is complete: updates
  // still queued when a revision was saved land after its entry.
  let replay = newHistoryYDoc()
  let k = 0
  let seedState: Uint8Array | null = null
  const endEpoch = (end: Row | null) => {
    if (replay.store.pendingStructs || replay.store.pendingDs) {
      problem(`replaying the ledger${end ? ` up to ${describeEntry(end)}` : ''} leaves updates waiting for ones that are not in it: entries are missing`)
    }
    for (const { revision, consistent } of byEpoch.get(k) ?? []) {
      if (checkRevision(revision, recorded.get(revision.id), replay, seedState, first, report, problem) && consistent) report.revisionsRebuilt++
    }
    byEpoch.delete(k)
  }
  const apply = (row: Row) => {
    try {
      Y.applyUpdate(replay, row.content, 'ledger')
    } catch (error) {
      problem(`${describeEntry(row)}: its content is not a Yjs update (${(error as Error).message})`)
    }
  }
  try {
    for (const row of rows) {
      if (row.kind === 'revision') continue
      if (row.kind === 'rebase') {
        endEpoch(row)
        // One at the start of the chain (a problem said above) ends nothing to compare it with.
        if (row !== first) checkRebase(replay, row, problem)
        replay.destroy()
        replay = newHistoryYDoc()
        k++
      } else if (row.kind === 'seed') {
        seedState = row.content
      }
      apply(row)
    }
    if (stored) compareStored(replay, stored, problem)
    endEpoch(null)
    for (const [at, left] of byEpoch) {
      for (const { revision } of left) problem(`revision ${revision.name}: its stored epoch ${at} does not exist (the ledger records ${report.rebases} re-base${report.rebases === 1 ? '' : 's'})`)
    }
  } finally {
    replay.destroy()
  }
  return finish(report)
}

/** The document's revisions, oldest first, with their epoch (0 in a database from before re-basing, whose table lacks the column). */
function readRevisions(db: Database.Database, docId: string): RevisionRow[] {
  const columns = db.prepare('PRAGMA table_info(revisions)').all() as { name: string }[]
  const epoch = columns.some((c) => c.name === 'epoch') ? 'epoch' : '0 AS epoch'
  return db.prepare(`SELECT id, number, name, created, author, snapshot, treaty, ${epoch} FROM revisions WHERE doc = ? ORDER BY number`).all(docId) as RevisionRow[]
}

function finish(report: VerifyReport): VerifyReport {
  report.ok = report.problems.length === 0
  return report
}

/**
 * Whether a `rebase` entry holds what the epoch it ends held: the same treaty, the same
 * settings, the same audit entries (ids and actions, in order: comparisons count entries by
 * position) and the same amendments. Their Yjs ids differ by design, and so do the fields that
 * hold Yjs ids (anchors), which the re-base translates; the treaty is what they point into.
 */
function checkRebase(replay: Y.Doc, row: Row, problem: (message: string) => void): void {
  const where = `the re-based state at ${describeEntry(row)}`
  const rebased = newHistoryYDoc()
  try {
    try {
      Y.applyUpdate(rebased, row.content, 'ledger')
    } catch {
      // Said once, where the replay applies it.
      return
    }
    if (rebased.store.pendingStructs || rebased.store.pendingDs) problem(`${where} is not a whole document: it refers to Yjs items it does not hold`)
    let before: PMNode | null = null
    let after: PMNode | null = null
    try {
      before = readTreaty(replay)
    } catch (error) {
      problem(`the replayed history before ${describeEntry(row)} does not read as a treaty: ${(error as Error).message}`)
    }
    try {
      after = readTreaty(rebased)
    } catch (error) {
      problem(`${where} does not read as a treaty: ${(error as Error).message}`)
    }
    if (before && after && JSON.stringify(toTreatyFile(before)) !== JSON.stringify(toTreatyFile(after))) {
      problem(`${where} differs from the replayed history ${firstDifference(after, before)}`)
    }
    const settings = (doc: Y.Doc) => canonicalJson(doc.getMap(SETTINGS_ROOT).toJSON())
    if (settings(rebased) !== settings(replay)) problem(`${where} has other settings than the replayed history: ${settings(rebased)} instead of ${settings(replay)}`)
    const audit = (doc: Y.Doc) => doc.getArray<{ id?: unknown; action?: unknown }>(AUDIT_ROOT).toArray().map((e) => `${String(e?.id)} (${String(e?.action)})`)
    const auditA = audit(replay)
    const auditB = audit(rebased)
    if (auditA.length !== auditB.length) {
      problem(`${where} has ${auditB.length} audit entries, the replayed history ${auditA.length}`)
    } else {
      const at = auditA.findIndex((e, i) => e !== auditB[i])
      if (at >= 0) problem(`${where} differs from the replayed history at audit entry ${at + 1}: ${auditB[at]} instead of ${auditA[at]}`)
    }
    const amendments = (doc: Y.Doc) => new Set(doc.getMap(AMENDMENTS_ROOT).keys())
    const idsA = amendments(replay)
    const idsB = amendments(rebased)
    const missing = [...idsA].filter((id) => !idsB.has(id))
    const extra = [...idsB].filter((id) => !idsA.has(id))
    if (missing.length || extra.length) {
      const parts = [missing.length ? `lacks ${missing.join(', ')}` : '', extra.length ? `adds ${extra.join(', ')}` : ''].filter(Boolean)
      problem(`${where} has other amendments than the replayed history: it ${parts.join(' and ')}`)
    }
  } finally {
    rebased.destroy()
  }
}

/** JSON with every object's keys sorted: two maps with the same entries written in another order read the same. */
function canonicalJson(value: unknown): string {
  const sorted = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sorted)
    if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((key) => [key, sorted((v as Record<string, unknown>)[key])]))
    return v
  }
  return JSON.stringify(sorted(value)) ?? 'undefined'
}

/** Whether the revision was rebuilt exactly over `replay`, the history of its epoch; reports what is wrong otherwise. */
function checkRevision(
  revision: RevisionRow,
  entry: RecordedRevision | undefined,
  replay: Y.Doc,
  seedState: Uint8Array | null,
  first: Row,
  report: VerifyReport,
  problem: (message: string) => void,
): boolean {
  const label = `revision ${revision.name}`
  let consistent = true
  let rebuilt: PMNode
  if (revision.number === 0) {
    // Revision 0 is the seed, written by RevisionStore from its copy of the seed: the ledger's first entry.
    if (!seedState) {
      report.notes.push(`${label} (the initial text) predates the ledger and was not checked`)
      return false
    }
    try {
      rebuilt = readTreaty([seedState])
    } catch (error) {
      problem(`${label}: the ledger's seed does not read as a treaty (${(error as Error).message})`)
      return false
    }
  } else {
    if (!entry) {
      if (first.kind === 'baseline' && revision.created < first.time) {
        report.notes.push(`${label} was saved before the ledger existed; checked against its own snapshot only`)
      } else {
        problem(`${label} has no entry in the ledger`)
        return false
      }
    } else {
      const { record } = entry
      const where = describeEntry(entry.entry)
      if (record.name !== revision.name || record.number !== revision.number) {
        problem(`${label}: its name or number differs from the ledger's ${where}, which says ${record.number}, “${record.name}”`)
        consistent = false
      }
      if (revision.author !== entry.entry.actor) {
        problem(`${label}: its author ${revision.author} is not the one recorded in ${where}`)
        consistent = false
      }
      if (sha256(revision.treaty) !== record.treaty) {
        problem(`${label}: its stored text is not the one recorded in ${where}`)
        consistent = false
      }
      // The text is rebuilt at the ledger's snapshot below, whatever the stored one says.
      if (Buffer.from(revision.snapshot).toString('base64') !== record.snapshot) {
        problem(`${label}: its stored snapshot is not the one recorded in ${where}`)
        consistent = false
      }
    }
    try {
      const snapshot = Y.decodeSnapshot(entry ? Buffer.from(entry.record.snapshot, 'base64') : revision.snapshot)
      const restored = Y.createDocFromSnapshot(replay, snapshot, newHistoryYDoc())
      try {
        rebuilt = readTreaty(restored)
      } finally {
        restored.destroy()
      }
    } catch (error) {
      problem(`${label}: its snapshot cannot be rebuilt from the replayed history (${(error as Error).message})`)
      return false
    }
  }
  const expected = JSON.stringify(toTreatyFile(rebuilt))
  if (expected === revision.treaty) return consistent
  let stored: PMNode | null = null
  try {
    stored = fromTreatyJSON(JSON.parse(revision.treaty))
  } catch (error) {
    problem(`${label}: its stored text cannot be read (${(error as Error).message})`)
    return false
  }
  problem(`${label} differs from the replayed text ${firstDifference(stored, rebuilt)}`)
  return false
}

/** Where two treaties first differ, as a person finds it: "at Article 4, paragraph 2". */
export function firstDifference(a: PMNode, b: PMNode): string {
  const blocksA = outline(a)
  const blocksB = outline(b)
  const count = Math.min(blocksA.length, blocksB.length)
  for (let i = 0; i < count; i++) {
    if (!blocksA[i].node.eq(blocksB[i].node) || blocksA[i].location.text !== blocksB[i].location.text) return `at ${blocksB[i].location.text}`
  }
  if (blocksA.length !== blocksB.length) {
    const extra = blocksA.length > blocksB.length ? blocksA[count] : blocksB[count]
    return `at ${extra.location.text} (${blocksA.length > blocksB.length ? 'not in the replay' : 'missing from the stored text'})`
  }
  return 'in the structure or attributes of the treaty (every paragraph reads the same)'
}

/**
 * The stored document (checkpoint + log) against the replayed ledger: the same Yjs items and
 * deletions (state vector and delete set), the same content in every root, the same treaty.
 */
function compareStored(replay: Y.Doc, stored: readonly Uint8Array[], problem: (message: string) => void): void {
  const current = newHistoryYDoc()
  try {
    try {
      current.transact(() => {
        for (const update of stored) Y.applyUpdate(current, update)
      })
    } catch (error) {
      problem(`the stored document (checkpoint and log) cannot be read: ${(error as Error).message}`)
      return
    }
    const a = Y.snapshot(replay)
    const b = Y.snapshot(current)
    if (!Y.equalSnapshots(a, b)) {
      const extra = Y.parseUpdateMeta(Y.diffUpdate(Y.encodeStateAsUpdate(current), Y.encodeStateVector(replay)))
      const lacking = Y.parseUpdateMeta(Y.diffUpdate(Y.encodeStateAsUpdate(replay), Y.encodeStateVector(current)))
      const why = extra.to.size ? 'the store holds changes the ledger does not record' : lacking.to.size ? 'the store lacks changes the ledger records' : 'the two delete different content'
      problem(`the stored document (checkpoint and log) is not the replayed ledger as Yjs state: ${why}`)
      return
    }
    let treatyA: PMNode | null = null
    let treatyB: PMNode | null = null
    try {
      treatyA = readTreaty(replay)
      treatyB = readTreaty(current)
    } catch (error) {
      problem(`the stored document or the replay does not read as a treaty: ${(error as Error).message}`)
    }
    if (treatyA && treatyB && JSON.stringify(treatyA.toJSON()) !== JSON.stringify(treatyB.toJSON())) {
      problem(`the stored document (checkpoint and log) differs from the replayed ledger ${firstDifference(treatyB, treatyA)}`)
      return
    }
    // Every item's content, where it is and after what. The store is garbage-collected (rooms
    // are; a checkpoint written before they were is not): both sides are compared collected, so
    // deleted text counts by its length and the ledger alone holds what it was.
    const collectedA = collected(replay)
    const collectedB = collected(current)
    try {
      const digestsA = itemDigests(collectedA)
      const digestsB = itemDigests(collectedB)
      for (const [client, digest] of digestsA) {
        if (digestsB.get(client) === digest) continue
        const linesA: string[] = []
        const linesB: string[] = []
        itemLines(collectedA, client, (line) => linesA.push(line))
        itemLines(collectedB, client, (line) => linesB.push(line))
        const at = linesA.findIndex((line, i) => line !== linesB[i])
        const line = (at >= 0 ? linesA[at] : linesB[linesA.length]) ?? `${client}:?`
        problem(`the stored document (checkpoint and log) is not the replayed ledger: the content of Yjs item ${line.split(' ')[0]} differs (a deleted item's length or place, or a root other than the treaty)`)
        break
      }
    } finally {
      collectedA.destroy()
      collectedB.destroy()
    }
  } finally {
    current.destroy()
  }
}

/** A garbage-collected copy of a document, as a room holds it. */
function collected(doc: Y.Doc): Y.Doc {
  const copy = new Y.Doc({ gc: true })
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc))
  return copy
}

/**
 * Every item of one client of a doc as text, one line per clock (character or element): what
 * it holds, where (parent, key) and after what (origin). Independent of how Yjs happened to
 * split or merge items, which differs between a doc loaded from a checkpoint and one built
 * update by update. Deletion is not in it: the snapshot comparison covers that.
 */
function itemLines(doc: Y.Doc, client: number, each: (line: string) => void): void {
  for (const struct of doc.store.clients.get(client) ?? []) {
    // GC structs hold nothing (and merge differently); the state vectors cover their ids.
    if (!(struct instanceof Y.Item)) continue
    const content = struct.content
    const parent = struct.parent instanceof Y.AbstractType ? (struct.parent._item ? `${struct.parent._item.id.client}:${struct.parent._item.id.clock}` : rootName(doc, struct.parent)) : String(struct.parent)
    const parts = content.getContent()
    for (let i = 0; i < struct.length; i++) {
      const value = content instanceof Y.ContentFormat ? `format:${content.key}=${JSON.stringify(content.value)}` : i < parts.length ? describeValue(parts[i]) : ''
      const origin = i === 0 ? (struct.origin ? `${struct.origin.client}:${struct.origin.clock}` : '-') : `${client}:${struct.id.clock + i - 1}`
      each(`${client}:${struct.id.clock + i} ${content.constructor.name} ${parent}/${struct.parentSub ?? ''} <${origin} ${value}`)
    }
  }
}

/** A digest of each client's itemLines, without keeping them (a document's history can be millions of characters). */
function itemDigests(doc: Y.Doc): Map<number, string> {
  const digests = new Map<number, string>()
  for (const client of doc.store.clients.keys()) {
    const hash = createHash('sha256')
    itemLines(doc, client, (line) => hash.update(line + '\n'))
    digests.set(client, hash.digest('hex'))
  }
  return digests
}

function rootName(doc: Y.Doc, type: Y.AbstractType<unknown>): string {
  for (const [name, root] of doc.share) if (root === type) return `root:${name}`
  return 'root:?'
}

function describeValue(value: unknown): string {
  if (value instanceof Y.AbstractType) return `type:${value.constructor.name}${value instanceof Y.XmlElement ? `:${value.nodeName}` : ''}`
  if (value instanceof Uint8Array) return `bytes:${Buffer.from(value).toString('base64')}`
  return JSON.stringify(value) ?? 'undefined'
}

/** Verifies a document of an open SqliteStorage (see verifyDocument). */
export async function verifyStorage(storage: SqliteStorage, docId: string): Promise<VerifyReport> {
  const stored = await storage.load(docId)
  return verifyDocument(storage.database, docId, stored?.updates)
}

/** The report as a person reads it: the summary line, then each problem or note on its own line. */
export function formatReport(report: VerifyReport): string {
  const lines: string[] = []
  if (report.ok) {
    const across = report.rebases ? ` across ${report.rebases} ${report.rebases === 1 ? 're-base' : 're-bases'}` : ''
    lines.push(`${report.doc}: chain of ${report.entries} ${report.entries === 1 ? 'entry' : 'entries'} intact${across}; ${report.revisionsRebuilt} of ${report.revisions} ${report.revisions === 1 ? 'revision' : 'revisions'} rebuilt exactly; the stored document equals the replay`)
    if (report.head) lines.push(`head ${report.head} (note it elsewhere: a later verify that shows another head for the same entries means the chain was rewritten)`)
  } else {
    lines.push(`${report.doc}: verification FAILED (${report.problems.length} ${report.problems.length === 1 ? 'problem' : 'problems'}; chain of ${report.entries} entries):`)
    for (const problem of report.problems) lines.push(`  ${problem}`)
  }
  for (const note of report.notes) lines.push(`note: ${note}`)
  return lines.join('\n')
}
