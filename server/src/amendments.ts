import { alternativeText, parseBrackets } from '@accord/bracket-variants'
import { inlinesToNodes, nodeToInlines } from '@accord/bracket-variants/prosemirror'
import { elementId, walkCorresponding, inlineText, bestMatch, rangeFromRelative } from '@accord/collab'
import { DOCX_CONTENT_TYPE, exportCompilationDocx, type Compilation, type CompilationItem } from '@accord/exports'
import { outline, treatySchema, type OutlineBlock } from '@accord/schema'
import type { Node as PMNode } from 'prosemirror-model'
import { EditorState, type Transaction } from 'prosemirror-state'
import { randomBytes } from 'node:crypto'
import { initProseMirrorDoc, updateYFragment } from 'y-prosemirror'
import * as Y from 'yjs'
import { actorLabel, appendAuditIn, auditArray, decodeAnchor, encodeAnchor, type Actor, type AuditAction, type AuditGroup, type RoomLike } from './audit'
import { stateName } from './participants'
import { TREATY_FRAGMENT } from './treatyDoc'
import {
  AMENDMENT_KINDS,
  AMENDMENT_STATUSES,
  type AmendmentAuthor,
  type AmendmentKind,
  type AmendmentStatus,
  type AmendmentTarget,
  type Decision,
  type DecisionRecord,
  type ElementAnchor,
  type Located,
  type PublicAmendment,
  type TextAnchor,
} from '@accord/api'

/*
 * Amendments: each State's proposals to change the treaty, and the facilitator's decisions on
 * them. They live in the room's Y.Doc, in the root `amendments` (a Y.Map from id to a plain
 * record), which only the server writes (checkUpdate refuses a client's update to any root but
 * `treaty`), so they are stored, replayed and broadcast with the text and every client reads
 * them live, while no client, modified or not, can write another State's proposal or its own.
 * The State is always the caller's (the token's), never the request body's.
 *
 * A proposal on a passage anchors its quote with Yjs relative positions (the start tied to the
 * quote's first character, the end to its last, so that text typed at either edge stays
 * outside), plus the quote's text and a few characters around it in the element that held it:
 * y-prosemirror writes the text after an inline element that appears or disappears in a
 * paragraph (a bracket resolved, or created by a decision) as new characters, and the
 * surroundings find the quote again there. When the quote's text was deleted, the amendment
 * says so (`located.found: false`) rather than drift to other text.
 *
 * Every change goes through `room.transact` on behalf of the actor with its audit entry: one
 * Yjs transaction, one update. Who may call what is checked here too (the HTTP layer checks
 * roles first).
 */

/** The name of the Y.Map root holding the amendments. */
export const AMENDMENTS_ROOT = 'amendments'

/** A refusal the HTTP layer answers as `{error: {code, message}}` with `status`. */
export class AmendmentError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = 'AmendmentError'
  }
}

export { AMENDMENT_KINDS, AMENDMENT_STATUSES, type AmendmentKind, type AmendmentStatus, type AmendmentTarget, type Decision, type Located }

/** Kinds that act on a quoted passage of one paragraph. */
const TEXT_KINDS: ReadonlySet<AmendmentKind> = new Set(['replace', 'delete', 'insertAfter'])

export type { AmendmentAuthor, PublicAmendment }
/** A facilitator's decision on an amendment, as stored with it. */
export type AmendmentDecision = DecisionRecord

interface StoredAmendment extends Omit<PublicAmendment, 'located'> {
  anchor: TextAnchor | null
  elements: ElementAnchor | null
}

/** The Y.Map of amendments (created empty when absent). */
export function amendmentsMap(doc: Y.Doc): Y.Map<StoredAmendment> {
  return doc.getMap<StoredAmendment>(AMENDMENTS_ROOT)
}

// ---------------------------------------------------------------------------------------------
// Reading the treaty

/** The treaty as ProseMirror sees it, with the Y types it came from. */
interface Working {
  ydoc: Y.Doc
  fragment: Y.XmlFragment
  doc: PMNode
  meta: ReturnType<typeof initProseMirrorDoc>['meta']
  blocks: OutlineBlock[]
}

function working(ydoc: Y.Doc): Working {
  const fragment = ydoc.getXmlFragment(TREATY_FRAGMENT)
  const { doc, meta } = initProseMirrorDoc(fragment, treatySchema)
  return { ydoc, fragment, doc, meta, blocks: outline(doc) }
}

/** Reads a copy (reading with y-prosemirror may delete content that does not fit the schema, and a read must not change the shared document). */
function withCopy<T>(doc: Y.Doc, read: (w: Working) => T): T {
  const copy = new Y.Doc({ gc: false })
  try {
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc))
    return read(working(copy))
  } finally {
    copy.destroy()
  }
}

/** Runs `change` in one transaction of the room on behalf of `actor`. Refusals are thrown before anything is written. */
function inTransaction<T>(room: RoomLike, actor: Actor, change: (w: Working) => T): T {
  let result: T | undefined
  room.transact(actorLabel(actor), (ydoc) => {
    result = change(working(ydoc))
  })
  return result as T
}

function write(w: Working, doc: PMNode): void {
  updateYFragment(w.ydoc, w.fragment, doc, w.meta)
}

/** Characters of context kept on each side of a quote. */
const CONTEXT = 32


const SEPARATOR_TEXT: Record<string, string> = { none: '', space: ' ', or: ' [or] ', slash: ' / ' }

/**
 * A passage as a delegate quotes it: text as written, a bracket group in notation (`[A][B]`,
 * with its separator), a placeholder as `[…]` or `{…}`, a drafting note as its text. Each
 * character has the positions a range may start at before it (`starts`) and end at after it
 * (`ends`): a bracket or placeholder can be quoted whole or inside one alternative, never cut.
 * With `markup` false, brackets are written without their delimiters (the text a selection
 * in the editor copies), so a quote may also be given that way.
 */
interface Rendered {
  text: string
  starts: number[][]
  ends: number[][]
}

function render(node: PMNode, contentStart: number, markup: boolean): Rendered {
  const out: Rendered = { text: '', starts: [], ends: [] }
  const push = (ch: string, starts: number[], ends: number[]) => {
    out.text += ch
    out.starts.push(starts)
    out.ends.push(ends)
  }
  const pushString = (s: string) => {
    for (let k = 0; k < s.length; k++) push(s[k], [], [])
  }
  /** Renders `parent`'s content; `outerStart`/`outerEnd` are positions also valid before its first / after its last character. */
  const walk = (parent: PMNode, start: number, outerStart: number[], outerEnd: number[]) => {
    const first = out.text.length
    parent.forEach((child, offset) => {
      const pos = start + offset
      if (child.isText) {
        const t = child.text!
        for (let k = 0; k < t.length; k++) push(t[k], [pos + k], [pos + k + 1])
      } else if (child.type.name === 'bracket') {
        const at = out.text.length
        const sep = SEPARATOR_TEXT[child.attrs.separator as string] ?? ''
        child.forEach((alt, altOffset, i) => {
          if (i > 0 && markup) pushString(sep)
          if (markup) pushString('[')
          walk(alt, pos + 1 + altOffset + 1, [], [])
          if (markup) pushString(']')
        })
        if (out.text.length > at) {
          out.starts[at] = [...out.starts[at], pos]
          out.ends[out.text.length - 1] = [...out.ends[out.text.length - 1], pos + child.nodeSize]
        }
      } else if (child.type.name === 'placeholder') {
        const at = out.text.length
        const [open, close] = child.attrs.curly ? ['{', '}'] : ['[', ']']
        if (markup) pushString(open)
        walk(child, pos + 1, [], [])
        if (markup) pushString(close)
        if (out.text.length > at) {
          out.starts[at] = [...out.starts[at], pos]
          out.ends[out.text.length - 1] = [...out.ends[out.text.length - 1], pos + child.nodeSize]
        }
      } else {
        // A drafting note: its text, quotable inside or whole.
        walk(child, pos + 1, [pos], [pos + child.nodeSize])
      }
    })
    if (out.text.length > first) {
      out.starts[first] = [...out.starts[first], ...outerStart]
      out.ends[out.text.length - 1] = [...out.ends[out.text.length - 1], ...outerEnd]
    }
  }
  walk(node, contentStart, [], [])
  return out
}

