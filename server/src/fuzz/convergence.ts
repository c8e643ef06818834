import { createHash } from 'node:crypto'
import path from 'node:path'
import {
  addAlternative,
  addArticle,
  addParagraph,
  atBlockEdge,
  bracketSelection,
  exitInlineBackward,
  exitInlineForward,
  indentParagraph,
  joinParagraphBackward,
  joinParagraphForward,
  outdentParagraph,
  splitParagraph,
} from '@accord/commands'
import { outline, treatySchema } from '@accord/schema'
import * as prng from 'lib0/prng'
import type { Node as PMNode } from 'prosemirror-model'
import { chainCommands, deleteSelection } from 'prosemirror-commands'
import { TextSelection, type Command } from 'prosemirror-state'
import { yXmlFragmentToProseMirrorRootNode } from 'y-prosemirror'
import * as Y from 'yjs'
import { AmendmentError, decideAmendment, listAmendments, proposeAmendment } from '../amendments'
import { readAudit, type Actor } from '../audit'
import { BracketActionError, listBrackets, reopen, resolve } from '../brackets'
import { structureChange } from '../checkUpdate'
import type { Participant } from '../participants'
import type { AccordServer } from '../server'
import { DATABASE_FILE, SqliteStorage } from '../SqliteStorage'
import { connectClient, invite, removeDir, startTestServer, tempDir, waitFor, type TestClient } from '../testing'
import { readTreaty } from '../treatyDoc'
import { HeadlessEditor } from './HeadlessEditor'

/*
 * Randomised convergence through the real server, in the style of Yjs's own tests: peers
 * (facilitators and delegations with open drafting) each hold a headless editor bound to their
 * own Y.Doc and a stock y-websocket client; a seeded generator picks who does what — the
 * editor's commands (and undo), resolutions, reopenings, amendments proposed and decided through
 * the API (over HTTP or in-process), disconnects and offline periods — and at the end every
 * peer, the server's document and the document reloaded from disk must be the same valid treaty.
 * Every write a delegation's editor lets through is checked on the spot with the server's own
 * rule (`structureChange`), so a write the server would refuse fails at the operation that made it.
 *
 * Determinism: local edits are synchronous and the network only runs while the run awaits, which
 * it does at flush points (every online peer and the server hold the same state) and around HTTP
 * calls (flushed before and after); client ids are fixed. So a seed replays the same operations
 * on the same states and ends on the same treaty (`finalDigest`), up to how the server happened
 * to batch broadcasts (which decides only how often a peer re-renders).
 */

export interface ConvergenceOptions {
  seed: number
  facilitators?: number
  delegations?: number
  /** Operations per run. */
  steps?: number
  /** Called with one line per operation (for replaying a failing seed). */
  trace?: (line: string) => void
}

export interface ConvergenceStats {
  seed: number
  peers: number
  steps: number
  /** Operations that changed a peer's text or the server's, by kind. */
  applied: Record<string, number>
  /** Operations that did not apply (a command declined, a stale quote, a group resolved meanwhile), by kind. */
  declined: Record<string, number>
  /** Local transactions that delegations' structure guard refused (as the editor does). */
  guarded: number
  disconnects: number
  flushes: number
  /** Size of the final treaty (characters of text). */
  finalTextLength: number
  /** SHA-256 (12 hex digits) of the final treaty's JSON: the same seed should give the same digest. */
  finalDigest: string
}

const STATES = ['FR', 'CN', 'US', 'BR', 'IN', 'ZA', 'DE', 'JP', 'MX', 'KE', 'NG', 'AU', 'EG', 'AR']
const WORDS = ['shall', 'may', 'Parties', 'Protocol', ' ', ', ', 'in good faith', '议定书', '协议', 'État', 'ñ', 'x', '1', '(a)', '. ']

interface Peer {
  name: string
  role: 'facilitator' | 'delegation'
  participant: Participant
  token: string
  client: TestClient
  editor: HeadlessEditor
  online: boolean
}

