/*
 * The shapes of Accord's HTTP API (docs/API.md) that the server answers and the editor reads:
 * one definition for both sides. Plain data only; the server's private fields (anchors, stored
 * forms) stay in the server.
 */

// ── Brackets (`GET …/brackets`) ─────────────────────────────────────────────

/** One open group. */
export interface BracketGroupReport {
  id: string
  alternatives: string[]
  /** 1-based counted article number, null outside articles. */
  article: number | null
  /** 1-based counted paragraph number within the article, null outside articles. */
  paragraph: number | null
  location: string
  adRef: boolean
  /** The linked set's id when the group belongs to one (its choice appears at least twice), else null. */
  set: string | null
}

export interface LinkedSetReport {
  id: string
  alternatives: string[]
  count: number
  groups: string[]
}

export interface NearDuplicateReport {
  group: string
  /** The linked set the group probably belongs to. */
  set: string
  reason: string
  /** The notation the group would read after normalising, e.g. `本[议定书][协议]`. */
  suggestion: string
}

export interface BracketsReport {
  groups: BracketGroupReport[]
  sets: LinkedSetReport[]
  nearDuplicates: NearDuplicateReport[]
}

// ── Audit log (`GET …/audit`, the `audit` Y.Array) ──────────────────────────

export type AuditAction =
  | 'resolve'
  | 'reopen'
  | 'ad-ref'
  | 'normalise'
  | 'settings'
  | 'invite'
  | 'revoke'
  | 'amendment-propose'
  | 'amendment-update'
  | 'amendment-withdraw'
  | 'amendment-cosponsor'
  | 'amendment-accept'
  | 'amendment-reject'
  | 'amendment-bracket'
  | 'revision'
  | 'restore'

/** A bracket group an entry is about, as it was when the entry was written. */
export interface AuditGroup {
  id: string
  location: string
  alternatives: string[]
}

// ── Amendments (`…/amendments`, the `amendments` Y.Map) ─────────────────────

export const AMENDMENT_KINDS = ['replace', 'delete', 'insertAfter', 'addParagraph', 'addArticle', 'deleteParagraph', 'deleteArticle'] as const
export type AmendmentKind = (typeof AMENDMENT_KINDS)[number]
export const AMENDMENT_STATUSES = ['open', 'withdrawn', 'accepted', 'rejected', 'bracketed'] as const
export type AmendmentStatus = (typeof AMENDMENT_STATUSES)[number]
export type Decision = 'accept' | 'reject' | 'bracket'

/** What an amendment is about, as a delegation gives it: 1-based numbers as the treaty numbers them. */
export interface TargetSpec {
  article?: number
  paragraph?: number
  preamble?: number
  /** The exact text the amendment is about (text kinds only). */
  quote?: string
  /** Which occurrence of the quote in that paragraph (1-based), when it occurs more than once. */
  occurrence?: number
}

/** The target as the server keeps it, with its location label. */
export interface AmendmentTarget extends TargetSpec {
  /** "Article 4, paragraph 1", as the text was numbered when it was proposed. */
  location: string
}

/** Where the amendment's text is now. */
export interface Located {
  article: number | null
  paragraph: number | null
  preamble: number | null
  /** "Article 4, paragraph 1"; for a deleted target, says so and where it was. */
  location: string
  /** The text at the anchors now, brackets in notation (text kinds), or null. */
  quote: string | null
  found: boolean
  /** The text at the anchors differs from the quote (it was edited inside since). */
  changed: boolean
}

/** Who proposed or decided, as the participant record said then. */
export interface AmendmentAuthor {
  participant: string
  name: string
}

/** A facilitator's decision on an amendment. */
export interface DecisionRecord {
  decision: Decision
  by: AmendmentAuthor
  time: string
  /** The audit entry. */
  entry: string
  /** For a bracket: the id of the group it created. */
  group: string | null
}

/** An amendment as the API answers it (`GET …/amendments`). */
export interface PublicAmendment {
  id: string
  /** 1-based number in the document, in order of proposal ("Amendment 3"). */
  number: number
  state: string
  kind: AmendmentKind
  target: AmendmentTarget
  text: string
  justification: string
  status: AmendmentStatus
  cosponsors: string[]
  created: string
  updated: string
  author: AmendmentAuthor
  /** What the proposal was made on: the revision's name when revisions exist, and the audit log's length then. */
  base: { revision: string | null; auditSeq: number }
  decision: DecisionRecord | null
  located: Located
}

/**
 * Where a quote was when it was proposed, as the `amendments` Y.Map stores it with each record
 * (the editor draws proposals from it; the API's answers leave it out).
 */
export interface TextAnchor {
  /** Base64 relative positions: start associated with the quote's first character, end with its last. */
  start: string
  end: string
  /** The Yjs id of the element holding the quote (a paragraph, recital or alternative). */
  parent: string
  /** The quote as `plainText` writes it (inline elements as U+FFFC), and up to 32 characters either side. */
  text: string
  before: string
  after: string
}

/** The elements a structural amendment is about (a paragraph with its sub-paragraphs, an article), by Yjs id, as the Y.Map stores them. */
export interface ElementAnchor {
  elements: string[]
  /** For an addition: insert after the element (`after`), or at the end of its content (`end`). */
  place: 'after' | 'end' | null
}
