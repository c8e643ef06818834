import http from 'node:http'
import v8 from 'node:v8'
import vm from 'node:vm'
import * as encoding from 'lib0/encoding'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { WebSocket } from 'ws'
import * as Y from 'yjs'
import { CLOSE } from './closeCodes'
import { MiB } from './config'
import type { Participant } from './participants'
import { encodeAwareness, encodeAwarenessUpdate, encodeSyncStep1, encodeUpdate } from './protocol'
import type { AccordServer } from './server'
import { connectClient, firstText, invite, mulberry32, removeDir, smallTreaty, startTestServer, tempDir, ticketUrl, waitFor, wsUrl, type TestClient } from './testing'

/*
 * Hostile input against a running server: thousands of malformed, truncated, oversized and
 * random websocket messages from authenticated raw sockets (the known Yjs decoder traps
 * included), while a well-behaved pair of clients keeps editing and measures every round trip;
 * the same for the HTTP API. Seeded: ACCORD_HOSTILE_SEED replays a run, ACCORD_HOSTILE_SOCKETS
 * makes it longer.
 */

const SEED = Number(process.env.ACCORD_HOSTILE_SEED ?? 72026)
const BAD_SOCKETS = Number(process.env.ACCORD_HOSTILE_SOCKETS ?? 4500)
const FLOOD_SOCKETS = 30
const FLOOD_MESSAGES = 200
const MAX_MESSAGE = 1 * MiB
/** A round trip of the good clients above this is a hang, not slowness. */
const ROUND_TRIP_BOUND_MS = 2000

