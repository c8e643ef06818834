import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { Ledger } from './ledger'
import * as Y from 'yjs'
import type { AppendedUpdate, CompactedLog, DocumentRecord, RebaseRecord, Storage, StoredDocument } from './storage'

/** The file under the data directory. */
export const DATABASE_FILE = 'accord.sqlite'

interface RecordRow {
  id: string
  title: string
  created: number
  updated: number
  epoch: number
}

/**
 * Storage in one SQLite file (WAL). Appends are one transaction per batch; with durability
 * 'full' a commit is on disk when `append` resolves, with 'normal' it survives a killed process
 * but not a power cut. better-sqlite3 is synchronous, and SQLite's own `synchronous=FULL` would
 * block the event loop for the WAL's fsync on every commit (0.5–10 ms on a shared disk: every
 * room and every socket waits). So appends commit with NORMAL (the frames reach the OS, which
 * already survives kill -9) and then sync the WAL file on libuv's thread pool, exactly the sync
 * FULL would have made (fdatasync), resolving only when it is done; the event loop goes on reading and
 * checking the next batch meanwhile, and the write queue commits one batch at a time. Every
 * other write (documents, participants, compaction) keeps SQLite's FULL.
 *
 * Beside the documents, checkpoints and log, the file holds the tamper-evident `ledger`
 * (ledger.ts): every seed and appended update, hash-chained per document, written in the same
 * transaction as what it records. Compaction leaves it alone.
 */
export class SqliteStorage implements Storage {
  private readonly db: Database.Database
  private readonly statements: ReturnType<SqliteStorage['prepare']>
  private readonly appendTx: (batch: readonly AppendedUpdate[], now: number) => void
  private readonly compactTx: (id: string, state: Uint8Array) => CompactedLog
  private readonly rebaseTx: (id: string, make: (state: Uint8Array) => Uint8Array | null, actor: string) => number | null
  private readonly ledger: Ledger
  /** The WAL file that append syncs itself (durability 'full' on a file), and an open descriptor of it. */
  private readonly walFile: string | null
  private walFd: number | null = null
  private readonly commitQuietly: Database.Statement | null = null
  private readonly commitDurably: Database.Statement | null = null

