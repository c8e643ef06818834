import { findLinkedSets, findNearDuplicates, normalizeText, type NearDuplicate } from '@accord/bracket-variants'
import { collectGroups, RESOLUTION_META, resolveBracket, resolveInTransaction, type GroupOccurrence, type ResolutionMeta } from '@accord/bracket-variants/prosemirror'
import { elementId, groupId, linkedSetId, walkCorresponding, inlineText, bestMatch, rangeFromRelative, relativePositionIn, writeChangedBlocks } from '@accord/collab'
import { outline, treatySchema, type OutlineBlock } from '@accord/schema'
import { Fragment, Node as PMNode } from 'prosemirror-model'
import { EditorState, type Command, type Transaction } from 'prosemirror-state'
import { absolutePositionToRelativePosition, initProseMirrorDoc } from 'y-prosemirror'
import * as Y from 'yjs'
import { actorLabel, appendAuditIn, decodeAnchor, encodeAnchor, readAudit, type Actor, type AuditGroup, type GroupAnchor, type RoomLike } from './audit'
import { TREATY_FRAGMENT } from './treatyDoc'
import { mirroredTreaty } from './treatyMirror'
import type { BracketGroupReport, BracketsReport, LinkedSetReport, NearDuplicateReport } from '@accord/api'

/*
 * The facilitator's bracket workflow on the server: list the open groups, linked sets and
 * near-duplicates; resolve a group or a linked set, reopen a resolution, mark a group ad
 * referendum, normalise a near-duplicate. Each action reads the treaty from the room's Y.Doc
 * as y-prosemirror does (from the room's mirror, `treatyMirror.ts`, which reads again only what
 * changed since), runs a ProseMirror command on it, writes the result back as
 * y-prosemirror's `updateYFragment` does (the editor's ySyncPlugin; here only on the blocks that
 * changed, see `write`) and appends its audit entry, all in ONE `room.transact`: one Yjs
 * transaction, so one update, stored and broadcast atomically.
 *
 * Cost (a linked set of 500 in a treaty of 2,000 groups): reading the treaty from Y is linear in
 * what changed since the last read, listing its groups linear in the treaty (once per version of
 * the treaty: a listing and the resolution after it share it); building the change, writing it
 * and the anchors are linear in the groups resolved and their paragraphs; onResolveTimings
 * reports each part.
 *
 * Who may call these (roles, open drafting) is decided by the HTTP layer before.
 */

/** A refusal the HTTP layer answers as `{error: {code, message}}` with `status`. */
export class BracketActionError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = 'BracketActionError'
  }
}

export type { BracketGroupReport, BracketsReport, LinkedSetReport, NearDuplicateReport }

/** One open bracket group of the document being worked on. */
interface Group {
  id: string
  pos: number
  node: PMNode
  /** Its `bracket` element in the treaty fragment. */
  element: Y.XmlElement
  occurrence: GroupOccurrence
  alternatives: string[]
  key: string
}

interface SetInfo {
  id: string
  key: string
  alternatives: string[]
  members: Group[]
}

interface Analysis {
  groups: Group[]
  byId: Map<string, Group>
  /** Every distinct choice by set id, singletons included (a set reduced to one group can still be resolved by its id). */
  sets: Map<string, SetInfo>
  /** Computed on first use: a resolution does not need them. */
  readonly near: NearDuplicate[]
  /** Group by the core's id (its position as a string). */
  byCoreId: Map<string, Group>
}

/** A group of a block (placeholders left out), at its offset in the block's content, with its bracket node. */
interface BlockGroup {
  offset: number
  node: PMNode
  /** The core's group, its ids counted from the start of the block's content. */
  group: GroupOccurrence['group']
  alternatives: string[]
  key: string
  depth: number
}

/**
 * The groups of each textblock read so far. The mirror gives the same node for a block that did
 * not change, wherever it moved, so after an edit only the edited blocks are looked at again;
 * only the outline (positions, numbering) is computed for the whole treaty.
 */
const blockGroups = new WeakMap<PMNode, BlockGroup[]>()

const NO_LOCATION: OutlineBlock['location'] = { block: '', text: '' }

function groupsOf(block: PMNode): BlockGroup[] {
  let found = blockGroups.get(block)
  if (found) return found
  const brackets = new Map<number, PMNode>()
  block.descendants((node, offset) => {
    if (node.type.name === 'bracket') brackets.set(offset, node)
  })
  // collectGroups on this block alone, standing at -1: its positions are offsets in the content.
  found = collectGroups(block, [{ node: block, pos: -1, location: NO_LOCATION }])
    .filter((g) => !g.group.placeholder)
    .map((g) => ({ offset: g.pos, node: brackets.get(g.pos)!, group: g.group, alternatives: g.alternatives, key: g.key, depth: g.depth }))
  blockGroups.set(block, found)
  return found
}

