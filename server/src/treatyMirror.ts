import { treatySchema } from '@accord/schema'
import type { WriteMeta } from '@accord/collab'
import { Fragment, type Mark, type Node as PMNode } from 'prosemirror-model'
import * as Y from 'yjs'
import { TREATY_FRAGMENT } from './treatyDoc'

/*
 * A ProseMirror mirror of a room's treaty, kept up to date with the room's Y.Doc, so that an
 * action (a bracket resolution) does not read the whole treaty again: what y-prosemirror's
 * `initProseMirrorDoc` would give (the same document, and a type → node mapping that the
 * correspondence walk and `writeChangedBlocks` accept), read again only where the Y document
 * changed, as y-prosemirror's editor binding does (`_typeChanged`).
 *
 * The mirror keeps the mapping between transactions. At the end of every transaction of the
 * doc (before any observer runs) it drops the entries of the types that changed, of their
 * ancestors, of the types deleted, and of every entry a writer set through the mapping during
 * the transaction (`writeChangedBlocks` maps the types it writes to the nodes it wrote; the
 * mirror re-reads them from Y rather than trusting them); the next read rebuilds the dropped
 * elements from Y and reuses every other node.
 *
 * It never writes to the Y document. Where y-prosemirror's read would change it (an element
 * that does not fit the schema is deleted, a Y.XmlText this client created right after another
 * is merged into it), or when a read comes in the middle of a transaction that already changed
 * the document, `mirroredTreaty` answers null and the caller reads with y-prosemirror itself.
 */

/** A treaty as read from its fragment: the document and y-prosemirror's binding metadata for it. */
export interface MirroredTreaty {
  doc: PMNode
  meta: WriteMeta
}

type Mapping = WriteMeta['mapping']
type MappedType = Parameters<Mapping['get']>[0]

/** The mapping handed to writers: it records which entries they set, so they can be re-read. */
class RecordingMapping extends Map<MappedType, PMNode | PMNode[]> {
  readonly written = new Set<MappedType>()
  override set(type: MappedType, node: PMNode | PMNode[]): this {
    // Map's constructor calls set before `written` exists (it is never given entries here).
    this.written?.add(type)
    return super.set(type, node)
  }
  /** An entry the mirror read itself from Y. */
  read(type: MappedType, node: PMNode): void {
    super.set(type, node)
  }
}

class Mirror {
  readonly fragment: Y.XmlFragment
  readonly mapping = new RecordingMapping()
  readonly meta: WriteMeta
  /** The treaty as last read; null once a transaction changed the fragment since. */
  doc: PMNode | null = null

  constructor(readonly ydoc: Y.Doc) {
    this.fragment = ydoc.getXmlFragment(TREATY_FRAGMENT)
    this.meta = { mapping: this.mapping, isOMark: new Map() } as WriteMeta
    ydoc.on('beforeObserverCalls', this.afterChange)
  }

  /** Drops what a transaction changed (it has not run its observers yet; nothing is collected yet). */
  private readonly afterChange = (tr: Y.Transaction): void => {
    const mapping = this.mapping
    let touched = this.forgetWritten()
    const done = new Set<MappedType>()
    for (const changed of tr.changed.keys()) {
      // The changed type and its ancestors, up to a root; the walk stops at a type already done.
      let type: MappedType | null = changed as MappedType
      while (type && !done.has(type)) {
        done.add(type)
        mapping.delete(type)
        if (type === this.fragment) touched = true
        const item: Y.Item | null = type._item
        type = item ? (item.parent as MappedType) : null
      }
    }
    if (tr.deleteSet.clients.size) {
      Y.iterateDeletedStructs(tr, tr.deleteSet, (struct) => {
        if (struct instanceof Y.Item && struct.content instanceof Y.ContentType) {
          if (mapping.delete(struct.content.type as MappedType)) touched = true
        }
      })
    }
    if (touched) this.doc = null
  }

  /** Drops the entries writers set; true when there were some. */
  private forgetWritten(): boolean {
    const { written } = this.mapping
    if (!written.size) return false
    for (const type of written) this.mapping.delete(type)
    written.clear()
    return true
  }

  read(): MirroredTreaty | null {
    const running = this.ydoc._transaction
    if (running) {
      // Inside a transaction that already changed something (or wrote through the mapping), the
      // mirror may not know it yet.
      if (running.changed.size > 0 || running.deleteSet.clients.size > 0 || this.mapping.written.size > 0) return null
    } else if (this.forgetWritten()) {
      // Written outside any transaction (nothing does): read those types again.
      this.doc = null
    }
    if (!this.doc) {
      const children: PMNode[] = []
      for (const child of this.fragment.toArray()) {
        const node = child instanceof Y.XmlElement ? this.element(child) : null
        if (!node) return null
        children.push(node)
      }
      this.doc = treatySchema.topNodeType.create(null, Fragment.fromArray(children))
    }
    return { doc: this.doc, meta: this.meta }
  }

  /** y-prosemirror's createNodeFromYElement (its mapping first), or null where it would change the Y document. */
  private element(element: Y.XmlElement): PMNode | null {
    const known = this.mapping.get(element)
    if (known !== undefined) return known as PMNode
    const children: PMNode[] = []
    for (const child of element.toArray()) {
      if (child instanceof Y.XmlElement) {
        const node = this.element(child)
        if (!node) return null
        children.push(node)
      } else if (child instanceof Y.XmlText) {
        const next = (child._item?.right?.content as Y.ContentType | undefined)?.type
        if (next instanceof Y.Text && !next._item!.deleted && next._item!.id.client === this.ydoc.clientID) return null
        try {
          for (const delta of child.toDelta() as { insert: unknown; attributes?: Record<string, unknown> }[]) {
            if (typeof delta.insert !== 'string') return null
            children.push(treatySchema.text(delta.insert, marksOf(delta.attributes)))
          }
        } catch {
          return null
        }
      } else {
        return null
      }
    }
    let node: PMNode
    try {
      node = treatySchema.node(element.nodeName, element.getAttributes(), children)
    } catch {
      return null
    }
    this.mapping.read(element, node)
    return node
  }
}

/** y-prosemirror's attributesToMarks: an overlapping mark's attribute name carries a hash (`comment--AbCd1234`). */
function marksOf(attributes: Record<string, unknown> | undefined): Mark[] {
  const marks: Mark[] = []
  for (const name in attributes) marks.push(treatySchema.mark(/(.*)(--[a-zA-Z0-9+/=]{8})$/.exec(name)?.[1] ?? name, attributes[name] as Record<string, unknown>))
  return marks
}

const mirrors = new WeakMap<Y.Doc, Mirror>()

/**
 * The treaty of `ydoc` as `initProseMirrorDoc(ydoc.getXmlFragment(TREATY_FRAGMENT), treatySchema)`
 * would read it now, from the doc's mirror (created by the first call, then kept up to date), or
 * null when the caller must read it with y-prosemirror (see above). The same document object
 * comes back while the treaty has not changed. The mapping is the mirror's own: a writer may
 * update it as y-prosemirror's writers do (inside a transaction of `ydoc`); nothing else should
 * change it.
 */
export function mirroredTreaty(ydoc: Y.Doc): MirroredTreaty | null {
  let mirror = mirrors.get(ydoc)
  if (!mirror) mirrors.set(ydoc, (mirror = new Mirror(ydoc)))
  return mirror.read()
}
