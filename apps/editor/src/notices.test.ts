import { describe, expect, it } from 'vitest'
import { Notices, type NoticeTimers } from './notices'

function clock() {
  const timers = new Map<number, () => void>()
  let n = 0
  const t: NoticeTimers = {
    setTimeout: (f) => (timers.set(++n, f), n),
    clearTimeout: (h) => void timers.delete(h as number),
  }
  return { t, fireAll: () => [...timers.entries()].forEach(([k, f]) => (timers.delete(k), f())), pending: () => timers.size }
}

describe('Notices', () => {
  it('shows, merges repeats, and expires', () => {
    const c = clock()
    const notices = new Notices(c.t)
    let changes = 0
    notices.subscribe(() => changes++)
    const a = notices.show('denied', 'observers cannot change the text')
    const b = notices.show('denied', 'observers cannot change the text')
    expect(a).toBe(b)
    expect(notices.getState()).toHaveLength(1)
    expect(c.pending()).toBe(1)
    notices.show('info', 'Bracket resolved.', { action: { label: 'Undo', run: () => {} } })
    expect(notices.getState()).toHaveLength(2)
    c.fireAll()
    expect(notices.getState()).toHaveLength(0)
    expect(changes).toBeGreaterThan(3)
  })
  it('keeps at most five', () => {
    const notices = new Notices(clock().t)
    for (let i = 0; i < 8; i++) notices.show('error', `e${i}`)
    expect(notices.getState().map((n) => n.text)).toEqual(['e3', 'e4', 'e5', 'e6', 'e7'])
  })
})
