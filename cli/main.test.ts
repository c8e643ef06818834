import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { DATABASE_FILE, SqliteStorage } from '../server/src/SqliteStorage'
import { main } from './main'

const SAMPLE = new URL('../../shared/fixtures/npt-2005-security-assurances-protocol.zh.txt', import.meta.url).pathname
const ADP = new URL('../../shared/fixtures/real/unfccc-adp-2015-12-04-draft-agreement-pp-art1-2.txt', import.meta.url).pathname
const BIN = new URL('../bin/accord.mjs', import.meta.url).pathname
const dir = mkdtempSync(join(tmpdir(), 'accord-cli-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Runs the command in-process and collects what it prints. */
async function run(...args: string[]) {
  let out = ''
  let err = ''
  const status = await main(args, { out: (t) => (out += t), err: (t) => (err += t) })
  return { status, out, err }
}

describe('accord (in process)', () => {
  it('imports a text file to a document JSON, warnings on stderr as FILE:LINE:COL', async () => {
    const out = join(dir, 'adp.json')
    const r = await run('import', ADP, '-o', out)
    expect(r.status).toBe(0)
    expect(r.err).toMatch(new RegExp(`^${ADP.replace(/[.]/g, '\\.')}:14:15: warning: .+$`, 'm'))
    const json = JSON.parse(readFileSync(out, 'utf8'))
    expect(json.format).toBe('accord-treaty')
    expect(json.doc.type).toBe('doc')
  })

  it('prints stats as one JSON object', async () => {
    const r = await run('stats', SAMPLE)
    expect(r.status).toBe(0)
    const s = JSON.parse(r.out)
    expect(s).toMatchObject({ articles: 6, paragraphsPerArticle: [2, 3, 1, 7, 1, 3], preambleParagraphs: 11, brackets: 20, notes: 12, warnings: [] })
    expect(s.linkedSets).toEqual([{ alternatives: ['议定书', '协议'], count: 19 }])
    expect(s.nearDuplicates).toHaveLength(1)
  })

  it('resolves a whole linked set, says how many, and works on the JSON it wrote', async () => {
    const first = join(dir, 'r1.json')
    const r1 = await run('resolve', SAMPLE, '--choose', '议定书', '-o', first)
    expect(r1.status).toBe(0)
    expect(r1.err).toContain('resolved 19 bracket groups')
    const refused = await run('export', first, '--format', 'text', '--mode', 'clean')
    expect(refused.status).toBe(3)
    expect(refused.err).toContain('Article 6, paragraph 2: [本议定书][协议]')
    const second = join(dir, 'r2.json')
    expect((await run('resolve', first, '--choose', '本议定书', '-o', second)).err).toContain('resolved 1 bracket group ')
    const clean = await run('export', second, '--format', 'text', '--mode', 'clean')
    expect(clean.status).toBe(0)
    expect(clean.out).not.toMatch(/[[\]]/)
    expect(clean.out).toContain('第六条')
  })

  it('says so when nothing matches', async () => {
    const r = await run('resolve', SAMPLE, '--choose', 'Agreement')
    expect(r.status).toBe(0)
    expect(r.err).toContain('nothing changed')
  })

  it('exports negotiating text in every format', async () => {
    for (const format of ['text', 'html', 'md']) {
      const r = await run('export', SAMPLE, '--format', format, '--mode', 'negotiating')
      expect(r.status).toBe(0)
      expect(r.out).toContain('议定书')
    }
  })

  it('exports Word, Akoma Ntoso and PDF to files, and refuses a clean one with status 3', async () => {
    for (const [format, magic] of [['docx', 'PK'], ['akn', '<?xml'], ['pdf', '%PDF-']] as const) {
      const out = join(dir, `sample.${format}`)
      const r = await run('export', SAMPLE, '--format', format, '--mode', 'negotiating', '-o', out)
      expect(r.status, r.err).toBe(0)
      expect(readFileSync(out).subarray(0, magic.length).toString('latin1')).toBe(magic)
      const refused = await run('export', SAMPLE, '--format', format, '--mode', 'clean', '-o', out)
      expect(refused.status).toBe(3)
      expect(refused.err).toContain('Article 6, paragraph 2: [本议定书][协议]')
    }
    // An Akoma Ntoso file is a document the other commands read.
    const akn = join(dir, 'sample.xml')
    expect((await run('export', SAMPLE, '--format', 'akn', '-o', akn)).status).toBe(0)
    const back = await run('export', akn, '--format', 'text')
    expect(back.out).toBe(readFileSync(SAMPLE, 'utf8'))
  }, 60_000)

  it('refuses bad input with a clear message and a non-zero status', async () => {
    const binary = join(dir, 'binary.txt')
    writeFileSync(binary, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02]))
    const latin1 = join(dir, 'latin1.txt')
    writeFileSync(latin1, Buffer.from([0x41, 0xe9, 0x42]))
    const empty = join(dir, 'empty.txt')
    writeFileSync(empty, '  \n\n ')
    const deep = join(dir, 'deep.txt')
    writeFileSync(deep, 'Article 1\n\n1. ' + '['.repeat(10_000) + 'x' + ']'.repeat(10_000) + '\n')
    const badJson = join(dir, 'bad.json')
    writeFileSync(badJson, '{"format": "accord-treaty", ')
    const wrongJson = join(dir, 'wrong.json')
    writeFileSync(wrongJson, JSON.stringify({ format: 'accord-treaty', version: 1, doc: { type: 'doc', content: [{ type: 'paragraph' }] } }))
    const cases: [string[], RegExp][] = [
      [['import', binary], /not a text file/],
      [['import', latin1], /not UTF-8/],
      [['import', empty], /empty/],
      [['import', deep], /nested more than 64 deep/],
      [['import', join(dir, 'missing.txt')], /cannot read the file \(ENOENT\)/],
      [['import', dir], /is a directory/],
      [['stats', badJson], /not valid JSON/],
      [['stats', wrongJson], /does not fit the treaty schema/],
    ]
    for (const [args, message] of cases) {
      const r = await run(...args)
      expect(r.status, args.join(' ')).toBe(1)
      expect(r.err, args.join(' ')).toMatch(message)
      expect(r.err).not.toMatch(/\n\s+at /) // no stack trace
    }
  })

  it('answers a wrong command line with the usage and status 2', async () => {
    expect((await run()).status).toBe(2)
    expect((await run('frobnicate')).err).toContain('unknown command')
    expect((await run('export', SAMPLE, '--format', 'odt')).status).toBe(2)
    // Binary formats need -o FILE (or a real stdout to pipe).
    expect((await run('export', SAMPLE, '--format', 'docx')).err).toContain('-o FILE')
    expect((await run('resolve', SAMPLE)).err).toContain('needs --choose')
    expect((await run('stats', SAMPLE, '--bogus', 'x')).status).toBe(2)
    expect((await run('--help')).status).toBe(0)
  })
})

