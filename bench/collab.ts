import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { importText } from '@accord/treaty-io'
import { sampleTreatyText } from '@accord/treaty-io/sample'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as prng from 'lib0/prng'
import * as Y from 'yjs'
import { seedState } from '../server/src/treatyDoc'
import { BenchSocket } from './wsClient'

/*
 * Collaboration benchmark: a plenary. N participants on one document (the sample treaty), each
 * typing single characters at human speed into a paragraph and moving a cursor (awareness, one
 * update per keystroke, as y-prosemirror sends it), through (a) the Accord server with durable
 * SQLite persistence, authentication and every check on, and (b) a bare y-protocols relay
 * (bench/relay.ts), in the same run. Each target runs in its own process; the clients share
 * this one.
 *
 * On Accord the participants are who would be in the room: the chair (a facilitator) and
 * delegations of many States (several people per State), each invited through the API with
 * its own token, each connection opened with its own single-use ticket; open drafting is on,
 * so delegations write the text.
 *
 * Clients are lightweight but speak the real protocol over real websockets: sync step 1/2 with
 * a Y.Doc of their own, then Yjs updates made by editing that Y.Doc, and awareness updates in
 * y-protocols' encoding. After the initial sync a client does not apply what it receives (200
 * full replicas would measure this process, not the server); it reads the (client, clock)
 * ranges each update holds (Y.parseUpdateMeta), which is enough to check, per sender, that
 * every edit arrives exactly once and in order, and to match each with its send time.
 * Latency = receive time − send time, per receiving client, same clock.
 *
 * Run alone: `npx tsx bench/collab.ts [--clients 10,50,200] [--duration 8000] [--rate 2,5] [--no-awareness] [--json]`;
 * ACCORD_DURABILITY=normal measures the server with synchronous=NORMAL; BENCH_TARGET=accord and
 * BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR" profile the server alone.
 */

export interface CollabBenchOptions {
  clients: number[]
  /** Measured window per target and client count, after a 1 s warm-up. */
  durationMs: number
  /** Each client types at a rate drawn uniformly from this range (edits per second). */
  editsPerSecond: [number, number]
  /** Each client sends an awareness update (its cursor) with every edit. Default true. */
  awareness?: boolean
}

export interface CollabBenchRow {
  target: 'accord' | 'relay'
  clients: number
  /** Edits sent in the measured window. */
  edits: number
  /** Edits received by every other client, per second. */
  editsPerSecond: number
  /** Edit deliveries to clients (one edit reaching one client), per second. */
  deliveriesPerSecond: number
  p50Ms: number
  p99Ms: number
  maxMs: number
  /** Edit deliveries that never arrived, over the whole slice (warm-up included): should be 0. */
  missing: number
  /** Updates that arrived out of order or twice (per sender, a receiver must see clocks in increasing, gapless order): should be 0. */
  reordered: number
  /** Writes the server refused (permission denied) or connections it closed: should be 0. */
  refused: number
  /** Awareness updates sent by the clients in the window, per second. */
  awarenessSentPerSecond: number
  /** Awareness updates (one client's state reaching one client) delivered, per second, and their bytes. */
  awarenessPerSecond: number
  awarenessKBPerSecond: number
  awarenessP50Ms: number
  awarenessP99Ms: number
  /** Messages and bytes the clients received, per second (document and awareness). */
  messagesPerSecond: number
  receivedKBPerSecond: number
  /** CPU time the server process used, as % of one core, during the window. */
  serverCpuPercent: number | null
  /** Server resident memory (VmRSS) before the clients connected, and its peak during the window, in MiB. */
  serverRssIdleMB: number | null
  serverRssPeakMB: number | null
  /** CPU time of this process (all the clients), as % of one core: near 100 % means the clients, not the server, set the latencies. */
  clientCpuPercent: number
}

