import { treatySchema } from '@accord/schema'
import { collectGroups, linkedSetDecisions, resolveInTransaction, resolveLinkedSet } from '@accord/bracket-variants/prosemirror'
import type { Node as PMNode } from 'prosemirror-model'
import { EditorState, type Transaction } from 'prosemirror-state'
import { initProseMirrorDoc, updateYFragment } from 'y-prosemirror'
import * as Y from 'yjs'
import { connectClient, removeDir, startTestServer, tempDir, waitFor, type TestClient } from '../server/src/testing'
import { generateLargeTreaty, type LargeTreatySpec } from './largeTreaty'

/*
 * Resolving a linked set (`[Protocol][Agreement]` × N) on a generated treaty: the command
 * (`resolveLinkedSet`) as one transaction on an EditorState, split into finding the groups and
 * building/applying the transaction, against the same number of plain ProseMirror
 * replacements (positions known in advance: the floor any resolution costs). Then the same
 * resolution between two peers through the real server: peer A applies it to its state and
 * writes it into Y with y-prosemirror's `updateYFragment` (as ySyncPlugin does), peer B
 * receives the update and rebuilds its ProseMirror document from Y.
 *
 * Run alone: `npx tsx bench/resolve.ts [--size large|medium|sample]`.
 */

export interface ResolveResult {
  spec: LargeTreatySpec
  members: number
  /** p50 over runs, each on a fresh state. */
  findMs: number
  transactionMs: number
  applyMs: number
  commandMs: number
  /** Baseline: N `tr.replaceWith` at known positions + apply. */
  plainReplaceMs: number
  /** Peer A: updateYFragment after the command (y-prosemirror's write into Y). */
  yWriteMs: number
  updateBytes: number
  /** From the command on A to the update applied on B's Y.Doc (through the server). */
  peerReceivedMs: number
  /** …and B's ProseMirror document rebuilt from Y (a full rebuild: an upper bound of what ySyncPlugin does). */
  peerShownMs: number
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

function setKey(doc: PMNode): { key: string; count: number } {
  const counts = new Map<string, number>()
  for (const g of collectGroups(doc)) {
    const alts = g.group.alternatives.map((a) => a.map((i) => (i.type === 'text' ? i.text : '')).join(''))
    if (alts.join('|') === 'Protocol|Agreement') counts.set(g.key, (counts.get(g.key) ?? 0) + 1)
  }
  const [key, count] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0] ?? ['', 0]
  return { key, count }
}