/** `mapping` is the one `doc` was read with (the mirror's, or initProseMirrorDoc's): it gives each bracket's element. */
function analyse(doc: PMNode, mapping: Working['meta']['mapping']): Analysis {
  const elements = new Map<PMNode, Y.XmlElement>()
  for (const [type, node] of mapping) {
    if (type instanceof Y.XmlElement && type.nodeName === 'bracket' && !Array.isArray(node)) elements.set(node, type)
  }
  // collectGroups(doc) block by block: groups are only in the outline's blocks.
  const occurrences: GroupOccurrence[] = []
  const groups: Group[] = []
  for (const block of outline(doc)) {
    for (const g of groupsOf(block.node)) {
      const pos = block.pos + 1 + g.offset
      const element = g.node && elements.get(g.node)
      if (!element) throw new Error(`no Y element corresponds to the bracket at position ${pos}`)
      const occurrence: GroupOccurrence = { id: String(pos), pos, group: g.group, alternatives: g.alternatives, key: g.key, location: block.location, depth: g.depth }
      occurrences.push(occurrence)
      groups.push({ id: groupId(element), pos, node: g.node, element, occurrence, alternatives: g.alternatives, key: g.key })
    }
  }
  const byCoreId = new Map(groups.map((g) => [g.occurrence.id, g]))
  // With the alternatives given, the core does not read `group` (whose ids are the block's).
  const linked = findLinkedSets(occurrences)
  const sets = new Map<string, SetInfo>()
  for (const s of linked) {
    const id = linkedSetId(s.key)
    sets.set(id, { id, key: s.key, alternatives: s.alternatives, members: s.members.map((m) => byCoreId.get(m)!) })
  }
  let near: NearDuplicate[] | undefined
  return {
    groups,
    byId: new Map(groups.map((g) => [g.id, g])),
    sets,
    get near() {
      return (near ??= findNearDuplicates(linked))
    },
    byCoreId,
  }
}

function setOf(analysis: Analysis, group: Group): SetInfo | undefined {
  const set = analysis.sets.get(linkedSetId(group.key))
  return set && set.members.length >= 2 ? set : undefined
}

function notation(alternatives: readonly string[]): string {
  return alternatives.map((a) => `[${a}]`).join('')
}

function suggestionOf(nd: NearDuplicate): string {
  return nd.rewrite ? `${nd.rewrite.prefix}${notation(nd.rewrite.alternatives)}${nd.rewrite.suffix}` : notation(nd.suggestion)
}

/** A copy of the treaty read without touching the shared document (reading with y-prosemirror may delete content that does not fit the schema). */
function readCopy(doc: Y.Doc): { doc: PMNode; mapping: Working['meta']['mapping']; copy: Y.Doc } {
  const copy = new Y.Doc({ gc: false })
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc))
  const read = initProseMirrorDoc(copy.getXmlFragment(TREATY_FRAGMENT), treatySchema)
  return { doc: read.doc, mapping: read.meta.mapping, copy }
}

/**
 * The analysis of each treaty the room's mirror gave (see treatyMirror): the mirror gives the
 * same document object while the treaty does not change, so a listing and the resolution that
 * follows it, or two resolutions with no edit between, analyse it once. Only mirrored documents
 * are kept: their groups' elements are the room's own.
 */
const analyses = new WeakMap<PMNode, Analysis>()

function analyseMirrored(doc: PMNode, mapping: Working['meta']['mapping']): Analysis {
  let analysis = analyses.get(doc)
  if (!analysis) analyses.set(doc, (analysis = analyse(doc, mapping)))
  return analysis
}

/** The open bracket groups, linked sets (a choice made at least twice) and near-duplicates, in document order. */
export function listBrackets(room: RoomLike): BracketsReport {
  const mirrored = mirroredTreaty(room.doc)
  if (mirrored) return report(analyseMirrored(mirrored.doc, mirrored.meta.mapping))
  const { doc, mapping, copy } = readCopy(room.doc)
  try {
    return report(analyse(doc, mapping))
  } finally {
    copy.destroy()
  }
}

