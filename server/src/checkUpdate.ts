import type { ContentMatch, Schema } from 'prosemirror-model'
import * as Y from 'yjs'

/**
 * What the treaty looks like in Yjs: y-prosemirror's encoding of the schema. The document holds
 * one root, an XmlFragment; its children are XmlElements named after node types; an element
 * holds XmlElements and XmlTexts, and its attributes are plain values; an XmlText holds strings
 * (and formatting only for marks the schema has).
 */
export interface TreatyEncoding {
  /** Name of the one root type ('treaty'). */
  root: string
  /** Node types that may appear as Y.XmlElement names. */
  elements: ReadonlySet<string>
  /**
   * For each node type (and '' for the root fragment, which stands for the top node), the
   * child types its content expression admits anywhere, '#text' for text. Admitted somewhere,
   * not in this position: order and counts are decided by concurrent edits, and y-prosemirror
   * and the editor's normalisation deal with them; a child that can never be there is refused.
   */
  children: ReadonlyMap<string, ReadonlySet<string>>
  /** Attribute validators of each node type (the schema's `validate`), which throw on a bad value. */
  attributes: ReadonlyMap<string, ReadonlyMap<string, ((value: unknown) => void) | undefined>>
  /** Mark types that may appear as XmlText formatting keys. */
  marks: ReadonlySet<string>
}

export function treatyEncoding(schema: Schema, root = 'treaty'): TreatyEncoding {
  const elements = new Set(Object.keys(schema.nodes).filter((name) => name !== 'text' && name !== schema.topNodeType.name))
  const children = new Map<string, Set<string>>()
  const attributes = new Map<string, Map<string, ((value: unknown) => void) | undefined>>()
  for (const type of Object.values(schema.nodes)) {
    const admitted = new Set<string>()
    const seen = new Set<ContentMatch>()
    const queue: ContentMatch[] = [type.contentMatch]
    while (queue.length) {
      const match = queue.pop()!
      if (seen.has(match)) continue
      seen.add(match)
      for (let i = 0; i < match.edgeCount; i++) {
        const edge = match.edge(i)
        admitted.add(edge.type.isText ? '#text' : edge.type.name)
        queue.push(edge.next)
      }
    }
    children.set(type === schema.topNodeType ? '' : type.name, admitted)
    const attrs = (type as unknown as { attrs: Record<string, { validate?: (value: unknown) => void }> }).attrs
    attributes.set(type.name, new Map(Object.entries(attrs).map(([name, attr]) => [name, attr.validate])))
  }
  return { root, elements, children, attributes, marks: new Set(Object.keys(schema.marks)) }
}

type Place =
  | { kind: 'root'; name: string; parentSub: string | null }
  | { kind: 'element' | 'text' | 'other'; name: string; parentSub: string | null }
  /** The parent lies in changes the server has not seen yet (the update depends on a missing one). */
  | { kind: 'unknown'; name: string; parentSub: string | null }
  /**
   * The parent was deleted and garbage-collected (its content is gone; the room's document is
   * collected). Whatever goes into it is deleted as it is integrated, on every peer: a change made
   * offline inside a paragraph that someone else deleted, or that y-prosemirror rewrote.
   */
  | { kind: 'deleted'; name: string; parentSub: string | null }

/**
 * Checks that an update decodes and only writes what y-prosemirror can read back as a treaty.
 * Returns null when it may be applied, or what is wrong. It looks only at the update and at the
 * parents it writes into, never at the whole document, so it costs in proportion to the update.
 *
 * What it cannot see: an item whose parent is in a change the server has not received yet (a
 * client may legitimately send such an update; Yjs keeps it pending) is let through, and whether
 * the merged tree fits the schema's content expressions is for the room's periodic inspection,
 * since concurrent edits decide that, not one update.
 */
export function checkUpdate(update: Uint8Array, doc: Y.Doc, encoding: TreatyEncoding): string | null {
  const inspected = inspectUpdate(update, doc, encoding)
  return 'problem' in inspected ? inspected.problem : null
}

/** An update as Yjs decodes it (items not integrated anywhere). */
export type DecodedUpdate = ReturnType<typeof Y.decodeUpdate>

