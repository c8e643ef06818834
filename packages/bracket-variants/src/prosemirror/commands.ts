import { Fragment, type Node as PMNode } from 'prosemirror-model'
import type { Command, EditorState, Transaction } from 'prosemirror-state'
import { alternativeText, normalizeText } from '../core/index'
import { collectGroups } from './groups'
import { nodeToInlines } from './convert'

/** Transaction meta key under which resolution commands describe what they did (for the audit log and tests). */
export const RESOLUTION_META = 'accord:resolution'

export interface ResolutionMeta {
  /** Positions (before the change) of the groups resolved. */
  groups: number[]
  /** What was chosen: an alternative's text, or null for "drop". */
  chosen: (string | null)[]
}

/** The node at `pos`, or null when `pos` is not a position in `doc` (commands take positions from menus and messages). */
function nodeAtPos(doc: PMNode, pos: number): PMNode | null {
  return Number.isInteger(pos) && pos >= 0 && pos <= doc.content.size ? doc.nodeAt(pos) : null
}

/** Whether `choice` names one of `count` alternatives or options. */
function isIndex(choice: number, count: number): boolean {
  return Number.isInteger(choice) && choice >= 0 && choice < count
}

/**
 * Replaces the bracket groups at `decisions` (position → alternative index, or null to drop
 * the group) in one transaction. Positions are processed from the end of the document so
 * earlier ones stay valid, and a nested group is resolved before the group around it.
 */
export function resolveInTransaction(tr: Transaction, decisions: Map<number, number | null>): ResolutionMeta {
  const meta: ResolutionMeta = { groups: [], chosen: [] }
  const positions = [...decisions.keys()].sort((a, b) => b - a)
  for (const pos of positions) {
    const node = nodeAtPos(tr.doc, pos)
    if (!node || node.type.name !== 'bracket') throw new RangeError(`there is no bracket group at position ${pos}`)
    const choice = decisions.get(pos)!
    if (choice !== null && !isIndex(choice, node.childCount)) {
      throw new RangeError(`the bracket group at position ${pos} has ${node.childCount} alternative(s); there is no alternative ${choice + 1}`)
    }
    const content = choice === null ? Fragment.empty : node.child(choice).content
    tr.replaceWith(pos, pos + node.nodeSize, content)
    meta.groups.push(pos)
    meta.chosen.push(choice === null ? null : alternativeText(nodeToInlines(node.child(choice))))
  }
  tr.setMeta(RESOLUTION_META, meta)
  return meta
}

/**
 * Resolves the bracket group at `pos`: keep alternative `choice` (its text joins the
 * surrounding text) or drop the group (`null`). Dry run without dispatch.
 */
export function resolveBracket(pos: number, choice: number | null): Command {
  return (state, dispatch) => {
    const node = nodeAtPos(state.doc, pos)
    if (!node || node.type.name !== 'bracket') return false
    if (choice !== null && !isIndex(choice, node.childCount)) return false
    if (dispatch) {
      const tr = state.tr
      resolveInTransaction(tr, new Map([[pos, choice]]))
      dispatch(tr.scrollIntoView())
    }
    return true
  }
}

/** Decisions that choose, in every group whose key is `key` (a linked set), the alternative at `index`. */
export function linkedSetDecisions(state: EditorState | { doc: PMNode }, key: string, index: number | null): Map<number, number | null> {
  const decisions = new Map<number, number | null>()
  for (const g of collectGroups(state.doc)) {
    if (g.group.placeholder || g.key !== key) continue
    if (index !== null && !isIndex(index, g.group.alternatives.length)) continue
    decisions.set(g.pos, index)
  }
  return decisions
}

/** Resolves a whole linked set (every group with the key `key`) to its alternative `index`, in one transaction. */
export function resolveLinkedSet(key: string, index: number | null): Command {
  return resolveDecided((state) => linkedSetDecisions(state, key, index))
}

/** A command that resolves, in one transaction, the groups `decide` picks; false when it picks none. */
function resolveDecided(decide: (state: EditorState) => Map<number, number | null>): Command {
  return (state, dispatch) => {
    const decisions = decide(state)
    if (!decisions.size) return false
    if (dispatch) {
      const tr = state.tr
      resolveInTransaction(tr, decisions)
      dispatch(tr)
    }
    return true
  }
}

/** Decisions that keep, in every open group, the alternative whose text is exactly `text` (normalised). */
export function textDecisions(doc: PMNode, text: string): Map<number, number | null> {
  const wanted = normalizeText(text)
  const decisions = new Map<number, number | null>()
  for (const g of collectGroups(doc)) {
    if (g.group.placeholder) continue
    const index = g.group.alternatives.findIndex((alt) => alternativeText(alt) === wanted)
    if (index >= 0) decisions.set(g.pos, index)
  }
  // A group inside an alternative that is itself being dropped needs no decision of its own,
  // but resolving it first is harmless: its content moves with the chosen outer alternative.
  return decisions
}

/** Resolves every group that has an alternative reading exactly `text`: a linked set at once. */
export function resolveByText(text: string): Command {
  return resolveDecided((state) => textDecisions(state.doc, text))
}

/**
 * Keeps option `index` of the option group at `pos` (its blocks replace the group), or drops
 * the whole group (`null`, "no text").
 */
export function chooseOption(pos: number, index: number | null): Command {
  return (state, dispatch) => {
    const node = nodeAtPos(state.doc, pos)
    if (!node || node.type.name !== 'option_group') return false
    if (index !== null && !isIndex(index, node.childCount)) return false
    const content = index === null ? Fragment.empty : node.child(index).content
    const $pos = state.doc.resolve(pos)
    const parent = $pos.parent
    const at = $pos.index()
    if (!parent.canReplace(at, at + 1, content)) return false
    if (dispatch) {
      const tr = state.tr.replaceWith(pos, pos + node.nodeSize, content)
      tr.setMeta(RESOLUTION_META, { groups: [pos], chosen: [index === null ? null : String(index + 1)] } satisfies ResolutionMeta)
      dispatch(tr)
    }
    return true
  }
}

/**
 * Normalises brackets that concurrent edits left without alternatives (the schema allows
 * them so that y-prosemirror keeps them): removes them. Returns false when there are none.
 */
export const removeEmptyBrackets: Command = (state, dispatch) => {
  const empty: number[] = []
  state.doc.descendants((node, pos) => {
    if (node.type.name === 'bracket' && node.childCount === 0) empty.push(pos)
    return true
  })
  if (!empty.length) return false
  if (dispatch) {
    const tr = state.tr
    for (const pos of empty.reverse()) tr.delete(pos, pos + 1 + 1)
    dispatch(tr.setMeta('addToHistory', false))
  }
  return true
}