export interface CollabBenchReport {
  options: CollabBenchOptions
  machine: string
  rows: CollabBenchRow[]
  /** Accord ÷ relay per client count (latency: lower is better; throughput: higher is better). */
  ratios: { clients: number; p50: number; p99: number; throughput: number; cpu: number | null; rss: number | null }[]
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const WARMUP_MS = 1000
/** After the window: wait for late deliveries while they still come (at most DRAIN_LIMIT_MS). */
const DRAIN_STALL_MS = 3000
const DRAIN_LIMIT_MS = 120_000

/** Delegations come from these States, in turn (several people per State at a large count). */
const STATES = (
  'AR AU AT BD BE BR BG CA CL CN CO CR HR CU CZ DK DO EC EG EE ET FI FR DE GH GR GT HU IN ID IR IQ IE IL IT JM JP JO KZ KE KR KW ' +
  'LV LB LT LU MY MT MX MA NL NZ NG NO PK PA PE PH PL PT QA RO RU SA SN RS SG SK SI ZA ES LK SE CH TH TN TR UA AE GB US UY VN'
).split(' ')

interface Target {
  kind: 'accord' | 'relay'
  process: ChildProcess
  /** The websocket URL of the benchmark's document. */
  url: string
  /** Accord only: the API's base URL and one token per participant (index 0 the chair). */
  api?: string
  tokens?: string[]
}

function startProcess(args: string[], env: Record<string, string>, ready: RegExp): Promise<{ process: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const match = ready.exec(out)
      if (match) resolve({ process: child, match })
    })
    child.stderr!.on('data', (chunk: Buffer) => {
      err += chunk.toString()
      if (err.length > 100_000) err = err.slice(-50_000)
    })
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited (${code}):\n${out}\n${err}`)))
  })
}

async function api(target: Target, token: string, method: string, route: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${target.api}${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const json = (await res.json()) as Record<string, unknown>
  if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${JSON.stringify(json)}`)
  return json
}

/** Accord on a fresh data directory with the sample treaty; `clients` participants invited, open drafting on. */
async function startAccord(dataDir: string, clients: number): Promise<Target> {
  const { process: child, match } = await startProcess(
    [...(process.env.BENCH_SERVER_NODE_ARGS ? process.env.BENCH_SERVER_NODE_ARGS.split(' ') : []), 'server/src/main.ts'],
    { PORT: '0', HOST: '127.0.0.1', ACCORD_DATA: dataDir, ACCORD_LOG: 'warn', ACCORD_SEED_SAMPLE: '1', ACCORD_MAX_CONNECTIONS_PER_ADDRESS: '100000', ACCORD_DURABILITY: process.env.ACCORD_DURABILITY ?? 'full' },
    /Accord is running at http:\/\/localhost:(\d+)\/\n[\s\S]*?Sample treaty \((\S+)\):\n/,
  )
  const [, port, docId] = match
  const target: Target = { kind: 'accord', process: child, url: `ws://127.0.0.1:${port}/collab/${docId}`, api: `http://127.0.0.1:${port}` }
  try {
    const links = JSON.parse(readFileSync(path.join(dataDir, 'start-links.json'), 'utf8')) as { sample: { facilitator: string } }
    const chair = links.sample.facilitator
    await api(target, chair, 'PATCH', `/api/documents/${docId}/settings`, { openDrafting: true })
    const tokens = [chair]
    for (let i = 1; i < clients; i += 10) {
      const batch = Array.from({ length: Math.min(10, clients - i) }, (_, j) => {
        const n = i + j
        const state = STATES[(n - 1) % STATES.length]
        return api(target, chair, 'POST', `/api/documents/${docId}/invitations`, { role: 'delegation', name: `Delegate ${n} of ${state}`, state })
      })
      for (const invited of await Promise.all(batch)) tokens.push(invited.token as string)
    }
    target.tokens = tokens
    return target
  } catch (error) {
    await stopProcess(child)
    throw error
  }
}

async function startBareRelay(seedFile: string): Promise<Target> {
  const { process: child, match } = await startProcess(['bench/relay.ts'], { PORT: '0', RELAY_SEED_FILE: seedFile }, /relay listening on (\d+)\n/)
  return { kind: 'relay', process: child, url: `ws://127.0.0.1:${match[1]}/bench` }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  await exited
}