/** The ranges where `quote` occurs in `node` (a textblock at `pos`), in order; a range always lies in one node with inline content. */
function occurrences(doc: PMNode, block: OutlineBlock, quote: string, markup: boolean): { from: number; to: number }[] {
  const r = render(block.node, block.pos + 1, markup)
  const found: { from: number; to: number }[] = []
  for (let i = r.text.indexOf(quote); i >= 0; i = r.text.indexOf(quote, i + 1)) {
    const j = i + quote.length - 1
    let range: { from: number; to: number } | null = null
    for (const from of r.starts[i]) {
      for (const to of r.ends[j]) {
        const $from = doc.resolve(from)
        const $to = doc.resolve(to)
        if (from < to && $from.sameParent($to) && $from.parent.inlineContent) {
          // The outermost fitting range: a whole bracket rather than its alternative's text.
          if (!range || $from.depth < doc.resolve(range.from).depth) range = { from, to }
        }
      }
    }
    if (range && !found.some((f) => f.from === range!.from && f.to === range!.to)) found.push(range)
  }
  return found
}

/** The textblock of the outline holding `pos`. */
function blockAt(w: Working, pos: number): OutlineBlock | undefined {
  let found: OutlineBlock | undefined
  for (const b of w.blocks) {
    if (b.pos < pos && pos < b.pos + b.node.nodeSize) found = b
    if (b.pos > pos) break
  }
  return found
}

/** The element corresponding to the node at `pos` (a position directly before it). */
function elementAt(w: Working, pos: number): Y.XmlElement | null {
  let found: Y.XmlElement | null = null
  walkCorresponding(w.fragment, w.doc, ({ element, pos: at }) => {
    if (at === pos) found = element
    return found !== null || at > pos
  })
  return found
}

function elementById(w: Working, id: string): { element: Y.XmlElement; node: PMNode; pos: number } | null {
  let found: { element: Y.XmlElement; node: PMNode; pos: number } | null = null
  walkCorresponding(w.fragment, w.doc, (c) => {
    if (elementId(c.element) !== id) return false
    found = c
    return true
  })
  return found
}

/**
 * A relative position for `pos`, a position in a node with inline content: with `assoc` 0 tied
 * to what follows (a character, or an inline element), with -1 to what precedes.
 */
function relativeAt(w: Working, pos: number, assoc: 0 | -1): Y.RelativePosition {
  const $pos = w.doc.resolve(pos)
  const holder = elementAt(w, $pos.before())
  if (!holder) throw new Error(`no Y element corresponds to the ${$pos.parent.type.name} at position ${$pos.before()}`)
  const sizes: number[] = []
  $pos.parent.forEach((child) => {
    if (!child.isText) sizes.push(child.nodeSize)
  })
  let offset = pos - $pos.start()
  let elementIndex = 0
  const children = holder.toArray()
  for (let index = 0; index < children.length; index++) {
    const child = children[index]
    if (child instanceof Y.XmlText) {
      if (offset < child.length || (offset === child.length && assoc < 0 && offset > 0)) return Y.createRelativePositionFromTypeIndex(child, offset, assoc)
      offset -= child.length
    } else {
      if (offset === 0) return Y.createRelativePositionFromTypeIndex(holder, index, assoc)
      offset -= sizes[elementIndex++] ?? 0
    }
  }
  return Y.createRelativePositionFromTypeIndex(holder, children.length, assoc)
}

function anchorOf(w: Working, from: number, to: number): TextAnchor {
  const $from = w.doc.resolve(from)
  const holder = elementAt(w, $from.before())!
  const line = inlineText($from.parent, $from.start())
  const i = line.posAt.indexOf(from)
  const j = line.posAt.indexOf(to, i)
  return {
    start: encodeAnchor(relativeAt(w, from, 0)),
    end: encodeAnchor(relativeAt(w, to, -1)),
    parent: elementId(holder),
    text: line.text.slice(i, j),
    before: line.text.slice(Math.max(0, i - CONTEXT), i),
    after: line.text.slice(j, j + CONTEXT),
  }
}

/** The quote's range now: from its relative positions, else from its surroundings in the element that held it; null when its text is gone. */
function rangeOf(w: Working, anchor: TextAnchor): { from: number; to: number } | null {
  const range = rangeFromPositions(w, anchor) ?? rangeFromContext(w, anchor)
  if (!range) return null
  const $from = w.doc.resolve(range.from)
  const $to = w.doc.resolve(range.to)
  return $from.sameParent($to) && $from.parent.inlineContent ? range : null
}

function rangeFromPositions(w: Working, anchor: TextAnchor): { from: number; to: number } | null {
  // An empty range: every character of the quote was deleted (or rewritten: see rangeFromContext).
  return rangeFromRelative(w.ydoc, w.fragment, w.meta.mapping, w.doc, [decodeAnchor(anchor.start), decodeAnchor(anchor.end)])
}

/**
 * Finds the quote again in the element that held it, when its characters were rewritten (the
 * text after an inline element that appeared or disappeared): the occurrence of the quote's
 * text whose surroundings match best, if that one is unique.
 */
function rangeFromContext(w: Working, anchor: TextAnchor): { from: number; to: number } | null {
  const holder = elementById(w, anchor.parent)
  // A quote of nothing but inline elements (a bracket) has no text to recognise: another bracket would match as well.
  if (!holder || !holder.node.inlineContent || !anchor.text.replace(/\ufffc/g, '')) return null
  const found = bestMatch(inlineText(holder.node, holder.pos + 1), anchor)
  return found && !found.tie ? found.range : null
}

/** A range's text as a quote is written (brackets in notation). */
function quoteText(w: Working, from: number, to: number): string {
  const $from = w.doc.resolve(from)
  const r = render($from.parent, $from.start(), true)
  let i = r.starts.findIndex((s) => s.includes(from))
  let j = -1
  for (let k = r.ends.length - 1; k >= 0; k--) {
    if (r.ends[k].includes(to)) {
      j = k
      break
    }
  }
  if (i < 0 || j < i) {
    i = 0
    j = -1
  }
  return r.text.slice(i, j + 1)
}

// ---------------------------------------------------------------------------------------------
// Targets

interface Where {
  article?: number
  paragraph?: number
  preamble?: number
}

function describeWhere(where: Where): string {
  if (where.preamble !== undefined) return `Preamble, paragraph ${where.preamble}`
  if (where.paragraph !== undefined) return `Article ${where.article}, paragraph ${where.paragraph}`
  return `Article ${where.article}`
}

/** The textblocks of a target: a preambular paragraph, an article's numbered paragraph with its sub-paragraphs, or a whole article. */
function blocksOf(w: Working, where: Where): OutlineBlock[] {
  if (where.preamble !== undefined) return w.blocks.filter((b) => b.location.preamble === where.preamble)
  return w.blocks.filter(
    (b) =>
      b.location.article === where.article &&
      b.location.annex === undefined &&
      (where.paragraph === undefined || b.location.paragraph === where.paragraph) &&
      (where.paragraph === undefined || b.location.block !== 'article_heading'),
  )
}

/** The article (counted number `n`, not in an annex) as a node and position. */
function articleNode(w: Working, n: number): { node: PMNode; pos: number } | null {
  const block = w.blocks.find((b) => b.location.article === n && b.location.annex === undefined)
  if (!block) return null
  const $pos = w.doc.resolve(block.pos)
  for (let d = $pos.depth; d > 0; d--) if ($pos.node(d).type.name === 'article') return { node: $pos.node(d), pos: $pos.before(d) }
  return null
}

