import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import { formatReport, GENESIS, Ledger, ledgerHistory, verifyStorage, type VerifyReport } from './ledger'
import type { AccordServer } from './server'
import { DATABASE_FILE, SqliteStorage } from './SqliteStorage'
import { appendArticle, connectClient, firstText, invite, paragraphTexts, removeDir, smallTreaty, startTestServer, tempDir, waitFor, type TestClient } from './testing'
import { rebasedState } from './testRooms'
import { newServerYDoc, seedState } from './treatyDoc'

/*
 * The tamper-evident ledger, end to end: a real server, clients editing through websockets, a
 * facilitator resolving brackets and saving revisions through the API, compactions after every
 * few updates (which delete the log the ledger must outlive), a restart. Then `verify` passes,
 * and each kind of tampering with a copy of the file makes it fail and say where.
 */

const dirs: string[] = []
afterAll(() => dirs.forEach(removeDir))

/** Runs a session on a fresh data directory and returns it closed: the database file at rest. */
async function session(): Promise<{ dir: string; docId: string; editors: string[] }> {
  const dir = tempDir('accord-ledger-')
  dirs.push(dir)
  const config = { dataDir: dir, seedSample: true, compactAfterUpdates: 5 }
  let server: AccordServer = await startTestServer(config)
  const docId = server.sampleId!
  const chair = invite(server, docId, 'facilitator', { name: 'Chair' })
  const vice = invite(server, docId, 'facilitator', { name: 'Vice-chair' })
  const api = (s: AccordServer, method: string, route: string, body?: unknown) =>
    fetch(new URL(`/api/documents/${docId}/${route}`, s.url), {
      method,
      headers: { authorization: `Bearer ${chair.token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(async (res) => {
      if (res.status >= 300) throw new Error(`${method} ${route} answered ${res.status}: ${await res.text()}`)
      return res.json()
    })
  const edit = async (s: AccordServer, rounds: number, tag: string) => {
    const clients: TestClient[] = [connectClient(s, docId, { token: chair.token }), connectClient(s, docId, { token: vice.token })]
    await waitFor(() => clients.every((c) => c.provider.synced), 'the clients to sync')
    for (let i = 0; i < rounds; i++) {
      const c = clients[i % 2]
      firstText(c.doc, 'title').insert(0, `${tag}${i} `)
      if (i % 4 === 3) firstText(c.doc, 'paragraph').delete(0, 3)
      if (tag === 'a' && i === 2) {
        // Typed and deleted again: the room forgets the deleted text, the ledger keeps it (revisions are rebuilt from it).
        firstText(c.doc, 'title').insert(0, 'ZQX')
        firstText(c.doc, 'title').delete(0, 3)
      }
      if (i % 7 === 6) appendArticle(c.doc, `Article ${tag}${i} added by ${i % 2 ? 'the vice-chair' : 'the chair'}.`)
      // Let the server store and echo each edit, so that the log fills and compacts between edits.
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    const texts = (c: TestClient) => JSON.stringify([paragraphTexts(c.doc), firstText(c.doc, 'title').toString()])
    await waitFor(() => texts(clients[0]) === texts(clients[1]) && firstText(clients[0].doc, 'title').toString().includes(`${tag}${rounds - 1} `), 'the clients to converge')
    clients.forEach((c) => c.destroy())
  }

  await edit(server, 24, 'a')
  const brackets = (await api(server, 'GET', 'brackets')) as { sets: { id: string; count: number; alternatives: string[] }[] }
  const set = brackets.sets.find((s) => s.count === 19)!
  await api(server, 'POST', 'resolutions', { set: set.id, choose: set.alternatives[0] })
  await api(server, 'POST', 'revisions', {})
  await edit(server, 12, 'b')
  await server.close()

  server = await startTestServer(config)
  await edit(server, 12, 'c')
  await api(server, 'POST', 'revisions', { name: 'After the restart' })
  await edit(server, 6, 'd')
  await server.close()
  return { dir, docId, editors: [chair.participant.id, vice.participant.id] }
}

/** A copy of the session's database, tampered with by `change` (with the ledger's append-only triggers out of the way). */
async function verifyTampered(base: { dir: string; docId: string }, change: (db: Database.Database) => void): Promise<VerifyReport> {
  const dir = tempDir('accord-ledger-tampered-')
  dirs.push(dir)
  fs.copyFileSync(path.join(base.dir, DATABASE_FILE), path.join(dir, DATABASE_FILE))
  const db = new Database(path.join(dir, DATABASE_FILE))
  db.exec('DROP TRIGGER ledger_no_update; DROP TRIGGER ledger_no_delete;')
  change(db)
  db.close()
  return verifyFile(dir, base.docId)
}

async function verifyFile(dir: string, docId: string): Promise<VerifyReport> {
  const storage = new SqliteStorage(path.join(dir, DATABASE_FILE))
  try {
    return await verifyStorage(storage, docId)
  } finally {
    storage.database.close()
  }
}

function flipByte(bytes: Buffer, at: number): Buffer {
  const copy = Buffer.from(bytes)
  copy[at] ^= 0x01
  return copy
}

describe('the ledger', () => {
  let base: { dir: string; docId: string; editors: string[] }

  beforeAll(async () => {
    base = await session()
  }, 120_000)

  test('records every stored update with who made it, outlives compaction, and verifies', async () => {
    const db = new Database(path.join(base.dir, DATABASE_FILE), { readonly: true })
    const kinds = db.prepare('SELECT kind, COUNT(*) AS n FROM ledger WHERE doc = ? GROUP BY kind').all(base.docId) as { kind: string; n: number }[]
    const actors = (db.prepare("SELECT DISTINCT actor FROM ledger WHERE doc = ? AND kind = 'update'").all(base.docId) as { actor: string }[]).map((r) => r.actor)
    const logRows = (db.prepare('SELECT COUNT(*) AS n FROM updates WHERE doc = ?').get(base.docId) as { n: number }).n
    const upto = (db.prepare('SELECT upto FROM checkpoints WHERE doc = ?').get(base.docId) as { upto: number }).upto
    const first = db.prepare('SELECT n, kind, prev_hash FROM ledger WHERE doc = ? ORDER BY n LIMIT 1').get(base.docId)
    db.close()
    const count = Object.fromEntries(kinds.map((k) => [k.kind, k.n]))
    expect(count.seed).toBe(1)
    expect(count.revision).toBe(2)
    expect(count.update).toBeGreaterThan(50)
    expect(first).toEqual({ n: 0, kind: 'seed', prev_hash: GENESIS })
    // Compaction folded the log into the checkpoint; the ledger kept every update.
    expect(upto).toBeGreaterThan(0)
    expect(logRows).toBeLessThan(count.update)
    // Clients' updates name their participant; the resolution and the revision's audit entry name the server action.
    for (const editor of base.editors) expect(actors).toContain(editor)
    expect(actors.some((a) => a.startsWith('server:facilitator:p_'))).toBe(true)

    const report = await verifyFile(base.dir, base.docId)
    expect(report.problems).toEqual([])
    expect(report).toMatchObject({ ok: true, revisions: 3, revisionsRebuilt: 3 })
    expect(report.entries).toBe(count.seed + count.revision + count.update)
    expect(report.head).toMatch(/^[0-9a-f]{64}$/)
  })

  test('the table refuses updates and deletions', () => {
    const db = new Database(path.join(base.dir, DATABASE_FILE))
    try {
      expect(() => db.prepare('UPDATE ledger SET actor = ? WHERE n = 3').run('p_someone')).toThrow(/append-only/)
      expect(() => db.prepare('DELETE FROM ledger WHERE n = 3').run()).toThrow(/append-only/)
    } finally {
      db.close()
    }
  })

  test("(a) one byte of an update's content", async () => {
    const report = await verifyTampered(base, (db) => {
      const row = db.prepare("SELECT seq, content FROM ledger WHERE doc = ? AND kind = 'update' ORDER BY n LIMIT 1 OFFSET 20").get(base.docId) as { seq: number; content: Buffer }
      db.prepare('UPDATE ledger SET content = ? WHERE seq = ?').run(flipByte(row.content, row.content.length - 1), row.seq)
    })
    expect(report.ok).toBe(false)
    expect(report.problems[0]).toMatch(/^entry \d+ \(update by p_\w+ at 20\d\d-[\d-]+T[\d:.]+Z\): content hash does not match$/)
  })

  test('(b) one character of a hash', async () => {
    let n = 0
    const report = await verifyTampered(base, (db) => {
      const row = db.prepare("SELECT seq, n, hash FROM ledger WHERE doc = ? AND kind = 'update' ORDER BY n LIMIT 1 OFFSET 30").get(base.docId) as { seq: number; n: number; hash: string }
      n = row.n
      db.prepare('UPDATE ledger SET hash = ? WHERE seq = ?').run((row.hash[0] === 'a' ? 'b' : 'a') + row.hash.slice(1), row.seq)
    })
    expect(report.ok).toBe(false)
    expect(report.problems).toEqual([
      expect.stringMatching(new RegExp(`^entry ${n} \\(update by .*\\): its hash does not match its fields`)),
      expect.stringMatching(new RegExp(`^entry ${n + 1} \\(.*\\): its previous hash does not match the hash of entry ${n} `)),
    ])
  })

  test('(c) a deleted entry', async () => {
    let n = 0
    const report = await verifyTampered(base, (db) => {
      const row = db.prepare("SELECT seq, n FROM ledger WHERE doc = ? AND kind = 'update' ORDER BY n LIMIT 1 OFFSET 10").get(base.docId) as { seq: number; n: number }
      n = row.n
      db.prepare('DELETE FROM ledger WHERE seq = ?').run(row.seq)
    })
    expect(report.ok).toBe(false)
    expect(report.problems[0]).toMatch(new RegExp(`^entry ${n} is missing \\(before entry ${n + 1} `))
    expect(report.problems[1]).toMatch(new RegExp(`^entry ${n + 1} .*: its previous hash does not match the hash of entry ${n - 1} `))
  })

  test('(c′) the last entry deleted: the chain is intact, but the store holds more than it records', async () => {
    const report = await verifyTampered(base, (db) => {
      db.prepare('DELETE FROM ledger WHERE seq = (SELECT MAX(seq) FROM ledger WHERE doc = ?)').run(base.docId)
    })
    expect(report.ok).toBe(false)
    expect(report.problems).toEqual([expect.stringMatching(/^the stored document \(checkpoint and log\) is not the replayed ledger as Yjs state: the store holds changes the ledger does not record/)])
  })

  test("(d) one byte of a revision's stored text", async () => {
    const report = await verifyTampered(base, (db) => {
      const row = db.prepare("SELECT id, treaty FROM revisions WHERE doc = ? AND name = 'Rev.1'").get(base.docId) as { id: string; treaty: string }
      // One byte of the UTF-8 of the first "一" in the text: it becomes "丁" (E4 B8 80 → E4 B8 81).
      const bytes = Buffer.from(row.treaty, 'utf8')
      const at = bytes.indexOf(Buffer.from('一', 'utf8'))
      expect(at).toBeGreaterThan(0)
      bytes[at + 2] ^= 0x01
      db.prepare('UPDATE revisions SET treaty = ? WHERE id = ?').run(bytes.toString('utf8'), row.id)
    })
    expect(report.ok).toBe(false)
    expect(report.problems).toEqual([
      expect.stringMatching(/^revision Rev\.1: its stored text is not the one recorded in entry \d+ \(revision “Rev\.1” by p_\w+ at /),
      expect.stringMatching(/^revision Rev\.1 differs from the replayed text at \S/),
    ])
    expect(report.revisionsRebuilt).toBe(2)
  })

  test('(d′) the initial text (revision 0) rewritten', async () => {
    const report = await verifyTampered(base, (db) => {
      const row = db.prepare('SELECT id, treaty FROM revisions WHERE doc = ? AND number = 0').get(base.docId) as { id: string; treaty: string }
      db.prepare('UPDATE revisions SET treaty = ? WHERE id = ?').run(row.treaty.replace('第一条', '第一條'), row.id)
    })
    expect(report.ok).toBe(false)
    expect(report.problems).toEqual([expect.stringMatching(/^revision Initial text differs from the replayed text at /)])
  })

  test('(e) one byte of the checkpoint: the stored document no longer equals the replay', async () => {
    const report = await verifyTampered(base, (db) => {
      const row = db.prepare('SELECT state FROM checkpoints WHERE doc = ?').get(base.docId) as { state: Buffer }
      // A character of text the clients typed ("a5 ", in the title).
      const at = row.state.indexOf(Buffer.from('a5 '))
      expect(at).toBeGreaterThan(0)
      db.prepare('UPDATE checkpoints SET state = ? WHERE doc = ?').run(flipByte(row.state, at + 1), base.docId)
    })
    expect(report.ok).toBe(false)
    expect(report.problems).toEqual([expect.stringMatching(/^the stored document \(checkpoint and log\) differs from the replayed ledger at (the )?title/i)])
  })

  test('(e′) deleted text is in the ledger, not the checkpoint; one byte of it altered in the ledger is found', async () => {
    const db = new Database(path.join(base.dir, DATABASE_FILE), { readonly: true })
    try {
      const checkpoint = db.prepare('SELECT state FROM checkpoints WHERE doc = ?').get(base.docId) as { state: Buffer }
      expect(checkpoint.state.indexOf(Buffer.from('ZQX'))).toBe(-1)
    } finally {
      db.close()
    }
    const report = await verifyTampered(base, (db) => {
      const rows = db.prepare("SELECT seq, content FROM ledger WHERE doc = ? AND kind = 'update' ORDER BY n").all(base.docId) as { seq: number; content: Buffer }[]
      const row = rows.find((r) => r.content.indexOf(Buffer.from('ZQX')) >= 0)!
      expect(row).toBeDefined()
      db.prepare('UPDATE ledger SET content = ? WHERE seq = ?').run(flipByte(row.content, row.content.indexOf(Buffer.from('ZQX')) + 1), row.seq)
    })
    expect(report.ok).toBe(false)
    expect(report.problems[0]).toMatch(/^entry \d+ \(update by p_\w+ at 20\d\d-[\d-]+T[\d:.]+Z\): content hash does not match$/)
  })

  test('a document created before the ledger existed starts its chain with a baseline', async () => {
    const storage = new SqliteStorage(':memory:')
    try {
      await storage.create('d_old', 'Old', seedState(smallTreaty()))
      await storage.append([{ docId: 'd_old', update: new Uint8Array([0, 0]) }])
      // As if the ledger had not existed: forget its chain, then keep storing.
      storage.database.exec('DROP TRIGGER ledger_no_delete; DELETE FROM ledger;')
      await storage.append([{ docId: 'd_old', update: new Uint8Array([0, 0]), actor: 'p_late' }])
      const report = await verifyStorage(storage, 'd_old')
      expect(report.problems).toEqual([])
      expect(report.entries).toBe(2)
      expect(report.notes).toEqual([expect.stringMatching(/^the document is older than the ledger: its history before .* is not covered$/)])
    } finally {
      storage.database.close()
    }
  })
})

describe('re-bases', () => {
  type Entry = { id: string; action: string }

  /**
   * A document edited in three epochs: the server's roots written as a facilitator's actions
   * would, each epoch's changes stored as the write queue stores them, each re-base made by
   * `rebase` from the room's doc. Returns the storage (in memory) and the text of each epoch.
   */
  async function threeEpochs(rebase: (doc: Y.Doc, k: number) => Uint8Array = (doc) => rebasedState(doc)): Promise<{ storage: SqliteStorage; titles: string[] }> {
    const storage = new SqliteStorage(':memory:')
    await storage.create('d_re', 'Re', seedState(smallTreaty()), 'p_secretariat')
    const titles: string[] = []
    for (let k = 0; k < 3; k++) {
      const doc = newServerYDoc()
      Y.applyUpdate(doc, Y.mergeUpdates((await storage.load('d_re'))!.updates))
      const updates: Uint8Array[] = []
      doc.on('update', (u: Uint8Array) => updates.push(u))
      // Typed and deleted again in each epoch: a tombstone the re-base leaves behind.
      firstText(doc, 'title').insert(0, `E${k} `)
      firstText(doc, 'paragraph').insert(0, 'XYZ')
      firstText(doc, 'paragraph').delete(0, 3)
      doc.transact(() => {
        doc.getMap('settings').set('openDrafting', k % 2 === 0)
        doc.getArray<Entry>('audit').push([{ id: `a_${k}`, action: 'settings' }])
        doc.getMap('amendments').set(`m_${k}`, { id: `m_${k}`, status: 'open' })
      }, 'server:facilitator:p_chair')
      await storage.append(updates.map((update) => ({ docId: 'd_re', update, actor: 'p_delegate' })))
      titles.push(firstText(doc, 'title').toString())
      if (k < 2) await storage.rebase('d_re', () => rebase(doc, k), k ? 'server:facilitator:p_chair' : 'server')
      doc.destroy()
    }
    return { storage, titles }
  }

  test('verify replays each epoch from its rebase entry; ledgerHistory gives each epoch', async () => {
    const { storage, titles } = await threeEpochs()
    try {
      const report = await verifyStorage(storage, 'd_re')
      expect(report.problems).toEqual([])
      // The seed, four updates per epoch (the title, the text typed, deleted, the server's roots) and two re-bases.
      expect(report).toMatchObject({ ok: true, entries: 15, rebases: 2 })
      expect(formatReport(report)).toMatch(/^d_re: chain of 15 entries intact across 2 re-bases; 0 of 0 revisions rebuilt exactly; the stored document equals the replay\n/)
      const kinds = storage.database.prepare("SELECT n, kind, actor FROM ledger WHERE doc = 'd_re' AND kind != 'update' ORDER BY n").all()
      expect(kinds).toEqual([
        { n: 0, kind: 'seed', actor: 'p_secretariat' },
        { n: 5, kind: 'rebase', actor: 'server' },
        { n: 10, kind: 'rebase', actor: 'server:facilitator:p_chair' },
      ])
      expect(titles).toEqual(['E0 Test Protocol', 'E1 E0 Test Protocol', 'E2 E1 E0 Test Protocol'])
      for (const [k, title] of titles.entries()) {
        const history = ledgerHistory(storage.database, 'd_re', k)
        try {
          expect(firstText(history, 'title').toString()).toBe(title)
          expect(history.getArray<Entry>('audit').toArray().map((e) => e.id)).toEqual(['a_0', 'a_1', 'a_2'].slice(0, k + 1))
        } finally {
          history.destroy()
        }
      }
      const last = ledgerHistory(storage.database, 'd_re')
      expect(firstText(last, 'title').toString()).toBe(titles[2])
      last.destroy()
      expect(() => ledgerHistory(storage.database, 'd_re', 3)).toThrow('the ledger of document "d_re" has no epoch 3: it records 2 re-bases (epochs 0 to 2)')
    } finally {
      storage.database.close()
    }
  })

  test("a rebase entry whose content reads as another treaty is found, with where it differs", async () => {
    // The second re-base slips a word into Article 1.
    const { storage } = await threeEpochs((doc, k) => rebasedState(doc, (rebased) => k === 1 && firstText(rebased, 'paragraph').insert(0, 'Not ')))
    try {
      const report = await verifyStorage(storage, 'd_re')
      // Only that: the last epoch is replayed from what the entry holds, and the stored document is that replay.
      expect(report.problems).toEqual([
        expect.stringMatching(/^the re-based state at entry 10 \(rebase by server:facilitator:p_chair at 20[\d-]+T[\d:.]+Z\) differs from the replayed history at Article 1, paragraph 1$/),
      ])
    } finally {
      storage.database.close()
    }
  })

  test("a rebase entry that loses or alters the server's roots is found", async () => {
    const { storage } = await threeEpochs((doc, k) =>
      rebasedState(doc, (rebased) => {
        if (k === 0) {
          rebased.getMap('settings').set('openDrafting', false)
          rebased.getMap('amendments').delete('m_0')
          rebased.getMap('amendments').set('m_9', { id: 'm_9', status: 'open' })
        } else {
          rebased.getArray<Entry>('audit').delete(0, 1)
          rebased.getArray<Entry>('audit').insert(0, [{ id: 'a_0', action: 'resolve' }])
        }
      }),
    )
    try {
      const report = await verifyStorage(storage, 'd_re')
      expect(report.problems).toEqual([
        expect.stringMatching(/^the re-based state at entry 5 \(rebase by server .*\) has other settings than the replayed history: \{"openDrafting":false\} instead of \{"openDrafting":true\}$/),
        expect.stringMatching(/^the re-based state at entry 5 \(.*\) has other amendments than the replayed history: it lacks m_0 and adds m_9$/),
        expect.stringMatching(/^the re-based state at entry 10 \(.*\) differs from the replayed history at audit entry 1: a_0 \(resolve\) instead of a_0 \(settings\)$/),
      ])
    } finally {
      storage.database.close()
    }
  })

  test('a rebase entry cannot start a chain, and its content must be a Yjs update', async () => {
    const storage = new SqliteStorage(':memory:')
    try {
      // A document the store does not hold, so that the ledger writes no baseline before the first entry.
      const ledger = new Ledger(storage.database)
      ledger.record([{ doc: 'd_bad', actor: 'server', kind: 'rebase', content: seedState(smallTreaty()) }], 1)
      ledger.record([{ doc: 'd_bad', actor: 'server', kind: 'rebase', content: new Uint8Array([1, 2, 3]) }], 2)
      const report = await verifyStorage(storage, 'd_bad')
      expect(report.problems).toEqual([
        'there is no document "d_bad" in the store',
        expect.stringMatching(/^entry 0 \(rebase by server at .*\): a rebase cannot start a chain/),
        expect.stringMatching(/^entry 0 \(rebase by server at .*\): the chain does not start with the document's seed$/),
        expect.stringMatching(/^entry 1 \(rebase by server at .*\): its content is not a Yjs update/),
      ])
    } finally {
      storage.database.close()
    }
  })
})