export async function runResolveBench(spec: LargeTreatySpec, runs = 5): Promise<ResolveResult> {
  const treaty = generateLargeTreaty(spec)
  const { key, count } = setKey(treaty.doc)
  if (count !== spec.linkedSet) throw new Error(`the linked set has ${count} members, expected ${spec.linkedSet}`)

  const find: number[] = []
  const transaction: number[] = []
  const apply: number[] = []
  const command: number[] = []
  const plain: number[] = []
  for (let r = -1; r < runs; r++) {
    // The command, as the editor runs it.
    let state = EditorState.create({ schema: treatySchema, doc: treaty.doc })
    let t0 = performance.now()
    let ok = resolveLinkedSet(key, 0)(state, (tr) => (state = state.apply(tr)))
    const total = performance.now() - t0
    if (!ok) throw new Error('resolveLinkedSet refused')
    if (setKey(state.doc).count !== 0) throw new Error('the linked set is still open after the resolution')
    // The same, in parts.
    state = EditorState.create({ schema: treatySchema, doc: treaty.doc })
    t0 = performance.now()
    const decisions = linkedSetDecisions(state, key, 0)
    const t1 = performance.now()
    const findMs = t1 - t0
    const tr = state.tr
    resolveInTransaction(tr, decisions)
    const t2 = performance.now()
    state.apply(tr)
    const t3 = performance.now()
    if (decisions.size !== spec.linkedSet) throw new Error(`${decisions.size} decisions, expected ${spec.linkedSet}`)
    // Baseline: the same replacements with the positions known, no bracket engine.
    const base = EditorState.create({ schema: treatySchema, doc: treaty.doc })
    const positions = [...decisions.keys()].sort((a, b) => b - a)
    t0 = performance.now()
    const ptr: Transaction = base.tr
    for (const pos of positions) {
      const node = ptr.doc.nodeAt(pos)!
      ptr.replaceWith(pos, pos + node.nodeSize, node.child(0).content)
    }
    base.apply(ptr)
    const plainMs = performance.now() - t0
    if (r < 0) continue // warm-up
    command.push(total)
    find.push(findMs)
    transaction.push(t2 - t1)
    apply.push(t3 - t2)
    plain.push(plainMs)
  }

  // Two peers through the real server.
  const dataDir = tempDir('accord-bench-resolve-')
  let a: TestClient | undefined
  let b: TestClient | undefined
  const server = await startTestServer({ dataDir, durability: 'normal' })
  try {
    const record = await server.documents.create(treaty.doc)
    a = connectClient(server, record.id)
    b = connectClient(server, record.id)
    await waitFor(() => a!.provider.synced && b!.provider.synced, 'both peers synced', 60_000)
    const fragA = a.doc.getXmlFragment('treaty')
    const fragB = b.doc.getXmlFragment('treaty')
    const initial = initProseMirrorDoc(fragA, treatySchema)
    let state = EditorState.create({ schema: treatySchema, doc: initial.doc })
    let receivedAt = 0
    let shownAt = 0
    let shownDoc: PMNode | null = null
    b.doc.on('afterTransaction', (t: Y.Transaction) => {
      if (t.local || receivedAt) return
      receivedAt = performance.now()
      shownDoc = initProseMirrorDoc(fragB, treatySchema).doc
      shownAt = performance.now()
    })
    let updateBytes = 0
    a.doc.on('update', (u: Uint8Array) => (updateBytes += u.length))
    const t0 = performance.now()
    resolveLinkedSet(key, 0)(state, (tr) => (state = state.apply(tr)))
    const t1 = performance.now()
    a.doc.transact(() => updateYFragment(a!.doc, fragA, state.doc, initial.meta), 'bench')
    const t2 = performance.now()
    await waitFor(() => shownAt, 'peer B to receive the resolution', 60_000)
    if (!shownDoc || setKey(shownDoc).count !== 0) throw new Error('peer B still shows the linked set')
    return {
      spec,
      members: count,
      findMs: median(find),
      transactionMs: median(transaction),
      applyMs: median(apply),
      commandMs: median(command),
      plainReplaceMs: median(plain),
      yWriteMs: t2 - t1,
      updateBytes,
      peerReceivedMs: receivedAt - t0,
      peerShownMs: shownAt - t0,
    }
  } finally {
    a?.destroy()
    b?.destroy()
    await server.close()
    removeDir(dataDir)
  }
}

export function formatResolve(r: ResolveResult): string {
  return [
    `${r.spec.articles} articles, ${r.spec.openGroups} open groups, linked set of ${r.members} (p50 of runs on fresh states; goal: command < 100 ms, every peer within 1 s).`,
    '',
    '| step | time | vs plain replacements |',
    '| --- | ---: | ---: |',
    `| \`resolveLinkedSet\` command, one transaction, applied | ${r.commandMs.toFixed(1)} ms | ${(r.commandMs / r.plainReplaceMs).toFixed(2)}× |`,
    `| — find the groups (\`linkedSetDecisions\`) | ${r.findMs.toFixed(1)} ms | |`,
    `| — build the transaction | ${r.transactionMs.toFixed(1)} ms | |`,
    `| — \`state.apply\` | ${r.applyMs.toFixed(1)} ms | |`,
    `| baseline: ${r.members} plain \`replaceWith\` at known positions + apply | ${r.plainReplaceMs.toFixed(1)} ms | 1.00× |`,
    `| peer A: \`updateYFragment\` (write into Y), update ${(r.updateBytes / 1024).toFixed(1)} KB | ${r.yWriteMs.toFixed(1)} ms | |`,
    `| peer B: update received, from A's command (via the server) | ${r.peerReceivedMs.toFixed(1)} ms | |`,
    `| peer B: ProseMirror doc rebuilt from Y, from A's command | ${r.peerShownMs.toFixed(1)} ms | |`,
  ].join('\n')
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { TREATY_SIZES } = await import('./largeTreaty')
  const i = process.argv.indexOf('--size')
  const size = (i >= 0 ? process.argv[i + 1] : 'large') as keyof typeof TREATY_SIZES
  console.log(formatResolve(await runResolveBench(TREATY_SIZES[size])))
  process.exit(0)
}
