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
 * Collaboration benchmark: N clients on one document (the sample treaty), each typing single
 * characters at human speed into its own paragraph, through (a) the Accord server with durable
 * SQLite persistence and every check on, and (b) a bare y-protocols relay (bench/relay.ts), in
 * the same run. Each target runs in its own process; the clients share this one.
 *
 * Clients are lightweight but speak the real protocol over real websockets: sync step 1/2 with
 * a Y.Doc of their own, then Yjs updates made by editing that Y.Doc. After the initial sync a
 * client does not apply what it receives (200 full replicas would measure this process, not the
 * server); it reads the first struct id (client, clock) of each update to match it with the
 * edit's send time. Latency = receive time − send time, per receiving client, same clock.
 *
 * Run alone: `npx tsx bench/collab.ts [--clients 10,50,200] [--duration 8000] [--rate 2,5]`.
 */

export interface CollabBenchOptions {
  clients: number[]
  /** Measured window per target and client count, after a 1 s warm-up. */
  durationMs: number
  /** Each client types at a rate drawn uniformly from this range (edits per second). */
  editsPerSecond: [number, number]
}

export interface CollabBenchRow {
  target: 'accord' | 'relay'
  clients: number
  /** Edits sent in the measured window. */
  edits: number
  /** Edits received by every other client, per second. */
  editsPerSecond: number
  /** Messages delivered to clients, per second. */
  deliveriesPerSecond: number
  p50Ms: number
  p99Ms: number
  maxMs: number
  /** Deliveries that never arrived (should be 0). */
  missing: number
  /** CPU time the server process used, as % of one core, during the window. */
  serverCpuPercent: number | null
  /** CPU time of this process (all the clients), as % of one core: near 100 % means the clients, not the server, set the latencies. */
  clientCpuPercent: number
}

export interface CollabBenchReport {
  options: CollabBenchOptions
  machine: string
  rows: CollabBenchRow[]
  /** Accord ÷ relay per client count (latency: lower is better; throughput: higher is better). */
  ratios: { clients: number; p50: number; p99: number; throughput: number }[]
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const WARMUP_MS = 1000
const DRAIN_MS = 5000

interface Target {
  process: ChildProcess
  url: string
  docId: string
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
    })
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited (${code}):\n${out}\n${err}`)))
  })
}

async function startAccord(dataDir: string): Promise<Target> {
  const { process: child, match } = await startProcess(
    ['server/src/main.ts'],
    { PORT: '0', HOST: '127.0.0.1', ACCORD_DATA: dataDir, ACCORD_LOG: 'warn', ACCORD_SEED_SAMPLE: '1', ACCORD_MAX_CONNECTIONS_PER_ADDRESS: '100000', ACCORD_DURABILITY: 'full' },
    /Accord is running at http:\/\/localhost:(\d+)\/\nSample treaty: \S+\/d\/(\S+)\n/,
  )
  return { process: child, url: `ws://127.0.0.1:${match[1]}/collab`, docId: match[2] }
}

