import path from 'node:path'
import { importText } from '@accord/treaty-io'
import { sampleTreatyText } from '@accord/treaty-io/sample'
import * as Y from 'yjs'
import { SqliteStorage, DATABASE_FILE } from '../server/src/SqliteStorage'
import { structCount } from '../server/src/rebase'
import { connectClient, removeDir, startTestServer, tempDir, waitFor, type TestClient } from '../server/src/testing'
import type { AccordServer } from '../server/src/server'
import { newServerYDoc } from '../server/src/treatyDoc'

/*
 * History benchmark: a document that went through N small edits (a long negotiation) must open
 * as fast as one that went through 100. Each edit is one Yjs update sent by a stock y-websocket
 * client through the real server (checked, applied, appended to SQLite and the ledger,
 * compacted as the server does); the visible text stays the size of the sample while the
 * history grows (see HistoryWorkload). Then the server is closed, started again on the same data
 * directory, and a fresh client's connect → synced is timed on a cold room (a restart before
 * every run) and on a warm one (the room already in memory). The state a room holds is
 * garbage-collected (deleted text keeps its length only; the ledger keeps the history), so what
 * grows is the number of Yjs items, not the deleted text; when the writer leaves, the room goes
 * idle and is released as in production, which re-bases the document when its items outweigh its
 * text (server/src/rebase.ts: a fresh Yjs document, a new epoch), so that those go too.
 *
 * Run alone: `npx tsx bench/history.ts [--updates 100,100000] [--runs 5]`.
 */

export interface HistoryRow {
  workload: HistoryWorkload
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
  /** Size of the state a new client receives (sync step 2 for an empty state vector). */
  syncBytes: number
  /** Yjs structs (items, deleted ones included) in the state: what a new client integrates one by one. */
  items: number
  /** …and in the room's document when the writer left, before the idle room was released (and perhaps re-based). */
  itemsWritten: number
  /** The document's epoch after the idle release: 1 when it was re-based. */
  epoch: number
  /** A fresh Y.Doc applying that state, in this process (p50 of 3): the client's share of an open. */
  clientApplyMs: number
  /** Diagnostics: applying the stored updates to a fresh server Y.Doc, as the server does when it loads the room. */
  serverApplyMs: number
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

/**
 * How the history is written, one Yjs update per call:
 * - `negotiation`: what delegates and facilitators do over months. Typing runs (a word or a
 *   phrase, one update per keystroke, at a random place), backspacing runs, deleting a selected
 *   word or phrase in one update, and (one start in a hundred) a paragraph written anew as
 *   y-prosemirror does when its structure changes. Deletions balance insertions, so the text
 *   keeps the sample's size while the history grows.
 * - `scattered`: the worst case for any sequence CRDT: one character inserted at a random
 *   place, then one deleted at another, forever. No two edits are ever adjacent, so nothing
 *   merges and every edit stays a separate item (a tombstone) in the state.
 */
export type HistoryWorkload = 'negotiation' | 'scattered'

export const HISTORY_WORKLOADS: HistoryWorkload[] = ['negotiation', 'scattered']

function workloadEditor(workload: HistoryWorkload, texts: Y.XmlText[]): () => void {
  let seed = 12345
  const rnd = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
    return (seed >>> 8) % n
  }
  const total = () => texts.reduce((n, t) => n + t.length, 0)
  const start = total()
  if (workload === 'scattered') {
    let done = 0
    return () => {
      const t = texts[rnd(texts.length)]
      if (done++ % 2 === 0) t.insert(rnd(t.length + 1), 'x')
      else if (t.length > 1) t.delete(rnd(t.length), 1)
      else t.insert(0, 'y')
    }
  }
  const phrase = 'the Parties shall cooperate in good faith to ensure adequate and predictable finance '
  // The run in progress: what it does, where, and how many updates are left.
  let run: { kind: 'type' | 'backspace'; text: Y.XmlText; at: number; left: number; offset: number } | null = null
  let size = start
  return () => {
    if (!run) {
      const which = rnd(texts.length)
      const t = texts[which]
      const r = rnd(100)
      if (r === 0 && t.parent instanceof Y.XmlElement) {
        // The paragraph's text written anew, as y-prosemirror writes a paragraph whose structure
        // changed (a bracket in it resolved, the paragraph joined or split): the old text is
        // deleted as a whole and a new one takes its place.
        const parent = t.parent
        const index = parent.toArray().indexOf(t)
        const fresh = new Y.XmlText()
        fresh.insert(0, t.toString())
        parent.delete(index, 1)
        parent.insert(index, [fresh])
        texts[which] = fresh
        return
      }
      const grow = size < start + 200 && (size < start - 200 || r < 55)
      if (grow) run = { kind: 'type', text: t, at: rnd(t.length + 1), left: 3 + rnd(30), offset: rnd(phrase.length) }
      else if (r < 80 || t.length < 2) run = { kind: 'backspace', text: t, at: t.length ? 1 + rnd(t.length) : 0, left: 1 + rnd(8), offset: 0 }
      else {
        // A selected word or phrase deleted at once.
        const n = Math.min(t.length, 4 + rnd(40))
        const at = rnd(t.length - n + 1)
        t.delete(at, n)
        size -= n
        return
      }
    }
    const current = run
    if (current.kind === 'type') {
      current.text.insert(Math.min(current.at, current.text.length), phrase[(current.offset++) % phrase.length])
      current.at++
      size++
    } else if (current.at > 0 && current.text.length > 0) {
      current.at = Math.min(current.at, current.text.length)
      current.text.delete(current.at - 1, 1)
      current.at--
      size--
    } else current.text.insert(0, 'a')
    if (--current.left <= 0) run = null
  }
}