type Random = () => number
const int = (rand: Random, n: number) => Math.floor(rand() * n)
const pick = <T>(rand: Random, list: readonly T[]): T => list[int(rand, list.length)]
function bytes(rand: Random, n: number): Uint8Array {
  const out = new Uint8Array(n)
  for (let i = 0; i < n; i++) out[i] = int(rand, 256)
  return out
}
function concat(...parts: (Uint8Array | number[])[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}
function build(write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder()
  write(e)
  return encoding.toUint8Array(e)
}
const varUint = (n: number) => build((e) => encoding.writeVarUint(e, n))

/** The garbage collector, for memory figures that mean something (exposed at run time). */
function collectGarbage(): void {
  v8.setFlagsFromString('--expose_gc')
  const gc = vm.runInNewContext('gc') as () => void
  gc()
  gc()
}

/**
 * A Yjs v1 update holding one struct of client 4242 at clock 0 whose parent is the root type
 * `root`, written by hand so that its fields can lie: `info` is the struct's info byte (low 5
 * bits: content ref), `content` its encoded content, `ds` the delete set.
 */
function handUpdate(info: number, content: Uint8Array | number[], options: { root?: string; parentSub?: string; ds?: Uint8Array } = {}): Uint8Array {
  return build((e) => {
    encoding.writeVarUint(e, 1) // clients
    encoding.writeVarUint(e, 1) // structs of that client
    encoding.writeVarUint(e, 4242) // client
    encoding.writeVarUint(e, 0) // clock
    encoding.writeUint8(e, info | (options.parentSub !== undefined ? 32 : 0))
    if ((info & 0b11000000) === 0 && (info & 31) !== 0 && (info & 31) !== 10) {
      // No origins: the parent follows, a root name here.
      encoding.writeVarUint(e, 1)
      encoding.writeVarString(e, options.root ?? 'treaty')
      if (options.parentSub !== undefined) encoding.writeVarString(e, options.parentSub)
    }
    encoding.writeUint8Array(e, Uint8Array.from(content))
    encoding.writeUint8Array(e, options.ds ?? new Uint8Array([0]))
  })
}

/** ContentAny holding `depth` nested arrays: lib0's readAny recurses once per level. */
function deepAny(depth: number): Uint8Array {
  const out = new Uint8Array(1 + depth * 2 + 1)
  out[0] = 1 // one value
  for (let i = 0; i < depth; i++) {
    out[1 + i * 2] = 117 // array
    out[2 + i * 2] = 1 // of one element
  }
  out[out.length - 1] = 127 // undefined
  return out
}

/**
 * An update of `n` one-character items of one client, each with the previous one as its origin,
 * the first one in the text `parent`: a chain that the checker must not walk n² times. With
 * `badLast`, the last item holds a plain value, which text may not hold.
 */
function chainUpdate(n: number, parent: Y.ID, badLast: boolean): Uint8Array {
  return build((e) => {
    encoding.writeVarUint(e, 1)
    encoding.writeVarUint(e, n)
    encoding.writeVarUint(e, 777)
    encoding.writeVarUint(e, 0)
    for (let i = 0; i < n; i++) {
      const bad = badLast && i === n - 1
      if (i === 0) {
        encoding.writeUint8(e, 4) // ContentString, parent follows: an item id
        encoding.writeVarUint(e, 0)
        encoding.writeVarUint(e, parent.client)
        encoding.writeVarUint(e, parent.clock)
      } else {
        encoding.writeUint8(e, (bad ? 8 : 4) | 128) // ContentAny or ContentString, with an origin
        encoding.writeVarUint(e, 777)
        encoding.writeVarUint(e, i - 1)
      }
      if (bad) {
        encoding.writeVarUint(e, 1)
        encoding.writeAny(e, 1)
      } else encoding.writeVarString(e, 'x')
    }
    encoding.writeVarUint(e, 0)
  })
}

function otherRootUpdates(): Uint8Array[] {
  const make = (change: (d: Y.Doc) => void) => {
    const d = new Y.Doc()
    change(d)
    return Y.encodeStateAsUpdate(d)
  }
  return [
    make((d) => d.getText('x').insert(0, 'hello')),
    make((d) => d.getMap('settings').set('openDrafting', true)),
    make((d) => d.getArray('audit').push([{ id: 'a_forged', action: 'resolve' }])),
    make((d) => d.getMap('amendments').set('m_forged', { state: 'FR' })),
    make((d) => d.getXmlFragment('other').insert(0, [new Y.XmlElement('paragraph')])),
    make((d) => d.getXmlFragment('treaty').insert(0, [new Y.XmlElement('script')])),
    make((d) => d.getXmlFragment('treaty').insert(0, [new Y.XmlText('loose text')])),
    make((d) => d.getMap('treaty').set('x', 1)),
  ]
}

type Case = { name: string; data: Uint8Array | string; mustClose: boolean; sacrificial: boolean }

/**
 * Valid messages against the sacrificial document `base` (its state applied), to truncate and
 * mutate: edits of text, new articles, attributes, deletions, awareness.
 */
function templates(base: Uint8Array, rand: Random): Uint8Array[] {
  const out: Uint8Array[] = []
  const doc = new Y.Doc()
  Y.applyUpdate(doc, base)
  for (let i = 0; i < 40; i++) {
    const before = Y.encodeStateVector(doc)
    const paragraph = firstText(doc, 'paragraph')
    const kind = int(rand, 4)
    if (kind === 0) paragraph.insert(int(rand, paragraph.length + 1), `edit ${i} `)
    else if (kind === 1) paragraph.delete(0, Math.min(3, paragraph.length))
    else if (kind === 2) paragraph.format(0, 2, { bold: true })
    else {
      const treaty = doc.getXmlFragment('treaty').get(0) as Y.XmlElement
      const article = new Y.XmlElement('article')
      const p = new Y.XmlElement('paragraph')
      p.insert(0, [new Y.XmlText(`article ${i}`)])
      article.insert(0, [p])
      treaty.insert(1, [article])
    }
    out.push(encodeUpdate(Y.encodeStateAsUpdate(doc, before)))
  }
  out.push(encodeSyncStep1(Y.encodeStateVector(doc)))
  out.push(encodeAwareness(encodeAwarenessUpdate([{ clientID: 99, clock: 1, state: { cursor: { anchor: 1, head: 2 }, user: { name: 'x' } } }])))
  return out
}

function makeCase(rand: Random, material: { templates: Uint8Array[]; roots: Uint8Array[]; text: Y.ID }): Case {
  const t = () => pick(rand, material.templates)
  const must = (name: string, data: Uint8Array | string, sacrificial = false): Case => ({ name, data, mustClose: true, sacrificial })
  const may = (name: string, data: Uint8Array | string): Case => ({ name, data, mustClose: false, sacrificial: true })
  switch (int(rand, 30)) {
    case 0:
      return may('random bytes', bytes(rand, 8 + int(rand, 300)))
    case 1:
      return must('zero-length message', new Uint8Array(0))
    case 2:
      return must('zero-length update', pick(rand, [encodeUpdate(new Uint8Array(0)), new Uint8Array([0, 1, 0])]))
    case 3:
      return may('garbage update', encodeUpdate(bytes(rand, 1 + int(rand, 200))))
    case 4: {
      const m = t()
      return must('truncated message', m.slice(0, 1 + int(rand, m.length - 1)))
    }
    case 5:
      return must('trailing bytes', concat(t(), bytes(rand, 1 + int(rand, 20))))
    case 6:
      return must('huge payload length prefix', concat([0, 2], varUint(pick(rand, [2 ** 31, 2 ** 32 + 7, Number.MAX_SAFE_INTEGER])), bytes(rand, 10)))
    case 7:
      return must('varUint past the safe integers', concat([0, 2], Array(12).fill(0xff), [1, 0]))
    case 8:
      // Clients, structs per client, a string's length, a delete set's ranges: each claims far more than follows.
      return must('huge run-length count in an update', encodeUpdate(pick(rand, [
        concat(varUint(2 ** 40), [1, 2, 3]),
        concat([1], varUint(2 ** 31), [5, 0, 4, 1, 6], [116, 114, 101, 97, 116, 121]),
        handUpdate(4, varUint(2 ** 30)),
        concat([0], varUint(2 ** 40), [1, 2]),
        concat([0, 1, 5], varUint(2 ** 35), [0, 1]),
      ])))
    case 9:
      return must('unknown content ref', encodeUpdate(handUpdate(11 + int(rand, 21), bytes(rand, 4))))
    case 10:
      return must('unknown shared type ref', encodeUpdate(handUpdate(7, concat([7 + int(rand, 20)], bytes(rand, 3)))))
    case 11:
      return must('deeply nested content', encodeUpdate(handUpdate(8, deepAny(pick(rand, [1000, 100_000])), { parentSub: 'lang' })))
    case 12:
      return must('content the treaty does not use', encodeUpdate(handUpdate(pick(rand, [2, 3, 5, 9]), pick(rand, [concat([1], varUint(2), [34, 34]), concat([2, 1, 2]), concat([2, 123, 125]), concat([2, 123, 125, 0])]))))
    case 13:
      return must('update to another root', encodeUpdate(pick(rand, material.roots)))
    case 14:
      return may('awareness garbage', encodeAwareness(bytes(rand, 1 + int(rand, 100))))
    case 15:
      return must('awareness with a huge entry count', encodeAwareness(concat(varUint(2 ** 40), [1, 1, 2, 123, 125])))
    case 16:
      return must('awareness state that is not JSON', encodeAwareness(concat([1, 5, 1], build((e) => encoding.writeVarString(e, '{not json')))))
    case 17:
      return must('deeply nested awareness state', encodeAwareness(concat([1, 6, 1], build((e) => encoding.writeVarString(e, '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000))))))
    case 18:
      return must('huge awareness state', encodeAwareness(encodeAwarenessUpdate([{ clientID: 1000 + int(rand, 1e6), clock: 1, state: { cursor: 'x'.repeat(MAX_MESSAGE - 100) } }])))
    case 19:
      return must('text frame', 'hello, I am text')
    case 20:
      return must('oversized message', concat([0, 2], varUint(MAX_MESSAGE + 10), new Uint8Array(MAX_MESSAGE + 10)))
    case 21:
      return must('client auth message', new Uint8Array([2, 0, 1, 65]))
    case 22:
      return must('unknown message or sync type', pick(rand, [new Uint8Array([4 + int(rand, 200), 0]), new Uint8Array([0, 3 + int(rand, 100), 0])]))
    case 23:
      return may('garbage state vector', concat([0, 0], build((e) => encoding.writeVarUint8Array(e, bytes(rand, 1 + int(rand, 30))))))
    case 24:
    case 25: {
      const m = t().slice()
      for (let i = 1 + int(rand, 4); i > 0; i--) m[int(rand, m.length)] = int(rand, 256)
      return may('mutated valid message', m)
    }
    case 26:
      return may('deleted, GC or skip structs of huge length', encodeUpdate(pick(rand, [handUpdate(1, varUint(2 ** 40)), handUpdate(0, varUint(2 ** 40)), handUpdate(10, varUint(2 ** 40))])))
    case 27:
      return may('delete set over huge ranges', encodeUpdate(concat([0, 1], varUint(int(rand, 2 ** 31)), [1, 0], varUint(2 ** 50))))
    case 28:
      return must('origin chain of 10,000 items ending in a plain value', encodeUpdate(chainUpdate(10_000, material.text, true)))
    default:
      return may('origin chain of 10,000 items', encodeUpdate(chainUpdate(10_000, material.text, false)))
  }
}

/** A raw authenticated socket that counts (does not keep) what it receives. */
interface Probe {
  ws: WebSocket
  closed: { code: number; reason: string } | null
  /** Sync step 2 answers received (the server processed a step 1 sent after the bad message). */
  answers: number
  /** Permission-denied answers (an observer's or a closed-drafting delegation's write, refused before decoding). */
  denied: number
  received: number
  opened: Promise<void>
}

function probe(url: string): Probe {
  const ws = new WebSocket(url)
  const p: Probe = {
    ws,
    closed: null,
    answers: 0,
    denied: 0,
    received: 0,
    opened: new Promise((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('error', reject)
    }),
  }
  ws.on('message', (data: Buffer) => {
    p.received += data.length
    if (data[0] === 0 && data[1] === 1) p.answers++
    if (data[0] === 2 && data[1] === 0) p.denied++
  })
  ws.on('close', (code, reason) => {
    p.closed = { code, reason: reason.toString() }
  })
  ws.on('error', () => {})
  return p
}

/** Sync step 1 with an empty state vector: what a probe sends after its bad message to learn that the server got past it. */
const SENTINEL = encodeSyncStep1(Y.encodeStateVector(new Y.Doc()))
const sendRaw = (ws: WebSocket, data: Uint8Array | string) => new Promise<void>((resolve) => ws.send(data, { binary: typeof data !== 'string' }, () => resolve()))

describe('hostile websocket input', () => {
  let dir: string
  let server: AccordServer
  const good: TestClient[] = []

  beforeAll(async () => {
    dir = tempDir()
    server = await startTestServer({ dataDir: dir, maxMessageBytes: MAX_MESSAGE, maxConnectionsPerAddress: 1000 })
  })

  afterAll(async () => {
    for (const c of good.splice(0)) c.destroy()
    await server.close()
    removeDir(dir)
  })

  test(`${BAD_SOCKETS} bad sockets and ${FLOOD_SOCKETS * FLOOD_MESSAGES} flood messages: each bad socket closed with a reason, the good clients unhurt (seed ${SEED})`, async () => {
    const rand = mulberry32(SEED)
    const replay = `(seed ${SEED}; replay with ACCORD_HOSTILE_SEED=${SEED})`
    // The good pair edits G; what may apply (mutations of valid updates) goes to the sacrificial H.
    const goodId = (await server.documents.create(smallTreaty('Good Protocol', 3))).id
    const sacrificialId = (await server.documents.create(smallTreaty('Sacrificial Protocol', 3))).id
    const people = (docId: string): Participant[] => [
      invite(server, docId, 'facilitator', { name: 'Hostile facilitator' }).participant,
      invite(server, docId, 'delegation', { state: 'FR' }).participant,
      invite(server, docId, 'observer').participant,
    ]
    const hostile = { [goodId]: people(goodId), [sacrificialId]: people(sacrificialId) }
    const sacrificial = (await server.rooms.use(sacrificialId))!.doc
    const base = Y.encodeStateAsUpdate(sacrificial)
    const material = { templates: templates(base, rand), roots: otherRootUpdates(), text: firstText(sacrificial, 'paragraph')._item!.id }

    const a = connectClient(server, goodId)
    const b = connectClient(server, goodId)
    good.push(a, b)
    await waitFor(() => a.provider.synced && b.provider.synced, 'the good clients to sync')

    collectGarbage()
    const before = process.memoryUsage()

    // The good pair: one edits, the other waits for the edit, and back, all through the flood.
    const roundTrips: number[] = []
    let flooding = true
    const pingPong = (async () => {
      for (let i = 0; flooding || i < 10; i++) {
        const [from, to] = i % 2 ? [a, b] : [b, a]
        const marker = `<p${i}>`
        const started = performance.now()
        const arrived = new Promise<void>((resolve) => {
          const check = () => {
            if (firstText(to.doc, 'title').toString().includes(marker)) {
              to.doc.off('update', check)
              resolve()
            }
          }
          to.doc.on('update', check)
        })
        firstText(from.doc, 'title').insert(0, marker)
        const timeout = new Promise<void>((resolve) => setTimeout(resolve, 4 * ROUND_TRIP_BOUND_MS))
        await Promise.race([arrived, timeout])
        roundTrips.push(performance.now() - started)
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
    })()

    // Bad sockets: one bad message, then the sentinel; each must end closed, or answered (it was valid after all).
    const outcomes = new Map<string, { sent: number; closed: number; accepted: number; codes: Set<number> }>()
    const failures: string[] = []
    let messages = 0
    let next = 0
    // Each case has its own seed, and its bytes are made when it is sent (a thousand 1 MiB messages at once would be the test's memory, not the server's).
    const cases = Array.from({ length: BAD_SOCKETS }, () => ({ seed: Math.floor(rand() * 2 ** 32), doc: int(rand, 2), who: int(rand, 3) }))
    const worker = async () => {
      while (next < cases.length) {
        const index = next++
        const c = makeCase(mulberry32(cases[index].seed), material)
        const docId = c.sacrificial || cases[index].doc ? sacrificialId : goodId
        const p = probe(ticketUrl(server, docId, hostile[docId][cases[index].who]))
        const opened = await p.opened.then(
          () => true,
          (error: Error) => (failures.push(`#${index} ${c.name}: could not even connect (${error.message}): the server is stuck`), false),
        )
        if (!opened) continue
        await sendRaw(p.ws, c.data)
        if (p.ws.readyState === WebSocket.OPEN) await sendRaw(p.ws, SENTINEL)
        messages++
        const ended = await waitFor(() => p.closed || p.answers > 0, `bad socket ${index} (${c.name}) to be closed or answered ${replay}`, 15_000).catch(() => null)
        const outcome = outcomes.get(c.name) ?? { sent: 0, closed: 0, accepted: 0, codes: new Set() }
        outcomes.set(c.name, outcome)
        outcome.sent++
        if (!ended) failures.push(`#${index} ${c.name}: left hanging (neither closed nor answered)`)
        else if (p.closed) {
          outcome.closed++
          outcome.codes.add(p.closed.code)
          if (!p.closed.reason) failures.push(`#${index} ${c.name}: closed with ${p.closed.code} and no reason`)
          if (p.closed.code === CLOSE.INTERNAL_ERROR || p.closed.code === 1006) failures.push(`#${index} ${c.name}: closed with ${p.closed.code} ${p.closed.reason}`)
        } else {
          // Refused as a write this participant may not make (not decoded at all) is a proper answer too.
          if (c.mustClose && p.denied === 0) failures.push(`#${index} ${c.name}: accepted, expected a close`)
          outcome.accepted++
        }
        p.ws.terminate()
      }
    }

    // Floods on sockets that stay open: awareness queries, empty updates, step 1s, presence forged for the good clients.
    const flood = async (kind: number) => {
      const docId = pick(rand, [goodId, sacrificialId])
      const p = probe(ticketUrl(server, docId, hostile[docId][0]))
      await p.opened
      const spoof = encodeAwareness(encodeAwarenessUpdate([{ clientID: a.doc.clientID, clock: 99, state: { user: { name: 'forged' } } }]))
      const message = [new Uint8Array([3]), encodeUpdate(new Uint8Array([0, 0])), SENTINEL, spoof][kind % 4]
      for (let i = 0; i < FLOOD_MESSAGES; i++) p.ws.send(message)
      messages += FLOOD_MESSAGES
      await sendRaw(p.ws, SENTINEL)
      const answersWanted = kind % 4 === 2 ? FLOOD_MESSAGES + 1 : 1
      await waitFor(() => p.closed || p.answers >= answersWanted, `flood socket ${kind} to be answered ${replay}`, 30_000)
      expect(p.closed, `a flood of valid messages (${kind % 4}) closed its socket`).toBeNull()
      p.ws.terminate()
    }

    const started = performance.now()
    await Promise.all([...Array.from({ length: 32 }, worker), ...Array.from({ length: FLOOD_SOCKETS }, (_, i) => flood(i))])
    flooding = false
    await pingPong
    const elapsed = performance.now() - started

    // Every probe is gone from the server.
    await waitFor(() => server.rooms.get(goodId)!.connectionCount === 2, 'only the good clients to be left in their room')
    for (const c of good) c.provider.awareness.setLocalState(null)
    collectGarbage()
    const after = process.memoryUsage()

    const table = [...outcomes].map(([name, o]) => `  ${name}: ${o.sent} sent, ${o.closed} closed [${[...o.codes].join(' ')}], ${o.accepted} accepted`).join('\n')
    const sorted = [...roundTrips].sort((x, y) => x - y)
    const mb = (n: number) => `${Math.round(n / MiB)} MiB`
    console.log(
      `hostile websocket: seed ${SEED}, ${messages} messages on ${BAD_SOCKETS + FLOOD_SOCKETS} sockets in ${(elapsed / 1000).toFixed(1)} s; ` +
        `good round trips ${roundTrips.length}, median ${sorted[sorted.length >> 1].toFixed(0)} ms, max ${sorted.at(-1)!.toFixed(0)} ms; ` +
        `heap ${mb(before.heapUsed)} → ${mb(after.heapUsed)}, rss ${mb(before.rss)} → ${mb(after.rss)}\n${table}`,
    )
    expect(failures.slice(0, 20), `sockets not closed properly ${replay}`).toEqual([])
    expect(messages).toBeGreaterThanOrEqual(10_000)
    expect(sorted.at(-1)!, `the slowest round trip of the good clients ${replay}`).toBeLessThan(ROUND_TRIP_BOUND_MS)
    expect(after.heapUsed - before.heapUsed, 'heap growth after the flood').toBeLessThan(128 * MiB)
    expect(after.rss, 'resident memory').toBeLessThan(1536 * MiB)

    // Still up and right: the good pair converged on a valid treaty that the server holds too.
    await waitFor(() => firstText(a.doc, 'title').toString() === firstText(b.doc, 'title').toString(), 'the good clients to converge')
    expect(server.rooms.get(goodId)!.read().textContent).toContain('Good Protocol')
    const health = await fetch(`http://127.0.0.1:${server.port}/api/health`)
    expect(health.status).toBe(200)
  }, 240_000)
})


/** One HTTP request with full control of method, path and body (fetch normalises too much). */
function request(port: number, method: string, path: string, options: { token?: string; type?: string; body?: Uint8Array | string; chunked?: boolean } = {}): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {}
    if (options.token) headers.authorization = `Bearer ${options.token}`
    if (options.type) headers['content-type'] = options.type
    const body = typeof options.body === 'string' ? Buffer.from(options.body) : options.body
    // Node frames a body without a length as chunked only for the methods that usually carry one;
    // for the others the bytes would follow unframed, which is no HTTP at all (node answers 400 itself).
    const chunked = options.chunked && !['GET', 'HEAD', 'DELETE', 'OPTIONS'].includes(method)
    if (body && !chunked) headers['content-length'] = String(body.length)
    let answered: { status: number; type: string; body: string } | null = null
    const req = http.request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        answered = { status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString() }
        resolve(answered)
      })
      res.on('error', reject)
    })
    // The server answers a refused (too large) body at once and closes: the rest of the upload then fails, which is fine.
    req.on('error', (error) => (answered ? resolve(answered) : reject(error)))
    if (body) {
      if (chunked) for (let at = 0; at < body.length; at += 64 * 1024) req.write(body.subarray(at, at + 64 * 1024))
      else req.write(body)
    }
    req.end()
  })
}