/** Positions of the children of `parent` (at `parentPos`) that hold any of `blocks`. */
function topLevelChildren(w: Working, parent: { node: PMNode; pos: number }, blocks: OutlineBlock[]): { node: PMNode; pos: number }[] {
  const out: { node: PMNode; pos: number }[] = []
  parent.node.forEach((child, offset) => {
    const pos = parent.pos + 1 + offset
    if (blocks.some((b) => b.pos >= pos && b.pos < pos + child.nodeSize)) out.push({ node: child, pos })
  })
  return out
}

function containerOf(w: Working, block: OutlineBlock, type: string): { node: PMNode; pos: number } | null {
  const $pos = w.doc.resolve(block.pos)
  for (let d = $pos.depth; d > 0; d--) if ($pos.node(d).type.name === type) return { node: $pos.node(d), pos: $pos.before(d) }
  return null
}

// ---------------------------------------------------------------------------------------------
// Requests

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function badRequest(message: string): AmendmentError {
  return new AmendmentError(400, 'bad-request', message)
}

const PROPOSE_EXAMPLE = '{"kind": "replace", "target": {"article": 4, "paragraph": 1, "quote": "应当签署"}, "text": "…", "justification": "…"}'

function bodyOf(body: unknown, allowed: readonly string[], example: string): Record<string, unknown> {
  if (!isRecord(body)) throw badRequest(`the request body must be a JSON object such as ${example}`)
  const extra = Object.keys(body).filter((k) => !allowed.includes(k))
  if (extra.length) throw badRequest(`unknown field${extra.length > 1 ? 's' : ''} ${extra.map((k) => JSON.stringify(k)).join(', ')}; expected ${example}`)
  return body
}

const MAX_TEXT = 20_000
const MAX_JUSTIFICATION = 10_000

function optionalString(body: Record<string, unknown>, name: string, max: number, example: string): string | undefined {
  const value = body[name]
  if (value === undefined) return undefined
  if (typeof value !== 'string') throw badRequest(`"${name}" must be a string; expected ${example}`)
  if (value.length > max) throw new AmendmentError(413, 'too-large', `"${name}" is ${value.length} characters long; at most ${max} are accepted`)
  return value.normalize('NFC')
}

function positiveInteger(value: unknown, name: string, example: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 100_000) throw badRequest(`"target.${name}" must be a whole number from 1 (as the treaty numbers it); expected ${example}`)
  return value
}

// Control characters other than a newline never belong in treaty text.
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f]/

/** The proposed wording as inline nodes (bracket notation is read as brackets); `what` names it in messages. */
function proposedNodes(text: string, what: string): PMNode[] {
  if (CONTROL.test(text)) throw badRequest(`${what} holds a control character (a tab or similar); write it as plain text`)
  if (/[\n\r]/.test(text)) throw new AmendmentError(422, 'not-inline', `${what} runs over several lines, but it goes into a paragraph; propose a new paragraph ("kind": "addParagraph") for more`)
  const parsed = parseBrackets(text, { unitName: what })
  const error = parsed.diagnostics.find((d) => d.severity === 'error')
  if (error) throw new AmendmentError(422, 'unbalanced-brackets', `${what} has unbalanced brackets: ${error.message}`)
  return inlinesToNodes(parsed.inlines)
}

/** A new paragraph's or article's paragraphs, one per line (blank lines skipped). */
function proposedParagraphs(text: string): PMNode[][] {
  const lines = text.split(/\r\n|\r|\n/).filter((l) => l.trim())
  if (!lines.length) throw badRequest('"text" must hold the new text; one paragraph per line')
  return lines.map((line, i) => proposedNodes(line.trim(), lines.length > 1 ? `line ${i + 1} of the proposed text` : 'the proposed text'))
}

function requireDelegation(actor: Actor, what: string): string {
  if (actor.role !== 'delegation' || !actor.state) throw new AmendmentError(403, 'forbidden', `only delegations ${what}; you take part as ${actor.role === 'delegation' ? 'a delegation without a State' : `a ${actor.role}`}`)
  return actor.state
}

function newId(): string {
  return `m_${randomBytes(9).toString('base64url')}`
}

function now(): string {
  return new Date().toISOString()
}

function quoted(text: string, max = 60): string {
  return `"${text.length > max ? `${text.slice(0, max - 1)}…` : text}"`
}

interface ParsedTarget extends Where {
  quote?: string
  occurrence?: number
}

function parseTarget(kind: AmendmentKind, value: unknown): ParsedTarget {
  const structural = !TEXT_KINDS.has(kind)
  const example = structural ? `{"kind": "${kind}", "target": {"article": 4${kind.endsWith('Article') ? '' : ', "paragraph": 2'}}, …}` : PROPOSE_EXAMPLE
  if (!isRecord(value)) throw badRequest(`"target" must be an object such as {"article": 4, "paragraph": 1, "quote": "…"} or {"preamble": 3, "quote": "…"}; expected ${example}`)
  const allowed = structural ? ['article', 'paragraph', 'preamble'] : ['article', 'paragraph', 'preamble', 'quote', 'occurrence']
  const extra = Object.keys(value).filter((k) => !allowed.includes(k))
  if (extra.length) throw badRequest(`"target" has unknown field${extra.length > 1 ? 's' : ''} ${extra.map((k) => JSON.stringify(k)).join(', ')}; expected ${example}`)
  const t: ParsedTarget = {}
  if (value.preamble !== undefined) {
    if (value.article !== undefined || value.paragraph !== undefined) throw badRequest(`give either "preamble" or "article" (with "paragraph") in "target", not both`)
    if (kind === 'addArticle' || kind === 'deleteArticle') throw badRequest(`"${kind}" targets an article: {"article": N}`)
    t.preamble = positiveInteger(value.preamble, 'preamble', example)
  } else {
    if (value.article === undefined) throw badRequest(`"target" needs "article" (and "paragraph") or "preamble"; expected ${example}`)
    t.article = positiveInteger(value.article, 'article', example)
    if (value.paragraph !== undefined) {
      if (kind === 'addArticle' || kind === 'deleteArticle') throw badRequest(`"${kind}" targets a whole article: give only {"article": N}`)
      t.paragraph = positiveInteger(value.paragraph, 'paragraph', example)
    } else if (kind === 'deleteParagraph') throw badRequest(`"deleteParagraph" needs "target.paragraph"; to delete the whole article, propose "deleteArticle"`)
  }
  if (!structural) {
    if (typeof value.quote !== 'string' || !value.quote) throw badRequest(`"target.quote" must be the exact text (not empty) the amendment is about, copied from the paragraph; expected ${example}`)
    if (value.quote.length > MAX_TEXT) throw new AmendmentError(413, 'too-large', `"target.quote" is ${value.quote.length} characters long; at most ${MAX_TEXT} are accepted`)
    t.quote = value.quote.normalize('NFC')
    if (value.occurrence !== undefined) t.occurrence = positiveInteger(value.occurrence, 'occurrence', example)
  }
  return t
}

function targetOf(t: ParsedTarget, location: string): AmendmentTarget {
  const out: AmendmentTarget = { location }
  if (t.article !== undefined) out.article = t.article
  if (t.paragraph !== undefined) out.paragraph = t.paragraph
  if (t.preamble !== undefined) out.preamble = t.preamble
  if (t.quote !== undefined) out.quote = t.quote
  if (t.occurrence !== undefined) out.occurrence = t.occurrence
  return out
}

// ---------------------------------------------------------------------------------------------
// Propose

export interface ProposeResult {
  id: string
  number: number
  /** The audit entry. */
  entry: string
  located: Located
  /** A sentence when something should be checked, e.g. the quote occurs more than once and the first was taken. */
  warning: string | null
}

export interface ProposeOptions {
  /** The name of the latest saved revision ("Rev.1"), recorded as the proposal's base; null before any. */
  revision?: string | null
}

