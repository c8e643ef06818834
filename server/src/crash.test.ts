import { spawn, type ChildProcess } from 'node:child_process'
import { afterEach, expect, test } from 'vitest'
import * as Y from 'yjs'
import { repoRoot } from './config'
import { connectClient, firstText, removeDir, tempDir, waitFor, type TestClient } from './testing'

/*
 * kill -9 of the server process during a burst of edits from two clients: whatever either client
 * saw broadcast (an edit of the other one reached it through the server) must be there after a
 * restart, exactly once.
 */

interface Child {
  process: ChildProcess
  port: number
  sampleId: string
  /** The sample's facilitator token, from the links the server prints at start. */
  token: string
}

function startChild(dataDir: string): Promise<Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: repoRoot,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ACCORD_DATA: dataDir, ACCORD_LOG: 'warn', ACCORD_SEED_SAMPLE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
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

function tokens(text: string, who: string): string[] {
  return [...text.matchAll(new RegExp(`<${who}(\\d+)>`, 'g'))].map((m) => m[0])
}

const children: ChildProcess[] = []
const clients: TestClient[] = []
let dir = ''

afterEach(() => {
  for (const c of clients.splice(0)) c.destroy()
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL')
  if (dir) removeDir(dir)
})

test('kill -9 during a burst of edits loses nothing either client saw broadcast', async () => {
  dir = tempDir()
  const first = await startChild(dir)
  children.push(first.process)
  const url = `ws://127.0.0.1:${first.port}/collab`
  const a = connectClient(url, first.sampleId, { token: first.token })
  const b = connectClient(url, first.sampleId, { token: first.token })
  clients.push(a, b)
  await waitFor(() => a.provider.synced && b.provider.synced, 'both clients to sync with the child server')

  // What each client received from the other, recorded as it arrives.
  const seenByA = new Set<string>()
  const seenByB = new Set<string>()
  const record = (client: TestClient, other: string, seen: Set<string>) =>
    client.doc.on('afterTransaction', (tr) => {
      if (tr.origin !== client.provider) return
      for (const t of tokens(firstText(client.doc, 'paragraph').toString() + firstText(client.doc, 'title').toString(), other)) seen.add(t)
    })
  record(a, 'B', seenByA)
  record(b, 'A', seenByB)

  // Each client types tokens into its own block, one transaction per keystroke, until the server dies.
  let killed = false
  const type = async (client: TestClient, who: string, block: string) => {
    for (let i = 0; !killed && i < 5000; i++) {
      firstText(client.doc, block).insert(0, `<${who}${i}>`)
      await new Promise((resolve) => setImmediate(resolve))
    }
  }
  const burst = Promise.all([type(a, 'A', 'paragraph'), type(b, 'B', 'title')])
  await waitFor(() => seenByA.size >= 100 && seenByB.size >= 100, 'each client to see 100 edits of the other')
  first.process.kill('SIGKILL')
  killed = true
  await burst
  await waitFor(() => first.process.exitCode !== null || first.process.signalCode !== null, 'the child to die')
  // Freeze what the clients saw: no reconnection to anything.
  a.provider.disconnect()
  b.provider.disconnect()
  expect(seenByA.size).toBeGreaterThanOrEqual(100)

  const second = await startChild(dir)
  children.push(second.process)
  expect(second.sampleId).toBe(first.sampleId)
  expect(second.token, 'the same links at every start').toBe(first.token)
  const fresh = connectClient(`ws://127.0.0.1:${second.port}/collab`, second.sampleId, { token: second.token })
  clients.push(fresh)
  await waitFor(() => fresh.provider.synced, 'a fresh client to sync after the crash')

  const paragraph = firstText(fresh.doc, 'paragraph').toString()
  const title = firstText(fresh.doc, 'title').toString()
  const aTokens = tokens(paragraph, 'A')
  const bTokens = tokens(title, 'B')
  const missingA = [...seenByB].filter((t) => !aTokens.includes(t))
  const missingB = [...seenByA].filter((t) => !bTokens.includes(t))
  expect(missingA, 'edits of A that B saw broadcast').toEqual([])
  expect(missingB, 'edits of B that A saw broadcast').toEqual([])
  expect(new Set(aTokens).size, 'no edit of A duplicated').toBe(aTokens.length)
  expect(new Set(bTokens).size, 'no edit of B duplicated').toBe(bTokens.length)
  // The stored document still reads as a valid treaty.
  const res = await fetch(`http://127.0.0.1:${second.port}/api/documents/${second.sampleId}`, { headers: { authorization: `Bearer ${second.token}` } })
  expect(res.status).toBe(200)
  const doc = new Y.Doc()
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(fresh.doc))
  expect(doc.getXmlFragment('treaty').length).toBe(1)

  second.process.kill('SIGTERM')
  await waitFor(() => second.process.exitCode !== null, 'the second server to stop on SIGTERM')
  expect(second.process.exitCode).toBe(0)
}, 90_000)