function report(analysis: Analysis): BracketsReport {
  const groups = analysis.groups.map((g): BracketGroupReport => {
    const loc = g.occurrence.location
    const inArticle = loc.article !== undefined
    return {
      id: g.id,
      alternatives: g.alternatives,
      article: inArticle ? loc.article! : null,
      paragraph: inArticle ? (loc.paragraph ?? null) : null,
      location: loc.text,
      adRef: g.node.attrs.adRef === true,
      set: setOf(analysis, g)?.id ?? null,
    }
  })
  const sets = [...analysis.sets.values()]
    .filter((s) => s.members.length >= 2)
    .map((s): LinkedSetReport => ({ id: s.id, alternatives: s.alternatives, count: s.members.length, groups: s.members.map((m) => m.id) }))
  const nearDuplicates = analysis.near.flatMap((nd) =>
    nd.members.map((m): NearDuplicateReport => ({ group: analysis.byCoreId.get(m)!.id, set: linkedSetId(nd.likely), reason: nd.reason, suggestion: suggestionOf(nd) })),
  )
  return { groups, sets, nearDuplicates }
}

// ---------------------------------------------------------------------------------------------
// Actions

/** The treaty of the room's document as ProseMirror sees it, inside the running transaction. */
interface Working {
  ydoc: Y.Doc
  fragment: Y.XmlFragment
  doc: PMNode
  meta: ReturnType<typeof initProseMirrorDoc>['meta']
  analysis: Analysis
}

/**
 * Runs `action` in one transaction of the room on behalf of `actor`. A BracketActionError thrown
 * before anything is written leaves the document unchanged (reading may only drop content that
 * does not fit the schema, as every editor does).
 */
function inTransaction<T>(room: RoomLike, actor: Actor, action: (w: Working) => T, clock?: PhaseClock): T {
  let result: T | undefined
  room.transact(actorLabel(actor), (ydoc) => {
    const fragment = ydoc.getXmlFragment(TREATY_FRAGMENT)
    const mirrored = mirroredTreaty(ydoc)
    // Without the mirror, y-prosemirror's own read, which may repair the fragment (in this transaction).
    const { doc, meta } = mirrored ?? initProseMirrorDoc(fragment, treatySchema)
    clock?.lap('read')
    const analysis = mirrored ? analyseMirrored(doc, meta.mapping) : analyse(doc, meta.mapping)
    clock?.lap('analyse')
    result = action({ ydoc, fragment, doc, meta, analysis })
  })
  clock?.lap('commit')
  return result as T
}

/** Milliseconds spent in each part of a resolution, for the benchmark (see onResolveTimings). */
export interface ResolveTimings {
  /** Reading the treaty from Y as a ProseMirror document (the mirror's changed parts). */
  read: number
  /** Listing the open groups and linked sets, with their ids. */
  analyse: number
  /** Building the ProseMirror transaction that replaces the brackets. */
  change: number
  /** Writing the change into Y. */
  writeY: number
  /** Relative positions and context of each resolved group. */
  anchors: number
  /** The audit entry. */
  audit: number
  /** The end of the Yjs transaction: encoding the update, the room's update handlers. */
  commit: number
  total: number
  /** CPU time of the process meanwhile (on a shared machine, wall time also counts waiting for a core). */
  cpu: number
  groups: number
}

class PhaseClock {
  readonly times: Record<string, number> = {}
  private readonly start = performance.now()
  private readonly cpuStart = process.cpuUsage()
  private last = this.start
  lap(phase: keyof ResolveTimings): void {
    const now = performance.now()
    this.times[phase] = (this.times[phase] ?? 0) + now - this.last
    this.last = now
  }
  total(): number {
    return performance.now() - this.start
  }
  cpu(): number {
    const used = process.cpuUsage(this.cpuStart)
    return (used.user + used.system) / 1000
  }
}

let timingsListener: ((timings: ResolveTimings) => void) | null = null

/** Calls `listener` after every resolution with the time spent in each part (benchmarks); null stops. */
export function onResolveTimings(listener: ((timings: ResolveTimings) => void) | null): void {
  timingsListener = listener
}

/** Runs a command on the document and returns its transaction; a refusal is a conflict with the current text. */
function runCommand(doc: PMNode, command: Command, what: string): Transaction {
  let tr: Transaction | undefined
  const ok = command(EditorState.create({ schema: treatySchema, doc }), (t) => (tr = t))
  if (!ok || !tr) throw new BracketActionError(409, 'conflict', `${what} cannot be done on the current text; reload and try again`)
  return tr
}

/**
 * Writes `doc` (the treaty after the action) into Y as y-prosemirror's `updateYFragment` on the
 * whole fragment would: only the blocks that changed are compared and written (see
 * writeChangedBlocks), so a resolution of 500 groups does not compare every block of the treaty.
 */