/** CPU seconds (user + system) a process has used, from /proc; null where there is no /proc. */
function cpuSeconds(pid: number | undefined): number | null {
  if (!pid) return null
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return null
  }
}

/** Resident memory of a process in MiB, from /proc; null where there is no /proc. */
function rssMB(pid: number | undefined): number | null {
  if (!pid) return null
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match ? Number(match[1]) / 1024 : null
  } catch {
    return null
  }
}

/** Shared between the clients of one slice: send times of measured edits and awareness updates, what arrived. */
class Recorder {
  /** key(client, clock) → send time; only edits of the measured window. */
  readonly sent = new Map<number, number>()
  readonly awarenessSent = new Map<number, number>()
  latencies: number[] = []
  awarenessLatencies: number[] = []
  deliveries = 0
  awarenessDeliveries = 0
  awarenessBytes = 0
  messages = 0
  bytes = 0
  reordered = 0
  refused = 0
  measuring = false

  static key(client: number, clock: number): number {
    // Client ids are uint32: 2³² × 10⁶ stays below 2⁵³.
    return client * 1_000_000 + clock
  }

  sentEdit(client: number, clock: number): void {
    if (this.measuring) this.sent.set(Recorder.key(client, clock), performance.now())
  }

  sentAwareness(client: number, clock: number): void {
    if (this.measuring) this.awarenessSent.set(Recorder.key(client, clock), performance.now())
  }

  received(client: number, from: number, to: number, now: number): void {
    if (!this.measuring) return
    for (let clock = from; clock < to; clock++) {
      const t = this.sent.get(Recorder.key(client, clock))
      if (t === undefined) continue
      this.latencies.push(now - t)
      this.deliveries++
    }
  }

  receivedAwareness(client: number, clock: number, now: number): void {
    if (!this.measuring) return
    const t = this.awarenessSent.get(Recorder.key(client, clock))
    if (t === undefined) return
    this.awarenessLatencies.push(now - t)
    this.awarenessDeliveries++
  }
}

function syncMessage(type: number, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, 0)
  encoding.writeVarUint(encoder, type)
  encoding.writeVarUint8Array(encoder, payload)
  return encoding.toUint8Array(encoder)
}

class BenchClient {
  readonly doc = new Y.Doc()
  private ws: BenchSocket | null = null
  private text: Y.XmlText | null = null
  private timer: NodeJS.Timeout | null = null
  private gen: prng.PRNG = prng.create(0)
  private awarenessClock = 0
  /** Per sender client id: the next clock this client expects from it (everything before arrived, in order). */
  readonly expected = new Map<number, number>()
  readonly ready: Promise<void>
  private resolveReady!: () => void
  private rejectReady!: (error: Error) => void
  closedBy: number | null = null