describe('accord (the installed command)', () => {
  it('runs from bin/accord.mjs and exits 3 on a refused clean export', () => {
    const r = spawnSync(process.execPath, [BIN, 'export', SAMPLE, '--mode', 'clean'], { encoding: 'utf8' })
    expect(r.status).toBe(3)
    expect(r.stderr).toContain('20 items are still open')
  })

  it('refuses a 50 MB file quickly, without reading it into the importer', () => {
    const big = join(dir, 'big.txt')
    writeFileSync(big, Buffer.alloc(50 * 1024 * 1024, 0x61))
    const r = spawnSync(process.execPath, [BIN, 'import', big], { encoding: 'utf8' })
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(/the file is 50\.0 MB; Accord imports at most 48 MB/)
    rmSync(big)
  })
})

describe('accord on a data directory (the secretariat\'s commands)', () => {
  const data = join(dir, 'data')
  const withData = async (...args: string[]) => {
    const saved = { data: process.env.ACCORD_DATA, url: process.env.ACCORD_PUBLIC_URL }
    process.env.ACCORD_DATA = data
    process.env.ACCORD_PUBLIC_URL = 'https://accord.example.org/'
    try {
      return await run(...args)
    } finally {
      if (saved.data === undefined) delete process.env.ACCORD_DATA
      else process.env.ACCORD_DATA = saved.data
      if (saved.url === undefined) delete process.env.ACCORD_PUBLIC_URL
      else process.env.ACCORD_PUBLIC_URL = saved.url
    }
  }

  it('says where it looked when there is no data directory yet', async () => {
    const r = await withData('list')
    expect(r.status).toBe(1)
    expect(r.err).toMatch(/no Accord data in .*data.*ACCORD_DATA/)
  })

  it('creates a document with its first facilitator, lists it, invites, lists participants and revokes', async () => {
    const created = await withData('create', SAMPLE, '--facilitator', 'Chair', '--json')
    expect(created.status).toBe(0)
    const { id, title, facilitator } = JSON.parse(created.out)
    expect(title).toContain('[议定书][协议]')
    expect(facilitator.link).toBe(`https://accord.example.org/join#token=${facilitator.token}`)

    const list = await withData('list', '--json')
    expect(JSON.parse(list.out)).toEqual([{ id, title }])

    const inv = await withData('invite', id, '--role', 'delegation', '--name', 'Delegation of China', '--state', 'cn', '--json')
    expect(inv.status).toBe(0)
    const { link, token } = JSON.parse(inv.out)
    expect(Object.keys(JSON.parse(inv.out))).toEqual(['link', 'token'])
    expect(link).toContain(token)
    expect(token).toMatch(/^acc_[A-Za-z0-9_-]{43}$/)

    const secretariat = await withData('invite', '--role', 'secretariat', '--name', 'Secretariat officer', '--json')
    expect(secretariat.status).toBe(0)

    const people = JSON.parse((await withData('participants', id, '--json')).out)
    expect(people.map((p: { role: string; state: string | null }) => [p.role, p.state])).toEqual([
      ['facilitator', null],
      ['delegation', 'CN'],
    ])
    const revoked = await withData('revoke', people[1].id)
    expect(revoked.status).toBe(0)
    expect(JSON.parse((await withData('participants', id, '--json')).out)[1].revoked).toBeTruthy()
  })

  it('refuses a wrong invitation with what is wrong (exit 2) and an unknown document (exit 1)', async () => {
    const id = JSON.parse((await withData('list', '--json')).out)[0].id
    const noState = await withData('invite', id, '--role', 'delegation', '--name', 'Nobody')
    expect(noState.status).toBe(2)
    expect(noState.err).toMatch(/ISO 3166/)
    const badRole = await withData('invite', id, '--role', 'president', '--name', 'X')
    expect(badRole.status).toBe(2)
    const unknown = await withData('invite', 'nosuchdoc', '--role', 'observer', '--name', 'X')
    expect(unknown.status).toBe(1)
    expect(unknown.err).toMatch(/no document "nosuchdoc"/)
    const secretariatWithDoc = await withData('invite', id, '--role', 'secretariat', '--name', 'X')
    expect(secretariatWithDoc.status).toBe(2)
  })
  it('verifies a document\'s ledger (exit 0) and says where it was altered (exit 1)', async () => {
    const { id } = JSON.parse((await withData('create', SAMPLE, '--json')).out)
    // A server's session, in short: two edits stored with who made them, then a compaction that deletes the log.
    const storage = new SqliteStorage(join(data, DATABASE_FILE))
    const ydoc = new Y.Doc({ gc: false })
    for (const update of (await storage.load(id))!.updates) Y.applyUpdate(ydoc, update)
    const updates: Uint8Array[] = []
    ydoc.on('update', (u: Uint8Array) => updates.push(u))
    ydoc.getArray('audit').push(['first'])
    ydoc.getArray('audit').push(['second'])
    await storage.append(updates.map((update) => ({ docId: id, update, actor: 'p_chair' })))
    await storage.compact(id, Y.encodeStateAsUpdate(ydoc))
    storage.database.close()

    const ok = await withData('verify', id)
    expect(ok.status, ok.err).toBe(0)
    expect(ok.out).toMatch(new RegExp(`^${id}: chain of 3 entries intact; 0 of 0 revisions rebuilt exactly; the stored document equals the replay\nhead [0-9a-f]{64} `))
    expect(JSON.parse((await withData('verify', id, '--json')).out)).toMatchObject({ doc: id, ok: true, entries: 3, problems: [] })

    const db = new Database(join(data, DATABASE_FILE))
    db.exec('DROP TRIGGER ledger_no_update')
    db.prepare("UPDATE ledger SET actor = 'p_someone_else' WHERE doc = ? AND n = 2").run(id)
    db.close()
    const bad = await withData('verify', id)
    expect(bad.status).toBe(1)
    expect(bad.err).toMatch(new RegExp(`^${id}: verification FAILED \\(1 problem; chain of 3 entries\\):\n  entry 2 \\(update by p_someone_else at 20[^)]+\\): its hash does not match its fields`))
    expect(JSON.parse((await withData('verify', id, '--json')).out)).toMatchObject({ ok: false, problems: [expect.stringContaining('entry 2')] })

    const missing = await withData('verify', 'nosuchdoc')
    expect(missing.status).toBe(1)
    expect(missing.err).toMatch(/no document "nosuchdoc"/)
    expect((await withData('verify')).status).toBe(2)
  })
})
