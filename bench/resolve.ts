import { treatySchema } from '@accord/schema'
import { collectGroups, linkedSetDecisions, resolveLinkedSet } from '@accord/bracket-variants/prosemirror'
import type { Node as PMNode } from 'prosemirror-model'
import { EditorState, type Transaction } from 'prosemirror-state'
import type * as Y from 'yjs'
import { onResolveTimings, type ResolveTimings } from '../server/src/brackets'
import { HeadlessEditor } from '../server/src/fuzz/HeadlessEditor'
import { connectClient, invite, removeDir, startTestServer, tempDir, waitFor, type TestClient } from '../server/src/testing'
import { generateLargeTreaty, type LargeTreatySpec } from './largeTreaty'

/*
 * Resolving a linked set (`[Protocol][Agreement]` × N) on a generated treaty, as it happens
 * now: the facilitator's `POST /api/documents/:id/resolutions {set, choose}` to a real server,
 * which makes the change in one Yjs transaction (text and audit entry), stores it and
 * broadcasts it; two peers, each a y-websocket client with a headless editor that runs the
 * editor's ySyncPlugin (server/src/fuzz/HeadlessEditor.ts), show it. Timed: the server's work
 * in-process, in parts (onResolveTimings), the HTTP answer, and when each peer has received the
 * update and when its editor shows it, all from the moment the request is sent.
 *
 * The baseline, measured in the same run: N plain ProseMirror `replaceWith` at known positions
 * + apply (the floor any resolution costs), and the pure ProseMirror command on an EditorState.
 * Each run uses a fresh document of the same server. A second series has a delegate type a
 * character between the listing and the resolution (the server reads that change and lists the
 * groups again), for the parts only.
 *
 * Run alone: `npx tsx bench/resolve.ts [--size large|medium|sample] [--runs N]`.
 */

/** The server's parts of one resolution, ms (see ResolveTimings in server/src/brackets.ts). */
export type ServerParts = Omit<ResolveTimings, 'groups'>

export interface ResolveResult {
  spec: LargeTreatySpec
  members: number
  runs: number
  /** Baseline: N `tr.replaceWith` at known positions + apply (p50). */
  plainReplaceMs: number
  /** The pure ProseMirror command `resolveLinkedSet` on an EditorState, applied (p50). */
  commandMs: number
  /** The server's transaction, in parts (p50 of each part; `total` is the p50 of totals). */
  server: ServerParts
  /** The fastest run's server transaction (the least disturbed by the machine's other work). */
  serverBestMs: number
  /** The same with a delegate's keystroke between the listing and the resolution (p50 of each part): the server reads that change and lists the groups again. */
  serverAfterTyping: ServerParts
  /** From sending the request to its answer (p50). */
  httpMs: number
  /** The update as a peer receives it. */
  updateBytes: number
  /** From sending the request to the update arriving at the peer, for each peer (p50), and the slower (p50 of max). */
  peerReceivedMs: number[]
  /** …and to the peer's editor (ySyncPlugin) showing the resolved text. */
  peerShownMs: number[]
  everyPeerShownMs: number
  /** The slowest run's "every peer shows it". */
  everyPeerShownMaxMs: number
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

function setCount(doc: PMNode): { key: string; count: number } {
  const counts = new Map<string, number>()
  for (const g of collectGroups(doc)) {
    if (g.alternatives.join('|') === 'Protocol|Agreement') counts.set(g.key, (counts.get(g.key) ?? 0) + 1)
  }
  const [key, count] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0] ?? ['', 0]
  return { key, count }
}

/** The pure ProseMirror figures: the command, and the plain replacements it cannot beat. */
function proseMirrorBaseline(doc: PMNode, key: string, members: number, runs: number): { plainReplaceMs: number; commandMs: number } {
  const command: number[] = []
  const plain: number[] = []
  for (let r = -1; r < runs; r++) {
    let state = EditorState.create({ schema: treatySchema, doc })
    let t0 = performance.now()
    if (!resolveLinkedSet(key, 0)(state, (tr) => (state = state.apply(tr)))) throw new Error('resolveLinkedSet refused')
    const commandMs = performance.now() - t0
    if (setCount(state.doc).count !== 0) throw new Error('the linked set is still open after the command')
    const base = EditorState.create({ schema: treatySchema, doc })
    const positions = [...linkedSetDecisions(base, key, 0).keys()].sort((a, b) => b - a)
    if (positions.length !== members) throw new Error(`${positions.length} groups found, expected ${members}`)
    t0 = performance.now()
    const tr: Transaction = base.tr
    for (const pos of positions) {
      const node = tr.doc.nodeAt(pos)!
      tr.replaceWith(pos, pos + node.nodeSize, node.child(0).content)
    }
    base.apply(tr)
    const plainMs = performance.now() - t0
    if (r < 0) continue // warm-up
    command.push(commandMs)
    plain.push(plainMs)
  }
  return { plainReplaceMs: median(plain), commandMs: median(command) }
}