  constructor(
    private readonly index: number,
    private readonly recorder: Recorder,
    private readonly awareness: boolean,
  ) {
    this.ready = new Promise((resolve, reject) => {
      this.resolveReady = resolve
      this.rejectReady = reject
    })
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== 'remote') this.ws?.send(syncMessage(2, update))
    })
  }

  connect(url: string): void {
    const ws = (this.ws = new BenchSocket(url))
    ws.opened.then(
      () => ws.send(syncMessage(0, Y.encodeStateVector(this.doc))),
      (error: Error) => this.rejectReady(error),
    )
    ws.onMessage = (data) => this.onMessage(data)
    ws.onClose = (code) => {
      if (this.closedBy === null) this.closedBy = code
      this.rejectReady(new Error(`client ${this.index}: the server closed the connection (${code})`))
    }
  }

  private onMessage(data: Buffer): void {
    const now = performance.now()
    const recorder = this.recorder
    if (recorder.measuring) {
      recorder.messages++
      recorder.bytes += data.length
    }
    const decoder = decoding.createDecoder(data)
    const kind = decoding.readVarUint(decoder)
    if (kind === 1) return this.onAwareness(decoding.readVarUint8Array(decoder), now)
    if (kind === 2) {
      recorder.refused++
      return
    }
    if (kind !== 0) return
    const type = decoding.readVarUint(decoder)
    const payload = decoding.readVarUint8Array(decoder)
    if (!this.text) {
      if (type === 0) this.ws!.send(syncMessage(1, Y.encodeStateAsUpdate(this.doc, payload)))
      else if (type === 1) {
        Y.applyUpdate(this.doc, payload, 'remote')
        this.text = pickText(this.doc, this.index)
        if (!this.text) return this.rejectReady(new Error('the document has no text to type into'))
        // From here on, what arrives is checked against what this client already holds.
        for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVector(this.doc))) this.expected.set(client, clock)
        if (this.awareness) this.sendAwareness()
        this.resolveReady()
      }
      return
    }
    if (type === 0) return
    const { from, to } = Y.parseUpdateMeta(payload)
    for (const [client, start] of from) {
      if (client === this.doc.clientID) continue
      const end = to.get(client)!
      const expected = this.expected.get(client) ?? 0
      // In order: each update of a sender starts where its previous one ended.
      if (start !== expected) recorder.reordered++
      if (end > expected) this.expected.set(client, end)
      recorder.received(client, Math.max(start, expected), end, now)
    }
  }

  private onAwareness(update: Uint8Array, now: number): void {
    const decoder = decoding.createDecoder(update)
    const count = decoding.readVarUint(decoder)
    for (let i = 0; i < count; i++) {
      const client = decoding.readVarUint(decoder)
      const clock = decoding.readVarUint(decoder)
      decoding.readVarUint8Array(decoder) // the state's JSON, not needed here
      this.recorder.receivedAwareness(client, clock, now)
    }
    if (this.recorder.measuring) this.recorder.awarenessBytes += update.length
  }

  /** A y-protocols awareness update of this client: its user and a cursor (y-prosemirror's relative positions) where it types. */
  private sendAwareness(at = 0): void {
    const text = this.text!
    const anchor = Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, Math.min(at, text.length)))
    const state = { user: { name: `Delegate ${this.index}`, color: '#1d4ed8' }, cursor: { anchor, head: anchor } }
    const clock = ++this.awarenessClock
    const update = encoding.createEncoder()
    encoding.writeVarUint(update, 1)
    encoding.writeVarUint(update, this.doc.clientID)
    encoding.writeVarUint(update, clock)
    encoding.writeVarString(update, JSON.stringify(state))
    const message = encoding.createEncoder()
    encoding.writeVarUint(message, 1)
    encoding.writeVarUint8Array(message, encoding.toUint8Array(update))
    this.recorder.sentAwareness(this.doc.clientID, clock)
    this.ws!.send(encoding.toUint8Array(message))
  }

  /** Types at `rate` edits/s with jittered gaps; `gen` is seeded per client so both targets get the same load. */
  start(rate: number, gen: prng.PRNG): void {
    this.gen = gen
    const tick = () => {
      this.edit()
      this.timer = setTimeout(tick, (1000 / rate) * (0.5 + prng.real53(gen)))
    }
    this.timer = setTimeout(tick, prng.real53(gen) * (1000 / rate))
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }

  /** Clock after this client's last edit. */
  get clock(): number {
    return Y.getState(this.doc.store, this.doc.clientID)
  }

  private edit(): void {
    const text = this.text!
    this.recorder.sentEdit(this.doc.clientID, this.clock)
    const at = prng.uint32(this.gen, 0, text.length)
    text.insert(at, prng.letter(this.gen))
    if (this.awareness) this.sendAwareness(at + 1)
  }

  close(): void {
    this.stop()
    this.closedBy ??= 0
    this.ws?.close()
    this.doc.destroy()
  }
}