/**
 * A delegation proposes an amendment in its State's name (the actor's State; the body names
 * none). Text kinds (`replace`, `delete`, `insertAfter`) quote the exact text in one paragraph
 * (an article's numbered paragraph with its sub-paragraphs, or a preambular paragraph; without
 * `paragraph`, the whole article); brackets are quoted in notation (`本[议定书][协议]`) or as
 * the editor copies them (`本议定书协议`). A quote that occurs more than once takes its first
 * occurrence, or `target.occurrence`, and the answer's `warning` says so.
 */
export function proposeAmendment(room: RoomLike, actor: Actor, body: unknown, options: ProposeOptions = {}): ProposeResult {
  const state = requireDelegation(actor, 'propose amendments')
  const b = bodyOf(body, ['kind', 'target', 'text', 'justification'], PROPOSE_EXAMPLE)
  if (typeof b.kind !== 'string' || !(AMENDMENT_KINDS as readonly string[]).includes(b.kind)) {
    throw badRequest(`"kind" must be one of ${AMENDMENT_KINDS.map((k) => `"${k}"`).join(', ')}; expected ${PROPOSE_EXAMPLE}`)
  }
  const kind = b.kind as AmendmentKind
  const t = parseTarget(kind, b.target)
  const text = optionalString(b, 'text', MAX_TEXT, PROPOSE_EXAMPLE) ?? ''
  const justification = (optionalString(b, 'justification', MAX_JUSTIFICATION, PROPOSE_EXAMPLE) ?? '').trim()
  checkText(kind, text)

  return inTransaction(room, actor, (w) => {
    let anchor: TextAnchor | null = null
    let elements: ElementAnchor | null = null
    let warning: string | null = null
    let location: string
    const where = describeWhere(t)
    if (TEXT_KINDS.has(kind)) {
      const blocks = blocksOf(w, t)
      if (!blocks.length) throw noSuchPlace(w, t)
      const quote = t.quote!
      let found = blocks.flatMap((block) => occurrences(w.doc, block, quote, true))
      if (!found.length) found = blocks.flatMap((block) => occurrences(w.doc, block, quote, false))
      if (!found.length) {
        throw new AmendmentError(422, 'quote-not-found', `${quoted(quote)} is not in ${where}; copy the text exactly as it stands there (brackets as [A][B]), and check the article and paragraph numbers`)
      }
      const index = (t.occurrence ?? 1) - 1
      if (index >= found.length) throw new AmendmentError(422, 'quote-not-found', `${quoted(quote)} occurs ${found.length === 1 ? 'once' : `${found.length} times`} in ${where}, so there is no occurrence ${index + 1}`)
      if (found.length > 1 && t.occurrence === undefined) {
        warning = `${quoted(quote)} occurs ${found.length} times in ${where}; the amendment applies to the first. To target another, quote more of the text around it or give "target.occurrence".`
      }
      const range = found[index]
      const $from = w.doc.resolve(range.from)
      if ($from.parent.type.name === 'note' || $from.parent.type.name === 'placeholder') {
        throw new AmendmentError(422, 'not-treaty-text', `${quoted(quote)} is inside a ${$from.parent.type.name === 'note' ? 'drafting note' : 'placeholder'} in ${where}; quote the whole ${$from.parent.type.name === 'note' ? 'note' : 'placeholder'} or the treaty text around it`)
      }
      anchor = anchorOf(w, range.from, range.to)
      location = blockAt(w, range.from)?.location.text ?? where
    } else {
      const found = structuralPlace(w, kind, t)
      elements = found.anchor
      location = found.location
    }
    const map = amendmentsMap(w.ydoc)
    const number = map.size + 1
    const id = newId()
    const time = now()
    const record: StoredAmendment = {
      id,
      number,
      state,
      kind,
      target: targetOf(t, location),
      text,
      justification,
      status: 'open',
      cosponsors: [],
      created: time,
      updated: time,
      author: { participant: actor.participant, name: actor.name },
      base: { revision: options.revision ?? null, auditSeq: auditArray(w.ydoc).length },
      decision: null,
      anchor,
      elements,
    }
    map.set(id, record)
    const entry = audit(w, actor, record, 'amendment-propose', `${state} proposed amendment ${number}: ${summary(record)}.`)
    return { id, number, entry, located: locate(w, record), warning }
  })
}

function checkText(kind: AmendmentKind, text: string): void {
  switch (kind) {
    case 'replace':
    case 'insertAfter':
      if (!text) throw badRequest(`"text" must hold the proposed wording${kind === 'replace' ? '; to delete the quoted text, propose "kind": "delete"' : ''}`)
      proposedNodes(text, 'the proposed text')
      break
    case 'addParagraph':
    case 'addArticle':
      proposedParagraphs(text)
      break
    default:
      if (text) throw badRequest(`a "${kind}" amendment takes no "text"`)
  }
}

function noSuchPlace(w: Working, t: Where): AmendmentError {
  if (t.preamble !== undefined) {
    const count = w.blocks.filter((b) => b.location.preamble !== undefined).length
    return new AmendmentError(422, 'no-such-paragraph', `the preamble has ${count} paragraph${count === 1 ? '' : 's'}, so there is no preambular paragraph ${t.preamble}`)
  }
  const article = articleNode(w, t.article!)
  if (!article) return new AmendmentError(422, 'no-such-article', `the treaty has no Article ${t.article}`)
  const paragraphs = new Set(w.blocks.filter((b) => b.location.article === t.article && b.location.paragraph !== undefined).map((b) => b.location.paragraph))
  return new AmendmentError(422, 'no-such-paragraph', `Article ${t.article} has ${paragraphs.size} numbered paragraph${paragraphs.size === 1 ? '' : 's'}, so there is no paragraph ${t.paragraph}`)
}

/** Where a structural amendment applies, as the elements it anchors to. */
function structuralPlace(w: Working, kind: AmendmentKind, t: Where): { anchor: ElementAnchor; location: string } {
  const where = describeWhere(t)
  if (kind === 'addArticle' || kind === 'deleteArticle') {
    const article = articleNode(w, t.article!)
    if (!article) throw noSuchPlace(w, t)
    return { anchor: { elements: [elementIdAt(w, article.pos)], place: kind === 'addArticle' ? 'after' : null }, location: where }
  }
  if (kind === 'addParagraph' && t.paragraph === undefined && t.preamble === undefined) {
    const article = articleNode(w, t.article!)
    if (!article) throw noSuchPlace(w, t)
    return { anchor: { elements: [elementIdAt(w, article.pos)], place: 'end' }, location: where }
  }
  const blocks = blocksOf(w, t)
  if (!blocks.length) throw noSuchPlace(w, t)
  const parent = t.preamble !== undefined ? containerOf(w, blocks[0], 'preamble') : articleNode(w, t.article!)
  if (!parent) throw noSuchPlace(w, t)
  const children = topLevelChildren(w, parent, blocks)
  const ids = children.map((c) => elementIdAt(w, c.pos))
  if (kind === 'addParagraph') return { anchor: { elements: [ids[ids.length - 1]], place: 'after' }, location: where }
  return { anchor: { elements: ids, place: null }, location: where }
}

function elementIdAt(w: Working, pos: number): string {
  const element = elementAt(w, pos)
  if (!element) throw new Error(`no Y element corresponds to the node at position ${pos}`)
  return elementId(element)
}

function summary(a: StoredAmendment): string {
  const where = a.target.location
  switch (a.kind) {
    case 'replace':
      return `replace ${quoted(a.target.quote!)} in ${where} with ${quoted(a.text)}`
    case 'delete':
      return `delete ${quoted(a.target.quote!)} in ${where}`
    case 'insertAfter':
      return `insert ${quoted(a.text)} after ${quoted(a.target.quote!)} in ${where}`
    case 'addParagraph':
      return a.target.paragraph !== undefined || a.target.preamble !== undefined ? `add a paragraph after ${where}` : `add a paragraph at the end of ${where}`
    case 'addArticle':
      return `add an article after ${where}`
    case 'deleteParagraph':
      return `delete ${where}`
    case 'deleteArticle':
      return `delete ${where}`
  }
}