/**
 * checkUpdate, answering the decoded update when it passes, so that later checks of the same
 * update (the room's permission rules, structureChange) do not decode it again: decoding is most
 * of the cost, on the thread every room shares.
 */
export function inspectUpdate(update: Uint8Array, doc: Y.Doc, encoding: TreatyEncoding): { problem: string } | { decoded: DecodedUpdate } {
  if (update.length === 0) return { problem: 'empty update' }
  let decoded: DecodedUpdate
  try {
    decoded = Y.decodeUpdate(update)
  } catch (error) {
    return { problem: `the update does not decode: ${(error as Error).message}` }
  }
  const problem = checkDecoded(decoded, doc, encoding)
  return problem ? { problem } : { decoded }
}

function checkDecoded(decoded: DecodedUpdate, doc: Y.Doc, encoding: TreatyEncoding): string | null {
  const own = new Map<number, Y.Item[]>()
  for (const struct of decoded.structs) {
    if (!(struct instanceof Y.Item)) continue
    let list = own.get(struct.id.client)
    if (!list) own.set(struct.id.client, (list = []))
    list.push(struct)
  }
  const lookup = (id: Y.ID): Y.Item | Y.GC | null => findOwn(own, id) ?? findStored(doc, id)
  const places = new Map<Y.Item, Place>()
  for (const struct of decoded.structs) {
    if (!(struct instanceof Y.Item)) continue
    const content = struct.content
    if (content instanceof Y.ContentDeleted) continue
    const place = placeOf(struct, lookup, places)
    const problem = checkContent(content, place, encoding)
    if (problem) return `${problem} (item ${struct.id.client}:${struct.id.clock})`
  }
  return null
}

function checkContent(content: Y.Item['content'], place: Place, encoding: TreatyEncoding): string | null {
  // Nothing put into a deleted element is ever shown or read: Yjs integrates it as deleted.
  if (place.kind === 'deleted') return null
  if (place.kind === 'root' && place.name !== encoding.root) return `writes to a root type "${place.name}"; an Accord document holds only the XmlFragment "${encoding.root}"`
  if (place.kind === 'other') return `writes into a ${place.name}, which the treaty encoding does not use`
  if (content instanceof Y.ContentType) {
    const type = content.type
    if (place.parentSub !== null) return 'stores a shared type as an attribute'
    if (type instanceof Y.XmlElement) {
      if (!encoding.elements.has(type.nodeName)) return `inserts a node "${type.nodeName}" that the treaty schema does not have`
      if (place.kind === 'text') return `inserts a node "${type.nodeName}" inside text`
      if (!admits(encoding, place, type.nodeName)) return `inserts a node "${type.nodeName}" where the schema never allows one (in ${where(place)})`
      return null
    }
    if (type instanceof Y.XmlText) {
      if (place.kind === 'text') return 'inserts text inside text'
      if (!admits(encoding, place, '#text')) return `inserts text where the schema allows none (in ${where(place)})`
      return null
    }
    return `inserts a ${type.constructor.name}, which the treaty encoding does not use`
  }
  if (content instanceof Y.ContentString) {
    if (place.parentSub !== null) return 'stores a string as an attribute'
    if (place.kind !== 'text' && place.kind !== 'unknown') return 'inserts characters outside a text node'
    return null
  }
  if (content instanceof Y.ContentAny) {
    if (place.parentSub === null) return 'inserts plain values into a node\'s content'
    if (place.kind !== 'element' && place.kind !== 'unknown') return `sets attribute "${place.parentSub}" on something that is not a node`
    if (place.kind === 'element') {
      const attributes = encoding.attributes.get(place.name)
      // An attribute the node type does not have has no validator: its value would go unchecked
      // (and a name like __proto__ changes what reading the attributes yields). y-prosemirror
      // writes only the schema's attributes.
      if (!attributes?.has(place.parentSub)) return `sets attribute "${clip(place.parentSub)}" that ${/^[aeiou]/.test(place.name) ? 'an' : 'a'} ${place.name} does not have`
      const validate = attributes.get(place.parentSub)
      if (validate) {
        try {
          for (const value of content.getContent()) validate(value)
        } catch (error) {
          return `sets attribute "${place.parentSub}" of ${place.name} to a value the schema refuses: ${clip((error as Error).message)}`
        }
      }
    }
    return null
  }
  if (content instanceof Y.ContentFormat) {
    const mark = content.key.split('--')[0]
    if (!encoding.marks.has(mark)) return `formats text with "${content.key}", which is not a mark of the treaty schema`
    return null
  }
  return `inserts ${content.constructor.name}, which the treaty encoding does not use`
}