describe('hostile HTTP requests', () => {
  let dir: string
  let server: AccordServer

  beforeAll(async () => {
    dir = tempDir()
    server = await startTestServer({ dataDir: dir })
  })

  afterAll(async () => {
    await server.close()
    removeDir(dir)
  })

  test(`bad JSON, huge bodies, wrong types, unknown ids and bad paths on every POST and PATCH route: never a 500, always a JSON error (seed ${SEED})`, async () => {
    const rand = mulberry32(SEED + 1)
    const replay = `(seed ${SEED}; replay with ACCORD_HOSTILE_SEED=${SEED})`
    const docId = (await server.documents.create(smallTreaty('HTTP Protocol', 3))).id
    const tokens = {
      secretariat: invite(server, null, 'secretariat').token,
      facilitator: invite(server, docId, 'facilitator').token,
      delegation: invite(server, docId, 'delegation', { state: 'FR' }).token,
      other: invite(server, docId, 'delegation', { state: 'DE' }).token,
      observer: invite(server, docId, 'observer').token,
    }
    const pid = invite(server, docId, 'observer', { name: 'To revoke' }).participant.id
    const json = (body: unknown) => ({ type: 'application/json', body: JSON.stringify(body) })
    const proposed = await request(server.port, 'POST', `/api/documents/${docId}/amendments`, {
      token: tokens.delegation,
      ...json({ kind: 'replace', target: { article: 1, paragraph: 1, quote: 'Paragraph' }, text: 'Clause', justification: 'clearer' }),
    })
    expect(proposed.status, proposed.body).toBe(201)
    const aid = (JSON.parse(proposed.body) as { id: string }).id
    const saved = await request(server.port, 'POST', `/api/documents/${docId}/revisions`, { token: tokens.facilitator, ...json({ name: 'Rev.1' }) })
    expect(saved.status, saved.body).toBe(201)
    const rid = (JSON.parse(saved.body) as { revision: { id: string } }).revision.id

    type Who = keyof typeof tokens
    const D = `/api/documents/${docId}`
    // Every POST and PATCH route of docs/API.md, with who may call it and the fields it reads.
    const routes: [string, string, Who, string[]][] = [
      ['POST', '/api/tickets', 'delegation', []],
      ['POST', '/api/documents', 'secretariat', []],
      ['POST', `${D}/invitations`, 'facilitator', ['role', 'name', 'state']],
      ['POST', `${D}/participants/${pid}/revoke`, 'facilitator', []],
      ['PATCH', `${D}/settings`, 'facilitator', ['openDrafting']],
      ['POST', `${D}/resolutions`, 'facilitator', ['group', 'set', 'choose']],
      ['POST', `${D}/reopenings`, 'facilitator', ['entry']],
      ['POST', `${D}/ad-ref`, 'facilitator', ['group', 'adRef']],
      ['POST', `${D}/normalisations`, 'facilitator', ['group']],
      ['POST', `${D}/amendments`, 'delegation', ['kind', 'target', 'text', 'justification']],
      ['PATCH', `${D}/amendments/${aid}`, 'delegation', ['text', 'justification']],
      ['POST', `${D}/amendments/${aid}/cosponsors`, 'other', []],
      ['POST', `${D}/amendments/${aid}/withdraw`, 'delegation', []],
      ['POST', `${D}/amendments/${aid}/decision`, 'facilitator', ['decision']],
      ['POST', `${D}/revisions`, 'facilitator', ['name']],
      ['POST', `${D}/revisions/${rid}/restore`, 'facilitator', []],
    ]
    const deep = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n)
    const values: (() => unknown)[] = [
      () => null,
      () => 0,
      () => -1,
      () => 1.5,
      () => 1e308,
      () => '',
      () => 'x'.repeat(int(rand, 100_000)),
      () => true,
      () => [],
      () => ({}),
      () => [1, 'two', null],
      () => ({ $gt: '' }),
      () => ({ article: 'one', paragraph: -5, quote: 7 }),
      () => ({ preamble: 1e9, quote: '' }),
      () => 'facilitator',
      () => 'secretariat',
      () => 'accept',
      () => 'FR',
      () => `g${int(rand, 1e6)}`,
      () => '\u0000\ud800<script>',
      () => JSON.parse(deep(2000)),
    ]
    const randomIds = () => pick(rand, ['d_' + 'x'.repeat(int(rand, 40)), 'nope', '%', '%E0%A4%A', '..%2F..%2Fetc', '\u00e9', 'a'.repeat(5000), 'p_0', 'm_0', 'r_0', '0', '-1'])
    const bodies: (() => { type?: string; body?: Uint8Array | string; chunked?: boolean })[] = [
      () => ({ type: 'application/json', body: pick(rand, ['{', '{"a":', 'nul', '[1,2', '{"a":1}x', '\u0000', '\ufeff{}', "{'a':1}", '{"a":1,}']) }),
      () => ({ type: 'application/json', body: pick(rand, ['[]', '1', '"s"', 'null', 'true', '[{}]']) }),
      () => ({ type: 'application/json', body: bytes(rand, 1 + int(rand, 500)) }),
      () => ({ type: 'application/json', body: deep(100_000) }),
      () => ({ type: 'application/json', body: '['.repeat(100_000) + ']'.repeat(100_000) }),
      () => ({ type: 'application/json', body: '{"__proto__":{"role":"secretariat","openDrafting":true},"constructor":{"prototype":{"x":1}}}' }),
      () => ({ type: 'application/json', body: new Uint8Array(int(rand, 2) ? 9 * MiB : 2 * MiB).fill(32), chunked: rand() < 0.5 }),
      () => ({ type: pick(rand, ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', '']), body: '{"openDrafting":true}' }),
      () => ({ type: 'text/plain', body: pick(rand, ['', '\u0000\u0001', 'Article 1\n' + '['.repeat(100_000)]) }),
      () => ({ type: 'application/json', body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]) }),
      // Wrong types: each field the route reads, set to a random value.
      () => ({ type: 'application/json', body: 'FIELDS' }),
      () => ({ type: 'application/json', body: 'FIELDS' }),
      () => ({ type: 'application/json', body: 'FIELDS' }),
      () => ({}),
    ]

    const REQUESTS = 1500
    const statuses = new Map<number, number>()
    const failures: string[] = []
    let next = 0
    const one = async (index: number) => {
      const [routeMethod, routePath, routeWho, fields] = pick(rand, routes)
      let method = routeMethod
      let path = routePath
      let who: Who = routeWho
      const twist = rand()
      if (twist < 0.1) path = path.replace(/\/(d|p|m|r)_[^/]+/g, () => `/${encodeURI(randomIds())}`)
      else if (twist < 0.15) method = pick(rand, ['PUT', 'DELETE', 'OPTIONS', 'GET', 'PATCH', 'POST'])
      else if (twist < 0.2) who = pick(rand, ['observer', 'delegation', 'other', 'facilitator', 'secretariat'] as Who[])
      else if (twist < 0.23) path = pick(rand, ['/api', '/api/', '/api//documents', `/api/documents/${docId}/`, `/api/documents/${docId}/amendments/%ZZ`, `/api/documents/${docId}/revisions/${encodeURIComponent('../../etc')}/restore`, `/api/documents/${'%'.repeat(300)}`, '/api/documents/%00/settings'])
      let { type, body, chunked } = pick(rand, bodies)()
      if (body === 'FIELDS') {
        const object: Record<string, unknown> = {}
        for (const field of fields.length ? fields : ['x']) if (rand() < 0.8) object[field] = pick(rand, values)()
        body = JSON.stringify(object)
      }
      const res = await request(server.port, method, path, { token: tokens[who], type, body, chunked })
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1)
      const what = `#${index} ${method} ${path.slice(0, 80)} as ${who} (${type ?? 'no type'}, ${body === undefined ? 'no body' : `${body.length} bytes`}) → ${res.status} ${res.body.slice(0, 200)}`
      if (res.status >= 500 || res.status < 200) return void failures.push(what)
      if (!res.type.startsWith('application/json')) return void failures.push(`${what}: not JSON (${res.type})`)
      let parsed: { error?: { code?: unknown; message?: unknown } }
      try {
        parsed = JSON.parse(res.body) as typeof parsed
      } catch {
        return void failures.push(`${what}: the body does not parse`)
      }
      if (res.status >= 400 && (typeof parsed.error?.message !== 'string' || !parsed.error.message || typeof parsed.error.code !== 'string')) failures.push(`${what}: no error message`)
    }
    const worker = async () => {
      while (next < REQUESTS) await one(next++)
    }
    const started = performance.now()
    await Promise.all(Array.from({ length: 8 }, worker))
    const health = await request(server.port, 'GET', '/api/health')
    expect(health.status).toBe(200)
    console.log(
      `hostile HTTP: seed ${SEED}, ${REQUESTS} requests on ${routes.length} routes in ${((performance.now() - started) / 1000).toFixed(1)} s; statuses ${[...statuses].sort((x, y) => x[0] - y[0]).map(([st, n]) => `${st}×${n}`).join(' ')}`,
    )
    expect(failures.slice(0, 20), `answers that were not a JSON error below 500 ${replay}`).toEqual([])
  }, 120_000)
})