function audit(w: Working, actor: Actor, a: StoredAmendment, action: AuditAction, detail: string, groups: AuditGroup[] = []): string {
  return appendAuditIn(w.ydoc, actor, { action, detail, amendment: a.id, groups }).id
}

// ---------------------------------------------------------------------------------------------
// Locating

function locate(w: Working, a: StoredAmendment): Located {
  const original: Located = {
    article: a.target.article ?? null,
    paragraph: a.target.paragraph ?? null,
    preamble: a.target.preamble ?? null,
    location: a.target.location,
    quote: null,
    found: false,
    changed: false,
  }
  const at = (pos: number): Pick<Located, 'article' | 'paragraph' | 'preamble' | 'location'> => {
    const block = blockAt(w, pos) ?? w.blocks.find((b) => b.pos >= pos)
    if (!block) return original
    const loc = block.location
    return { article: loc.article ?? null, paragraph: loc.paragraph ?? null, preamble: loc.preamble ?? null, location: loc.text }
  }
  if (a.anchor) {
    const range = rangeOf(w, a.anchor)
    if (!range) return { ...original, location: `${a.target.location} (the quoted text has been deleted)` }
    const quote = quoteText(w, range.from, range.to)
    return { ...at(range.from), quote, found: true, changed: a.status === 'open' && quote !== a.target.quote }
  }
  if (a.elements) {
    const first = elementById(w, a.elements.elements[0])
    if (!first) return { ...original, location: `${a.target.location} (deleted since)` }
    if (first.node.type.name === 'article') {
      const block = w.blocks.find((b) => b.pos > first.pos && b.pos < first.pos + first.node.nodeSize)
      const article = block?.location.article ?? null
      return { ...original, article, paragraph: null, preamble: null, location: article !== null ? `Article ${article}` : 'an article', found: true }
    }
    return { ...at(first.pos + 1), quote: null, found: true, changed: false }
  }
  return original
}

function publicOf(w: Working, a: StoredAmendment): PublicAmendment {
  const { anchor: _anchor, elements: _elements, ...rest } = a
  return { ...rest, cosponsors: [...a.cosponsors], located: locate(w, a) }
}

function allStored(doc: Y.Doc): StoredAmendment[] {
  return [...amendmentsMap(doc).values()].sort((x, y) => x.number - y.number || x.id.localeCompare(y.id))
}

export interface AmendmentQuery {
  state?: string
  status?: string
  article?: string | number
}

/**
 * The amendments, oldest first, each located in the text as it is now; filtered by State,
 * status and article (where the text is now, else where it was when proposed).
 */
export function listAmendments(room: RoomLike, query: unknown = {}): { amendments: PublicAmendment[] } {
  const q = parseQuery(query)
  return withCopy(room.doc, (w) => {
    const amendments = allStored(w.ydoc)
      .filter((a) => (q.state === undefined || a.state === q.state) && (q.status === undefined || a.status === q.status))
      .map((a) => publicOf(w, a))
      .filter((a) => q.article === undefined || (a.located.found ? a.located.article : (a.target.article ?? null)) === q.article)
    return { amendments }
  })
}

/** One amendment (404 when there is none with that id). */
export function getAmendment(room: RoomLike, id: string): PublicAmendment {
  return withCopy(room.doc, (w) => publicOf(w, stored(w, id)))
}

function parseQuery(query: unknown): { state?: string; status?: AmendmentStatus; article?: number } {
  if (query === undefined || query === null) return {}
  if (!isRecord(query)) throw badRequest('the query must be an object of strings')
  const out: { state?: string; status?: AmendmentStatus; article?: number } = {}
  const get = (name: string): string | undefined => {
    const v = query[name]
    if (v === undefined || v === null || v === '') return undefined
    return String(v)
  }
  const state = get('state')
  if (state !== undefined) {
    if (!/^[A-Za-z0-9][A-Za-z0-9 +._-]{0,31}$/.test(state)) throw badRequest(`"state" must be a State code such as FR; got ${JSON.stringify(state)}`)
    out.state = state.toUpperCase()
  }
  const status = get('status')
  if (status !== undefined) {
    if (!(AMENDMENT_STATUSES as readonly string[]).includes(status)) throw badRequest(`"status" must be one of ${AMENDMENT_STATUSES.join(', ')}; got ${JSON.stringify(status)}`)
    out.status = status as AmendmentStatus
  }
  const article = get('article')
  if (article !== undefined) {
    if (!/^[1-9]\d{0,5}$/.test(article)) throw badRequest(`"article" must be an article number such as 4; got ${JSON.stringify(article)}`)
    out.article = Number(article)
  }
  return out
}

function stored(w: Working, id: unknown): StoredAmendment {
  const a = typeof id === 'string' ? amendmentsMap(w.ydoc).get(id) : undefined
  if (!a) throw new AmendmentError(404, 'not-found', `there is no amendment ${typeof id === 'string' ? id : JSON.stringify(id)} in this document; reload the list of amendments`)
  return a
}

function describeAmendment(a: StoredAmendment): string {
  return `amendment ${a.number} (${a.state}, ${a.target.location})`
}

function requireOpen(a: StoredAmendment, what: string): void {
  if (a.status !== 'open') throw new AmendmentError(409, 'not-open', `${describeAmendment(a)} is ${a.status}, so it can no longer be ${what}`)
}

function update(w: Working, a: StoredAmendment, changes: Partial<StoredAmendment>): StoredAmendment {
  const next: StoredAmendment = { ...a, ...changes, updated: now() }
  amendmentsMap(w.ydoc).set(a.id, next)
  return next
}

// ---------------------------------------------------------------------------------------------
// The proposing State: edit, withdraw

const UPDATE_EXAMPLE = '{"text": "…", "justification": "…"}'

/** Its own State changes the wording or the justification of an open amendment. */
export function updateAmendment(room: RoomLike, actor: Actor, id: string, body: unknown): PublicAmendment {
  const state = requireDelegation(actor, 'edit amendments, and only their own State’s')
  const b = bodyOf(body, ['text', 'justification'], UPDATE_EXAMPLE)
  const text = optionalString(b, 'text', MAX_TEXT, UPDATE_EXAMPLE)
  const justification = optionalString(b, 'justification', MAX_JUSTIFICATION, UPDATE_EXAMPLE)?.trim()
  if (text === undefined && justification === undefined) throw badRequest(`give "text" or "justification" (or both); expected ${UPDATE_EXAMPLE}`)
  return inTransaction(room, actor, (w) => {
    const a = stored(w, id)
    if (a.state !== state) throw new AmendmentError(403, 'not-your-amendment', `${describeAmendment(a)} is ${a.state}'s; only its own State may edit it (you are ${state}). Propose your own amendment or co-sponsor this one`)
    requireOpen(a, 'edited')
    if (text !== undefined) checkText(a.kind, text)
    const changes: Partial<StoredAmendment> = {}
    if (text !== undefined) changes.text = text
    if (justification !== undefined) changes.justification = justification
    const next = update(w, a, changes)
    const what = [text !== undefined && 'wording', justification !== undefined && 'justification'].filter(Boolean).join(' and ')
    audit(w, actor, next, 'amendment-update', `${state} changed the ${what} of amendment ${a.number}: ${summary(next)}.`)
    return publicOf(w, next)
  })
}

/** Its own State withdraws an open amendment. */
export function withdrawAmendment(room: RoomLike, actor: Actor, id: string): PublicAmendment {
  const state = requireDelegation(actor, 'withdraw amendments, and only their own State’s')
  return inTransaction(room, actor, (w) => {
    const a = stored(w, id)
    if (a.state !== state) throw new AmendmentError(403, 'not-your-amendment', `${describeAmendment(a)} is ${a.state}'s; only its own State may withdraw it (you are ${state})`)
    requireOpen(a, 'withdrawn')
    const next = update(w, a, { status: 'withdrawn' })
    audit(w, actor, next, 'amendment-withdraw', `${state} withdrew amendment ${a.number} (${a.target.location}).`)
    return publicOf(w, next)
  })
}