function write(w: Working, doc: PMNode): void {
  writeChangedBlocks(w.ydoc, w.fragment, w.doc, doc, w.meta)
}

function auditGroup(g: Group): AuditGroup {
  return { id: g.id, location: g.occurrence.location.text, alternatives: g.alternatives }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function badRequest(message: string): BracketActionError {
  return new BracketActionError(400, 'bad-request', message)
}

/** Checks that `body` is an object with exactly the keys `allowed` (some `required`). */
function bodyOf(body: unknown, allowed: readonly string[], example: string): Record<string, unknown> {
  if (!isRecord(body)) throw badRequest(`the request body must be a JSON object such as ${example}`)
  const extra = Object.keys(body).filter((k) => !allowed.includes(k))
  if (extra.length) throw badRequest(`unknown field${extra.length > 1 ? 's' : ''} ${extra.map((k) => JSON.stringify(k)).join(', ')}; expected ${example}`)
  return body
}

function stringField(body: Record<string, unknown>, name: string, example: string): string {
  const value = body[name]
  if (typeof value !== 'string') throw badRequest(`"${name}" must be a string; expected ${example}`)
  return value
}

function groupGone(id: string): BracketActionError {
  return new BracketActionError(404, 'not-found', `the bracket group ${id} is no longer open (it was resolved or its text deleted); reload the list of brackets`)
}

function findOpenGroup(w: Working, id: string): Group {
  const group = w.analysis.byId.get(id)
  if (!group) throw groupGone(id)
  return group
}

/** The alternative `choose` names among `alternatives`: an index, or null to drop a single bracket. */
function choiceIndex(alternatives: readonly string[], choose: string, what: string): number | null {
  const wanted = normalizeText(choose)
  const index = alternatives.indexOf(wanted)
  if (index >= 0) return index
  if (wanted === '' && alternatives.length === 1) return null
  const listed = alternatives.map((a) => JSON.stringify(a)).join(', ')
  const drop = alternatives.length === 1 ? ' (or "" to drop it)' : ''
  throw new BracketActionError(422, 'no-such-alternative', `no alternative of ${what} reads ${JSON.stringify(choose)}; choose one of ${listed}${drop}, exactly as listed`)
}

const RESOLVE_EXAMPLE = '{"group": "g…", "choose": "议定书"} or {"set": "s_…", "choose": "议定书"}'

/**
 * Resolves one group (`{group, choose}`) or every group of a linked set (`{set, choose}`):
 * `choose` is an alternative's text as listed, `""` drops a single bracket. The resolution
 * keeps, per group, where its replacing text is and the bracket itself, so it can be reopened.
 */
export function resolve(room: RoomLike, actor: Actor, body: unknown): { resolved: number; entry: string } {
  const b = bodyOf(body, ['group', 'set', 'choose'], RESOLVE_EXAMPLE)
  if (('group' in b) === ('set' in b)) throw badRequest(`give either "group" or "set", not ${'group' in b ? 'both' : 'neither'}; expected ${RESOLVE_EXAMPLE}`)
  const choose = stringField(b, 'choose', RESOLVE_EXAMPLE)
  const bySet = 'set' in b
  const target = stringField(b, bySet ? 'set' : 'group', RESOLVE_EXAMPLE)
  const clock = timingsListener ? new PhaseClock() : undefined
  const result = inTransaction(room, actor, (w) => {
    let tr: Transaction
    let setId: string | null = null
    let description: string
    let choice: number | null
    if (bySet) {
      const set = w.analysis.sets.get(target)
      if (!set) throw new BracketActionError(404, 'not-found', `the linked set ${target} has no open group any more (it was resolved or its text deleted); reload the list of brackets`)
      choice = choiceIndex(set.alternatives, choose, `the linked set ${notation(set.alternatives)}`)
      // The set's members are the groups resolveLinkedSet(set.key, choice) would find again.
      tr = EditorState.create({ schema: treatySchema, doc: w.doc }).tr
      resolveInTransaction(tr, new Map(set.members.map((m) => [m.pos, choice])))
      setId = set.id
      description = `the linked set ${notation(set.alternatives)}`
    } else {
      const group = findOpenGroup(w, target)
      choice = choiceIndex(group.alternatives, choose, `the group ${notation(group.alternatives)} in ${group.occurrence.location.text}`)
      tr = runCommand(w.doc, resolveBracket(group.pos, choice), `resolving ${target}`)
      setId = setOf(w.analysis, group)?.id ?? null
      description = `the group ${notation(group.alternatives)} in ${group.occurrence.location.text}`
    }
    const meta = tr.getMeta(RESOLUTION_META) as ResolutionMeta
    const resolved = meta.groups.map((pos) => w.analysis.byCoreId.get(String(pos))!).sort((x, y) => x.pos - y.pos)
    clock?.lap('change')
    write(w, tr.doc)
    clock?.lap('writeY')
    const anchors = anchorsOf(w, tr, resolved)
    clock?.lap('anchors')
    const chosen = choice === null ? '' : normalizeText(choose)
    const verb = choice === null ? 'Dropped' : `Chose ${JSON.stringify(chosen)} in`
    const count = resolved.length === 1 ? '1 group' : `${resolved.length} groups`
    const entry = appendAuditIn(w.ydoc, actor, {
      action: 'resolve',
      groups: resolved.map(auditGroup),
      choice: chosen,
      set: setId,
      detail: `${verb} ${description} (${count}).`,
      anchors,
    })
    clock?.lap('audit')
    return { resolved: resolved.length, entry: entry.id }
  }, clock)
  if (clock && timingsListener) timingsListener({ read: 0, analyse: 0, change: 0, writeY: 0, anchors: 0, audit: 0, commit: 0, ...clock.times, total: clock.total(), cpu: clock.cpu(), groups: result.resolved })
  return result
}

/**
 * Where each resolved group's text now is, as Y relative positions (after `write`, so that they
 * point into the elements the update created), with the text around it as a fallback. A group
 * inside another resolved group needs no anchors of its own: it comes back with the bracket
 * around it.
 */
function anchorsOf(w: Working, tr: Transaction, resolved: readonly Group[]): GroupAnchor[] {
  const out: GroupAnchor[] = []
  const outer: Group[] = []
  const ranges: { g: Group; from: number; to: number }[] = []
  // Equal brackets (a linked set's members) share one JSON object, written once (packAnchors).
  const jsonByKey = new Map<string, { node: PMNode; json: unknown }[]>()
  const bracketJson = (g: Group): unknown => {
    let seen = jsonByKey.get(g.key)
    if (!seen) jsonByKey.set(g.key, (seen = []))
    const same = seen.find((s) => s.node.eq(g.node))
    if (same) return same.json
    const json = g.node.toJSON()
    seen.push({ node: g.node, json })
    return json
  }
  const lines = new Map<PMNode, ReturnType<typeof inlineText>>()
  for (const g of resolved) {
    // Sorted by position: a container comes before what it contains, and outer groups do not
    // overlap, so only the last one can contain this one.
    const last = outer.at(-1)
    const container = last && last.pos < g.pos && g.pos + g.node.nodeSize <= last.pos + last.node.nodeSize ? last : undefined
    if (container) {
      out.push({ group: g.id, start: null, end: null, size: 0, bracket: bracketJson(g), within: container.id, context: null })
      continue
    }
    outer.push(g)
    ranges.push({ g, from: 0, to: 0 })
  }
  mapRanges(tr, ranges)
  const parents = parentElements(w, tr.doc, ranges)
  for (const { g, from, to } of ranges) {
    const $from = tr.doc.resolve(from)
    const parent = parents.get($from.before())
    // What y-prosemirror's absolutePositionToRelativePosition gives, walking from the element
    // holding the text rather than from the root.
    const relative = (pos: number) =>
      (parent ? relativePositionIn(parent, pos - $from.start(), w.meta.mapping) : absolutePositionToRelativePosition(pos, w.fragment, w.meta.mapping)) as Y.RelativePosition
    const start = relative(from)
    let end = start
    if (to > from) {
      // The end is tied to the last character of the text (association -1), so text typed
      // right after it later does not become part of the range.
      const after = Y.createAbsolutePositionFromRelativePosition(relative(to), w.ydoc)
      if (after) end = Y.createRelativePositionFromTypeIndex(after.type, after.index, -1)
    }
    let context: GroupAnchor['context'] = null
    if (parent) {
      let line = lines.get($from.parent)
      if (!line) lines.set($from.parent, (line = inlineText($from.parent, $from.start())))
      const i = indexIn(line.posAt, from)
      const j = i >= 0 ? indexIn(line.posAt, to) : -1
      if (i >= 0 && j >= 0) {
        context = { parent: elementId(parent), text: line.text.slice(i, j), before: line.text.slice(Math.max(0, i - CONTEXT), i), after: line.text.slice(j, j + CONTEXT) }
      }
    }
    out.push({ group: g.id, start: encodeAnchor(start), end: encodeAnchor(end), size: to - from, bracket: bracketJson(g), within: null, context })
  }
  return out
}

/** The index of `value` in `sorted` (strictly increasing, as inlineText's positions), or -1. */
function indexIn(sorted: readonly number[], value: number): number {
  let lo = 0
  let hi = sorted.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    if (sorted[mid] === value) return mid
    if (sorted[mid] < value) lo = mid + 1
    else hi = mid - 1
  }
  return -1
}