interface Peer {
  client: TestClient
  editor: HeadlessEditor
  receivedAt: number
  shownAt: number
  bytes: number
}

function peer(client: TestClient): Peer {
  // The binding's first render of a still-empty fragment selects in the bare doc; ProseMirror
  // warns about that selection, which the first sync replaces.
  const warn = console.warn
  console.warn = (...args: unknown[]) => void (String(args[0]).startsWith('TextSelection endpoint') || warn(...args))
  let editor: HeadlessEditor
  try {
    editor = new HeadlessEditor(client.doc.getXmlFragment('treaty'), true)
  } finally {
    console.warn = warn
  }
  const p: Peer = { client, editor, receivedAt: 0, shownAt: 0, bytes: 0 }
  // A remote transaction: it starts when y-websocket applies the update; by its end ySyncPlugin's
  // observer has rendered it into the editor's state.
  client.doc.on('beforeTransaction', (t: Y.Transaction) => {
    if (!t.local && !p.receivedAt) p.receivedAt = performance.now()
  })
  client.doc.on('afterTransaction', (t: Y.Transaction) => {
    if (!t.local && p.receivedAt && !p.shownAt) p.shownAt = performance.now()
  })
  // Emitted after afterTransaction: the first update from the server once timing started.
  client.doc.on('update', (u: Uint8Array, origin: unknown) => {
    if (origin === client.provider && p.receivedAt && !p.bytes) p.bytes = u.length
  })
  return p
}

export async function runResolveBench(spec: LargeTreatySpec, runs = 5): Promise<ResolveResult> {
  const treaty = generateLargeTreaty(spec)
  const { key, count } = setCount(treaty.doc)
  if (count !== spec.linkedSet) throw new Error(`the linked set has ${count} members, expected ${spec.linkedSet}`)
  const baseline = proseMirrorBaseline(treaty.doc, key, count, runs)

  const dataDir = tempDir('accord-bench-resolve-')
  const server = await startTestServer({ dataDir, durability: 'normal' })
  const parts: ServerParts[] = []
  const typedParts: ServerParts[] = []
  const http: number[] = []
  const received: number[][] = [[], []]
  const shown: number[][] = [[], []]
  const every: number[] = []
  let updateBytes = 0
  let last: ResolveTimings | null = null
  onResolveTimings((t) => (last = t))
  try {
    // The first runs as the facilitator works in a quiet room: the listing, then the resolution
    // (one version of the treaty); the last ones with a delegate typing a character in between,
    // so the server reads that change and finds the groups again.
    for (const typing of [false, true]) {
      for (let r = -1; r < runs; r++) {
        const record = await server.documents.create(treaty.doc)
        const { token } = invite(server, record.id, 'facilitator', { name: 'Chair' })
        const peers = [peer(connectClient(server, record.id)), peer(connectClient(server, record.id))]
        try {
          await waitFor(() => peers.every((p) => p.client.provider.synced && setCount(p.editor.doc).count === count), 'both peers synced and showing the treaty', 120_000)
          const base = `http://127.0.0.1:${server.port}/api/documents/${record.id}`
          const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
          const list = (await (await fetch(`${base}/brackets`, { headers })).json()) as { sets: { id: string; alternatives: string[]; count: number }[] }
          const set = list.sets.find((s) => s.alternatives.join('|') === 'Protocol|Agreement')
          if (!set || set.count !== count) throw new Error(`the server lists the linked set with ${set?.count} members, expected ${count}`)
          if (typing) {
            // At the end of the title; the other peer showing it means the server has it.
            const title = peers[0].editor.doc.firstChild!.firstChild!
            const typed = title.textContent + '.'
            peers[0].editor.run((state, dispatch) => {
              dispatch?.(state.tr.insertText('.', title.nodeSize))
              return true
            })
            await waitFor(() => peers[1].editor.doc.firstChild!.firstChild!.textContent === typed, 'the other peer to show the typed character', 120_000)
          }
          for (const p of peers) p.receivedAt = p.shownAt = p.bytes = 0
          last = null
          const t0 = performance.now()
          const res = await fetch(`${base}/resolutions`, { method: 'POST', headers, body: JSON.stringify({ set: set.id, choose: 'Protocol' }) })
          const answeredAt = performance.now()
          const answer = (await res.json()) as { resolved?: number }
          if (res.status !== 200 || answer.resolved !== count) throw new Error(`the resolution answered ${res.status} ${JSON.stringify(answer)}`)
          await waitFor(() => peers.every((p) => p.shownAt), 'both peers to show the resolution', 120_000)
          for (const p of peers) if (setCount(p.editor.doc).count !== 0) throw new Error('a peer still shows the linked set after the resolution')
          if (!peers[0].editor.doc.eq(peers[1].editor.doc)) throw new Error('the two peers show different documents')
          const timings = last as ResolveTimings | null
          if (!timings || timings.groups !== count) throw new Error('the server reported no timings for the resolution')
          if (r < 0) continue // warm-up
          const { groups: _groups, ...rest } = timings
          if (typing) {
            typedParts.push(rest)
            continue
          }
          parts.push(rest)
          http.push(answeredAt - t0)
          peers.forEach((p, i) => {
            received[i].push(p.receivedAt - t0)
            shown[i].push(p.shownAt - t0)
          })
          every.push(Math.max(...peers.map((p) => p.shownAt - t0)))
          updateBytes = peers[0].bytes
        } finally {
          for (const p of peers) {
            p.editor.destroy()
            p.client.destroy()
          }
        }
      }
    }
  } finally {
    onResolveTimings(null)
    await server.close()
    removeDir(dataDir)
  }
  const p50 = (all: ServerParts[]) => Object.fromEntries(Object.keys(all[0]).map((k) => [k, median(all.map((p) => p[k as keyof ServerParts]))])) as unknown as ServerParts
  return {
    spec,
    members: count,
    runs,
    ...baseline,
    server: p50(parts),
    serverBestMs: Math.min(...parts.map((p) => p.total)),
    serverAfterTyping: p50(typedParts),
    httpMs: median(http),
    updateBytes,
    peerReceivedMs: received.map(median),
    peerShownMs: shown.map(median),
    everyPeerShownMs: median(every),
    everyPeerShownMaxMs: Math.max(...every),
  }
}