async function startBareRelay(seedFile: string): Promise<Target> {
  const { process: child, match } = await startProcess(['bench/relay.ts'], { PORT: '0', RELAY_SEED_FILE: seedFile }, /relay listening on (\d+)\n/)
  return { process: child, url: `ws://127.0.0.1:${match[1]}`, docId: 'bench' }
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

/** Shared between the clients of one run: send times of measured edits, received latencies. */
class Recorder {
  /** key(client, clock) → send time; only edits of the measured window. */
  readonly sent = new Map<number, number>()
  readonly remaining = new Map<number, number>()
  latencies: number[] = []
  deliveries = 0
  measuring = false

  static key(client: number, clock: number): number {
    return client * 1_000_000 + clock
  }

  sentEdit(client: number, clock: number, receivers: number): void {
    if (!this.measuring) return
    const k = Recorder.key(client, clock)
    this.sent.set(k, performance.now())
    this.remaining.set(k, receivers)
  }

  received(client: number, clock: number, now: number): void {
    const k = Recorder.key(client, clock)
    const t = this.sent.get(k)
    if (t === undefined) return
    this.latencies.push(now - t)
    this.deliveries++
    const left = (this.remaining.get(k) ?? 1) - 1
    if (left <= 0) this.remaining.delete(k)
    else this.remaining.set(k, left)
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
  private readonly ws: BenchSocket
  private text: Y.XmlText | null = null
  private timer: NodeJS.Timeout | null = null
  private gen: prng.PRNG = prng.create(0)
  readonly ready: Promise<void>
  private resolveReady!: () => void

  constructor(
    url: string,
    private readonly index: number,
    private readonly recorder: Recorder,
    private readonly receivers: number,
  ) {
    this.ready = new Promise((resolve) => (this.resolveReady = resolve))
    this.ws = new BenchSocket(url)
    this.ws.opened.then(
      () => this.ws.send(syncMessage(0, Y.encodeStateVector(this.doc))),
      () => {},
    )
    this.ws.onMessage = (data) => this.onMessage(data)
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== 'remote') this.ws.send(syncMessage(2, update))
    })
  }

  private onMessage(data: Buffer): void {
    const now = performance.now()
    const decoder = decoding.createDecoder(data)
    if (decoding.readVarUint(decoder) !== 0) return
    const type = decoding.readVarUint(decoder)
    const payload = decoding.readVarUint8Array(decoder)
    if (!this.text) {
      if (type === 0) this.ws.send(syncMessage(1, Y.encodeStateAsUpdate(this.doc, payload)))
      else {
        Y.applyUpdate(this.doc, payload, 'remote')
        this.text = pickText(this.doc, this.index)
        if (this.text) this.resolveReady()
      }
      return
    }
    if (type === 0) return
    // The first struct of the update: client sections count, then structs count, client, clock.
    const d = decoding.createDecoder(payload)
    if (decoding.readVarUint(d) === 0) return
    decoding.readVarUint(d)
    const client = decoding.readVarUint(d)
    const clock = decoding.readVarUint(d)
    this.recorder.received(client, clock, now)
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

  private edit(): void {
    const text = this.text!
    const clock = Y.getState(this.doc.store, this.doc.clientID)
    this.recorder.sentEdit(this.doc.clientID, clock, this.receivers)
    text.insert(prng.uint32(this.gen, 0, text.length), prng.letter(this.gen))
  }

  close(): void {
    this.stop()
    this.ws.close()
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
  latencies: number[]
  edits: number
  delivered: number
  deliveries: number
  missing: number
  seconds: number
  serverCpu: number | null
  clientCpu: number
}

/** One measured slice: connect the clients, warm up, type for `durationMs`, drain, disconnect. */
async function measure(target: Target, clients: number, options: CollabBenchOptions, durationMs: number): Promise<Slice> {
  const recorder = new Recorder()
  const all: BenchClient[] = []
  try {
    // Connect in small groups, as people arrive, rather than 200 handshakes at once.
    for (let i = 0; i < clients; i += 25) {
      const group = Array.from({ length: Math.min(25, clients - i) }, (_, j) => new BenchClient(`${target.url}/${target.docId}`, i + j, recorder, clients - 1))
      all.push(...group)
      await Promise.all(group.map((c) => c.ready))
    }
    const [min, max] = options.editsPerSecond
    all.forEach((c, i) => {
      const gen = prng.create(i + 1)
      c.start(min + prng.real53(gen) * (max - min), gen)
    })
    await new Promise((resolve) => setTimeout(resolve, WARMUP_MS))
    recorder.measuring = true
    const cpuStart = cpuSeconds(target.process.pid)
    const clientCpuStart = process.cpuUsage()
    const started = performance.now()
    await new Promise((resolve) => setTimeout(resolve, durationMs))
    recorder.measuring = false
    const seconds = (performance.now() - started) / 1000
    const cpuEnd = cpuSeconds(target.process.pid)
    const clientCpu = process.cpuUsage(clientCpuStart)
    for (const c of all) c.stop()
    const drainUntil = performance.now() + DRAIN_MS
    while (recorder.remaining.size > 0 && performance.now() < drainUntil) await new Promise((resolve) => setTimeout(resolve, 20))
    let missing = 0
    for (const left of recorder.remaining.values()) missing += left
    return {
      latencies: recorder.latencies,
      edits: recorder.sent.size,
      delivered: recorder.sent.size - recorder.remaining.size,
      deliveries: recorder.deliveries,
      missing,
      seconds,
      serverCpu: cpuStart !== null && cpuEnd !== null ? cpuEnd - cpuStart : null,
      clientCpu: (clientCpu.user + clientCpu.system) / 1e6,
    }
  } finally {
    for (const c of all) c.close()
  }
}

function row(target: 'accord' | 'relay', clients: number, slices: Slice[]): CollabBenchRow {
  const latencies = slices.flatMap((s) => s.latencies).sort((a, b) => a - b)
  const seconds = slices.reduce((n, s) => n + s.seconds, 0)
  const sum = (f: (s: Slice) => number) => slices.reduce((n, s) => n + f(s), 0)
  const serverCpu = slices.every((s) => s.serverCpu !== null) ? sum((s) => s.serverCpu!) : null
  return {
    target,
    clients,
    edits: sum((s) => s.edits),
    editsPerSecond: sum((s) => s.delivered) / seconds,
    deliveriesPerSecond: sum((s) => s.deliveries) / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies[latencies.length - 1] ?? NaN,
    missing: sum((s) => s.missing),
    serverCpuPercent: serverCpu === null ? null : (serverCpu / seconds) * 100,
    clientCpuPercent: (sum((s) => s.clientCpu) / seconds) * 100,
  }
}

/**
 * For each client count, both targets run side by side (idle while the other is measured) and
 * are measured in alternating slices (relay, Accord, Accord, relay), so that whatever else the
 * machine is doing weighs on both alike.
 */
export async function runCollabBench(options: CollabBenchOptions): Promise<CollabBenchReport> {
  const work = mkdtempSync(path.join(tmpdir(), 'accord-bench-'))
  const seedFile = path.join(work, 'seed.bin')
  writeFileSync(seedFile, seedState(importText(sampleTreatyText()).doc))
  const rows: CollabBenchRow[] = []
  const sliceMs = options.durationMs / 2
  try {
    for (const clients of options.clients) {
      const relay = await startBareRelay(seedFile)
      const accord = await startAccord(path.join(work, `data-${clients}`)).catch(async (error: unknown) => {
        await stopProcess(relay.process)
        throw error
      })
      try {
        const slices = { relay: [] as Slice[], accord: [] as Slice[] }
        for (const kind of ['relay', 'accord', 'accord', 'relay'] as const) {
          slices[kind].push(await measure(kind === 'relay' ? relay : accord, clients, options, sliceMs))
        }
        rows.push(row('relay', clients, slices.relay), row('accord', clients, slices.accord))
      } finally {
        await Promise.all([stopProcess(relay.process), stopProcess(accord.process)])
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
  const ratios = options.clients.map((clients) => {
    const a = rows.find((r) => r.target === 'accord' && r.clients === clients)!
    const r = rows.find((row) => row.target === 'relay' && row.clients === clients)!
    return { clients, p50: a.p50Ms / r.p50Ms, p99: a.p99Ms / r.p99Ms, throughput: a.editsPerSecond / r.editsPerSecond }
  })
  return { options, machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`, rows, ratios }
}

/** The report as Markdown: one table of measurements, one of ratios against the relay. */
export function formatReport(report: CollabBenchReport): string {
  const { options } = report
  const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–')
  const lines = [
    `${options.durationMs / 1000} s measured per target and client count, in two alternating slices each after a 1 s warm-up; each client types ${options.editsPerSecond[0]}–${options.editsPerSecond[1]} characters/s into its own paragraph of the sample treaty; Accord with durable SQLite persistence (synchronous=FULL), every check on. Goal: p99 within 1.25× of the relay at 200 clients.`,
    '',
    '| clients | target | edits | edits/s delivered | deliveries/s | p50 ms | p99 ms | max ms | missing | server CPU | clients CPU |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...report.rows.map(
      (r) =>
        `| ${r.clients} | ${r.target} | ${r.edits} | ${f(r.editsPerSecond)} | ${f(r.deliveriesPerSecond, 0)} | ${f(r.p50Ms, 2)} | ${f(r.p99Ms, 2)} | ${f(r.maxMs, 1)} | ${r.missing} | ${r.serverCpuPercent === null ? '–' : `${f(r.serverCpuPercent, 0)} %`} | ${f(r.clientCpuPercent, 0)} % |`,
    ),
    '',
    '| clients | p50 Accord ÷ relay | p99 Accord ÷ relay | throughput Accord ÷ relay |',
    '| ---: | ---: | ---: | ---: |',
    ...report.ratios.map((r) => `| ${r.clients} | ${f(r.p50, 2)}× | ${f(r.p99, 2)}× | ${f(r.throughput, 2)}× |`),
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
  const report = await runCollabBench({ clients, durationMs: Number(arg('duration') ?? 8000), editsPerSecond: rate })
  console.log(formatReport(report))
  process.exit(0)
}