/** Characters of context kept on each side of a resolved group's text. */
const CONTEXT = 32

/**
 * Where each resolved group's text is after `tr`: `tr.mapping.map` of its start (-1) and end
 * (1), without mapping each through all N steps (quadratic for a linked set of hundreds). The
 * resolution replaced one bracket per step, from the end of the document and an inner group
 * before the one around it, so each step's range is in the positions before the change, and a
 * group's start moves by what the steps ending before it added or removed. `ranges` are outer
 * groups in document order; when the steps are not of that shape, every position is mapped.
 */
function mapRanges(tr: Transaction, ranges: { g: Group; from: number; to: number }[]): void {
  const steps: { start: number; end: number; size: number }[] = []
  for (const map of tr.mapping.maps) {
    let count = 0
    map.forEach((oldStart, oldEnd, newStart, newEnd) => {
      count++
      steps.push({ start: oldStart, end: oldEnd, size: newEnd - newStart })
    })
    if (count !== 1) steps.length = 0
    if (!steps.length) break
  }
  const byStart = new Map(steps.map((s) => [s.start, s]))
  const shape = steps.length === tr.mapping.maps.length && ranges.every((r) => byStart.has(r.g.pos))
  if (shape) {
    steps.sort((a, b) => a.end - b.end)
    let i = 0
    let shift = 0
    for (const r of ranges) {
      for (; i < steps.length && steps[i].end <= r.g.pos; i++) shift += steps[i].size - (steps[i].end - steps[i].start)
      r.from = r.g.pos + shift
      r.to = r.from + byStart.get(r.g.pos)!.size
    }
    // Cheap insurance: the first and last agree with the mapping, or everything is mapped.
    const check = (r: (typeof ranges)[number]) => r.from === tr.mapping.map(r.g.pos, -1) && r.to === tr.mapping.map(r.g.pos + r.g.node.nodeSize, 1)
    if (!ranges.length || (check(ranges[0]) && check(ranges[ranges.length - 1]))) return
  }
  for (const r of ranges) {
    r.from = tr.mapping.map(r.g.pos, -1)
    r.to = tr.mapping.map(r.g.pos + r.g.node.nodeSize, 1)
  }
}

