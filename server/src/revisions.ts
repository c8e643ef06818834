import { compareTreaties, type Comparison } from '@accord/compare'
import { DocumentError, fromTreatyJSON, toTreatyFile, treatySchema } from '@accord/schema'
import type Database from 'better-sqlite3'
import type { Node as PMNode } from 'prosemirror-model'
import { initProseMirrorDoc, updateYFragment } from 'y-prosemirror'
import * as Y from 'yjs'
import { actorLabel, appendAudit, appendAuditIn, readAudit, type Actor, type RoomLike } from './audit'
import { newDocumentId } from './ids'
import { Ledger, ledgerHistory, revisionContent } from './ledger'
import { newHistoryYDoc, newServerYDoc, readTreaty, TREATY_FRAGMENT } from './treatyDoc'

/*
 * Named revisions (Rev.1, Rev.2, …): the text frozen at a moment, kept by the server with who
 * saved it and when, compared with any other, exported, restored.
 *
 * A revision stores two things: the Yjs snapshot of the room's document (its state vector and
 * delete set: replayed over the ledger, which keeps every update, `Y.createDocFromSnapshot`
 * rebuilds the text of any snapshot) and the treaty itself as an `accord-treaty` file, which
 * is what exports, comparisons and restores read, so that none of them depends on the history
 * still being complete. A snapshot names Yjs ids, which a re-base replaces: a revision keeps
 * the epoch it was saved in, and its snapshot is rebuilt over the history of that epoch only.
 * (Comparisons also count audit entries by position; a re-base keeps the audit log's entries
 * in order, which `accord verify` checks.)
 *
 * Revision 0, "Initial text", is the document as it was created. The storage overwrites a
 * document's first checkpoint (its seed) at the first compaction, so the store keeps a copy of
 * it: triggers on SqliteStorage's `checkpoints` table copy the seed into `revision_seeds` when a
 * document is created and, for documents created before this store existed, before their seed
 * checkpoint is first replaced. (Not INSERT OR IGNORE: a trigger's conflict clause gives way to
 * the firing statement's, and the storage's upsert has none.) They live in the database file, so documents that the `accord`
 * command creates are covered too. Revision 0 is written to the revisions table the first time
 * anyone asks for a document's revisions; a document whose seed was compacted away before any
 * of this existed has no revision 0. `initial` names it wherever a revision id is expected.
 *
 * Who may call what (anyone lists, compares and exports; a facilitator saves and restores) is
 * the HTTP layer's decision, made before.
 */

/** A refusal the HTTP layer answers as `{error: {code, message}}` with `status`. */
export class RevisionError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = 'RevisionError'
  }
}

/** What `saveRevision`, `compareRevisions` and `restoreRevision` need of a room: its Y.Doc, its transactions and the document id. */
export interface RevisionRoom extends RoomLike {
  readonly id: string
  /** The epoch of the room's Y.Doc: how many times the document was re-based (undefined: 0). */
  readonly epoch?: number
}

/** A revision as the API answers it. */
export interface RevisionView {
  id: string
  name: string
  /** 0 for the initial text, then 1, 2, … in the order they were saved. */
  number: number
  /** ISO 8601 time of the server. */
  created: string
  /** Who saved it; null for the initial text. */
  author: { participant: string; name: string } | null
}

/** `to=current` in a comparison: the text as it is now. */
export const CURRENT = 'current'
/** Names revision 0 wherever a revision id is expected. */
export const INITIAL = 'initial'
export const INITIAL_NAME = 'Initial text'

/** The name of a revision: at most this many characters. */
const MAX_NAME = 80

interface Row {
  id: string
  doc: string
  number: number
  name: string
  created: number
  author: string | null
  author_name: string | null
  audit_length: number
}

interface FullRow extends Row {
  snapshot: Uint8Array
  treaty: string
  /** The epoch whose history the snapshot refers to. */
  epoch: number
}

function viewOf(row: Row): RevisionView {
  return {
    id: row.id,
    name: row.name,
    number: row.number,
    created: new Date(row.created).toISOString(),
    author: row.author === null ? null : { participant: row.author, name: row.author_name ?? '' },
  }
}

/** The revisions table, in the server's SQLite file (`SqliteStorage.database`). */
export class RevisionStore {
  private readonly s: ReturnType<RevisionStore['prepare']>
  private readonly insertTx: (row: FullRow) => void
  /** Saved revisions are recorded in the tamper-evident ledger (`accord verify` rebuilds them); revision 0 is the ledger's seed entry. */
  private readonly ledger: Ledger