describe('sessions', () => {
  let dir: string
  let server: AccordServer
  const good: TestClient[] = []

  beforeAll(() => {
    dir = tempDir()
  })

  afterAll(async () => {
    for (const c of good.splice(0)) c.destroy()
    removeDir(dir)
  })

  test('500 ticketless websockets at once are all closed at once (4401, or 4429 past the per-address bound) and the good clients do not notice', async () => {
    server = await startTestServer({ dataDir: dir })
    const docId = (await server.documents.create(smallTreaty())).id
    const a = connectClient(server, docId)
    const b = connectClient(server, docId)
    good.push(a, b)
    await waitFor(() => a.provider.synced && b.provider.synced, 'the good clients to sync')

    const started = performance.now()
    const urls = [`${wsUrl(server)}/${docId}`, `${wsUrl(server)}/${docId}?ticket=`, `${wsUrl(server)}/${docId}?ticket=tk_made_up`, `${wsUrl(server)}/nothing?ticket=tk_x`]
    const probes = Array.from({ length: 500 }, (_, i) => probe(urls[i % urls.length]))
    // One round trip of the good pair while the sockets come and go.
    const marker = '<during the flood>'
    firstText(a.doc, 'title').insert(0, marker)
    await waitFor(() => firstText(b.doc, 'title').toString().includes(marker), 'the edit to reach the other client during the flood', ROUND_TRIP_BOUND_MS)
    await waitFor(() => probes.every((p) => p.closed), 'every ticketless socket to be closed', 10_000)
    const elapsed = performance.now() - started
    const codes = new Map<number, number>()
    for (const p of probes) codes.set(p.closed!.code, (codes.get(p.closed!.code) ?? 0) + 1)
    console.log(`sessions: 500 ticketless sockets closed in ${elapsed.toFixed(0)} ms: ${[...codes].map(([c, n]) => `${c}×${n}`).join(' ')}`)
    for (const p of probes) {
      expect([CLOSE.UNAUTHENTICATED, CLOSE.TOO_MANY_CONNECTIONS]).toContain(p.closed!.code)
      expect(p.closed!.reason).not.toBe('')
    }
    expect(probes.filter((p) => p.received > 0).length, 'ticketless sockets sent anything of the document').toBe(0)
    await waitFor(() => server.rooms.get(docId)?.connectionCount === 2, 'only the good clients to remain')
    const health = (await (await fetch(`http://127.0.0.1:${server.port}/api/health`)).json()) as { connections: number }
    expect(health.connections).toBe(2)
    expect(a.provider.wsconnected && b.provider.wsconnected).toBe(true)
    for (const c of good.splice(0)) c.destroy()
    await server.close()
  }, 60_000)

  test('an authenticated connection that answers no ping is dropped; one that answers stays', async () => {
    server = await startTestServer({ dataDir: dir, pingIntervalMs: 100 })
    const docId = (await server.documents.create(smallTreaty())).id
    const silent = new WebSocket(ticketUrl(server, docId), { autoPong: false })
    const alive = probe(ticketUrl(server, docId))
    let silentClosed: number | null = null
    silent.on('close', (code) => (silentClosed = code))
    silent.on('error', () => {})
    await Promise.all([new Promise((resolve) => silent.once('open', resolve)), alive.opened])
    await waitFor(() => server.rooms.get(docId)?.connectionCount === 2, 'both sockets in the room')
    // Never a byte from either: the silent one is terminated after a missed pong (two intervals).
    await waitFor(() => silentClosed !== null, 'the silent socket to be dropped', 5_000)
    await waitFor(() => server.rooms.get(docId)?.connectionCount === 1, 'the room to let it go', 5_000)
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(alive.closed, 'a socket whose client answers pings stays open').toBeNull()
    alive.ws.terminate()
    await server.close()
  }, 30_000)
})
