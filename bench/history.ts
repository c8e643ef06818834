import path from 'node:path'
import { importText } from '@accord/treaty-io'
import { sampleTreatyText } from '@accord/treaty-io/sample'
import * as Y from 'yjs'
import { SqliteStorage, DATABASE_FILE } from '../server/src/SqliteStorage'
import { connectClient, removeDir, startTestServer, tempDir, waitFor, type TestClient } from '../server/src/testing'
import type { AccordServer } from '../server/src/server'

/*
 * History benchmark: a document that went through N small edits (a long negotiation) must open
 * as fast as one that went through 100. Each edit is one Yjs update sent by a stock y-websocket
 * client through the real server (checked, applied, appended to SQLite, compacted as the server
 * does), alternately inserting and deleting a character so the visible text stays the size of
 * the sample while the history (tombstones, gc off) grows. Then the server is closed, started
 * again on the same data directory, and a fresh client's connect → synced is timed on a cold
 * room (a restart before every run) and on a warm one (the room already in memory).
 *
 * Run alone: `npx tsx bench/history.ts [--updates 100,100000] [--runs 5]`.
 */

export interface HistoryRow {
  updates: number
  /** Time to write the updates through the server (indicative). */
  writeMs: number
  /** What storage holds after the restart: checkpoint + log rows, and bytes. */
  storedLogRows: number
  storedBytes: number
  /** Fresh client, connect → synced, room loaded from SQLite for this client (p50 over runs). */
  coldOpenP50Ms: number
  coldOpenMaxMs: number
  /** Fresh client joining a room already in memory (p50). */
  warmOpenP50Ms: number
  /** Size of the state a new client receives. */
  syncBytes: number
  /** Diagnostics: applying the stored updates to a fresh server Y.Doc (gc off), and the state's size were it garbage-collected. */
  serverApplyMs: number
  gcStateBytes: number
}

/** Every XmlText under a paragraph or recital of the treaty fragment. */
function paragraphTexts(doc: Y.Doc): Y.XmlText[] {
  const out: Y.XmlText[] = []
  const walk = (el: Y.XmlElement | Y.XmlFragment) => {
    for (const child of el.toArray()) {
      if (child instanceof Y.XmlText && el instanceof Y.XmlElement && (el.nodeName === 'paragraph' || el.nodeName === 'recital')) out.push(child)
      else if (child instanceof Y.XmlElement) walk(child)
    }
  }
  walk(doc.getXmlFragment('treaty'))
  return out
}

async function synced(client: TestClient): Promise<void> {
  if (client.provider.synced) return
  await new Promise<void>((resolve) => {
    const on = (s: boolean) => {
      if (!s) return
      client.provider.off('sync', on)
      resolve()
    }
    client.provider.on('sync', on)
  })
}

async function timeOpen(server: AccordServer, docId: string): Promise<{ ms: number; bytes: number }> {
  const t0 = performance.now()
  const client = connectClient(server, docId)
  await synced(client)
  const ms = performance.now() - t0
  const bytes = Y.encodeStateAsUpdate(client.doc).length
  client.destroy()
  return { ms, bytes }
}

const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