/** Another delegation joins an open amendment: its State becomes a co-sponsor. Doing it again changes nothing. */
export function cosponsorAmendment(room: RoomLike, actor: Actor, id: string): PublicAmendment {
  const state = requireDelegation(actor, 'co-sponsor amendments')
  return inTransaction(room, actor, (w) => {
    const a = stored(w, id)
    if (a.state === state) throw new AmendmentError(403, 'own-amendment', `${describeAmendment(a)} is your own State's proposal; a State cannot co-sponsor its own amendment`)
    if (a.cosponsors.includes(state)) return publicOf(w, a)
    requireOpen(a, 'co-sponsored')
    const next = update(w, a, { cosponsors: [...a.cosponsors, state] })
    audit(w, actor, next, 'amendment-cosponsor', `${state} co-sponsored amendment ${a.number} of ${a.state} (${a.target.location}).`)
    return publicOf(w, next)
  })
}

// ---------------------------------------------------------------------------------------------
// The facilitator's decision

const DECIDE_EXAMPLE = '{"decision": "accept"} (or "reject", "bracket")'

export interface DecideResult {
  amendment: PublicAmendment
  entry: string
  /** For a bracket: the new group's id (resolve it with POST …/resolutions). */
  group: string | null
}

/**
 * A facilitator decides an open amendment: `accept` writes the proposed wording into the text,
 * `reject` only records the decision, `bracket` puts the original and the proposed wording side
 * by side as alternatives of one bracket group, the proposed one carrying its sponsors (the
 * proposing State and the co-sponsors). A proposed deletion becomes `[quote]` (keep or drop)
 * and an insertion `quote[text]`; a new paragraph is added with its text in one bracket, and a
 * paragraph proposed for deletion has its text put in one; articles cannot be bracketed whole.
 * Text and audit entry are one update.
 */
export function decideAmendment(room: RoomLike, actor: Actor, id: string, body: unknown): DecideResult {
  if (actor.role !== 'facilitator' && actor.role !== 'secretariat') {
    throw new AmendmentError(403, 'forbidden', `only facilitators decide amendments; you take part as a ${actor.role}`)
  }
  const b = bodyOf(body, ['decision'], DECIDE_EXAMPLE)
  if (b.decision !== 'accept' && b.decision !== 'reject' && b.decision !== 'bracket') throw badRequest(`"decision" must be "accept", "reject" or "bracket"; expected ${DECIDE_EXAMPLE}`)
  const decision: Decision = b.decision
  return inTransaction(room, actor, (w) => {
    const a = stored(w, id)
    if (a.status !== 'open') throw new AmendmentError(409, 'not-open', `${describeAmendment(a)} is already ${a.status}; only open amendments can be decided`)
    let group: string | null = null
    let groups: AuditGroup[] = []
    let anchor = a.anchor
    let detail: string
    if (decision === 'reject') {
      detail = `Rejected amendment ${a.number} of ${sponsorsOf(a).join(', ')}: ${summary(a)}.`
    } else {
      const change = a.anchor ? textChange(w, a, decision) : structuralChange(w, a, decision)
      // Other open amendments on this text: where they are before the change, mapped through it.
      const others = allStored(w.ydoc)
        .filter((o) => o.id !== a.id && o.status === 'open' && o.anchor)
        .map((o) => ({ o, range: rangeOf(w, o.anchor!) }))
      write(w, change.tr.doc)
      const after = working(w.ydoc)
      reanchor(after, others, change)
      if (change.result) anchor = anchorOf(after, change.result.from, change.result.to)
      if (change.bracketAt !== null) {
        const element = elementAt(after, change.bracketAt)
        const bracket = after.doc.nodeAt(change.bracketAt)
        if (element && bracket?.type.name === 'bracket') {
          group = `g${elementId(element)}`
          groups = [{ id: group, location: blockAt(after, change.bracketAt)?.location.text ?? a.target.location, alternatives: alternativesOf(bracket) }]
        }
      }
      const changed = change.now !== null && change.now !== a.target.quote ? ` (the quoted text read ${quoted(change.now)} by then)` : ''
      detail = decision === 'accept' ? `Accepted amendment ${a.number} of ${sponsorsOf(a).join(', ')}: ${summary(a)}${changed}.` : `Bracketed amendment ${a.number} of ${sponsorsOf(a).join(', ')}: ${summary(a)}${changed}.`
    }
    const status: AmendmentStatus = decision === 'accept' ? 'accepted' : decision === 'reject' ? 'rejected' : 'bracketed'
    const action: AuditAction = decision === 'accept' ? 'amendment-accept' : decision === 'reject' ? 'amendment-reject' : 'amendment-bracket'
    const entry = appendAuditIn(w.ydoc, actor, { action, detail, amendment: a.id, groups }).id
    const next = update(w, a, { status, anchor, decision: { decision, by: { participant: actor.participant, name: actor.name }, time: now(), entry, group } })
    return { amendment: publicOf(working(w.ydoc), next), entry, group }
  })
}

function sponsorsOf(a: StoredAmendment): string[] {
  return [a.state, ...a.cosponsors]
}

/** The alternatives as the bracket workflow lists them (normalised notation), so the audit entry names them the same way. */
function alternativesOf(bracket: PMNode): string[] {
  const out: string[] = []
  bracket.forEach((alt) => out.push(alternativeText(nodeToInlines(alt))))
  return out
}

interface Change {
  tr: Transaction
  /** The range (in `tr.doc`) of the text the decision wrote: the new wording, or the bracket group. */
  result: { from: number; to: number } | null
  /** Position of the bracket a `bracket` decision created, in `tr.doc`. */
  bracketAt: number | null
  /** The quoted text as it stood when decided. */
  now: string | null
  /** The range (before the change) the change replaced, or null. */
  changed: { from: number; to: number } | null
  /** For a bracket around the quote: the quote's text moved `by` positions into the first alternative. */
  moved: { from: number; to: number; by: number } | null
}

function gone(a: StoredAmendment): AmendmentError {
  return new AmendmentError(409, 'target-deleted', `the text ${describeAmendment(a)} was about has been deleted since it was proposed, so it cannot be applied; reject it, or ask ${a.state} to propose it again on the current text`)
}

function textChange(w: Working, a: StoredAmendment, decision: 'accept' | 'bracket'): Change {
  const range = rangeOf(w, a.anchor!)
  if (!range) throw gone(a)
  const nowText = quoteText(w, range.from, range.to)
  const { from, to } = range
  const tr = EditorState.create({ schema: treatySchema, doc: w.doc }).tr
  const proposed = a.kind === 'delete' ? [] : proposedNodes(a.text, 'the proposed text')
  const size = proposed.reduce((n, node) => n + node.nodeSize, 0)
  const { bracket, alternative } = treatySchema.nodes
  const sponsors = sponsorsOf(a)
  let bracketAt: number | null = null
  let result: Change['result'] = null
  let moved: Change['moved'] = null
  try {
    if (decision === 'accept') {
      if (a.kind === 'replace') tr.replaceWith(from, to, proposed)
      else if (a.kind === 'delete') tr.delete(from, to)
      else tr.insert(to, proposed)
      if (a.kind === 'replace') result = { from, to: from + size }
      else if (a.kind === 'insertAfter') result = { from: to, to: to + size }
    } else {
      let group: PMNode
      if (a.kind === 'replace') {
        group = bracket.create(null, [alternative.create({ sponsors: [] }, w.doc.slice(from, to).content), alternative.create({ sponsors }, proposed)])
        tr.replaceWith(from, to, group)
        bracketAt = from
        moved = { from, to, by: 2 }
      } else if (a.kind === 'delete') {
        group = bracket.create(null, alternative.create({ sponsors: [] }, w.doc.slice(from, to).content))
        tr.replaceWith(from, to, group)
        bracketAt = from
        moved = { from, to, by: 2 }
      } else {
        group = bracket.create(null, alternative.create({ sponsors }, proposed))
        tr.insert(to, group)
        bracketAt = to
      }
      result = { from: bracketAt, to: bracketAt + group.nodeSize }
    }
  } catch (error) {
    throw new AmendmentError(409, 'conflict', `${describeAmendment(a)} cannot be applied to the current text (${(error as Error).message}); edit the text by hand`)
  }
  return { tr, bracketAt, now: nowText, result, moved, changed: a.kind === 'insertAfter' ? null : { from, to } }
}