/**
 * The element holding each range's text (a paragraph, or the alternative of a group left
 * open), by the position before it in `doc`: the element that held the bracket, when the write
 * kept it for that node (it almost always does), else found by a walk of the whole document.
 */
function parentElements(w: Working, doc: PMNode, ranges: readonly { g: Group; from: number }[]): Map<number, Y.XmlElement> {
  const found = new Map<number, Y.XmlElement>()
  const missing = new Set<number>()
  for (const { g, from } of ranges) {
    const $from = doc.resolve(from)
    const before = $from.before()
    const parent = g.element.parent
    if (parent instanceof Y.XmlElement && !parent._item?.deleted && w.meta.mapping.get(parent) === $from.parent) found.set(before, parent)
    else missing.add(before)
  }
  for (const [pos, element] of elementsAt(w.fragment, doc, missing)) found.set(pos, element)
  return found
}

/** The elements standing at `positions` (positions before a node) of `doc`. */
function elementsAt(fragment: Y.XmlFragment, doc: PMNode, positions: ReadonlySet<number>): Map<number, Y.XmlElement> {
  const found = new Map<number, Y.XmlElement>()
  if (!positions.size) return found
  walkCorresponding(fragment, doc, ({ element, pos }) => {
    if (positions.has(pos)) found.set(pos, element)
    return found.size === positions.size
  })
  return found
}


/**
 * Finds a resolved group's text again from its context: in the element that held it, the
 * occurrence of the text whose surroundings match best; when that element is gone too (it was
 * inside a bracket that another resolution removed and a reopening brought back as new
 * elements), the one place in the document where text and surroundings match exactly. Null
 * when nothing matches or the best match is not unique.
 */
