import path from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import { SqliteStorage } from './SqliteStorage'
import { removeDir, tempDir } from './testing'
import { WriteQueue } from './WriteQueue'

function textUpdates(count: number): { doc: Y.Doc; updates: Uint8Array[] } {
  const doc = new Y.Doc()
  const updates: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => updates.push(u))
  for (let i = 0; i < count; i++) doc.getText('t').insert(0, `${i};`)
  return { doc, updates }
}

function replay(updates: Uint8Array[]): string {
  const doc = new Y.Doc()
  for (const u of updates) Y.applyUpdate(doc, u)
  return doc.getText('t').toString()
}

let dir = ''
afterEach(() => {
  if (dir) removeDir(dir)
  dir = ''
})

describe('SqliteStorage', () => {
  test('create, append, load, in order; list and titles', async () => {
    const storage = new SqliteStorage(':memory:')
    const seed = textUpdates(1)
    await storage.create('doc1', 'First', seed.updates[0])
    await storage.create('doc2', 'Second', seed.updates[0])
    await expect(storage.create('doc1', 'Again', seed.updates[0])).rejects.toThrow()
    const { doc, updates } = textUpdates(5)
    await storage.append(updates.map((update) => ({ docId: 'doc1', update })))
    const loaded = await storage.load('doc1')
    expect(loaded!.updates).toHaveLength(6)
    expect(loaded!.logCount).toBe(5)
    expect(replay(loaded!.updates.slice(1))).toBe(doc.getText('t').toString())
    expect(await storage.load('nope')).toBeUndefined()
    await storage.setTitle('doc2', 'Renamed')
    expect((await storage.get('doc2'))!.title).toBe('Renamed')
    expect((await storage.list()).map((d) => d.id)).toHaveLength(2)
    await storage.setSetting('k', 'v')
    expect(await storage.getSetting('k')).toBe('v')
    await storage.close()
  })

  test('compaction replaces the log with one checkpoint; later appends follow it', async () => {
    const storage = new SqliteStorage(':memory:')
    const { doc, updates } = textUpdates(10)
    await storage.create('d', '', new Uint8Array([0, 0]))
    await storage.append(updates.slice(0, 6).map((update) => ({ docId: 'd', update })))
    const partial = new Y.Doc()
    for (const u of updates.slice(0, 6)) Y.applyUpdate(partial, u)
    const folded = await storage.compact('d', Y.encodeStateAsUpdate(partial))
    expect(folded).toEqual({ count: 6, bytes: updates.slice(0, 6).reduce((n, u) => n + u.length, 0) })
    await storage.append(updates.slice(6).map((update) => ({ docId: 'd', update })))
    const loaded = await storage.load('d')
    expect(loaded!.updates).toHaveLength(5)
    expect(loaded!.logCount).toBe(4)
    expect(replay(loaded!.updates)).toBe(doc.getText('t').toString())
    await storage.close()
  })

  test('a reopened file has everything (one file, WAL folded in on close)', async () => {
    dir = tempDir()
    const file = path.join(dir, 'nested', 'accord.sqlite')
    const first = new SqliteStorage(file)
    const { doc, updates } = textUpdates(3)
    await first.create('d', 'T', updates[0])
    await first.append(updates.slice(1).map((update) => ({ docId: 'd', update })))
    await first.close()
    await first.close()
    const second = new SqliteStorage(file)
    expect(replay((await second.load('d'))!.updates)).toBe(doc.getText('t').toString())
    await second.close()
  })

  test('durability full: an append is in the WAL when it resolves, and other writes keep synchronous=FULL', async () => {
    dir = tempDir()
    const file = path.join(dir, 'accord.sqlite')
    const storage = new SqliteStorage(file, { durability: 'full' })
    const { doc, updates } = textUpdates(4)
    await storage.create('d', 'T', updates[0])
    for (const update of updates.slice(1)) await storage.append([{ docId: 'd', update }])
    // SQLite's own FULL is switched off only around the append's commit (the WAL is synced by hand).
    expect(storage.database.pragma('synchronous', { simple: true })).toBe(2)
    // Another connection, as after a kill -9 of this one, reads every appended update.
    const other = new SqliteStorage(file, { durability: 'full' })
    expect(replay((await other.load('d'))!.updates)).toBe(doc.getText('t').toString())
    await other.close()
    await storage.close()
  })
})

describe('WriteQueue', () => {
  test('one transaction per turn; callbacks after the write, in order', async () => {
    const storage = new SqliteStorage(':memory:')
    await storage.create('d', '', new Uint8Array([0, 0]))
    const batches: number[] = []
    const append = storage.append.bind(storage)
    storage.append = async (batch) => {
      batches.push(batch.length)
      return append(batch)
    }
    const queue = new WriteQueue(storage)
    const order: string[] = []
    queue.afterDurable(() => order.push('nothing pending: at once'))
    const { updates } = textUpdates(3)
    for (const u of updates) queue.append('d', u)
    queue.afterDurable(() => order.push('first'))
    queue.afterDurable(() => order.push('second'))
    expect(order).toEqual(['nothing pending: at once'])
    await queue.flush()
    expect(order).toEqual(['nothing pending: at once', 'first', 'second'])
    expect(batches).toEqual([3])
    expect(queue.pending).toBe(false)
    await storage.close()
  })

  test('a failed write reaches every waiting callback with the error', async () => {
    const storage = new SqliteStorage(':memory:')
    const errors: string[] = []
    const queue = new WriteQueue(storage, (error) => errors.push(error.message))
    // No document 'missing': the foreign key refuses the append.
    queue.append('missing', new Uint8Array([0, 0]))
    const seen: (Error | undefined)[] = []
    queue.afterDurable((error) => seen.push(error))
    await queue.flush()
    expect(seen[0]).toBeInstanceOf(Error)
    expect(errors).toHaveLength(1)
    await storage.close()
  })
})