/** Maps a range through a decision's change; text moved into a bracket's first alternative moves with it. */
function mapRange(change: Change, range: { from: number; to: number }): { from: number; to: number } {
  const m = change.moved
  if (m && range.from >= m.from && range.to <= m.to) return { from: range.from + m.by, to: range.to + m.by }
  const c = change.changed
  // A range the change cut into: what is left of it is not the text it quoted.
  if (c && range.from < c.to && range.to > c.from && (range.from < c.from || range.to > c.to)) return { from: 0, to: 0 }
  return { from: change.tr.mapping.map(range.from, 1), to: change.tr.mapping.map(range.to, -1) }
}

/**
 * Anchors again, after the server wrote `change`, the open amendments whose anchors it broke
 * (y-prosemirror rewrites the text after an inline element it inserts as new characters).
 */
function reanchor(after: Working, others: { o: StoredAmendment; range: { from: number; to: number } | null }[], change: Change): void {
  const map = amendmentsMap(after.ydoc)
  for (const { o, range } of others) {
    if (!range) continue
    const { from, to } = mapRange(change, range)
    if (from >= to) continue
    const $from = after.doc.resolve(from)
    if (!$from.sameParent(after.doc.resolve(to)) || !$from.parent.inlineContent) continue
    const current = rangeOf(after, o.anchor!)
    if (current && current.from === from && current.to === to) continue
    map.set(o.id, { ...o, anchor: anchorOf(after, from, to) })
  }
}

function structuralChange(w: Working, a: StoredAmendment, decision: 'accept' | 'bracket'): Change {
  const anchor = a.elements!
  const found = anchor.elements.map((e) => elementById(w, e)).filter((x): x is NonNullable<typeof x> => x !== null)
  if (!found.length || !elementById(w, anchor.elements[0])) throw gone(a)
  const tr = EditorState.create({ schema: treatySchema, doc: w.doc }).tr
  const { paragraph, recital, article, bracket, alternative } = treatySchema.nodes
  const sponsors = sponsorsOf(a)
  let bracketAt: number | null = null
  const fail = (why: string) => new AmendmentError(409, 'conflict', `${describeAmendment(a)} cannot be applied to the current text: ${why}; edit the text by hand`)
  if (decision === 'bracket' && (a.kind === 'addArticle' || a.kind === 'deleteArticle')) {
    throw new AmendmentError(422, 'cannot-bracket', `${describeAmendment(a)} is about a whole article, which cannot stand in one bracket group; accept or reject it, or bracket its paragraphs by hand`)
  }
  const [first] = found
  switch (a.kind) {
    case 'addParagraph': {
      const lines = proposedParagraphs(a.text)
      const inPreamble = a.target.preamble !== undefined
      const make = (content: PMNode[]) => (inPreamble ? recital.create(null, content) : paragraph.create(null, content))
      const nodes = lines.map((content) => (decision === 'bracket' ? make(content.length ? [bracket.create(null, alternative.create({ sponsors }, content))] : []) : make(content)))
      const at = anchor.place === 'end' ? first.pos + first.node.nodeSize - 1 : first.pos + first.node.nodeSize
      try {
        tr.insert(at, nodes)
      } catch (error) {
        throw fail((error as Error).message)
      }
      if (decision === 'bracket') bracketAt = at + 1
      break
    }
    case 'addArticle': {
      const lines = proposedParagraphs(a.text)
      try {
        tr.insert(first.pos + first.node.nodeSize, article.create(null, lines.map((content) => paragraph.create(null, content))))
      } catch (error) {
        throw fail((error as Error).message)
      }
      break
    }
    case 'deleteParagraph':
    case 'deleteArticle': {
      if (decision === 'bracket') {
        // Each block's text in one keep-or-drop bracket.
        const blocks = w.blocks.filter((b) => found.some((f) => b.pos >= f.pos && b.pos < f.pos + f.node.nodeSize)).reverse()
        for (const b of blocks) {
          if (!b.node.content.size) continue
          tr.replaceWith(b.pos + 1, b.pos + 1 + b.node.content.size, bracket.create(null, alternative.create({ sponsors: [] }, b.node.content)))
          bracketAt = b.pos + 1
        }
        if (blocks.length > 1) bracketAt = null
      } else {
        for (const f of [...found].sort((x, y) => y.pos - x.pos)) tr.delete(f.pos, f.pos + f.node.nodeSize)
      }
      break
    }
    default:
      throw new Error(`not a structural amendment: ${a.kind}`)
  }
  return { tr, bracketAt, now: null, result: null, moved: null, changed: null }
}

// ---------------------------------------------------------------------------------------------
// The compilation

export interface CompilationOptions {
  by: 'state' | 'article'
  /** The document's title for the heading; the treaty's title when omitted. */
  title?: string
  /** The date printed under the title (ISO); now when omitted. */
  date?: string
}

export interface CompileOptions extends CompilationOptions {
  format: 'text' | 'html'
}

/** One amendment as the compilation prints it. */
export interface CompiledAmendment extends CompilationItem {
  id: string
  status: AmendmentStatus
  fields: [string, string][]
}

/** The compilation before any format: exactly what the text, HTML and Word renderings print, in order. */
export interface AmendmentCompilation extends Compilation {
  lang: 'zh' | 'en'
  /** The treaty's title (or the one given), '' when there is none: the HTML page's title carries it. */
  documentTitle: string
  empty: string
  sections: { heading: string; items: CompiledAmendment[] }[]
}

const KIND_LABEL: Record<AmendmentKind, string> = {
  replace: 'Replace',
  delete: 'Delete',
  insertAfter: 'Insert',
  addParagraph: 'New paragraph',
  addArticle: 'New article',
  deleteParagraph: 'Delete paragraph',
  deleteArticle: 'Delete article',
}

const STATUS_LABEL: Record<AmendmentStatus, string> = { open: 'Open', withdrawn: 'Withdrawn', accepted: 'Accepted', rejected: 'Rejected', bracketed: 'Bracketed in the text' }

function stateLabel(code: string): string {
  const name = stateName(code)
  return name && name !== code ? `${name} (${code})` : code
}

/** Sort key of where an amendment applies: preamble first, then articles, then the rest. */
function placeKey(a: PublicAmendment): [number, number, number] {
  const l = a.located.found ? a.located : { article: a.target.article ?? null, paragraph: a.target.paragraph ?? null, preamble: a.target.preamble ?? null }
  if (l.preamble !== null) return [0, l.preamble, 0]
  if (l.article !== null) return [1, l.article, l.paragraph ?? 0]
  return [2, 0, 0]
}

function sectionOf(a: PublicAmendment): string {
  const [kind, n] = placeKey(a)
  return kind === 0 ? 'Preamble' : kind === 1 ? `Article ${n}` : 'Elsewhere'
}

function compareKeys(x: readonly number[], y: readonly number[]): number {
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] - y[i]
  return 0
}

/**
 * The compilation of amendments a secretariat circulates between sessions: a title, then the
 * amendments by State (in order of State code, each State's in order of proposal) or by article
 * (in the order of the text): where, the quoted text, the proposal, the justification, the
 * co-sponsors and the status.
 */