function rangeFromContext(w: Working, context: NonNullable<GroupAnchor['context']>): { from: number; to: number } | null {
  let holder: { node: PMNode; pos: number } | undefined
  walkCorresponding(w.fragment, w.doc, ({ element, node, pos }) => {
    if (elementId(element) !== context.parent) return false
    holder = { node, pos }
    return true
  })
  if (holder) {
    if (!holder.node.inlineContent) return null
    const found = bestMatch(inlineText(holder.node, holder.pos + 1), context)
    if (!found || found.tie) return null
    // An empty text (a dropped group) is found by its surroundings alone: ask for some of them.
    if (!context.text && found.score < Math.min(4, context.before.length + context.after.length)) return null
    return found.range
  }
  const full = context.before.length + context.after.length
  if (full < 4) return null
  let only: { from: number; to: number } | null = null
  let count = 0
  w.doc.descendants((node, pos) => {
    if (count > 1) return false
    if (!node.inlineContent) return true
    const found = bestMatch(inlineText(node, pos + 1), context)
    if (found && found.score === full) {
      count += found.tie ? 2 : 1
      only = found.range
    }
    return true
  })
  return count === 1 ? only : null
}

/** The current range of an anchored group, or null when its text is gone. */
function rangeOf(w: Working, anchor: GroupAnchor): { from: number; to: number } | null {
  const range = rangeFromPositions(w, anchor) ?? (anchor.context ? rangeFromContext(w, anchor.context) : null)
  if (!range) return null
  const $from = w.doc.resolve(range.from)
  const $to = w.doc.resolve(range.to)
  return $from.parent === $to.parent && $from.parent.inlineContent ? range : null
}

function rangeFromPositions(w: Working, anchor: GroupAnchor): { from: number; to: number } | null {
  if (!anchor.start || !anchor.end) return null
  return rangeFromRelative(w.ydoc, w.fragment, w.meta.mapping, w.doc, [decodeAnchor(anchor.start), decodeAnchor(anchor.end)], { allowEmpty: anchor.size === 0 })
}

const REOPEN_EXAMPLE = '{"entry": "a_…"}'

/**
 * Reopens a resolution (`{entry}`): every group it resolved comes back, with its alternatives,
 * where the chosen text now is, in one transaction. Groups whose text was deleted since are
 * counted as `missing`. A resolution is reopened at most once.
 */
export function reopen(room: RoomLike, actor: Actor, body: unknown): { reopened: number; missing: number; entry: string } {
  const b = bodyOf(body, ['entry'], REOPEN_EXAMPLE)
  const id = stringField(b, 'entry', REOPEN_EXAMPLE)
  return inTransaction(room, actor, (w) => {
    const target = readAudit(w.ydoc).find((e) => e.id === id)
    if (!target) throw new BracketActionError(404, 'not-found', `the audit log has no entry ${id}; reload the log`)
    if (target.action !== 'resolve' || !target.anchors) throw new BracketActionError(409, 'not-a-resolution', `entry ${id} is a "${target.action}", not a resolution; only resolutions can be reopened`)
    if (target.reopenedBy) throw new BracketActionError(409, 'already-reopened', `the resolution ${id} was already reopened (entry ${target.reopenedBy}); resolve the groups again to change them`)
    const ranges: { anchor: GroupAnchor; from: number; to: number }[] = []
    const missingIds = new Set<string>()
    for (const anchor of target.anchors) {
      if (anchor.within) continue
      const range = rangeOf(w, anchor)
      if (range) ranges.push({ anchor, ...range })
      else missingIds.add(anchor.group)
    }
    // From the end of the document, so earlier positions stay valid; overlapping ranges (text
    // moved by later edits) keep the later one only.
    ranges.sort((x, y) => y.from - x.from)
    const tr = EditorState.create({ schema: treatySchema, doc: w.doc }).tr
    let limit = Infinity
    for (const r of ranges) {
      if (r.to > limit) {
        missingIds.add(r.anchor.group)
        continue
      }
      try {
        tr.replaceWith(r.from, r.to, PMNode.fromJSON(treatySchema, r.anchor.bracket))
      } catch {
        missingIds.add(r.anchor.group)
        continue
      }
      limit = r.from
    }
    for (const anchor of target.anchors) if (anchor.within && missingIds.has(anchor.within)) missingIds.add(anchor.group)
    const missing = target.anchors.filter((a) => missingIds.has(a.group)).length
    const reopened = target.anchors.length - missing
    if (reopened === 0) {
      throw new BracketActionError(409, 'nothing-to-reopen', `the text of every group of resolution ${id} has been deleted since, so none can come back; nothing was changed`)
    }
    write(w, tr.doc)
    const gone = missing ? `; ${missing} could not come back because their text was deleted` : ''
    const entry = appendAuditIn(w.ydoc, actor, {
      action: 'reopen',
      reopens: id,
      groups: target.groups.filter((g) => !missingIds.has(g.id)),
      choice: target.choice,
      set: target.set,
      detail: `Reopened resolution #${target.seq} (${target.detail.replace(/\.$/, '')}): ${reopened} group${reopened === 1 ? '' : 's'} open again${gone}.`,
    })
    return { reopened, missing, entry: entry.id }
  })
}

