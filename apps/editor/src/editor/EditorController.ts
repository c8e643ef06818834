import type { Command } from 'prosemirror-state'
import type { EditorView } from 'prosemirror-view'

/**
 * The bridge between the ProseMirror view and React: components subscribe to it instead of
 * re-rendering with every transaction, and ask it to run or dry-run commands. It holds no
 * document state of its own.
 */
export class EditorController {
  view: EditorView | null = null
  private readonly listeners = new Set<() => void>()
  private version = 0

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Changes with every transaction, for `useSyncExternalStore`. */
  getVersion = (): number => this.version

  private scheduled = false

  /**
   * Called by the view after each transaction (and when its props change). Listeners run
   * once per animation frame at most: the toolbar's dry runs and React's render stay out of
   * the keystroke itself, which on a long treaty is already busy with y-prosemirror's sync.
   */
  notify(): void {
    this.version++
    if (this.scheduled) return
    this.scheduled = true
    const run = () => {
      this.scheduled = false
      for (const l of this.listeners) l()
    }
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(run)
    else queueMicrotask(run)
  }

  /** Dry run: whether `command` applies now (what a button's enabled state shows). */
  can(command: Command): boolean {
    const view = this.view
    return !!view && view.editable && command(view.state, undefined, view)
  }

  /** Runs `command` on the view and gives the focus back to the text. */
  run(command: Command): boolean {
    const view = this.view
    if (!view || !view.editable) return false
    const done = command(view.state, view.dispatch, view)
    view.focus()
    return done
  }
}