/** The text block a client types into: client i takes the i-th (mod count) non-empty block of the treaty. */
function pickText(doc: Y.Doc, index: number): Y.XmlText | null {
  const texts: Y.XmlText[] = []
  const walk = (el: Y.XmlElement | Y.XmlFragment) => {
    for (const child of el.toArray()) {
      if (child instanceof Y.XmlText) texts.push(child)
      else if (child instanceof Y.XmlElement) walk(child)
    }
  }
  walk(doc.getXmlFragment('treaty'))
  return texts.length ? texts[index % texts.length] : null
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

interface Slice {
  recorder: Recorder
  edits: number
  awarenessSent: number
  missing: number
  seconds: number
  serverCpu: number | null
  rssIdle: number | null
  rssPeak: number | null
  clientCpu: number
}

/** Opens one client's connection: on Accord with a fresh ticket for its participant. */
async function connectUrl(target: Target, index: number): Promise<string> {
  if (target.kind === 'relay') return target.url
  const { ticket } = await api(target, target.tokens![index], 'POST', '/api/tickets')
  return `${target.url}?ticket=${encodeURIComponent(ticket as string)}`
}

/** One measured slice: connect the clients, warm up, type for `durationMs`, drain, check, disconnect. */
async function measure(target: Target, clients: number, options: CollabBenchOptions, durationMs: number): Promise<Slice> {
  const recorder = new Recorder()
  const all: BenchClient[] = []
  const pid = target.process.pid
  const rssIdle = rssMB(pid)
  let rssPeak: number | null = null
  const sampler = setInterval(() => {
    if (!recorder.measuring) return
    const rss = rssMB(pid)
    if (rss !== null && (rssPeak === null || rss > rssPeak)) rssPeak = rss
  }, 50)
  try {
    // Connect in small groups, as people arrive, rather than 200 handshakes at once.
    for (let i = 0; i < clients; i += 25) {
      const group = Array.from({ length: Math.min(25, clients - i) }, (_, j) => new BenchClient(i + j, recorder, options.awareness !== false))
      all.push(...group)
      const urls = await Promise.all(group.map((_, j) => connectUrl(target, i + j)))
      group.forEach((c, j) => c.connect(urls[j]))
      await Promise.all(group.map((c) => c.ready))
    }
    const [min, max] = options.editsPerSecond
    all.forEach((c, i) => {
      const gen = prng.create(i + 1)
      c.start(min + prng.real53(gen) * (max - min), gen)
    })
    await new Promise((resolve) => setTimeout(resolve, WARMUP_MS))
    recorder.measuring = true
    const cpuStart = cpuSeconds(pid)
    const clientCpuStart = process.cpuUsage()
    const started = performance.now()
    await new Promise((resolve) => setTimeout(resolve, durationMs))
    for (const c of all) c.stop()
    const seconds = (performance.now() - started) / 1000
    const cpuEnd = cpuSeconds(pid)
    const clientCpu = process.cpuUsage(clientCpuStart)
    const edits = recorder.sent.size
    const awarenessSent = recorder.awarenessSent.size
    // Drain (still recording latencies of the window's edits), then check that every client has every other client's every edit.
    const finals = all.map((c) => [c.doc.clientID, c.clock] as const)
    const missingNow = () => {
      let missing = 0
      for (const receiver of all) {
        for (const [client, clock] of finals) {
          if (client !== receiver.doc.clientID) missing += Math.max(0, clock - (receiver.expected.get(client) ?? 0))
        }
      }
      return missing
    }
    // An overloaded target may be seconds behind: wait while its backlog still shrinks, so that
    // "missing" means never delivered, not late (late ones count in the latencies).
    let missing = missingNow()
    let progressed = performance.now()
    const drainLimit = performance.now() + DRAIN_LIMIT_MS
    while (missing > 0 && performance.now() - progressed < DRAIN_STALL_MS && performance.now() < drainLimit) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      const now = missingNow()
      if (now < missing) progressed = performance.now()
      missing = now
    }
    recorder.measuring = false
    const closed = all.filter((c) => c.closedBy !== null).length
    recorder.refused += closed
    return {
      recorder,
      edits,
      awarenessSent,
      missing,
      seconds,
      serverCpu: cpuStart !== null && cpuEnd !== null ? cpuEnd - cpuStart : null,
      rssIdle,
      rssPeak,
      clientCpu: (clientCpu.user + clientCpu.system) / 1e6,
    }
  } finally {
    clearInterval(sampler)
    for (const c of all) c.close()
  }
}