const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

export async function runHistoryRow(workload: HistoryWorkload, updates: number, runs: number): Promise<HistoryRow> {
  const dataDir = tempDir('accord-bench-history-')
  try {
    const base = { dataDir, durability: 'normal' as const, roomIdleMs: 60_000 }
    // The write phase's server releases the room soon after the writer leaves (re-basing it when worthwhile).
    let server = await startTestServer({ ...base, roomIdleMs: 200 })
    const record = await server.documents.create(importText(sampleTreatyText()).doc)
    const docId = record.id

    // Write phase: `updates` transactions, each one a separate protocol message.
    const writer = connectClient(server, docId)
    await synced(writer)
    const texts = paragraphTexts(writer.doc)
    if (texts.length < 4) throw new Error('the history benchmark needs a document with paragraphs')
    const edit = workloadEditor(workload, texts)
    const room = (await waitFor(() => server.rooms.get(docId), 'room'))!
    const t0 = performance.now()
    const chunk = 500
    for (let done = 0; done < updates; ) {
      const n = Math.min(chunk, updates - done)
      for (let i = 0; i < n; i++, done++) writer.doc.transact(() => edit())
      const want = Y.getState(writer.doc.store, writer.doc.clientID)
      await waitFor(() => Y.getState(room.doc.store, writer.doc.clientID) >= want, 'the server to apply the edits', 120_000)
    }
    const writeMs = performance.now() - t0
    const itemsWritten = structCount(room.doc)
    writer.destroy()
    await waitFor(() => server.rooms.size === 0, 'the idle room to be released', 300_000)
    await server.close()

    const storage = new SqliteStorage(path.join(dataDir, DATABASE_FILE))
    const stored = (await storage.load(docId))!
    const epoch = (await storage.get(docId))!.epoch
    await storage.close()
    const ta = performance.now()
    const serverDoc = newServerYDoc()
    serverDoc.transact(() => stored.updates.forEach((u) => Y.applyUpdate(serverDoc, u)))
    const serverApplyMs = performance.now() - ta
    // What the server sends a new client (sync step 2 for an empty state vector), and what it costs that client to apply.
    const state = Y.encodeStateAsUpdate(serverDoc)
    const applies: number[] = []
    for (let i = 0; i < 3; i++) {
      const tc = performance.now()
      const client = new Y.Doc()
      Y.applyUpdate(client, state)
      applies.push(performance.now() - tc)
      client.destroy()
    }
    let items = 0
    for (const structs of serverDoc.store.clients.values()) items += structs.length

    const cold: number[] = []
    const warm: number[] = []
    for (let r = -1; r < runs; r++) {
      server = await startTestServer(base)
      const first = await timeOpen(server, docId)
      if (r >= 0) cold.push(first.ms) // run -1 warms the process up
      // Keep one client connected so the room stays loaded, then time a second fresh one.
      const keeper = connectClient(server, docId)
      await synced(keeper)
      const second = await timeOpen(server, docId)
      if (r >= 0) warm.push(second.ms)
      keeper.destroy()
      await server.close()
    }
    return {
      workload,
      updates,
      writeMs,
      storedLogRows: stored.logCount,
      storedBytes: stored.bytes,
      coldOpenP50Ms: p50(cold),
      coldOpenMaxMs: Math.max(...cold),
      warmOpenP50Ms: p50(warm),
      syncBytes: state.length,
      items,
      itemsWritten,
      epoch,
      clientApplyMs: p50(applies),
      serverApplyMs,
    }
  } finally {
    removeDir(dataDir)
  }
}

export async function runHistoryBench(counts: number[], runs: number, workloads: HistoryWorkload[] = HISTORY_WORKLOADS): Promise<HistoryRow[]> {
  const rows: HistoryRow[] = []
  await runHistoryRow('negotiation', 100, 1) // warms the process up (JIT, SQLite, the first server); not reported
  for (const workload of workloads) for (const n of counts) rows.push(await runHistoryRow(workload, n, runs))
  return rows
}

export function formatHistory(rows: HistoryRow[]): string {
  const out = [
    '| workload | stored updates | write time | stored after restart | Yjs items: written → after the idle release | state sent to a new client | cold open p50 (max) | warm open p50 | cold open vs fewest updates | server: load stored state | client: apply state |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ]
  for (const r of rows) {
    const base = rows.find((b) => b.workload === r.workload)!
    out.push(
      `| ${r.workload} | ${r.updates.toLocaleString('en')} | ${(r.writeMs / 1000).toFixed(1)} s | ${r.storedLogRows} log rows, ${(r.storedBytes / 1024).toFixed(0)} KB | ${r.itemsWritten.toLocaleString('en')} → ${r.items.toLocaleString('en')}${r.epoch ? ' (re-based)' : ''} | ${(r.syncBytes / 1024).toFixed(0)} KB | ${r.coldOpenP50Ms.toFixed(1)} ms (${r.coldOpenMaxMs.toFixed(1)}) | ${r.warmOpenP50Ms.toFixed(1)} ms | ${(r.coldOpenP50Ms / base.coldOpenP50Ms).toFixed(2)}× | ${r.serverApplyMs.toFixed(1)} ms | ${r.clientApplyMs.toFixed(1)} ms |`,
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
  const workloads = (arg('--workload')?.split(',') as HistoryWorkload[] | undefined) ?? HISTORY_WORKLOADS
  const rows = await runHistoryBench(counts, Number(arg('--runs') ?? 5), workloads)
  console.log(formatHistory(rows))
  process.exit(0)
}
