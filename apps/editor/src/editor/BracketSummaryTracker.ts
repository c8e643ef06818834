import type { Node as PMNode } from 'prosemirror-model'
import { Mapping } from 'prosemirror-transform'
import { summarizeBrackets, type BracketSummary } from './bracketSummary'
import { textOnlyChange } from './textChanges'

/** The summary the navigator shows, and the document it was made from. */
export interface ShownSummary {
  doc: PMNode
  summary: BracketSummary
}

/** Runs `task` later, not before `delayMs`; answers a function that cancels it. */
export type Schedule = (task: () => void, delayMs: number) => () => void

/** In a burst of changes (typing inside a group), how long the document must stay as it is before the summary is recomputed. */
const QUIET_MS = 250
/** How long a summary may stay stale while the document keeps changing. */
const MAX_STALE_MS = 2000

/** The first moment the page is idle after `delayMs`, so that a recomputation never delays the frame that shows a keystroke. */
export const whenIdle: Schedule = (task, delayMs) => {
  let idle: number | undefined
  const atIdle = () => {
    if (typeof requestIdleCallback === 'function') idle = requestIdleCallback(task, { timeout: 1000 })
    else task()
  }
  const timer = delayMs > 0 ? setTimeout(atIdle, delayMs) : undefined
  if (timer === undefined) atIdle()
  return () => {
    clearTimeout(timer)
    if (idle !== undefined) cancelIdleCallback(idle)
  }
}

/**
 * Keeps the bracket navigator's summary current without recomputing it with every keystroke.
 * On a conference-size treaty (2,000 open groups) the summary takes tens of milliseconds, and a
 * new one re-renders the whole list.
 *
 * Text typed or deleted outside the groups — nearly every keystroke, local or remote — changes
 * nothing the navigator shows, only the positions of the groups after it: the summary is kept
 * and its positions are mapped (`textOnlyChange`). Any other change (a bracket, a block, an
 * attribute, text inside a group) makes the summary stale, and it is recomputed at the next
 * idle moment — in a burst of such changes (typing inside a group), once the typing pauses, or
 * every two seconds; until then a position from it leads nowhere (`positionIn`
 * answers null), as a click on an out-of-date list must not hit another group, and the panel
 * shows the list as busy and inert (`isStale`) so that no click is silently lost.
 */
export class BracketSummaryTracker {
  private shown: ShownSummary | null = null
  private latest: PMNode | null = null
  /** From `shown.doc` to `latest`, while the summary is not stale. */
  private mapping = new Mapping()
  private stale = false
  private staleSince = 0
  private refreshedAt = 0
  private cancel: (() => void) | null = null
  private readonly listeners = new Set<() => void>()

  constructor(private readonly schedule: Schedule = whenIdle) {}

  /** For `useSyncExternalStore`: the same object until the summary is recomputed. */
  getShown = (): ShownSummary | null => this.shown

  /**
   * For `useSyncExternalStore`: whether the summary no longer describes the document (until it
   * is recomputed, the list must not take clicks: a position in it could hit another group).
   * Listeners hear when it becomes stale as well as when it is recomputed.
   */
  isStale = (): boolean => this.stale

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /**
   * Follows the document. The first document is summarised at once (what the panel shows
   * when it opens); after that, see the class comment.
   */
  update(doc: PMNode | null): void {
    if (!doc || doc === this.latest) return
    const previous = this.latest
    this.latest = doc
    if (!this.shown || !previous) {
      this.stale = true
      this.refresh()
      return
    }
    const change = this.stale ? null : textOnlyChange(previous, doc)
    if (change) {
      this.mapping.appendMapping(change)
      return
    }
    const now = Date.now()
    const wasStale = this.stale
    if (!wasStale) this.staleSince = now
    this.stale = true
    // The list stops taking clicks until it is recomputed (see isStale).
    if (!wasStale) for (const listener of this.listeners) listener()
    const burst = this.cancel !== null || now - this.refreshedAt < QUIET_MS
    // In a burst, each change puts the recomputation off again, for two seconds at most.
    if (this.cancel && now - this.staleSince < MAX_STALE_MS) {
      this.cancel()
      this.cancel = null
    }
    this.cancel ??= this.schedule(() => {
      this.cancel = null
      this.refresh()
    }, burst ? QUIET_MS : 0)
  }

  /** Recomputes the summary now if it is stale. */
  refresh(): void {
    if (!this.stale || !this.latest) return
    this.cancel?.()
    this.cancel = null
    this.shown = { doc: this.latest, summary: summarizeBrackets(this.latest) }
    this.mapping = new Mapping()
    this.stale = false
    this.refreshedAt = Date.now()
    for (const listener of this.listeners) listener()
  }

  /**
   * Where `pos` of the summary made from `from` is in `doc` (the view's document now), or null
   * when that summary is not the one shown or no longer describes `doc`.
   */
  positionIn(doc: PMNode, from: PMNode, pos: number): number | null {
    this.update(doc)
    if (this.stale || !this.shown || this.shown.doc !== from) return null
    return this.mapping.map(pos, 1)
  }

  /** Whether the summary made from `from` still describes `doc` (up to positions). */
  describes(doc: PMNode, from: PMNode): boolean {
    return this.positionIn(doc, from, 0) !== null
  }

  /** Cancels a pending recomputation (the panel closed). */
  destroy(): void {
    this.cancel?.()
    this.cancel = null
  }
}
