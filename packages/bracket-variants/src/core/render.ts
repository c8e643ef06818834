import type { BracketGroup, Inline, Separator } from './types'
import { walkInlines } from './walk'

/** How each separator kind is written when the source spelling is unknown. */
export const CANONICAL_SEPARATOR = { none: '', space: ' ', or: ' [or] ', slash: ' / ' } as const satisfies Record<Separator, string>

export interface NegotiatingOptions {
  /** Ignore `raw` and write every group in the canonical spelling. Default false. */
  canonical?: boolean
  /** Write drafting notes (as their text). Default true. */
  notes?: boolean
}

/**
 * The negotiating text: brackets, alternatives and notes as written. For anything
 * `parseBrackets` returned, `renderNegotiating(parseBrackets(s).inlines) === s`, balanced or
 * not, because literal text is kept verbatim and `raw` keeps non-canonical spellings.
 * A group without alternatives renders as nothing.
 */
export function renderNegotiating(inlines: readonly Inline[], options: NegotiatingOptions = {}): string {
  const out: string[] = []
  const canonical = options.canonical ?? false
  const notes = options.notes ?? true
  // One spelling per open group, computed once: a run of a million alternatives stays linear.
  const spellings: Spelling[] = []
  walkInlines(inlines, {
    text: (run) => void out.push(run.text),
    note: (note) => void (notes && out.push(note.text)),
    enterGroup: (group) => void spellings.push(spell(group, canonical)),
    leaveGroup: () => void spellings.pop(),
    enterAlternative(_group, index) {
      const spelling = spellings[spellings.length - 1]
      if (index > 0) out.push(spelling.separator(index - 1))
      out.push(spelling.delimiter(index)[0])
    },
    leaveAlternative(_group, index) {
      out.push(spellings[spellings.length - 1].delimiter(index)[1])
    },
  })
  return out.join('')
}

interface Spelling {
  /** Two characters: opening and closing bracket of alternative i. */
  delimiter(i: number): string
  /** Text between alternatives i and i + 1. */
  separator(i: number): string
}

/** How to write `group`: its `raw` spelling while that still fits the alternatives, else the canonical one. */
function spell(group: BracketGroup, canonical: boolean): Spelling {
  const n = group.alternatives.length
  const raw = group.raw
  if (!canonical && raw && raw.delimiters.length === n && raw.separators.length === Math.max(0, n - 1) && raw.delimiters.every((d) => d.length === 2)) {
    return { delimiter: (i) => raw.delimiters[i], separator: (i) => raw.separators[i] }
  }
  const d = group.curly ? '{}' : '[]'
  const s = CANONICAL_SEPARATOR[group.separator] ?? ' '
  return { delimiter: () => d, separator: () => s }
}

/** Chooses an alternative of `group` (at `path`, see `InlineVisitor`): its index, or null to drop the group. */
export type Choose = (group: BracketGroup, path: readonly number[]) => number | null

export interface VariantOptions {
  /** Keep drafting notes. Default false: a variant is a candidate treaty text. */
  keepNotes?: boolean
}

/**
 * The text of one variant. `choose` is asked about every group the variant reaches, outer
 * before inner: groups inside a dropped group or an unchosen alternative are never asked about.
 * Placeholder groups are blanks, not choices: they are written as in the negotiating text
 * without asking. Groups without alternatives render as nothing without asking.
 *
 * @throws RangeError when `choose` returns an index the group does not have.
 */
export function renderVariant(inlines: readonly Inline[], choose: Choose, options: VariantOptions = {}): string {
  const out: string[] = []
  const keepNotes = options.keepNotes ?? false
  walkInlines(inlines, {
    text: (run) => void out.push(run.text),
    note: (note) => void (keepNotes && out.push(note.text)),
    enterGroup(group, path) {
      if (group.placeholder) {
        out.push(renderNegotiating([group], { notes: keepNotes }))
        return 'none'
      }
      if (group.alternatives.length === 0) return 'none'
      const index = choose(group, path.slice())
      if (index === null) return 'none'
      if (!Number.isInteger(index) || index < 0 || index >= group.alternatives.length) {
        throw new RangeError(`choose returned ${String(index)} for group ${group.id ?? 'at ' + path.join('.')}, which has ${group.alternatives.length} alternative${group.alternatives.length === 1 ? '' : 's'}; expected 0–${group.alternatives.length - 1} or null`)
      }
      return [index]
    },
  })
  return out.join('')
}

/** Result of `renderClean`: the clean text, or the outermost groups still open, in document order. */
export type CleanResult = { ok: true; text: string } | { ok: false; open: BracketGroup[] }

/**
 * The clean text: literal text only, drafting notes removed. Succeeds only when no group is
 * left, placeholders included (a blank still has to be filled); otherwise lists the outermost
 * open groups (nested ones travel inside them).
 */
export function renderClean(inlines: readonly Inline[]): CleanResult {
  const open = inlines.filter((i): i is BracketGroup => i.type === 'group')
  if (open.length > 0) return { ok: false, open }
  let text = ''
  for (const i of inlines) if (i.type === 'text') text += i.text
  return { ok: true, text }
}