  constructor(private readonly db: Database.Database) {
    this.ledger = new Ledger(db)
    db.exec(`
      CREATE TABLE IF NOT EXISTS revisions (
        id TEXT PRIMARY KEY,
        doc TEXT NOT NULL REFERENCES documents(id),
        number INTEGER NOT NULL,
        name TEXT NOT NULL,
        created INTEGER NOT NULL,
        author TEXT,
        author_name TEXT,
        snapshot BLOB NOT NULL,
        treaty TEXT NOT NULL,
        audit_length INTEGER NOT NULL,
        epoch INTEGER NOT NULL DEFAULT 0,
        UNIQUE (doc, number),
        UNIQUE (doc, name)
      );
      CREATE TABLE IF NOT EXISTS revision_seeds (
        doc TEXT PRIMARY KEY REFERENCES documents(id),
        state BLOB NOT NULL,
        created INTEGER NOT NULL
      );
      CREATE TRIGGER IF NOT EXISTS revision_seed_on_create AFTER INSERT ON checkpoints WHEN NEW.upto = 0
      BEGIN
        INSERT INTO revision_seeds (doc, state, created) SELECT NEW.doc, NEW.state, NEW.created WHERE NOT EXISTS (SELECT 1 FROM revision_seeds WHERE doc = NEW.doc);
      END;
      CREATE TRIGGER IF NOT EXISTS revision_seed_on_compact BEFORE UPDATE ON checkpoints WHEN OLD.upto = 0
      BEGIN
        INSERT INTO revision_seeds (doc, state, created) SELECT OLD.doc, OLD.state, OLD.created WHERE NOT EXISTS (SELECT 1 FROM revision_seeds WHERE doc = OLD.doc);
      END;
      INSERT OR IGNORE INTO revision_seeds (doc, state, created) SELECT doc, state, created FROM checkpoints WHERE upto = 0;
    `)
    // A table from before re-basing: every revision in it was saved in epoch 0. Checked under
    // the write lock, as the server and the `accord` command may open the file at once.
    db.transaction(() => {
      const columns = db.prepare('PRAGMA table_info(revisions)').all() as { name: string }[]
      if (!columns.some((c) => c.name === 'epoch')) db.exec('ALTER TABLE revisions ADD COLUMN epoch INTEGER NOT NULL DEFAULT 0')
    }).immediate()
    this.s = this.prepare()
    this.insertTx = db.transaction((row: FullRow) => {
      this.s.insert.run(row)
    })
  }

  private prepare() {
    const db = this.db
    const columns = 'id, doc, number, name, created, author, author_name, audit_length'
    return {
      insert: db.prepare(
        'INSERT INTO revisions (id, doc, number, name, created, author, author_name, snapshot, treaty, audit_length, epoch) VALUES (@id, @doc, @number, @name, @created, @author, @author_name, @snapshot, @treaty, @audit_length, @epoch)',
      ),
      list: db.prepare(`SELECT ${columns} FROM revisions WHERE doc = ? ORDER BY number`),
      byId: db.prepare('SELECT * FROM revisions WHERE doc = ? AND id = ?'),
      byNumber: db.prepare('SELECT * FROM revisions WHERE doc = ? AND number = ?'),
      byName: db.prepare('SELECT * FROM revisions WHERE doc = ? AND name = ?'),
      names: db.prepare('SELECT name FROM revisions WHERE doc = ?'),
      lastNumber: db.prepare('SELECT MAX(number) AS n FROM revisions WHERE doc = ?'),
      seed: db.prepare('SELECT state, created FROM revision_seeds WHERE doc = ?'),
    }
  }

  /** The history of one epoch of the document (default: the last) replayed from the ledger (see `ledgerHistory`); the caller destroys it. */
  history(docId: string, epoch?: number): Y.Doc {
    return ledgerHistory(this.db, docId, epoch)
  }

  /** Revision 0 of `docId`, written from its seed the first time it is needed; undefined when the seed was not kept. */
  private ensureInitial(docId: string): void {
    if (this.s.byNumber.get(docId, 0)) return
    const seed = this.s.seed.get(docId) as { state: Uint8Array; created: number } | undefined
    if (!seed) return
    const ydoc = newServerYDoc()
    try {
      Y.applyUpdate(ydoc, seed.state)
      const row: FullRow = {
        id: newRevisionId(),
        doc: docId,
        number: 0,
        name: INITIAL_NAME,
        created: seed.created,
        author: null,
        author_name: null,
        snapshot: Y.encodeSnapshot(Y.snapshot(ydoc)),
        treaty: JSON.stringify(toTreatyFile(readTreaty(ydoc))),
        audit_length: readAudit(ydoc).length,
        // The seed is the start of epoch 0, whatever epoch the room is in now.
        epoch: 0,
      }
      // A name a facilitator gave a revision before revision 0 was written wins; the initial text gets a number.
      if (this.s.byName.get(docId, INITIAL_NAME)) row.name = `${INITIAL_NAME} (0)`
      this.insertTx(row)
    } finally {
      ydoc.destroy()
    }
  }