/** A treaty with a preamble, articles of several paragraphs and a few open bracket groups. */
export function fuzzTreaty(): PMNode {
  const s = treatySchema
  const t = (text: string) => s.text(text)
  const br = (...alts: string[]) => s.node('bracket', null, alts.map((a) => s.node('alternative', null, a ? [t(a)] : [])))
  const p = (...content: (PMNode | string)[]) => s.node('paragraph', null, content.map((c) => (typeof c === 'string' ? t(c) : c)))
  return s.node('doc', null, [
    s.node('treaty', { lang: 'en' }, [
      s.node('title', null, [t('Protocol on '), br('Testing', 'Trials')]),
      s.node('preamble', null, [s.node('preamble_opening', null, [t('The Parties to this Protocol,')]), s.node('recital', null, [t('Recognizing the '), br('importance', 'urgency'), t(' of testing,')])]),
      s.node('article', null, [p('Each Party ', br('shall', 'should'), ' adopt measures.'), p('The Parties shall cooperate ', br('in good faith'), '.')]),
      s.node('article', null, [p('This ', br('Protocol', 'Agreement'), ' applies to all Parties.'), p('Nothing in this ', br('Protocol', 'Agreement'), ' affects other rights.'), p('Reservations may not be made.')]),
      s.node('article', null, [p('This ', br('Protocol', 'Agreement'), ' enters into force ', br('on signature', 'on ratification', ''), '.')]),
    ]),
  ])
}

/**
 * Fixed client ids, as Yjs's own tests use: the order of concurrent insertions at one place
 * follows them, so random ids would make a seed's final text differ from run to run. Before the
 * first connection; the provider's awareness is keyed by the id too, so it moves with it.
 */
function setClientId(client: TestClient, id: number): void {
  const awareness = client.provider.awareness
  const state = awareness.getLocalState()
  const meta = awareness.meta.get(awareness.clientID)
  awareness.states.delete(awareness.clientID)
  awareness.meta.delete(awareness.clientID)
  client.doc.clientID = id
  awareness.clientID = id
  if (state !== null) awareness.states.set(id, state)
  if (meta) awareness.meta.set(id, meta)
}

type Op = (peer: Peer) => Promise<string | null> | string | null

