/**
 * The plain-data model of bracketed treaty text. Everything in `core` takes and returns these
 * shapes: no classes, no ProseMirror, nothing that cannot go through `structuredClone` or JSON
 * (except `bigint` variant counts).
 */

/**
 * Position in the source text. `offset`: 0-based UTF-16 index (what `String.prototype.slice`
 * takes); `line` and `column`: 1-based, the column counted in Unicode code points so that a
 * CJK or astral character is one column, as an editor's status bar shows it.
 */
export interface SourcePos {
  offset: number
  line: number
  column: number
}

/** Codes the parser emits; callers may add their own, hence the open `string`. */
export type DiagnosticCode = 'unclosed-bracket' | 'unmatched-close' | 'empty-bracket' | 'too-deep' | 'too-many-diagnostics'

/**
 * A problem found in the source, for a person to read. `message` is a whole sentence that says
 * what is wrong, where (line, column) and what was expected; `expected` repeats the expected
 * token when there is one (`']'`, `'['`).
 */
export interface Diagnostic {
  severity: 'warning' | 'error'
  code: DiagnosticCode | (string & {})
  message: string
  pos: SourcePos
  expected?: string
}

/** Inline content of a treaty paragraph as plain data. */
export type Inline = TextRun | BracketGroup | Note

/**
 * Literal text. `start`/`end` are source offsets when the run is one contiguous slice of the
 * parsed source (`source.slice(start, end) === text`); they are absent on runs that were built
 * or merged from several places.
 */
export interface TextRun {
  type: 'text'
  text: string
  start?: number
  end?: number
}

/** The four ways real texts write the boundary between two alternatives. */
export type Separator = 'none' | 'space' | 'or' | 'slash'

/**
 * A bracket group: text not yet agreed. One alternative alone means "keep or drop"; several
 * mean "choose one". A group may have no alternatives at all (two delegations deleted both at
 * once); every function here treats that as a group that renders nothing.
 */
export interface BracketGroup {
  type: 'group'
  /** Caller-supplied identity; the parser assigns 'g1', 'g2', … in document order, outer before inner. */
  id?: string
  alternatives: Inline[][]
  /**
   * What stood between the alternatives: `[A][B]` none, `[A] [B]` space, `[A] [or] [B]` or,
   * `[A] / [B]` slash. When one group mixes them the most explicit wins (or > slash > space >
   * none) and `raw` keeps the exact spelling.
   */
  separator: Separator
  /**
   * A blank to fill (`[X date]`, `[document symbol to be added]`, `{Placeholder for preamble}`),
   * not wording to choose: it counts as one variant and `renderVariant` leaves it as written.
   */
  placeholder?: boolean
  /** Written with curly braces, `{…}`: only ever a placeholder. */
  curly?: boolean
  /**
   * Exact source spelling, present only when it differs from the canonical rendering
   * (`[`…`]`, `{`…`}` when curly, and '' / ' ' / ' [or] ' / ' / ' per `separator`):
   * `delimiters[i]` is the opening and closing character of alternative i (e.g. '［］'),
   * `separators[i]` the exact text between alternatives i and i+1 (e.g. '/', ' [ OR ] ').
   * `renderNegotiating` uses it while its lengths still fit the alternatives, so an edited group
   * falls back to the canonical spelling instead of rendering a stale one.
   */
  raw?: { delimiters: string[]; separators: string[] }
  /** Source offsets of the first opening bracket and just after the last closing one. */
  start?: number
  end?: number
}

/** A drafting note, e.g. "(摘自安理会第984(1995)号决议)": part of the negotiating text, never of the clean text. */
export interface Note {
  type: 'note'
  text: string
  start?: number
  end?: number
}