  /** `file` is a path, or ':memory:' for tests of the storage contract alone. */
  constructor(file: string, options: { durability?: 'full' | 'normal' } = {}) {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true })
    this.db = new Database(file)
    this.db.pragma('journal_mode = WAL')
    this.db.pragma(`synchronous = ${options.durability === 'normal' ? 'NORMAL' : 'FULL'}`)
    this.walFile = options.durability !== 'normal' && file !== ':memory:' ? `${path.resolve(file)}-wal` : null
    if (this.walFile) {
      this.commitQuietly = this.db.prepare('PRAGMA synchronous = NORMAL')
      this.commitDurably = this.db.prepare('PRAGMA synchronous = FULL')
    }
    this.db.pragma('foreign_keys = ON')
    // The `accord` command writes to the same file while the server runs (invitations, new documents): wait for its lock.
    this.db.pragma('busy_timeout = 5000')
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS documents (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        created INTEGER NOT NULL,
        updated INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS checkpoints (
        doc TEXT PRIMARY KEY REFERENCES documents(id),
        upto INTEGER NOT NULL,
        state BLOB NOT NULL,
        created INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS updates (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        doc TEXT NOT NULL REFERENCES documents(id),
        data BLOB NOT NULL
      );
      CREATE INDEX IF NOT EXISTS updates_by_doc ON updates(doc, seq);
      CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS rebases (
        doc TEXT NOT NULL REFERENCES documents(id),
        epoch INTEGER NOT NULL,
        previous BLOB NOT NULL,
        state BLOB NOT NULL,
        time INTEGER NOT NULL,
        actor TEXT NOT NULL,
        PRIMARY KEY (doc, epoch)
      );
    `)
    // Files written before re-basing existed: every document is in its first epoch.
    const columns = this.db.prepare('PRAGMA table_info(documents)').all() as { name: string }[]
    if (!columns.some((c) => c.name === 'epoch')) this.db.exec('ALTER TABLE documents ADD COLUMN epoch INTEGER NOT NULL DEFAULT 0')
    this.statements = this.prepare()
    const s = this.statements
    // The tamper-evident record of everything stored (ledger.ts): written in the same transactions.
    this.ledger = new Ledger(this.db)
    this.appendTx = this.db.transaction((batch: readonly AppendedUpdate[], now: number) => {
      const touched = new Set<string>()
      // The ledger first: a document's baseline, when it needs one, is the state before this batch.
      this.ledger.record(
        batch.map(({ docId, update, actor }) => ({ doc: docId, actor: actor ?? 'server', kind: 'update' as const, content: update })),
        now,
      )
      for (const { docId, update } of batch) {
        s.insertUpdate.run(docId, update)
        touched.add(docId)
      }
      for (const id of touched) s.touch.run(now, id)
    })
    this.compactTx = this.db.transaction((id: string, state: Uint8Array) => {
      // Everything appended so far is in `state` (the caller's guarantee), so the checkpoint covers up to the last seq.
      const last = (s.lastSeq.get(id) as { seq: number | null }).seq ?? 0
      const folded = s.logSize.get(id, last) as CompactedLog
      s.upsertCheckpoint.run(id, last, state, Date.now())
      s.deleteLog.run(id, last)
      return folded
    })
    this.rebaseTx = this.db.transaction((id: string, make: (state: Uint8Array) => Uint8Array | null, actor: string) => {
      const record = s.getDocument.get(id) as RecordRow | undefined
      if (!record) return null
      const checkpoint = s.getCheckpoint.get(id) as { upto: number; state: Uint8Array } | undefined
      const log = (s.getLog.all(id, checkpoint?.upto ?? 0) as { data: Uint8Array }[]).map((row) => row.data)
      const stored = checkpoint ? [checkpoint.state, ...log] : log
      const previous = stored.length === 1 ? stored[0] : Y.mergeUpdates(stored)
      const state = make(previous)
      if (!state) return null
      const now = Date.now()
      const epoch = record.epoch + 1
      this.ledger.record([{ doc: id, actor, kind: 'rebase', content: state }], now)
      const last = (s.lastSeq.get(id) as { seq: number | null }).seq ?? 0
      s.upsertCheckpoint.run(id, last, state, now)
      s.deleteLog.run(id, last)
      s.insertRebase.run(id, epoch, previous, state, now, actor)
      s.setEpoch.run(epoch, id)
      return epoch
    })
  }

  /** The open database, for the stores that share the file (participants). */
  get database(): Database.Database {
    return this.db
  }

  private prepare() {
    const db = this.db
    return {
      insertDocument: db.prepare('INSERT INTO documents (id, title, created, updated) VALUES (?, ?, ?, ?)'),
      getDocument: db.prepare('SELECT id, title, created, updated, epoch FROM documents WHERE id = ?'),
      listDocuments: db.prepare('SELECT id, title, created, updated, epoch FROM documents ORDER BY updated DESC, id'),
      insertRebase: db.prepare('INSERT INTO rebases (doc, epoch, previous, state, time, actor) VALUES (?, ?, ?, ?, ?, ?)'),
      rebasesAfter: db.prepare('SELECT epoch, previous, state, time, actor FROM rebases WHERE doc = ? AND epoch > ? ORDER BY epoch'),
      setEpoch: db.prepare('UPDATE documents SET epoch = ? WHERE id = ?'),
      updateRebase: db.prepare('UPDATE rebases SET previous = ?, state = ? WHERE doc = ? AND epoch = ?'),
      getCheckpoint: db.prepare('SELECT upto, state FROM checkpoints WHERE doc = ?'),
      getLog: db.prepare('SELECT data FROM updates WHERE doc = ? AND seq > ? ORDER BY seq'),
      insertUpdate: db.prepare('INSERT INTO updates (doc, data) VALUES (?, ?)'),
      touch: db.prepare('UPDATE documents SET updated = ? WHERE id = ?'),
      lastSeq: db.prepare('SELECT MAX(seq) AS seq FROM updates WHERE doc = ?'),
      upsertCheckpoint: db.prepare(
        'INSERT INTO checkpoints (doc, upto, state, created) VALUES (?, ?, ?, ?) ON CONFLICT(doc) DO UPDATE SET upto = excluded.upto, state = excluded.state, created = excluded.created',
      ),
      logSize: db.prepare('SELECT COUNT(*) AS count, COALESCE(SUM(LENGTH(data)), 0) AS bytes FROM updates WHERE doc = ? AND seq <= ?'),
      deleteLog: db.prepare('DELETE FROM updates WHERE doc = ? AND seq <= ?'),
      setTitle: db.prepare('UPDATE documents SET title = ? WHERE id = ?'),
      getSetting: db.prepare('SELECT value FROM settings WHERE key = ?'),
      setSetting: db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
    }
  }

  async create(id: string, title: string, state: Uint8Array, actor = 'server'): Promise<DocumentRecord> {
    const now = Date.now()
    this.db.transaction(() => {
      this.statements.insertDocument.run(id, title, now, now)
      this.statements.upsertCheckpoint.run(id, 0, state, now)
      this.ledger.record([{ doc: id, actor, kind: 'seed', content: state }], now)
    })()
    return { id, title, created: now, updated: now, epoch: 0 }
  }

  async get(id: string): Promise<DocumentRecord | undefined> {
    return this.statements.getDocument.get(id) as RecordRow | undefined
  }

  async list(): Promise<DocumentRecord[]> {
    return this.statements.listDocuments.all() as RecordRow[]
  }

  async load(id: string): Promise<StoredDocument | undefined> {
    const record = this.statements.getDocument.get(id) as RecordRow | undefined
    if (!record) return undefined
    const read = this.db.transaction(() => {
      const checkpoint = this.statements.getCheckpoint.get(id) as { upto: number; state: Buffer } | undefined
      const log = this.statements.getLog.all(id, checkpoint?.upto ?? 0) as { data: Buffer }[]
      return { checkpoint, log }
    })
    const { checkpoint, log } = read()
    const updates: Uint8Array[] = []
    let bytes = 0
    if (checkpoint) {
      updates.push(checkpoint.state)
      bytes += checkpoint.state.length
    }
    let logBytes = 0
    for (const row of log) {
      updates.push(row.data)
      logBytes += row.data.length
    }
    return { record, updates, bytes: bytes + logBytes, logCount: log.length, logBytes }
  }

  async append(batch: readonly AppendedUpdate[]): Promise<void> {
    if (!batch.length) return
    if (!this.walFile) return this.appendTx(batch, Date.now())
    this.commitQuietly!.run()
    try {
      this.appendTx(batch, Date.now())
    } finally {
      this.commitDurably!.run()
    }
    const fd = this.walDescriptor()
    await new Promise<void>((resolve, reject) => fs.fdatasync(fd, (error) => (error ? reject(error) : resolve())))
  }

  /** A descriptor of the WAL file (fsync on any descriptor of a file flushes all of it), reopened if SQLite replaced the file. */
  private walDescriptor(): number {
    if (this.walFd !== null && fs.fstatSync(this.walFd).nlink > 0) return this.walFd
    if (this.walFd !== null) fs.closeSync(this.walFd)
    this.walFd = fs.openSync(this.walFile!, 'r')
    // A new file's directory entry must be durable too, once. Best effort, as in SQLite: some
    // systems (Windows) cannot open a directory to sync it.
    try {
      const dir = fs.openSync(path.dirname(this.walFile!), 'r')
      try {
        fs.fsyncSync(dir)
      } finally {
        fs.closeSync(dir)
      }
    } catch {
      // the WAL's own sync still holds what it wrote
    }
    return this.walFd
  }

  async compact(id: string, state: Uint8Array): Promise<CompactedLog> {
    return this.compactTx(id, state)
  }

  async rebase(id: string, make: (state: Uint8Array) => Uint8Array | null, actor = 'server'): Promise<number | null> {
    return this.rebaseTx(id, make, actor)
  }

  async rebasesAfter(id: string, epoch: number): Promise<RebaseRecord[]> {
    return this.statements.rebasesAfter.all(id, epoch) as RebaseRecord[]
  }

  async updateRebase(id: string, epoch: number, states: { previous: Uint8Array; state: Uint8Array }): Promise<void> {
    this.statements.updateRebase.run(states.previous, states.state, id, epoch)
  }

  async setTitle(id: string, title: string): Promise<void> {
    this.statements.setTitle.run(title, id)
  }

  async getSetting(key: string): Promise<string | undefined> {
    return (this.statements.getSetting.get(key) as { value: string } | undefined)?.value
  }

  async setSetting(key: string, value: string): Promise<void> {
    this.statements.setSetting.run(key, value)
  }

  async close(): Promise<void> {
    if (this.walFd !== null) fs.closeSync(this.walFd)
    this.walFd = null
    if (!this.db.open) return
    // Fold the WAL into the main file so the data directory is one self-contained file at rest.
    this.db.pragma('wal_checkpoint(TRUNCATE)')
    this.db.close()
  }
}