/** Where an item goes: its parent type and map key, following origins for items that inherit them. */
function placeOf(item: Y.Item, lookup: (id: Y.ID) => Y.Item | Y.GC | null, known: Map<Y.Item, Place>): Place {
  // Items in one update can chain (each typed character's origin is the previous one). Every
  // item of a chain has the place of its first one, so what a walk finds is remembered for all
  // the items it passed: without that, an update of n items chained by hand (one 1 MiB message
  // holds 150,000) costs n²/2 steps and stops the server for everybody.
  const walked = new Set<Y.Item>()
  let current: Y.Item = item
  let place: Place | undefined
  while (!place) {
    place = known.get(current)
    if (place) break
    if (walked.has(current)) {
      place = { kind: 'other', name: 'cycle of origins', parentSub: null }
      break
    }
    walked.add(current)
    const parent = current.parent as unknown
    const parentSub = current.parentSub
    if (typeof parent === 'string') place = { kind: 'root', name: parent, parentSub }
    else if (parent instanceof Y.ID) {
      const parentItem = lookup(parent)
      if (!parentItem) place = { kind: 'unknown', name: '', parentSub }
      else if (parentItem instanceof Y.GC || parentItem.content instanceof Y.ContentDeleted) place = { kind: 'deleted', name: 'deleted element', parentSub }
      else if (!(parentItem.content instanceof Y.ContentType)) place = { kind: 'other', name: parentItem.content.constructor.name, parentSub }
      else place = { ...kindOfType(parentItem.content.type), parentSub }
    } else if (parent instanceof Y.AbstractType) place = { ...kindOfType(parent), parentSub: current.parentSub }
    else {
      const neighbour = current.origin ?? current.rightOrigin
      const next = neighbour ? lookup(neighbour) : null
      if (!next) place = { kind: 'unknown', name: '', parentSub }
      // A collected neighbour: its parent was deleted, and this item is integrated as deleted too.
      else if (next instanceof Y.GC) place = { kind: 'deleted', name: 'deleted element', parentSub }
      else current = next
    }
  }
  for (const passed of walked) known.set(passed, place)
  return place
}

/** Whether the parent at `place` admits a child of this kind anywhere (unknown and deleted parents pass: see checkUpdate and Place). */
function admits(encoding: TreatyEncoding, place: Place, child: string): boolean {
  if (place.kind === 'unknown' || place.kind === 'deleted') return true
  const parent = place.kind === 'root' ? '' : place.name
  return encoding.children.get(parent)?.has(child) ?? false
}

function where(place: Place): string {
  return place.kind === 'root' ? 'the treaty fragment' : `${/^[aeiou]/.test(place.name) ? 'an' : 'a'} ${place.name}`
}

function kindOfType(type: Y.AbstractType<unknown>): { kind: Place['kind']; name: string } {
  if (type instanceof Y.XmlElement) return { kind: 'element', name: type.nodeName }
  if (type instanceof Y.XmlText) return { kind: 'text', name: 'XmlText' }
  if (type._item === null) return { kind: 'root', name: Y.findRootTypeKey(type) }
  return { kind: 'other', name: type.constructor.name }
}

function findOwn(own: Map<number, Y.Item[]>, id: Y.ID): Y.Item | null {
  const list = own.get(id.client)
  if (!list) return null
  let lo = 0
  let hi = list.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const item = list[mid]
    if (id.clock < item.id.clock) hi = mid - 1
    else if (id.clock >= item.id.clock + item.length) lo = mid + 1
    else return item
  }
  return null
}

