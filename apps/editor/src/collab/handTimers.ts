/** Timers run by hand in tests: what a connector or a merge scheduled, fired when the test says. */
export interface HandTimers {
  /** Pending timers, in the order they were set. */
  timers: { f: () => void; ms: number }[]
  setTimeout: (f: () => void, ms: number) => unknown
  clearTimeout: (handle: unknown) => void
}

export function handTimers(): HandTimers {
  const timers: HandTimers['timers'] = []
  return {
    timers,
    setTimeout: (f, ms) => {
      const t = { f, ms }
      timers.push(t)
      return t
    },
    clearTimeout: (h) => {
      const i = timers.indexOf(h as (typeof timers)[number])
      if (i >= 0) timers.splice(i, 1)
    },
  }
}