export function formatResolve(r: ResolveResult): string {
  const ms = (x: number) => `${x.toFixed(1)} ms`
  const ratio = (x: number) => `${(x / r.plainReplaceMs).toFixed(1)}×`
  const s = r.server
  const row = (what: string, x: number) => `| ${what} | ${ms(x)} | ${ratio(x)} |`
  return [
    `${r.spec.articles} articles, ${r.spec.openGroups} open groups, linked set of ${r.members}: the facilitator's \`POST …/resolutions {set, choose}\` to a real server, two peers (y-websocket + ySyncPlugin in a headless editor). p50 of ${r.runs} runs, each on a fresh document; goal: the server's transaction < 100 ms, every peer shows it < 1 s.`,
    '',
    '| step | time | vs baseline |',
    '| --- | ---: | ---: |',
    row(`baseline: ${r.members} plain \`replaceWith\` at known positions + apply`, r.plainReplaceMs),
    row('the pure ProseMirror command `resolveLinkedSet`, applied', r.commandMs),
    row('**server: the resolution, one Yjs transaction**', s.total),
    row('— fastest run', r.serverBestMs),
    row('— CPU time of the process meanwhile (GC threads included; wall time also counts waiting for a core)', s.cpu),
    row("— read the treaty from Y (the room's mirror: what changed since its last read)", s.read),
    row('— find the groups and the set (ids, keys, locations; once per version of the treaty, the listing did it)', s.analyse),
    row('— build the change (ProseMirror transaction)', s.change),
    row('— write it into Y (changed blocks only)', s.writeY),
    row('— anchors for reopening (relative positions, context)', s.anchors),
    row('— audit entry', s.audit),
    row(`— end of the transaction (encode the update, ${(r.updateBytes / 1024).toFixed(1)} KB; the room queues it)`, s.commit),
    row('**server, after a delegate typed a character since the listing**', r.serverAfterTyping.total),
    row('— read the change from Y', r.serverAfterTyping.read),
    row('— find the groups and the set again', r.serverAfterTyping.analyse),
    row('HTTP answer, from sending the request', r.httpMs),
    ...r.peerReceivedMs.map((x, i) => row(`peer ${'AB'[i]}: update received, from sending the request`, x)),
    ...r.peerShownMs.map((x, i) => row(`peer ${'AB'[i]}: its editor shows it, from sending the request`, x)),
    row('**every peer shows it** (slowest run)', r.everyPeerShownMaxMs),
    '',
    'The server and both peers run in this one process: peer B receives the update after peer A has rendered it, so its figures include A\'s work.',
  ].join('\n')
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { TREATY_SIZES } = await import('./largeTreaty')
  const arg = (name: string) => {
    const i = process.argv.indexOf(name)
    return i >= 0 ? process.argv[i + 1] : undefined
  }
  const size = (arg('--size') ?? 'large') as keyof typeof TREATY_SIZES
  console.log(formatResolve(await runResolveBench(TREATY_SIZES[size], Number(arg('--runs') ?? 5))))
  process.exit(0)
}