function row(target: 'accord' | 'relay', clients: number, slices: Slice[]): CollabBenchRow {
  const latencies = slices.flatMap((s) => s.recorder.latencies).sort((a, b) => a - b)
  const awareness = slices.flatMap((s) => s.recorder.awarenessLatencies).sort((a, b) => a - b)
  const seconds = slices.reduce((n, s) => n + s.seconds, 0)
  const sum = (f: (s: Slice) => number) => slices.reduce((n, s) => n + f(s), 0)
  const serverCpu = slices.every((s) => s.serverCpu !== null) ? sum((s) => s.serverCpu!) : null
  const peaks = slices.map((s) => s.rssPeak).filter((n): n is number => n !== null)
  const idle = slices.map((s) => s.rssIdle).filter((n): n is number => n !== null)
  const receivers = Math.max(1, clients - 1)
  return {
    target,
    clients,
    edits: sum((s) => s.edits),
    editsPerSecond: sum((s) => s.recorder.deliveries) / receivers / seconds,
    deliveriesPerSecond: sum((s) => s.recorder.deliveries) / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies[latencies.length - 1] ?? NaN,
    missing: sum((s) => s.missing),
    reordered: sum((s) => s.recorder.reordered),
    refused: sum((s) => s.recorder.refused),
    awarenessSentPerSecond: sum((s) => s.awarenessSent) / seconds,
    awarenessPerSecond: sum((s) => s.recorder.awarenessDeliveries) / seconds,
    awarenessKBPerSecond: sum((s) => s.recorder.awarenessBytes) / 1024 / seconds,
    awarenessP50Ms: percentile(awareness, 50),
    awarenessP99Ms: percentile(awareness, 99),
    messagesPerSecond: sum((s) => s.recorder.messages) / seconds,
    receivedKBPerSecond: sum((s) => s.recorder.bytes) / 1024 / seconds,
    serverCpuPercent: serverCpu === null ? null : (serverCpu / seconds) * 100,
    serverRssIdleMB: idle.length ? Math.min(...idle) : null,
    serverRssPeakMB: peaks.length ? Math.max(...peaks) : null,
    clientCpuPercent: (sum((s) => s.clientCpu) / seconds) * 100,
  }
}

/**
 * For each client count, both targets run side by side (idle while the other is measured) and
 * are measured in alternating slices (relay, Accord, Accord, relay), so that whatever else the
 * machine is doing weighs on both alike.
 */
