import { spawn, type ChildProcess } from 'node:child_process'
import net from 'node:net'
import { treatySchema } from '@accord/schema'
import { afterEach, expect, test } from 'vitest'
import { yXmlFragmentToProseMirrorRootNode } from 'y-prosemirror'
import * as Y from 'yjs'
import { repoRoot } from './config'
import { connectClient, fetchTicket, mulberry32, removeDir, tempDir, waitFor, type TestClient } from './testing'

/*
 * kill -9 of the server process, again and again, at seeded random moments of a burst of edits
 * from several clients on one data directory. After every restart, before any client may resend
 * what it holds, the stored document must contain every edit that any client saw broadcast
 * (an edit of another client that reached it through the server), exactly once, and still read
 * as a treaty; once the clients have reconnected and converged, every edit anybody ever typed is
 * there exactly once (what the server lost unacknowledged, its author sent again).
 *
 * ACCORD_CRASH_SEED and ACCORD_CRASH_KILLS replay a run or make it longer.
 */

const SEED = Number(process.env.ACCORD_CRASH_SEED ?? 20261124)
const KILLS = Number(process.env.ACCORD_CRASH_KILLS ?? 24)
const CLIENTS = ['A', 'B', 'C']

interface Child {
  process: ChildProcess
  port: number
  sampleId: string
  /** The sample's facilitator token, from the links the server prints at start. */
  token: string
}

function startChild(dataDir: string, port = 0): Promise<Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: repoRoot,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ACCORD_DATA: dataDir, ACCORD_LOG: 'warn', ACCORD_SEED_SAMPLE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  let out = ''
  let err = ''
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const port = /Accord is running at http:\/\/localhost:(\d+)\//.exec(out)
      const sample = /Sample treaty \(([A-Za-z0-9_-]+)\)/.exec(out)
      const chair = /Facilitator \(Chair\):\s+\S+#token=(\S+)/.exec(out)
      if (port && sample && chair) resolve({ process: child, port: Number(port[1]), sampleId: sample[1], token: chair[1] })
    })
    child.stderr!.on('data', (chunk: Buffer) => {
      err += chunk.toString()
    })
    child.once('exit', (code) => reject(new Error(`the server exited (${code}) before listening:\n${out}\n${err}`)))
  })
}

/** A port that is free now: every restart listens on it again, so the clients' URLs stay valid. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo
      probe.close(() => resolve(port))
    })
  })
}

const TOKEN = /<([A-Z])(\d+)>/g
const tokensIn = (text: string): string[] => [...text.matchAll(TOKEN)].map((m) => m[0])

/** Every XmlText of the treaty, in document order. */
function texts(doc: Y.Doc): Y.XmlText[] {
  const out: Y.XmlText[] = []
  const walk = (el: Y.XmlElement | Y.XmlFragment) => {
    for (const child of el.toArray()) {
      if (child instanceof Y.XmlText) out.push(child)
      else if (child instanceof Y.XmlElement) walk(child)
    }
  }
  walk(doc.getXmlFragment('treaty'))
  return out
}

/** The plain characters of an XmlText (toString would render formatting as tags). */
const plain = (text: Y.XmlText): string => (text.toDelta() as { insert: unknown }[]).map((op) => (typeof op.insert === 'string' ? op.insert : '')).join('')

/** Tokens in the whole treaty, with repeats. */
const docTokens = (doc: Y.Doc): string[] => texts(doc).flatMap((t) => tokensIn(plain(t)))

function duplicates(tokens: string[]): string[] {
  const seen = new Set<string>()
  return tokens.filter((t) => (seen.has(t) ? true : (seen.add(t), false)))
}

const children: ChildProcess[] = []
const clients: TestClient[] = []
let dir = ''

afterEach(() => {
  for (const c of clients.splice(0)) c.destroy()
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  if (dir) removeDir(dir)
})

