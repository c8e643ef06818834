import { inDeletedContent } from '@accord/collab'
import { treatySchema } from '@accord/schema'
import type { Node as PMNode } from 'prosemirror-model'
import { initProseMirrorDoc, updateYFragment } from 'y-prosemirror'
import * as Y from 'yjs'
import { AMENDMENTS_ROOT } from './amendments'
import { AUDIT_ROOT, packAnchors, unpackAnchors, type GroupAnchor } from './audit'
import { inspectUpdate, type DecodedUpdate, type TreatyEncoding } from './checkUpdate'
import type { Identity } from './Room'
import type { Storage } from './storage'
import { newServerYDoc, readTreaty, TREATY_FRAGMENT } from './treatyDoc'

/*
 * Re-basing: a fresh Yjs document with the same content.
 *
 * A Yjs document keeps an item for every run of characters that was ever typed apart from its
 * neighbours, deleted or not (a deleted one keeps only its length, but it stays, so that a
 * concurrent insert next to it lands in the same place on every peer). A year of negotiation
 * leaves tens of thousands of them, and every new client integrates all of them before it shows
 * the text. Compaction cannot drop them; only a new document can: the same elements, attributes
 * and text, written once by one client, so that the item count is what the text needs.
 *
 * Every Yjs id changes, so a re-based document starts a new **epoch** (Storage: `epoch`), and:
 * - what the server stores with Yjs ids is translated (`IdTranslator`): the relative positions
 *   and element ids of audit entries and amendments, and group ids (`g` + a bracket's id). Ids
 *   of what no longer exists (a resolved group, text inside a deleted paragraph) are kept as
 *   they were: they named nothing before and name nothing now, since the new document has no
 *   item of the old clients;
 * - a client holding the old epoch must never sync with the new one (it would add its whole
 *   copy of the treaty beside the new one): the websocket refuses it (4409) and it sends its
 *   state to `mergeOffline` instead, which carries its unsent edits across (see `carryAcross`);
 * - the ledger records the new state as a `rebase` entry; revisions keep their epoch.
 *
 * Only done while nobody is connected (an idle room, or a secretariat's compaction).
 */

/** The roots a treaty document has; a document with another root is not re-based (its content would be lost). */
export const SETTINGS_ROOT = 'settings'
const KNOWN_ROOTS = new Set([TREATY_FRAGMENT, SETTINGS_ROOT, AUDIT_ROOT, AMENDMENTS_ROOT])

export class RebaseError extends Error {
  override name = 'RebaseError'
}

/** Old Yjs ids and positions → new ones, for what the server stores beside the text. */
export class IdTranslator {
  constructor(
    private readonly source: Y.Doc,
    /** Every live type of the source's treaty → its copy. */
    private readonly types: ReadonlyMap<Y.AbstractType<unknown>, Y.AbstractType<unknown>>,
    /** Element ids (`client.clock`, see @accord/collab elementId) of the live elements → the copy's. */
    private readonly elements: ReadonlyMap<string, string>,
  ) {}

  /** An element id; unchanged when it names no live element. */
  element(id: string): string {
    return this.elements.get(id) ?? id
  }

  /** A group id (`g` + element id); unchanged when the group no longer exists. */
  group(id: string): string {
    return id.startsWith('g') ? `g${this.element(id.slice(1))}` : id
  }

  /**
   * A base64 relative position: the same place (type and index, with its association) in the
   * copy. One that points into deleted content (an element that was deleted) is kept: it
   * resolved to nothing and still does.
   */
  relative(encoded: string): string {
    let rel: Y.RelativePosition
    try {
      rel = Y.decodeRelativePosition(new Uint8Array(Buffer.from(encoded, 'base64')))
    } catch {
      return encoded
    }
    const abs = Y.createAbsolutePositionFromRelativePosition(rel, this.source)
    if (!abs || inDeletedContent(abs)) return encoded
    const type = this.types.get(abs.type)
    if (!type) return encoded
    return Buffer.from(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(type, abs.index, abs.assoc))).toString('base64')
  }
}