  /** Every revision of a document, oldest first (the initial text first, when kept). */
  list(docId: string): RevisionView[] {
    this.ensureInitial(docId)
    return (this.s.list.all(docId) as Row[]).map(viewOf)
  }

  /**
   * The revision `ref` names: its id, `initial` (revision 0), or its exact name (so `Rev.1`
   * works where a person types it). Throws RevisionError 404.
   */
  find(docId: string, ref: string): FullRow {
    this.ensureInitial(docId)
    const row = (this.s.byId.get(docId, ref) ?? (ref === INITIAL ? this.s.byNumber.get(docId, 0) : undefined) ?? this.s.byName.get(docId, ref)) as FullRow | undefined
    if (row) return row
    if (ref === INITIAL) {
      throw new RevisionError(404, 'not-found', 'the initial text of this document was not kept (it was compacted before revisions existed); compare with a saved revision instead')
    }
    throw new RevisionError(404, 'not-found', `this document has no revision ${JSON.stringify(ref)}; list them with GET /api/documents/${docId}/revisions`)
  }

  /** Writes a new revision: numbered after the last one, named `name` or Rev.N. `epoch`: the room's, which the snapshot refers to. */
  add(docId: string, input: { name: string | null; author: Actor; snapshot: Uint8Array; treaty: PMNode; auditLength: number; epoch: number }): RevisionView {
    this.ensureInitial(docId)
    let row: FullRow | undefined
    this.db.transaction(() => {
      const taken = new Set((this.s.names.all(docId) as { name: string }[]).map((r) => nameKey(r.name)))
      const number = ((this.s.lastNumber.get(docId) as { n: number | null }).n ?? 0) + 1
      let name = input.name
      if (name === null) {
        // Rev.N, unless someone already used that name for another revision.
        let k = number
        while (taken.has(nameKey(`Rev.${k}`))) k++
        name = `Rev.${k}`
      } else if (nameKey(name) === INITIAL || nameKey(name) === CURRENT) {
        throw new RevisionError(422, 'invalid-name', `"${name}" stands for ${nameKey(name) === INITIAL ? 'the initial text' : 'the current text'} in comparisons; choose another name`)
      } else if (taken.has(nameKey(name)) || nameKey(name) === nameKey(INITIAL_NAME)) {
        throw new RevisionError(409, 'conflict', `this document already has a revision named ${JSON.stringify(name)}; choose another name`)
      }
      row = {
        id: newRevisionId(),
        doc: docId,
        number,
        name,
        created: Date.now(),
        author: input.author.participant,
        author_name: input.author.name,
        snapshot: input.snapshot,
        treaty: JSON.stringify(toTreatyFile(input.treaty)),
        audit_length: input.auditLength,
        epoch: input.epoch,
      }
      this.s.insert.run(row)
      this.ledger.record([{ doc: docId, actor: input.author.participant, kind: 'revision', name: row.name, content: revisionContent(row) }], row.created)
    })()
    return viewOf(row!)
  }
}

function newRevisionId(): string {
  return `r_${newDocumentId()}`
}