export async function runCollabBench(options: CollabBenchOptions): Promise<CollabBenchReport> {
  // For profiling one target (BENCH_TARGET=accord, with BENCH_SERVER_NODE_ARGS='--cpu-prof --cpu-prof-dir=DIR').
  const onlyTarget = process.env.BENCH_TARGET as 'accord' | 'relay' | undefined
  const work = mkdtempSync(path.join(tmpdir(), 'accord-bench-'))
  const seedFile = path.join(work, 'seed.bin')
  writeFileSync(seedFile, seedState(importText(sampleTreatyText()).doc))
  const rows: CollabBenchRow[] = []
  const sliceMs = options.durationMs / 2
  try {
    for (const clients of options.clients) {
      const relay = await startBareRelay(seedFile)
      const accord = await startAccord(path.join(work, `data-${clients}`), clients).catch(async (error: unknown) => {
        await stopProcess(relay.process)
        throw error
      })
      try {
        const slices = { relay: [] as Slice[], accord: [] as Slice[] }
        for (const kind of ['relay', 'accord', 'accord', 'relay'] as const) {
          if (onlyTarget && kind !== onlyTarget) continue
          slices[kind].push(await measure(kind === 'relay' ? relay : accord, clients, options, sliceMs))
        }
        if (slices.relay.length) rows.push(row('relay', clients, slices.relay))
        if (slices.accord.length) rows.push(row('accord', clients, slices.accord))
      } finally {
        await Promise.all([stopProcess(relay.process), stopProcess(accord.process)])
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
  const ratios = options.clients.flatMap((clients) => {
    const a = rows.find((r) => r.target === 'accord' && r.clients === clients)
    const r = rows.find((row) => row.target === 'relay' && row.clients === clients)
    if (!a || !r) return []
    return [{
      clients,
      p50: a.p50Ms / r.p50Ms,
      p99: a.p99Ms / r.p99Ms,
      throughput: a.editsPerSecond / r.editsPerSecond,
      cpu: a.serverCpuPercent !== null && r.serverCpuPercent !== null ? a.serverCpuPercent / r.serverCpuPercent : null,
      rss: a.serverRssPeakMB !== null && r.serverRssPeakMB !== null ? a.serverRssPeakMB / r.serverRssPeakMB : null,
    }]
  })
  return { options, machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`, rows, ratios }
}

/** The report as Markdown: latency and checks, then load (awareness, traffic, CPU, memory), then ratios against the relay. */
export function formatReport(report: CollabBenchReport): string {
  const { options } = report
  const f = (n: number | null, digits = 1) => (n !== null && Number.isFinite(n) ? n.toFixed(digits) : '–')
  const awareness = options.awareness !== false
  const lines = [
    `${options.durationMs / 1000} s measured per target and client count, in two alternating slices each after a 1 s warm-up; each client types ${options.editsPerSecond[0]}–${options.editsPerSecond[1]} characters/s into a paragraph of the sample treaty${awareness ? ' and sends its cursor (awareness) with every keystroke' : ''}. Accord: the chair and delegations of ${STATES.length} States in turn, each with its own token and ticket, open drafting on, durable SQLite (synchronous=${(process.env.ACCORD_DURABILITY ?? 'full').toUpperCase()}), every check on. Goal: p99 within 1.25× of the relay; no edit missing or out of order. ${report.machine}.`,
    '',
    '| clients | target | edits | deliveries/s | p50 ms | p99 ms | max ms | missing | out of order | refused | awareness p50 / p99 ms |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...report.rows.map(
      (r) =>
        `| ${r.clients} | ${r.target} | ${r.edits} | ${f(r.deliveriesPerSecond, 0)} | ${f(r.p50Ms, 2)} | ${f(r.p99Ms, 2)} | ${f(r.maxMs, 1)} | ${r.missing} | ${r.reordered} | ${r.refused} | ${awareness ? `${f(r.awarenessP50Ms, 2)} / ${f(r.awarenessP99Ms, 2)}` : '–'} |`,
    ),
    '',
    '| clients | target | awareness sent/s | awareness delivered/s | awareness KiB/s | messages/s | received KiB/s | server CPU | server RSS idle → peak MiB | clients CPU |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...report.rows.map(
      (r) =>
        `| ${r.clients} | ${r.target} | ${f(r.awarenessSentPerSecond, 0)} | ${f(r.awarenessPerSecond, 0)} | ${f(r.awarenessKBPerSecond, 0)} | ${f(r.messagesPerSecond, 0)} | ${f(r.receivedKBPerSecond, 0)} | ${r.serverCpuPercent === null ? '–' : `${f(r.serverCpuPercent, 0)} %`} | ${f(r.serverRssIdleMB, 0)} → ${f(r.serverRssPeakMB, 0)} | ${f(r.clientCpuPercent, 0)} % |`,
    ),
    '',
    '| clients | p50 Accord ÷ relay | p99 Accord ÷ relay | throughput Accord ÷ relay | server CPU Accord ÷ relay | peak RSS Accord ÷ relay |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
    ...report.ratios.map((r) => `| ${r.clients} | ${f(r.p50, 2)}× | ${f(r.p99, 2)}× | ${f(r.throughput, 2)}× | ${f(r.cpu, 2)}× | ${f(r.rss, 2)}× |`),
  ]
  return lines.join('\n')
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`)
    return i >= 0 ? process.argv[i + 1] : undefined
  }
  const clients = (arg('clients') ?? '10,50,200').split(',').map(Number)
  const rate = (arg('rate') ?? '2,5').split(',').map(Number) as [number, number]
  const report = await runCollabBench({ clients, durationMs: Number(arg('duration') ?? 8000), editsPerSecond: rate, awareness: !process.argv.includes('--no-awareness') })
  console.log(formatReport(report))
  if (process.argv.includes('--json')) console.log(JSON.stringify(report))
  process.exit(0)
}