export interface Rebased {
  doc: Y.Doc
  translator: IdTranslator
  /** Yjs structs (items and collected ranges) before and after: what a new client integrates. */
  structs: { before: number; after: number }
}

/** How many structs a document holds (what a client integrates on its first sync). */
export function structCount(doc: Y.Doc): number {
  let n = 0
  for (const structs of doc.store.clients.values()) n += structs.length
  return n
}

/**
 * A fresh, garbage-collected document with the content of `source`: the treaty copied element by
 * element (attributes as they are, text with its formatting as deltas), the settings as they
 * are, the audit log and the amendments with their Yjs ids translated. Throws RebaseError when
 * `source` holds something the copy would not carry (an unknown root, a nested shared type).
 */
export function rebaseDoc(source: Y.Doc): Rebased {
  for (const name of source.share.keys()) {
    if (!KNOWN_ROOTS.has(name)) throw new RebaseError(`the document has a root "${name}" that re-basing does not know; it is left as it is`)
  }
  const target = newServerYDoc()
  // A client id the old document never had: the old ids kept by the translator must name nothing here.
  while (source.store.clients.has(target.clientID)) target.clientID = Math.floor(Math.random() * 0x7fffffff)
  const types = new Map<Y.AbstractType<unknown>, Y.AbstractType<unknown>>()
  const elements = new Map<string, string>()
  const translator = new IdTranslator(source, types, elements)
  try {
    target.transact(() => {
      const fragment = source.getXmlFragment(TREATY_FRAGMENT)
      const copy = target.getXmlFragment(TREATY_FRAGMENT)
      types.set(fragment as Y.AbstractType<unknown>, copy as Y.AbstractType<unknown>)
      copyChildren(fragment, copy, types, elements)

      const settings = target.getMap(SETTINGS_ROOT)
      for (const [key, value] of source.getMap(SETTINGS_ROOT).entries()) settings.set(key, plain(value, `setting "${key}"`))

      const audit = source.getArray<Record<string, unknown>>(AUDIT_ROOT).toArray()
      target.getArray(AUDIT_ROOT).push(audit.map((entry, i) => translateAuditEntry(plain(entry, `audit entry ${i + 1}`), translator)))

      const amendments = target.getMap(AMENDMENTS_ROOT)
      for (const [id, record] of source.getMap<Record<string, unknown>>(AMENDMENTS_ROOT).entries()) {
        amendments.set(id, translateAmendment(plain(record, `amendment ${id}`), translator))
      }
    }, 'rebase')
  } catch (error) {
    target.destroy()
    throw error
  }
  return { doc: target, translator, structs: { before: structCount(source), after: structCount(target) } }
}

/**
 * Copies the children of `from` into the empty `to`: the elements and texts are inserted first
 * (so that they are integrated and have ids), then filled, parents before children.
 */
function copyChildren(
  from: Y.XmlFragment | Y.XmlElement,
  to: Y.XmlFragment | Y.XmlElement,
  types: Map<Y.AbstractType<unknown>, Y.AbstractType<unknown>>,
  elements: Map<string, string>,
): void {
  const stack: [Y.XmlFragment | Y.XmlElement, Y.XmlFragment | Y.XmlElement][] = [[from, to]]
  while (stack.length) {
    const [source, copy] = stack.pop()!
    const children = source.toArray()
    const made = children.map((child) => {
      if (child instanceof Y.XmlElement) return new Y.XmlElement(child.nodeName)
      if (child instanceof Y.XmlText) return new Y.XmlText()
      throw new RebaseError(`the treaty holds a ${child.constructor.name}, which re-basing does not copy`)
    })
    copy.insert(0, made)
    children.forEach((child, i) => {
      const made_ = made[i]
      types.set(child as Y.AbstractType<unknown>, made_ as Y.AbstractType<unknown>)
      if (child instanceof Y.XmlElement && made_ instanceof Y.XmlElement) {
        for (const [key, value] of Object.entries(child.getAttributes())) made_.setAttribute(key, plain(value, `attribute ${key} of a ${child.nodeName}`) as string)
        elements.set(idOf(child), idOf(made_))
        stack.push([child, made_])
      } else if (child instanceof Y.XmlText && made_ instanceof Y.XmlText) {
        const delta = child.toDelta() as { insert: unknown; attributes?: Record<string, unknown> }[]
        for (const op of delta) if (typeof op.insert !== 'string') throw new RebaseError('the treaty holds an embedded object in its text, which re-basing does not copy')
        made_.applyDelta(delta)
      }
    })
  }
}