export async function runConvergence(options: ConvergenceOptions): Promise<ConvergenceStats> {
  const gen = prng.create(options.seed)
  const nFac = options.facilitators ?? 3
  const nDel = options.delegations ?? 8
  const steps = options.steps ?? 120
  const trace = options.trace ?? (() => {})
  const stats: ConvergenceStats = { seed: options.seed, peers: nFac + nDel, steps, applied: {}, declined: {}, guarded: 0, disconnects: 0, flushes: 0, finalTextLength: 0, finalDigest: '' }
  const count = (table: Record<string, number>, key: string) => (table[key] = (table[key] ?? 0) + 1)

  // Each y-websocket provider listens for the process's exit: one listener per peer is expected.
  process.setMaxListeners(Math.max(process.getMaxListeners(), nFac + nDel + 10))
  const dir = tempDir('accord-fuzz-')
  let server: AccordServer | null = await startTestServer({ dataDir: dir })
  const peers: Peer[] = []
  try {
    const docId = (await server.documents.create(fuzzTreaty())).id
    const base = `http://127.0.0.1:${server.port}`
    const api = async (peer: Peer, method: string, pathname: string, body?: unknown): Promise<{ status: number; body: any }> => {
      const res = await fetch(base + pathname, {
        method,
        headers: { authorization: `Bearer ${peer.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      const text = await res.text()
      return { status: res.status, body: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text }
    }

    for (let i = 0; i < nFac + nDel; i++) {
      const role = i < nFac ? 'facilitator' : 'delegation'
      const name = role === 'facilitator' ? `Chair ${i + 1}` : `Delegation of ${STATES[(i - nFac) % STATES.length]}`
      const { participant, token } = invite(server, docId, role, { name, state: role === 'delegation' ? STATES[(i - nFac) % STATES.length] : undefined })
      const client = connectClient(server, docId, { token, connect: false })
      setClientId(client, 100 + i)
      client.provider.connect()
      peers.push({ name, role, participant, token, client, editor: null as unknown as HeadlessEditor, online: true })
    }
    const facilitators = peers.filter((p) => p.role === 'facilitator')
    const delegations = peers.filter((p) => p.role === 'delegation')
    const opened = await api(facilitators[0], 'PATCH', `/api/documents/${docId}/settings`, { openDrafting: true })
    if (opened.status !== 200) throw new Error(`PATCH settings answered ${opened.status}: ${JSON.stringify(opened.body)}`)
    await waitFor(() => peers.every((p) => p.client.provider.synced && p.client.doc.getMap('settings').get('openDrafting') === true), 'every peer to sync and see open drafting')
    // The server's own writes (resolutions, decisions) with a fixed client id too.
    server.rooms.get(docId)!.doc.clientID = 1
    for (const p of peers) p.editor = new HeadlessEditor(p.client.doc.getXmlFragment('treaty'), p.role === 'facilitator')

    const room = () => {
      const r = server!.rooms.get(docId)
      if (!r) throw new Error('the room is not loaded although peers are connected')
      return r
    }
    const checkDenied = () => {
      for (const p of peers) if (p.client.denied.length) throw new Error(`${p.name} was refused a write: ${p.client.denied[0]}`)
    }
    /** Waits until every online peer holds exactly the server's state (and the server every online peer's). */
    const flush = async (what = 'the online peers to converge with the server') => {
      stats.flushes++
      await waitFor(() => {
        if (peers.some((p) => p.client.denied.length)) return true
        const online = peers.filter((p) => p.online)
        if (!online.every((p) => p.client.provider.wsconnected && p.client.provider.synced)) return false
        const r = server!.rooms.get(docId)
        if (!r) return online.length === 0
        const ref = Y.snapshot(r.doc)
        return online.every((p) => Y.equalSnapshots(Y.snapshot(p.client.doc), ref))
      }, what)
      checkDenied()
    }
    const actorOf = (p: Peer): Actor => ({ participant: p.participant.id, name: p.participant.name, role: p.role, state: p.participant.state ?? null })

    // --- positions -------------------------------------------------------------------------

    /** A random position whose parent has inline content (a textblock, alternative, note or placeholder). */
    const inlinePos = (doc: PMNode): number | null => {
      const blocks: { pos: number; node: PMNode }[] = []
      doc.descendants((node, pos) => {
        if (node.inlineContent) blocks.push({ pos, node })
        return true
      })
      if (!blocks.length) return null
      for (let attempt = 0; attempt < 8; attempt++) {
        const b = prng.oneOf(gen, blocks)
        const pos = b.pos + 1 + prng.int32(gen, 0, b.node.content.size)
        if (doc.resolve(pos).parent.inlineContent) return pos
      }
      return null
    }
    /** A random range inside one parent with inline content, at most `max` wide. */
    const rangeIn = (doc: PMNode, max: number): { from: number; to: number } | null => {
      const from = inlinePos(doc)
      if (from === null) return null
      const $from = doc.resolve(from)
      const end = $from.end()
      for (let attempt = 0; attempt < 8; attempt++) {
        const to = Math.min(end, from + prng.int32(gen, 0, max))
        if (doc.resolve(to).parent === $from.parent) return { from, to }
      }
      return { from, to: from }
    }
    const textblockEdge = (doc: PMNode, atStart: boolean): number | null => {
      const blocks: number[] = []
      doc.descendants((node, pos) => {
        if (node.isTextblock) blocks.push(atStart ? pos + 1 : pos + node.nodeSize - 1)
        return !node.isTextblock
      })
      return blocks.length ? prng.oneOf(gen, blocks) : null
    }
    const word = () => (prng.int32(gen, 0, 3) === 0 ? prng.oneOf(gen, WORDS) : prng.word(gen, 1, 7))

    const runOn = (p: Peer, kind: string, command: Command, selection?: { from: number; to?: number }): string | null => {
      const ed = p.editor
      if (selection) ed.select(TextSelection.create(ed.doc, selection.from, selection.to ?? selection.from))
      const guarded = ed.blocked
      // A delegation's write that passed the editor's guard must be one the server accepts:
      // checked here, on the update the command made, so a failure names the operation.
      const before = p.role === 'delegation' ? { doc: ed.doc, y: Y.encodeStateAsUpdate(p.client.doc) } : null
      const updates: Uint8Array[] = []
      const onUpdate = (u: Uint8Array) => updates.push(u)
      p.client.doc.on('update', onUpdate)
      let ok: boolean
      try {
        ok = ed.run(command)
      } finally {
        p.client.doc.off('update', onUpdate)
      }
      if (before && updates.length) {
        const copy = new Y.Doc({ gc: false })
        Y.applyUpdate(copy, before.y)
        for (const u of updates) {
          const change = structureChange(u, copy)
          if (change) {
            throw new Error(
              `${p.name}'s ${kind} at ${JSON.stringify(selection)} passed the editor's structure guard but its update ${change}, which the server refuses.\n` +
                `  before: ${JSON.stringify(before.doc.toJSON())}\n  after:  ${JSON.stringify(ed.doc.toJSON())}`,
            )
          }
          Y.applyUpdate(copy, u)
        }
        copy.destroy()
      }
      if (ed.blocked > guarded) {
        stats.guarded++
        return null
      }
      return ok ? kind : null
    }
    const backspace = chainCommands(deleteSelection, exitInlineBackward, joinParagraphBackward, atBlockEdge(-1))
    const del = chainCommands(deleteSelection, exitInlineForward, joinParagraphForward, atBlockEdge(1))

    // --- the editor's operations -------------------------------------------------------------

    const edits: [number, string, Op][] = [
      [30, 'type', (p) => {
        const r = rangeIn(p.editor.doc, prng.int32(gen, 0, 3) === 0 ? 6 : 0)
        if (!r) return null
        const text = word()
        return runOn(p, 'type', (state, dispatch) => {
          dispatch?.(state.tr.insertText(text, r.from, r.to))
          return true
        })
      }],
      [10, 'deleteRange', (p) => {
        const r = rangeIn(p.editor.doc, 12)
        if (!r || r.from === r.to) return null
        return runOn(p, 'deleteRange', prng.bool(gen) ? backspace : del, r)
      }],
      [3, 'deleteAcrossBlocks', (p) => {
        const doc = p.editor.doc
        const a = inlinePos(doc)
        const b = inlinePos(doc)
        if (a === null || b === null || a === b || Math.abs(a - b) > 60) return null
        return runOn(p, 'deleteAcrossBlocks', deleteSelection, { from: Math.min(a, b), to: Math.max(a, b) })
      }],
      [8, 'backspaceChar', (p) => {
        const pos = inlinePos(p.editor.doc)
        if (pos === null) return null
        const $pos = p.editor.doc.resolve(pos)
        // In plain text the browser deletes a character; at an edge the keymap's chain decides.
        const command: Command = $pos.nodeBefore?.isText ? (state, dispatch) => (dispatch?.(state.tr.delete(pos - 1, pos)), true) : backspace
        return runOn(p, 'backspaceChar', command, { from: pos })
      }],
      [7, 'splitParagraph', (p) => {
        const pos = inlinePos(p.editor.doc)
        return pos === null ? null : runOn(p, 'splitParagraph', splitParagraph, { from: pos })
      }],
      [5, 'joinBackward', (p) => {
        const pos = textblockEdge(p.editor.doc, true)
        return pos === null ? null : runOn(p, 'joinBackward', joinParagraphBackward, { from: pos })
      }],
      [3, 'joinForward', (p) => {
        const pos = textblockEdge(p.editor.doc, false)
        return pos === null ? null : runOn(p, 'joinForward', joinParagraphForward, { from: pos })
      }],
      [4, 'addArticle', (p) => {
        const pos = inlinePos(p.editor.doc)
        if (pos === null || runOn(p, 'addArticle', addArticle, { from: pos }) === null) return null
        // Type the new article's first words, as a delegate would.
        const sel = p.editor.state.selection
        runOn(p, 'type', (state, dispatch) => (dispatch?.(state.tr.insertText(`New article ${word()}`, sel.from)), true))
        return 'addArticle'
      }],
      [3, 'addParagraph', (p) => {
        const pos = inlinePos(p.editor.doc)
        return pos === null ? null : runOn(p, 'addParagraph', addParagraph, { from: pos })
      }],
      [4, 'deleteArticle', (p) => {
        const doc = p.editor.doc
        const articles: { pos: number; node: PMNode }[] = []
        doc.descendants((node, pos) => {
          if (node.type.name === 'article') articles.push({ pos, node })
          return node.type.name !== 'article'
        })
        if (articles.length < 2) return null
        const a = prng.oneOf(gen, articles)
        // Select the article's text from its first block to its last, delete it, then Backspace removes the emptied article.
        let first = -1
        let last = -1
        a.node.descendants((node, pos) => {
          if (node.isTextblock) {
            if (first < 0) first = a.pos + 1 + pos + 1
            last = a.pos + 1 + pos + node.nodeSize - 1
          }
          return !node.isTextblock
        })
        if (first < 0) return null
        if (last > first && runOn(p, 'deleteArticle', deleteSelection, { from: first, to: last }) === null) return null
        const after = p.editor.state.selection.from
        return runOn(p, 'deleteArticle', joinParagraphBackward, { from: after }) ?? 'deleteArticleText'
      }],
      [2, 'indent', (p) => {
        const pos = inlinePos(p.editor.doc)
        return pos === null ? null : runOn(p, 'indent', prng.bool(gen) ? indentParagraph : outdentParagraph, { from: pos })
      }],
      [6, 'bracketSelection', (p) => {
        const r = rangeIn(p.editor.doc, 10)
        return r ? runOn(p, 'bracketSelection', bracketSelection, r) : null
      }],
      [5, 'addAlternative', (p) => {
        const alts: number[] = []
        p.editor.doc.descendants((node, pos) => {
          if (node.type.name === 'alternative') alts.push(pos + 1 + prng.int32(gen, 0, node.content.size))
          return true
        })
        if (!alts.length) return null
        const pos = prng.oneOf(gen, alts)
        if (!p.editor.doc.resolve(pos).parent.inlineContent || runOn(p, 'addAlternative', addAlternative, { from: pos }) === null) return null
        const at = p.editor.state.selection.from
        runOn(p, 'type', (state, dispatch) => (dispatch?.(state.tr.insertText(word(), at)), true))
        return 'addAlternative'
      }],
      [4, 'undo', (p) => runOn(p, 'undo', (_state, dispatch) => (dispatch ? p.editor.undo() : true))],
      [1, 'redo', (p) => runOn(p, 'redo', (_state, dispatch) => (dispatch ? p.editor.redo() : true))],
    ]

    // --- the server's operations (the facilitator's and the delegations' API) ------------------

    /**
     * A call to the server's API on behalf of `peer`. Over HTTP the caller flushes before reading
     * what to ask for (`viaHttp && await flush()`), and the call is followed by a flush: the
     * server acts on a state every online peer shares and every online peer has the result before
     * editing on, so timing cannot change what a seed does. In-process it runs at once, on
     * whatever the server has: concurrent with the online peers' edits still on their way.
     */
    const call = async (peer: Peer, viaHttp: boolean, method: string, pathname: string, body: unknown, inProcess: () => unknown): Promise<{ status: number; body: any }> => {
      if (!viaHttp) {
        try {
          return { status: 200, body: inProcess() }
        } catch (error) {
          if (error instanceof BracketActionError || error instanceof AmendmentError) return { status: error.status, body: { error: { code: error.code, message: error.message } } }
          throw error
        }
      }
      const res = await api(peer, method, pathname, body)
      await flush()
      return res
    }
    const how = (viaHttp: boolean) => (viaHttp ? 'HTTP' : 'in-process')

    const serverOps: [number, string, Op][] = [
      [5, 'resolve', async () => {
        const f = prng.oneOf(gen, facilitators)
        const viaHttp = prng.bool(gen)
        if (viaHttp) await flush()
        const { groups, sets } = listBrackets(room())
        if (!groups.length) return null
        const bySet = sets.length > 0 && prng.int32(gen, 0, 3) === 0
        const target = bySet ? prng.oneOf(gen, sets) : prng.oneOf(gen, groups)
        const choose = target.alternatives.length === 1 && prng.bool(gen) ? '' : prng.oneOf(gen, target.alternatives)
        const body = bySet ? { set: target.id, choose } : { group: target.id, choose }
        const res = await call(f, viaHttp, 'POST', `/api/documents/${docId}/resolutions`, body, () => resolve(room(), actorOf(f), body))
        if (res.status !== 200) throw new Error(`resolving ${JSON.stringify(body)} (${how(viaHttp)}) answered ${res.status}: ${JSON.stringify(res.body)}`)
        return `${bySet ? 'resolveSet' : 'resolve'} ${JSON.stringify(body)} by ${f.name} (${how(viaHttp)})`
      }],
      [2, 'reopen', async () => {
        const f = prng.oneOf(gen, facilitators)
        const viaHttp = prng.bool(gen)
        if (viaHttp) await flush()
        const open = readAudit(room().doc).filter((e) => e.action === 'resolve' && !e.reopenedBy)
        if (!open.length) return null
        const body = { entry: prng.oneOf(gen, open).id }
        const res = await call(f, viaHttp, 'POST', `/api/documents/${docId}/reopenings`, body, () => reopen(room(), actorOf(f), body))
        if (res.status === 409) return null // every group's text deleted since
        if (res.status !== 200) throw new Error(`reopening ${body.entry} (${how(viaHttp)}) answered ${res.status}: ${JSON.stringify(res.body)}`)
        return `reopen ${body.entry} by ${f.name} (${how(viaHttp)})`
      }],
      [4, 'propose', async () => {
        const d = prng.oneOf(gen, delegations)
        const viaHttp = prng.int32(gen, 0, 3) > 0
        if (viaHttp) await flush()
        // The delegation quotes from the text it has (stale when it is offline or edits are on their way).
        const blocks = outline(d.editor.doc).filter((b) => b.location.article !== undefined && b.location.paragraph !== undefined && b.node.type.name === 'paragraph' && b.node.textContent.length > 3)
        if (!blocks.length) return null
        const block = prng.oneOf(gen, blocks)
        let text = ''
        block.node.forEach((child) => {
          if (child.isText && child.text!.length > text.length) text = child.text!
        })
        if (text.length < 2) return null
        const start = prng.int32(gen, 0, text.length - 2)
        const quote = text.slice(start, start + prng.int32(gen, 1, Math.min(15, text.length - start)))
        if (!quote.trim()) return null
        const kind = prng.oneOf(gen, ['replace', 'replace', 'delete', 'insertAfter'] as const)
        const body = { kind, target: { article: block.location.article, paragraph: block.location.paragraph, quote }, text: kind === 'delete' ? undefined : word(), justification: 'fuzz' }
        const res = await call(d, viaHttp, 'POST', `/api/documents/${docId}/amendments`, body, () => proposeAmendment(room(), actorOf(d), JSON.parse(JSON.stringify(body))))
        if (res.status === 422 || res.status === 400) return null // the quote is not (or no longer) there
        if (res.status !== 201 && res.status !== 200) throw new Error(`proposing ${JSON.stringify(body)} (${how(viaHttp)}) answered ${res.status}: ${JSON.stringify(res.body)}`)
        return `propose ${kind} ${JSON.stringify(quote)} in article ${block.location.article}, paragraph ${block.location.paragraph} by ${d.name} (${how(viaHttp)})`
      }],
      [4, 'decide', async () => {
        const f = prng.oneOf(gen, facilitators)
        const viaHttp = prng.bool(gen)
        if (viaHttp) await flush()
        const open = listAmendments(room(), { status: 'open' }).amendments
        if (!open.length) return null
        const a = prng.oneOf(gen, open)
        const body = { decision: prng.oneOf(gen, ['accept', 'accept', 'accept', 'bracket', 'reject'] as const) }
        const res = await call(f, viaHttp, 'POST', `/api/documents/${docId}/amendments/${a.id}/decision`, body, () => decideAmendment(room(), actorOf(f), a.id, body))
        if (res.status === 409) return null // its text was deleted since
        if (res.status !== 200) throw new Error(`deciding ${body.decision} on ${a.id} (${how(viaHttp)}) answered ${res.status}: ${JSON.stringify(res.body)}`)
        return `decide-${body.decision} ${a.id} by ${f.name} (${how(viaHttp)})`
      }],
    ]

    const network: [number, string, Op][] = [
      [4, 'disconnect', () => {
        // The first facilitator stays online throughout (a chair's screen), so the room stays loaded.
        const candidates = peers.filter((p) => p.online && p !== peers[0])
        if (!candidates.length) return null
        const p = prng.oneOf(gen, candidates)
        p.online = false
        p.client.provider.disconnect()
        stats.disconnects++
        return `disconnect ${p.name}`
      }],
      [3, 'reconnect', () => {
        const candidates = peers.filter((p) => !p.online)
        if (!candidates.length) return null
        const p = prng.oneOf(gen, candidates)
        p.online = true
        p.client.provider.connect()
        return `reconnect ${p.name}`
      }],
      [5, 'flush', async () => {
        await flush()
        return 'flush'
      }],
    ]

    const all = [...edits, ...serverOps, ...network]
    const total = all.reduce((n, [w]) => n + w, 0)
    const pick = (): [string, Op] => {
      let r = prng.int32(gen, 0, total - 1)
      for (const [w, name, op] of all) {
        if (r < w) return [name, op]
        r -= w
      }
      throw new Error('unreachable')
    }

    for (let step = 0; step < steps; step++) {
      const [name, op] = pick()
      const peer = prng.oneOf(gen, peers)
      const started = Date.now()
      let done: string | null
      try {
        done = await op(peer)
      } catch (error) {
        if (error instanceof Error) error.message = `step ${step} (${name}): ${error.message}`
        throw error
      }
      const took = Date.now() - started
      const local = edits.some(([, n]) => n === name)
      trace(`${step} ${name}${local ? ` by ${peer.name}${peer.online ? '' : ' (offline)'}` : ''}: ${done ?? 'declined'}${took > 500 ? ` (${took} ms)` : ''}`)
      if (done) count(stats.applied, done.split(' ')[0])
      else count(stats.declined, name)
      checkDenied()
    }

    // --- the end: everybody back online, quiescent, and identical ------------------------------
    for (const p of peers) {
      if (!p.online) {
        p.online = true
        p.client.provider.connect()
      }
    }
    await flush('every peer to reconnect and converge')
    checkDenied()
    const reference = peers[0].editor.doc
    reference.check()
    const json = JSON.stringify(reference.toJSON())
    for (const p of peers) {
      p.editor.doc.check()
      const mine = JSON.stringify(p.editor.doc.toJSON())
      if (mine !== json) throw new Error(`${p.name}'s treaty differs from ${peers[0].name}'s:\n${mine}\n${json}`)
      // The editor's state is what its own Y fragment says (the binding's mapping did not go stale).
      const fromY = JSON.stringify(yXmlFragmentToProseMirrorRootNode(p.client.doc.getXmlFragment('treaty'), treatySchema).toJSON())
      if (fromY !== mine) throw new Error(`${p.name}'s editor shows a treaty other than its Y.Doc holds:\n${mine}\n${fromY}`)
    }
    const onServer = readTreaty(room().doc)
    if (JSON.stringify(onServer.toJSON()) !== json) throw new Error(`the server's treaty differs from the peers':\n${JSON.stringify(onServer.toJSON())}\n${json}`)
    stats.finalTextLength = reference.textContent.length
    stats.finalDigest = createHash('sha256').update(json).digest('hex').slice(0, 12)

    for (const p of peers.splice(0)) {
      p.editor.destroy()
      p.client.destroy()
    }
    await server.close()
    server = null
    const storage = new SqliteStorage(path.join(dir, DATABASE_FILE))
    try {
      const stored = await storage.load(docId)
      if (!stored) throw new Error('the document is not in the store')
      const fromDisk = readTreaty(stored.updates)
      if (JSON.stringify(fromDisk.toJSON()) !== json) throw new Error(`the treaty reloaded from disk differs from the peers':\n${JSON.stringify(fromDisk.toJSON())}\n${json}`)
    } finally {
      await storage.close()
    }
    return stats
  } finally {
    // Every step of the clean-up runs even when one fails (the run's own error is the one reported).
    const attempt = async (step: () => unknown) => {
      try {
        await step()
      } catch {
        // already failing or cleaned up
      }
    }
    for (const p of peers) {
      await attempt(() => p.editor?.destroy())
      await attempt(() => p.client.destroy())
    }
    await attempt(() => server?.close())
    removeDir(dir)
  }
}
