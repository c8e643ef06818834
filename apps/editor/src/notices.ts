/**
 * Short, non-blocking messages for the person: a refused write ("observers cannot change the
 * text"), a failed facilitator action with the server's message, "resolved — Undo". They stack
 * in a corner and go away by themselves (or with their × button); the same text arriving again
 * while it is shown only restarts its timer, so a burst of refusals reads as one.
 */

export type NoticeKind = 'info' | 'error' | 'denied'

export interface NoticeAction {
  label: string
  run: () => void
  testId?: string
}

export interface Notice {
  id: number
  kind: NoticeKind
  text: string
  action?: NoticeAction
  /** Milliseconds it stays; 0 = until dismissed. */
  timeout: number
}

export interface NoticeTimers {
  setTimeout: (f: () => void, ms: number) => unknown
  clearTimeout: (handle: unknown) => void
}

const defaultTimers: NoticeTimers = {
  setTimeout: (f, ms) => globalThis.setTimeout(f, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
}

export class Notices {
  private list: Notice[] = []
  private readonly listeners = new Set<() => void>()
  private readonly timers = new Map<number, unknown>()
  private next = 1

  constructor(private readonly clock: NoticeTimers = defaultTimers) {}

  getState = (): readonly Notice[] => this.list

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Shows `text`; returns its id (the existing one when the same text of the same kind is already shown). */
  show(kind: NoticeKind, text: string, options: { action?: NoticeAction; timeout?: number } = {}): number {
    const timeout = options.timeout ?? (options.action ? 10_000 : kind === 'info' ? 4000 : 8000)
    const same = this.list.find((n) => n.kind === kind && n.text === text && !n.action && !options.action)
    const id = same?.id ?? this.next++
    if (!same) this.list = [...this.list.slice(-4), { id, kind, text, action: options.action, timeout }]
    const old = this.timers.get(id)
    if (old !== undefined) this.clock.clearTimeout(old)
    if (timeout > 0) this.timers.set(id, this.clock.setTimeout(() => this.dismiss(id), timeout))
    this.emit()
    return id
  }

  dismiss(id: number): void {
    const t = this.timers.get(id)
    if (t !== undefined) this.clock.clearTimeout(t)
    this.timers.delete(id)
    const next = this.list.filter((n) => n.id !== id)
    if (next.length === this.list.length) return
    this.list = next
    this.emit()
  }

  clear(): void {
    for (const t of this.timers.values()) this.clock.clearTimeout(t)
    this.timers.clear()
    this.list = []
    this.emit()
  }

  private emit(): void {
    for (const l of this.listeners) l()
  }
}