function idOf(element: Y.XmlElement): string {
  const item = element._item!
  return `${item.id.client}.${item.id.clock}`
}

/** A value stored in a map or array: plain data only (a shared type inside would not be copied). */
function plain<T>(value: T, what: string): T {
  if (value instanceof Y.AbstractType) throw new RebaseError(`${what} is a shared type, which re-basing does not copy`)
  return value
}

function translateAnchor(anchor: GroupAnchor, t: IdTranslator): GroupAnchor {
  return {
    ...anchor,
    group: t.group(anchor.group),
    start: anchor.start === null ? null : t.relative(anchor.start),
    end: anchor.end === null ? null : t.relative(anchor.end),
    within: anchor.within === null ? null : t.group(anchor.within),
    ...(anchor.context ? { context: { ...anchor.context, parent: t.element(anchor.context.parent) } } : {}),
  }
}

/** An audit entry as stored (audit.ts StoredEntry) with its group ids and anchors translated. */
export function translateAuditEntry(entry: Record<string, unknown>, t: IdTranslator): Record<string, unknown> {
  const out: Record<string, unknown> = { ...entry }
  if (Array.isArray(entry.groups)) {
    out.groups = entry.groups.map((g: unknown) => (g && typeof g === 'object' && typeof (g as { id?: unknown }).id === 'string' ? { ...(g as object), id: t.group((g as { id: string }).id) } : g))
  }
  const anchors = unpackAnchors(entry.anchors as GroupAnchor[] | string | null | undefined)
  if (anchors) {
    const translated = anchors.map((a) => translateAnchor(a, t))
    out.anchors = typeof entry.anchors === 'string' ? packAnchors(translated) : translated
  }
  return out
}

/** An amendment as stored (amendments.ts StoredAmendment) with its anchors, elements and group translated. */
export function translateAmendment(record: Record<string, unknown>, t: IdTranslator): Record<string, unknown> {
  const out: Record<string, unknown> = { ...record }
  const anchor = record.anchor as { start: string; end: string; parent: string } | null | undefined
  if (anchor) out.anchor = { ...anchor, start: t.relative(anchor.start), end: t.relative(anchor.end), parent: t.element(anchor.parent) }
  const elements = record.elements as { elements: string[] } | null | undefined
  if (elements) out.elements = { ...elements, elements: elements.elements.map((id) => t.element(id)) }
  const decision = record.decision as { group?: string | null } | null | undefined
  if (decision && typeof decision.group === 'string') out.decision = { ...decision, group: t.group(decision.group) }
  return out
}