/** Names are unique per document regardless of case and spacing: "rev. 1" and "Rev.1" would be confused when read aloud. */
function nameKey(name: string): string {
  return name.normalize('NFKC').toLowerCase().replace(/\s+/g, '')
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

const SAVE_EXAMPLE = '{"name": "Rev.2"} or {} for the next Rev.N'

/** The name in a save request's body, normalised; null for the default name. */
function nameOf(body: unknown): string | null {
  if (body === undefined || body === null) return null
  if (!isRecord(body)) throw new RevisionError(400, 'bad-request', `the request body must be a JSON object such as ${SAVE_EXAMPLE}`)
  const extra = Object.keys(body).filter((k) => k !== 'name')
  if (extra.length) throw new RevisionError(400, 'bad-request', `unknown field${extra.length > 1 ? 's' : ''} ${extra.map((k) => JSON.stringify(k)).join(', ')}; expected ${SAVE_EXAMPLE}`)
  if (body.name === undefined || body.name === null) return null
  if (typeof body.name !== 'string') throw new RevisionError(400, 'bad-request', `"name" must be a string; expected ${SAVE_EXAMPLE}`)
  // Control characters and line breaks would garble lists and file names.
  const name = body.name.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').replace(/\s+/g, ' ').trim()
  if (!name) throw new RevisionError(422, 'invalid-name', 'the revision name is empty; give a name such as "Rev.2", or leave "name" out for the next Rev.N')
  if ([...name].length > MAX_NAME) throw new RevisionError(422, 'invalid-name', `the revision name is ${[...name].length} characters long; at most ${MAX_NAME}`)
  return name
}

/**
 * Saves the room's current text as a new revision (body `{name?}`; the default name is the
 * next Rev.N) and logs it in the audit log. 409 when the name is taken in this document.
 */
export function saveRevision(store: RevisionStore, room: RevisionRoom, actor: Actor, body: unknown): { revision: RevisionView } {
  const name = nameOf(body)
  // Snapshot and text are read together, with nothing in between (this is all synchronous).
  const snapshot = Y.encodeSnapshot(Y.snapshot(room.doc))
  const treaty = readTreaty(room.doc)
  const revision = store.add(room.id, { name, author: actor, snapshot, treaty, auditLength: readAudit(room.doc).length, epoch: room.epoch ?? 0 })
  appendAudit(room, actor, { action: 'revision', detail: `Saved the text as revision ${revision.number}, “${revision.name}”.` })
  return { revision }
}

/** Every revision of the document, oldest first. */
export function listRevisions(store: RevisionStore, docId: string): { revisions: RevisionView[] } {
  return { revisions: store.list(docId) }
}

/** The text of a revision (from its stored treaty, checked against the schema), for reading and exporting. */
export function revisionDoc(store: RevisionStore, docId: string, rid: string): PMNode {
  return docOf(store.find(docId, rid))
}

/** The revision's metadata. */
export function revisionInfo(store: RevisionStore, docId: string, rid: string): RevisionView {
  return viewOf(store.find(docId, rid))
}

function docOf(row: FullRow): PMNode {
  try {
    return fromTreatyJSON(JSON.parse(row.treaty))
  } catch (error) {
    if (error instanceof DocumentError) throw new RevisionError(500, 'unreadable-revision', `the stored text of revision ${row.name} cannot be read: ${error.message}`)
    throw error
  }
}

/**
 * The text of a revision rebuilt from its Yjs snapshot and the history of its epoch as the
 * ledger holds it (what the stored treaty is checked against; `accord verify` does the same).
 * The revision's updates must be durable, which they are once the room's write queue has flushed.
 */
export function snapshotDoc(store: RevisionStore, room: RevisionRoom, rid: string): PMNode {
  const row = store.find(room.id, rid)
  const history = store.history(room.id, row.epoch)
  try {
    const restored = Y.createDocFromSnapshot(history, Y.decodeSnapshot(row.snapshot), newHistoryYDoc())
    try {
      return readTreaty(restored)
    } finally {
      restored.destroy()
    }
  } finally {
    history.destroy()
  }
}

/** One side of a comparison. */
export interface ComparedVersion {
  /** The revision id, or `current`. */
  id: string
  name: string
  number: number | null
  created: string | null
}

export interface RevisionComparison {
  from: ComparedVersion
  to: ComparedVersion
  comparison: Comparison
}

/**
 * Compares two revisions, or a revision and the current text (`to` = `current`; `from` may be
 * too): the word-level diff per unit and the summary. Accepted amendments are counted from the
 * audit entries written between the two (by position in the log: a revision remembers how long
 * the log was when it was saved).
 */
export function compareRevisions(store: RevisionStore, room: RevisionRoom, from: string, to: string): RevisionComparison {
  const side = (ref: string): { version: ComparedVersion; doc: PMNode; auditLength: number } => {
    if (ref === CURRENT) {
      return { version: { id: CURRENT, name: 'Current text', number: null, created: null }, doc: readTreaty(room.doc), auditLength: readAudit(room.doc).length }
    }
    const row = store.find(room.id, ref)
    const view = viewOf(row)
    return { version: { id: view.id, name: view.name, number: view.number, created: view.created }, doc: docOf(row), auditLength: row.audit_length }
  }
  const a = side(from)
  const b = side(to)
  const [lo, hi] = a.auditLength <= b.auditLength ? [a.auditLength, b.auditLength] : [b.auditLength, a.auditLength]
  const audit = readAudit(room.doc).slice(lo, hi)
  return { from: a.version, to: b.version, comparison: compareTreaties(a.doc, b.doc, { audit }) }
}

/**
 * Makes a revision's text the current text: one transaction of the room that rewrites the
 * treaty fragment with y-prosemirror's updateYFragment (as an editor would, so the history
 * keeps everything and every peer converges) and appends the `restore` audit entry.
 */
export function restoreRevision(store: RevisionStore, room: RevisionRoom, actor: Actor, rid: string): { revision: RevisionView; entry: string } {
  const row = store.find(room.id, rid)
  const doc = docOf(row)
  const revision = viewOf(row)
  let entry = ''
  room.transact(actorLabel(actor), (ydoc) => {
    const fragment = ydoc.getXmlFragment(TREATY_FRAGMENT)
    const { meta } = initProseMirrorDoc(fragment, treatySchema)
    updateYFragment(ydoc, fragment, doc, meta)
    entry = appendAuditIn(ydoc, actor, { action: 'restore', detail: `Restored the text of revision ${revision.number}, “${revision.name}”.` }).id
  })
  return { revision, entry }
}