const AD_REF_EXAMPLE = '{"group": "g…", "adRef": true}'

/** Marks a group ad referendum, or withdraws the mark (`{group, adRef}`). The group stays open and keeps its id. */
export function setAdRef(room: RoomLike, actor: Actor, body: unknown): { entry: string } {
  const b = bodyOf(body, ['group', 'adRef'], AD_REF_EXAMPLE)
  const id = stringField(b, 'group', AD_REF_EXAMPLE)
  if (typeof b.adRef !== 'boolean') throw badRequest(`"adRef" must be true or false; expected ${AD_REF_EXAMPLE}`)
  const adRef = b.adRef
  return inTransaction(room, actor, (w) => {
    const group = findOpenGroup(w, id)
    const tr = EditorState.create({ schema: treatySchema, doc: w.doc }).tr.setNodeAttribute(group.pos, 'adRef', adRef)
    write(w, tr.doc)
    const what = `the group ${notation(group.alternatives)} in ${group.occurrence.location.text}`
    const entry = appendAuditIn(w.ydoc, actor, {
      action: 'ad-ref',
      groups: [auditGroup(group)],
      set: setOf(w.analysis, group)?.id ?? null,
      detail: adRef ? `Marked ${what} ad referendum.` : `Withdrew the ad referendum mark of ${what}.`,
    })
    return { entry: entry.id }
  })
}

const NORMALISE_EXAMPLE = '{"group": "g…"}'

/**
 * Applies the near-duplicate suggestion for a group (`{group}`): `[本议定书][协议]` becomes
 * `本[议定书][协议]`, a member of the linked set it deviated from. The bracket element is kept
 * (only its alternatives' text and the text around it change), so the group keeps its id.
 */
export function normalise(room: RoomLike, actor: Actor, body: unknown): { entry: string } {
  const b = bodyOf(body, ['group'], NORMALISE_EXAMPLE)
  const id = stringField(b, 'group', NORMALISE_EXAMPLE)
  return inTransaction(room, actor, (w) => {
    const group = findOpenGroup(w, id)
    const nd = w.analysis.near.find((n) => n.members.includes(group.occurrence.id))
    if (!nd) throw new BracketActionError(409, 'no-suggestion', `the group ${notation(group.alternatives)} in ${group.occurrence.location.text} is not a near-duplicate of a linked set; there is nothing to normalise`)
    const target = nd.rewrite?.alternatives ?? nd.suggestion
    const tr = EditorState.create({ schema: treatySchema, doc: w.doc }).tr
    const end = group.pos + group.node.nodeSize
    if (nd.rewrite?.suffix) tr.insertText(nd.rewrite.suffix, end)
    const starts: number[] = []
    group.node.forEach((_alt, offset) => starts.push(group.pos + 1 + offset))
    for (let i = group.node.childCount - 1; i >= 0; i--) {
      if (group.alternatives[i] === target[i]) continue
      const alt = group.node.child(i)
      let plain = true
      alt.forEach((child) => (plain &&= child.isText))
      if (!plain) {
        throw new BracketActionError(422, 'cannot-normalise', `alternative ${i + 1} of the group in ${group.occurrence.location.text} holds a nested bracket or a note; change it to ${JSON.stringify(target[i])} by hand`)
      }
      tr.replaceWith(starts[i] + 1, starts[i] + 1 + alt.content.size, target[i] ? treatySchema.text(target[i]) : Fragment.empty)
    }
    if (nd.rewrite?.prefix) tr.insertText(nd.rewrite.prefix, group.pos)
    write(w, tr.doc)
    const suggestion = suggestionOf(nd)
    const entry = appendAuditIn(w.ydoc, actor, {
      action: 'normalise',
      groups: [auditGroup(group)],
      set: linkedSetId(nd.likely),
      detail: `Normalised ${notation(group.alternatives)} in ${group.occurrence.location.text} to ${suggestion}, like the linked set ${nd.likely} (${nd.likelyCount} times).`,
    })
    return { entry: entry.id }
  })
}