/** The stored struct holding `id`: an item, a GC struct (collected: its parent was deleted), or null when the server has not seen it. */
function findStored(doc: Y.Doc, id: Y.ID): Y.Item | Y.GC | null {
  if (id.clock >= Y.getState(doc.store, id.client)) return null
  const struct = Y.getItem(doc.store, id) as Y.Item | Y.GC
  return struct instanceof Y.Item || struct instanceof Y.GC ? struct : null
}

/**
 * Node types whose creation, removal or attributes belong to the facilitators: the bracket
 * structure (groups, alternatives, option groups and options) and the treaty's own settings.
 */
export const FACILITATOR_NODES: ReadonlySet<string> = new Set(['bracket', 'alternative', 'option_group', 'option', 'treaty'])

/**
 * Whether an update creates, removes or changes the attributes of a node in `guarded`. Returns
 * what it does ("removes a bracket"), or null. Like checkUpdate, it looks only at the update and
 * the items it touches: inserted items by their content and place, deleted ranges by the items
 * the server holds there (deleting a paragraph deletes the brackets inside it too, and Yjs lists
 * them in the delete set). Call it after checkUpdate passed.
 */
export function structureChange(update: Uint8Array | DecodedUpdate, doc: Y.Doc, guarded: ReadonlySet<string> = FACILITATOR_NODES): string | null {
  const decoded = update instanceof Uint8Array ? Y.decodeUpdate(update) : update
  const own = new Map<number, Y.Item[]>()
  for (const struct of decoded.structs) {
    if (!(struct instanceof Y.Item)) continue
    let list = own.get(struct.id.client)
    if (!list) own.set(struct.id.client, (list = []))
    list.push(struct)
  }
  const lookup = (id: Y.ID): Y.Item | Y.GC | null => findOwn(own, id) ?? findStored(doc, id)
  const places = new Map<Y.Item, Place>()
  for (const struct of decoded.structs) {
    if (!(struct instanceof Y.Item)) continue
    const content = struct.content
    if (content instanceof Y.ContentType && content.type instanceof Y.XmlElement && guarded.has(content.type.nodeName)) {
      return `creates ${article(content.type.nodeName)}`
    }
    if (struct.parentSub !== null) {
      const place = placeOf(struct, lookup, places)
      if (place.kind === 'element' && guarded.has(place.name)) return `changes the ${place.parentSub} of ${article(place.name)}`
    }
  }
  for (const [client, ranges] of decoded.ds.clients) {
    const structs = doc.store.clients.get(client)
    if (!structs) continue
    for (const { clock, len } of ranges) {
      let index = findIndex(structs, clock)
      for (; index >= 0 && index < structs.length; index++) {
        const struct = structs[index]
        if (struct.id.clock >= clock + len) break
        if (!(struct instanceof Y.Item) || struct.deleted) continue
        const content = struct.content
        if (content instanceof Y.ContentType && content.type instanceof Y.XmlElement && guarded.has(content.type.nodeName)) {
          return `removes ${article(content.type.nodeName)}`
        }
        if (struct.parentSub !== null && struct.parent instanceof Y.XmlElement && guarded.has(struct.parent.nodeName)) {
          return `changes the ${struct.parentSub} of ${article(struct.parent.nodeName)}`
        }
      }
    }
  }
  return null
}

function article(nodeName: string): string {
  const name = nodeName.replace(/_/g, ' ')
  return `${/^[aeiou]/.test(name) ? 'an' : 'a'} ${name}`
}

/** Index of the struct containing `clock` in a client's sorted struct list, or -1. */
function findIndex(structs: ReadonlyArray<Y.Item | Y.GC | { id: Y.ID; length: number }>, clock: number): number {
  let lo = 0
  let hi = structs.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const struct = structs[mid]
    if (clock < struct.id.clock) hi = mid - 1
    else if (clock >= struct.id.clock + struct.length) lo = mid + 1
    else return mid
  }
  return -1
}

/** A client-supplied string in a refusal reason (logged, and sent as a close reason) stays short. */
function clip(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text
}