export function amendmentCompilation(doc: PMNode | null, amendments: readonly PublicAmendment[], options: CompilationOptions): AmendmentCompilation {
  const documentTitle = options.title ?? (doc ? treatyTitle(doc) : '')
  const date = (options.date ?? now()).slice(0, 10)
  const grouped = new Map<string, PublicAmendment[]>()
  if (options.by === 'state') {
    const sorted = [...amendments].sort((x, y) => x.state.localeCompare(y.state) || x.number - y.number)
    for (const a of sorted) grouped.set(stateLabel(a.state), [...(grouped.get(stateLabel(a.state)) ?? []), a])
  } else {
    const sorted = [...amendments].sort((x, y) => compareKeys(placeKey(x), placeKey(y)) || x.number - y.number)
    for (const a of sorted) grouped.set(sectionOf(a), [...(grouped.get(sectionOf(a)) ?? []), a])
  }
  const fields = (a: PublicAmendment): [string, string][] => {
    const rows: [string, string][] = []
    const where = a.located.found ? a.located.location : `${a.target.location} (text deleted since)`
    rows.push(['Where', where])
    if (options.by === 'article') rows.push(['Proposed by', [a.state, ...a.cosponsors].map(stateLabel).join(', ')])
    if (a.target.quote !== undefined) rows.push(['Text', a.target.quote])
    rows.push(['Proposal', proposalSentence(a)])
    if (a.justification) rows.push(['Justification', a.justification])
    if (options.by === 'state') rows.push(['Co-sponsors', a.cosponsors.length ? a.cosponsors.map(stateLabel).join(', ') : 'none'])
    rows.push(['Status', STATUS_LABEL[a.status]])
    return rows
  }
  return {
    lang: doc?.firstChild?.attrs.lang === 'zh' ? 'zh' : 'en',
    title: 'Compilation of amendments',
    subtitle: `${documentTitle ? `${documentTitle} — ` : ''}${options.by === 'state' ? 'by State' : 'by article'}, ${date}; ${amendments.length} amendment${amendments.length === 1 ? '' : 's'}`,
    documentTitle,
    empty: 'No amendments.',
    sections: [...grouped].map(([heading, items]) => ({
      heading,
      items: items.map((a) => ({
        id: a.id,
        status: a.status,
        title: `Amendment ${a.number} (${a.state}) — ${KIND_LABEL[a.kind]}`,
        fields: fields(a),
        muted: a.status === 'withdrawn' || a.status === 'rejected',
      })),
    })),
  }
}

/** The compilation (see `amendmentCompilation`) as plain text or as a whole printable HTML page, every text escaped. */
export function compileAmendments(doc: PMNode | null, amendments: readonly PublicAmendment[], options: CompileOptions): string {
  const c = amendmentCompilation(doc, amendments, options)
  return options.format === 'text' ? compilationText(c) : compilationHtml(c)
}

function compilationText(c: AmendmentCompilation): string {
  const lines = [c.title, c.subtitle, '']
  if (!c.sections.length) lines.push(c.empty)
  for (const { heading, items } of c.sections) {
    lines.push(heading, '='.repeat(Math.min(60, [...heading].length * 2)), '')
    for (const item of items) {
      lines.push(item.title)
      for (const [k, v] of item.fields) lines.push(`  ${k}: ${v}`)
      lines.push('')
    }
  }
  return `${lines.join('\n').trimEnd()}\n`
}

function compilationHtml(c: AmendmentCompilation): string {
  const e = escapeHtml
  const body: string[] = [`<h1>${e(c.title)}</h1>`, `<p class="sub">${e(c.subtitle)}</p>`]
  if (!c.sections.length) body.push(`<p>${e(c.empty)}</p>`)
  for (const { heading, items } of c.sections) {
    body.push(`<section>`, `<h2>${e(heading)}</h2>`)
    for (const item of items) {
      body.push(`<article class="amendment status-${item.status}" id="${e(item.id)}">`, `<h3>${e(item.title)}</h3>`, '<dl>')
      for (const [k, v] of item.fields) body.push(`<dt>${e(k)}</dt><dd>${e(v)}</dd>`)
      body.push('</dl>', '</article>')
    }
    body.push('</section>')
  }
  return `<!DOCTYPE html>
<html lang="${c.lang}">
<head>
<meta charset="utf-8">
<title>${e(`${c.title}${c.documentTitle ? ` — ${c.documentTitle}` : ''}`)}</title>
<style>
body { font-family: "Noto Serif", "Noto Serif CJK SC", serif; max-width: 46rem; margin: 2rem auto; line-height: 1.45; color: #000; }
h1 { font-size: 1.5rem; margin-bottom: 0.2rem; } .sub { color: #444; margin-top: 0; }
h2 { font-size: 1.2rem; border-bottom: 1px solid #999; margin-top: 2rem; }
h3 { font-size: 1rem; margin: 1.2rem 0 0.3rem; }
dl { display: grid; grid-template-columns: 9rem 1fr; gap: 0.2rem 0.8rem; margin: 0; }
dt { font-weight: bold; } dd { margin: 0; white-space: pre-wrap; }
article { break-inside: avoid; page-break-inside: avoid; }
.status-withdrawn, .status-rejected { color: #555; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; page-break-after: avoid; } }
</style>
</head>
<body>
${body.join('\n')}
</body>
</html>
`
}

function proposalSentence(a: PublicAmendment): string {
  switch (a.kind) {
    case 'replace':
      return `replace with “${a.text}”`
    case 'delete':
      return 'delete this text'
    case 'insertAfter':
      return `insert after it: “${a.text}”`
    case 'addParagraph':
      return `add ${a.target.paragraph !== undefined || a.target.preamble !== undefined ? 'after it' : 'at its end'}: “${a.text}”`
    case 'addArticle':
      return `add a new article after it: “${a.text}”`
    case 'deleteParagraph':
      return 'delete the paragraph'
    case 'deleteArticle':
      return 'delete the article'
  }
}

function treatyTitle(doc: PMNode): string {
  let title = ''
  doc.descendants((node) => {
    if (title || node.type.name !== 'title') return !title
    title = render(node, 0, true).text
    return false
  })
  return title
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}

const COMPILE_EXAMPLE = '?format=text|html|docx&by=state|article'

/** A compilation ready to send: `body` is text for text and HTML, the bytes of the file for Word. */
export interface CompiledAmendments {
  contentType: string
  body: string | Uint8Array
  /** The file name's extension: txt, html or docx. */
  extension: string
}

/**
 * The compilation of a room's amendments for `GET …/amendments/compilation?format=&by=` (also
 * `state`, `status`, `article` filters). A bad query throws its AmendmentError at once, not as a
 * rejection, so the HTTP layer answers it as a 400; the room is read before this returns, and
 * only the Word rendering is left to the promise.
 */
export function compileRoomAmendments(room: RoomLike, query: unknown = {}): Promise<CompiledAmendments> {
  const q = isRecord(query) ? query : {}
  const format = q.format === undefined || q.format === '' ? 'html' : q.format
  const by = q.by === undefined || q.by === '' ? 'state' : q.by
  if (format !== 'text' && format !== 'html' && format !== 'docx') throw badRequest(`"format" must be "text", "html" or "docx"; expected ${COMPILE_EXAMPLE}`)
  if (by !== 'state' && by !== 'article') throw badRequest(`"by" must be "state" or "article"; expected ${COMPILE_EXAMPLE}`)
  const { format: _f, by: _b, ...filters } = q
  const { amendments } = listAmendments(room, filters)
  const doc = withCopy(room.doc, (w) => w.doc)
  const compilation = amendmentCompilation(doc, amendments, { by })
  switch (format) {
    case 'text':
      return Promise.resolve({ contentType: 'text/plain; charset=utf-8', body: compilationText(compilation), extension: 'txt' })
    case 'html':
      return Promise.resolve({ contentType: 'text/html; charset=utf-8', body: compilationHtml(compilation), extension: 'html' })
    case 'docx':
      return exportCompilationDocx(compilation).then((body) => ({ contentType: DOCX_CONTENT_TYPE, body, extension: 'docx' }))
  }
}