export async function runHistoryRow(updates: number, runs: number): Promise<HistoryRow> {
  const dataDir = tempDir('accord-bench-history-')
  try {
    const base = { dataDir, durability: 'normal' as const, roomIdleMs: 60_000 }
    let server = await startTestServer(base)
    const record = await server.documents.create(importText(sampleTreatyText()).doc)
    const docId = record.id

    // Write phase: `updates` transactions, each one a separate protocol message.
    const writer = connectClient(server, docId)
    await synced(writer)
    const texts = paragraphTexts(writer.doc)
    if (texts.length < 4) throw new Error('the history benchmark needs a document with paragraphs')
    let seed = 12345
    const rnd = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
      return (seed >>> 8) % n
    }
    const room = (await waitFor(() => server.rooms.get(docId), 'room'))!
    const t0 = performance.now()
    const chunk = 500
    for (let done = 0; done < updates; ) {
      const n = Math.min(chunk, updates - done)
      for (let i = 0; i < n; i++, done++) {
        writer.doc.transact(() => {
          // Insert at one random place, delete at another: the text keeps its size, the
          // history (tombstones that do not merge) grows with every edit.
          const t = texts[rnd(texts.length)]
          if (done % 2 === 0) t.insert(rnd(t.length + 1), 'x')
          else if (t.length > 1) t.delete(rnd(t.length), 1)
          else t.insert(0, 'y')
        })
      }
      const want = Y.getState(writer.doc.store, writer.doc.clientID)
      await waitFor(() => Y.getState(room.doc.store, writer.doc.clientID) >= want, 'the server to apply the edits', 120_000)
    }
    const writeMs = performance.now() - t0
    writer.destroy()
    await server.close()

    const storage = new SqliteStorage(path.join(dataDir, DATABASE_FILE))
    const stored = (await storage.load(docId))!
    await storage.close()
    const ta = performance.now()
    const serverDoc = new Y.Doc({ gc: false })
    serverDoc.transact(() => stored.updates.forEach((u) => Y.applyUpdate(serverDoc, u)))
    const serverApplyMs = performance.now() - ta
    const gcDoc = new Y.Doc()
    Y.applyUpdate(gcDoc, Y.encodeStateAsUpdate(serverDoc))
    const gcStateBytes = Y.encodeStateAsUpdate(gcDoc).length

    const cold: number[] = []
    const warm: number[] = []
    let syncBytes = 0
    for (let r = -1; r < runs; r++) {
      server = await startTestServer(base)
      const first = await timeOpen(server, docId)
      if (r >= 0) cold.push(first.ms) // run -1 warms the process up
      syncBytes = first.bytes
      // Keep one client connected so the room stays loaded, then time a second fresh one.
      const keeper = connectClient(server, docId)
      await synced(keeper)
      const second = await timeOpen(server, docId)
      if (r >= 0) warm.push(second.ms)
      keeper.destroy()
      await server.close()
    }
    return {
      updates,
      writeMs,
      storedLogRows: stored.logCount,
      storedBytes: stored.bytes,
      coldOpenP50Ms: p50(cold),
      coldOpenMaxMs: Math.max(...cold),
      warmOpenP50Ms: p50(warm),
      syncBytes,
      serverApplyMs,
      gcStateBytes,
    }
  } finally {
    removeDir(dataDir)
  }
}

export async function runHistoryBench(counts: number[], runs: number): Promise<HistoryRow[]> {
  const rows: HistoryRow[] = []
  for (const n of counts) rows.push(await runHistoryRow(n, runs))
  return rows
}

export function formatHistory(rows: HistoryRow[]): string {
  const base = rows[0]
  const out = [
    '| stored updates | write time | stored after restart | state sent to a new client | cold open p50 (max) | warm open p50 | cold open vs first row | server: apply stored state | state if garbage-collected |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ]
  for (const r of rows) {
    out.push(
      `| ${r.updates.toLocaleString('en')} | ${(r.writeMs / 1000).toFixed(1)} s | ${r.storedLogRows} log rows, ${(r.storedBytes / 1024).toFixed(0)} KB | ${(r.syncBytes / 1024).toFixed(0)} KB | ${r.coldOpenP50Ms.toFixed(1)} ms (${r.coldOpenMaxMs.toFixed(1)}) | ${r.warmOpenP50Ms.toFixed(1)} ms | ${(r.coldOpenP50Ms / base.coldOpenP50Ms).toFixed(2)}× | ${r.serverApplyMs.toFixed(1)} ms | ${(r.gcStateBytes / 1024).toFixed(0)} KB |`,
    )
  }
  return out.join('\n')
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name)
    return i >= 0 ? process.argv[i + 1] : undefined
  }
  const counts = (arg('--updates') ?? '100,20000').split(',').map(Number)
  const rows = await runHistoryBench(counts, Number(arg('--runs') ?? 5))
  console.log(formatHistory(rows))
  process.exit(0)
}