/** Why edits could not be carried across (an HTTP status and code for the API). */
export class MergeError extends Error {
  override name = 'MergeError'
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

/** What a room offers for carrying edits into it (server/src/Room.ts's Room is one). */
export interface MergeTarget {
  readonly id: string
  readonly epoch: number
  readonly doc: Y.Doc
  refusalFor(identity: Identity | undefined, decoded: DecodedUpdate | null, against: Y.Doc): string | 'quiet' | null
  applyOnBehalf(participant: string, update: Uint8Array): void
}

/**
 * Carries a copy's edits from an earlier epoch into the room: `state` is everything the copy
 * holds (a browser tab that was offline while the document was re-based). Its changes are what
 * it holds beyond the old epoch's final state; they are checked as that participant's update
 * would have been (treaty encoding, role, structure), then written into each later epoch as a
 * ProseMirror-level change of that epoch's initial state (which reads exactly as the previous
 * epoch's final state), and the result merged like any concurrent edit: what others wrote
 * meanwhile stays. Resolves `merged: false` when the copy holds nothing new.
 *
 * Each re-base's record keeps what was carried across it (`updateRebase`, once the room has
 * stored the change: a crash in between makes a retry carry the edits again rather than lose
 * them), so the same copy sent twice (an answer lost on the way) merges once. The caller runs
 * one merge per document at a time.
 */
export async function mergeOffline(
  storage: Pick<Storage, 'rebasesAfter' | 'updateRebase'>,
  room: MergeTarget,
  identity: Identity | undefined,
  epoch: number,
  state: Uint8Array,
  encoding: TreatyEncoding,
  durable: () => Promise<void>,
): Promise<{ merged: boolean }> {
  if (epoch === room.epoch) throw new MergeError(409, 'current-epoch', `this copy is of the document's current epoch (${epoch}): connect and it syncs as usual`)
  const rebases = await storage.rebasesAfter(room.id, epoch)
  if (epoch > room.epoch || !rebases.length || rebases[0].epoch !== epoch + 1 || rebases[rebases.length - 1].epoch !== room.epoch) {
    throw new MergeError(409, 'unknown-epoch', `the document has no epoch ${epoch} (its current epoch is ${room.epoch})`)
  }
  // What the copy holds that the old epoch's final state does not: applied to a scratch copy,
  // whose update event carries exactly the new items and the new deletions.
  const before = newServerYDoc()
  const after = newServerYDoc()
  try {
    Y.applyUpdate(before, rebases[0].previous)
    Y.applyUpdate(after, rebases[0].previous)
    let changes: Uint8Array | null = null
    after.on('update', (update: Uint8Array) => {
      changes = changes ? Y.mergeUpdates([changes, update]) : update
    })
    try {
      Y.applyUpdate(after, state)
    } catch (error) {
      throw new MergeError(400, 'malformed', `the copy's state is not a Yjs update: ${(error as Error).message}`)
    }
    if (after.store.pendingStructs || after.store.pendingDs) {
      throw new MergeError(400, 'malformed', `the copy refers to changes the server never had in epoch ${epoch}`)
    }
    if (!changes) return { merged: false }
    const inspected = inspectUpdate(changes, before, encoding)
    if ('problem' in inspected) throw new MergeError(400, 'malformed', `the copy's changes were refused: ${inspected.problem}`)
    const refusal = room.refusalFor(identity, inspected.decoded, before)
    if (refusal === 'quiet') return { merged: false }
    if (refusal) throw new MergeError(403, 'forbidden', refusal)
    if (JSON.stringify(readTreaty(after).toJSON()) === JSON.stringify(readTreaty(before).toJSON())) return { merged: false }

    // Epoch by epoch: the changes, relative to the previous epoch's final state, become a change of
    // the next epoch's initial state; in the current epoch it is merged into the room.
    const records: { epoch: number; previous: Uint8Array; state: Uint8Array }[] = []
    let carried: Uint8Array = changes
    for (let i = 0; i < rebases.length; i++) {
      const previous = Y.mergeUpdates([rebases[i].previous, carried])
      const written = writeTreaty(rebases[i].state, readTreaty([previous]))
      if (!written) return { merged: false }
      records.push({ epoch: rebases[i].epoch, previous, state: Y.mergeUpdates([rebases[i].state, written]) })
      carried = written
    }
    room.applyOnBehalf(identity?.participant ?? 'server', carried)
    await durable()
    for (const record of records) await storage.updateRebase(room.id, record.epoch, record)
    return { merged: true }
  } finally {
    before.destroy()
    after.destroy()
  }
}

/** The update that turns the document `state` into one whose treaty reads as `treaty` (y-prosemirror's updateYFragment), or null when it already does. */
function writeTreaty(state: Uint8Array, treaty: PMNode): Uint8Array | null {
  const doc = newServerYDoc()
  try {
    Y.applyUpdate(doc, state)
    const fragment = doc.getXmlFragment(TREATY_FRAGMENT)
    const { meta } = initProseMirrorDoc(fragment, treatySchema)
    let written: Uint8Array | null = null
    doc.on('update', (update: Uint8Array) => {
      written = written ? Y.mergeUpdates([written, update]) : update
    })
    doc.transact(() => updateYFragment(doc, fragment, treaty, meta), 'merge')
    return written
  } finally {
    doc.destroy()
  }
}