test(`kill -9 at ${KILLS} random moments of bursts from ${CLIENTS.length} clients loses and duplicates nothing anybody saw (seed ${SEED})`, async () => {
  const random = mulberry32(SEED)
  const started = Date.now()
  dir = tempDir()
  const port = await freePort()
  let child = await startChild(dir, port)
  const { sampleId, token } = child
  const url = `ws://127.0.0.1:${port}/collab`
  const httpBase = `http://127.0.0.1:${port}`
  const replay = `(seed ${SEED}; replay with ACCORD_CRASH_SEED=${SEED})`

  // Each client's edits carry its letter and a counter that runs across rounds: a token is one edit.
  const peers = CLIENTS.map((who) => {
    const client = connectClient(url, sampleId, { token })
    clients.push(client)
    const peer = { who, client, typed: [] as string[], next: 0, seen: new Set<string>() }
    // What reached this client from the server (origin: its provider), recorded as it arrives.
    // Tokens are inserted whole at the start or end of a text, so one insert op holds whole tokens.
    client.doc.getXmlFragment('treaty').observeDeep((events, tr) => {
      if (tr.origin !== client.provider) return
      for (const event of events) {
        if (!(event instanceof Y.YTextEvent)) continue
        for (const op of event.delta) if (typeof op.insert === 'string') for (const t of tokensIn(op.insert)) if (!t.startsWith(`<${who}`)) peer.seen.add(t)
      }
    })
    return peer
  })
  const allSynced = () => peers.every((p) => p.client.provider.wsconnected && p.client.provider.synced)
  await waitFor(allSynced, 'every client to sync with the child server')

  let edits = 0
  let seenTotal = 0
  let kills = 0
  for (let round = 1; round <= KILLS; round++) {
    const where = `round ${round} ${replay}`
    // The burst: every client types tokens at the start or the end of random texts, one
    // transaction per keystroke, until the kill. The choices come from the seed.
    let killed = false
    const seenBefore = peers.map((p) => p.seen.size)
    const type = async (peer: (typeof peers)[number], rand: () => number) => {
      // Only text is inserted, so the texts stay the same objects through the burst.
      const all = texts(peer.client.doc)
      while (!killed) {
        const target = all[Math.floor(rand() * all.length)]
        const t = `<${peer.who}${peer.next++}>`
        target.insert(rand() < 0.5 ? 0 : target.length, t)
        peer.typed.push(t)
        await new Promise((resolve) => setTimeout(resolve, rand() < 0.8 ? 0 : 2))
      }
    }
    const burst = Promise.all(peers.map((p) => type(p, mulberry32(Math.floor(random() * 2 ** 32)))))
    // A random moment, but one where the clients have seen some of each other's edits (else the round proves little).
    const extraMs = Math.floor(random() * 300)
    await waitFor(() => peers.every((p, i) => p.seen.size >= seenBefore[i] + 5), `each client to see 5 new edits of the others, ${where}`)
    await new Promise((resolve) => setTimeout(resolve, extraMs))
    child.process.kill('SIGKILL')
    kills++
    killed = true
    await burst
    // Freeze what the clients saw: no reconnection until the stored state has been read.
    for (const p of peers) p.client.provider.disconnect()
    const dead = child.process
    await waitFor(() => dead.exitCode !== null || dead.signalCode !== null, `the child to die, ${where}`)

    child = await startChild(dir, port)
    expect(child.sampleId, where).toBe(sampleId)
    expect(child.token, `the same links at every start, ${where}`).toBe(token)

    // What the server stored, before any client could send anything again; 200 = it reads as a treaty.
    const res = await fetch(`${httpBase}/api/documents/${sampleId}`, { headers: { authorization: `Bearer ${token}` } })
    expect(res.status, `the stored document reads as a treaty, ${where}`).toBe(200)
    const stored = tokensIn(await res.text())
    const storedSet = new Set(stored)
    for (const p of peers) {
      const missing = [...p.seen].filter((t) => !storedSet.has(t))
      expect(missing, `edits client ${p.who} saw broadcast but the server lost, ${where}`).toEqual([])
    }
    expect(duplicates(stored), `edits stored twice, ${where}`).toEqual([])

    // Reconnect the same clients with fresh tickets; they resend what the server had not stored.
    await Promise.all(
      peers.map(async (p) => {
        p.client.provider.params = { ticket: await fetchTicket(httpBase, token) }
        p.client.provider.connect()
      }),
    )
    await waitFor(allSynced, `every client to reconnect, ${where}`)
    const vector = (p: (typeof peers)[number]) => Buffer.from(Y.encodeStateVector(p.client.doc)).toString('base64')
    await waitFor(() => peers.every((p) => vector(p) === vector(peers[0])), `the clients to converge after the restart, ${where}`)
    const merged = docTokens(peers[0].client.doc)
    const mergedSet = new Set(merged)
    const typed = peers.flatMap((p) => p.typed)
    expect(typed.filter((t) => !mergedSet.has(t)), `edits lost for good, ${where}`).toEqual([])
    expect(duplicates(merged), `edits duplicated after reconnecting, ${where}`).toEqual([])
    expect(merged.length, where).toBe(typed.length)
    yXmlFragmentToProseMirrorRootNode(peers[0].client.doc.getXmlFragment('treaty'), treatySchema).check()
    edits = typed.length
    seenTotal = peers.reduce((n, p) => n + p.seen.size, 0)
  }

  const final = child.process
  final.kill('SIGTERM')
  await waitFor(() => final.exitCode !== null, 'the last server to stop on SIGTERM')
  expect(final.exitCode).toBe(0)
  expect(kills).toBeGreaterThanOrEqual(Math.min(KILLS, 20))
  console.log(
    `crash: seed ${SEED}, ${kills} kills, ${CLIENTS.length} clients, ${edits} edits, ${seenTotal} seen broadcast, max loss 0, no duplicates (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  )
}, 150_000)
