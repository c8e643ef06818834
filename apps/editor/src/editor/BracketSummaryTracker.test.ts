import { EditorState } from 'prosemirror-state'
import { article, bracket, para, treaty } from './testNodes'
import { describe, expect, it, vi } from 'vitest'
import { BracketSummaryTracker } from './BracketSummaryTracker'


/** A tracker whose idle moments come when the test says. */
function tracked() {
  const tasks: (() => void)[] = []
  const delays: number[] = []
  const tracker = new BracketSummaryTracker((task, delay) => {
    tasks.push(task)
    delays.push(delay)
    return () => tasks.splice(tasks.indexOf(task), 1)
  })
  return { tracker, idle: () => tasks.splice(0).forEach((t) => t()), pending: () => tasks.length, delays }
}

const groupsOf = (tracker: BracketSummaryTracker) => tracker.getShown()!.summary.units.flatMap((u) => u.groups)

describe('BracketSummaryTracker', () => {
  const doc = treaty(article(para('The Parties ', bracket('shall', 'should'), ' act.')), article(para('Each ', bracket('Party', 'State'), ' reports.')))

  it('keeps the summary through typing outside the groups and maps its positions', () => {
    const { tracker, pending } = tracked()
    tracker.update(doc)
    const shown = tracker.getShown()!
    const [first, second] = groupsOf(tracker)
    let state = EditorState.create({ doc })
    state = state.apply(state.tr.insertText('all ', 2 + 1 + 1 + 1))
    tracker.update(state.doc)
    expect(tracker.getShown()).toBe(shown)
    expect(pending()).toBe(0)
    expect(state.doc.nodeAt(tracker.positionIn(state.doc, shown.doc, first.pos)!)!.type.name).toBe('bracket')
    expect(tracker.positionIn(state.doc, shown.doc, second.pos)).toBe(second.pos + 4)
    expect(state.doc.nodeAt(second.pos + 4)!.textContent).toBe('PartyState')
  })

  it('recomputes when idle after a change to a group, and positions lead nowhere until then', () => {
    const { tracker, idle, pending } = tracked()
    tracker.update(doc)
    const shown = tracker.getShown()!
    const [first] = groupsOf(tracker)
    let state = EditorState.create({ doc })
    // Typing inside an alternative changes what the navigator shows.
    state = state.apply(state.tr.insertText('!', first.pos + 2))
    let notified = 0
    tracker.subscribe(() => notified++)
    expect(tracker.isStale()).toBe(false)
    tracker.update(state.doc)
    // Listeners hear that the list went stale (the panel stops taking clicks), then that it is fresh.
    expect(tracker.isStale()).toBe(true)
    expect(notified).toBe(1)
    expect(tracker.getShown()).toBe(shown)
    expect(tracker.positionIn(state.doc, shown.doc, first.pos)).toBeNull()
    expect(pending()).toBe(1)
    idle()
    expect(notified).toBe(2)
    expect(tracker.isStale()).toBe(false)
    const fresh = tracker.getShown()!
    expect(fresh.doc).toBe(state.doc)
    expect(groupsOf(tracker)[0].alternatives).toEqual(['!shall', 'should'])
    // A position from the old summary stays unusable; one from the new one works.
    expect(tracker.positionIn(state.doc, shown.doc, first.pos)).toBeNull()
    expect(tracker.positionIn(state.doc, fresh.doc, first.pos)).toBe(first.pos)
  })

  it('puts the recomputation off while changes to groups keep coming (typing inside a group)', () => {
    vi.useFakeTimers({ now: 0 })
    try {
      const { tracker, idle, pending, delays } = tracked()
      tracker.update(doc)
      const [first] = groupsOf(tracker)
      let state = EditorState.create({ doc })
      vi.setSystemTime(10_000)
      // A change long after the last summary: recomputed at the next idle moment.
      state = state.apply(state.tr.insertText('a', first.pos + 2))
      tracker.update(state.doc)
      expect(delays).toEqual([0])
      // More while it waits: put off until the typing pauses.
      for (let i = 1; i <= 3; i++) {
        vi.setSystemTime(10_000 + i * 30)
        state = state.apply(state.tr.insertText('b', first.pos + 2))
        tracker.update(state.doc)
      }
      expect(pending()).toBe(1)
      expect(delays).toEqual([0, 250, 250, 250])
      // Not for ever: after two seconds of changes the pending recomputation is kept.
      vi.setSystemTime(12_500)
      state = state.apply(state.tr.insertText('c', first.pos + 2))
      tracker.update(state.doc)
      expect(delays).toHaveLength(4)
      idle()
      expect(groupsOf(tracker)[0].alternatives[0]).toBe('cbbbashall')
    } finally {
      vi.useRealTimers()
    }
  })

  it('summarises the first document at once and stops scheduling when destroyed', () => {
    const { tracker, pending } = tracked()
    expect(tracker.getShown()).toBeNull()
    tracker.update(doc)
    expect(groupsOf(tracker)).toHaveLength(2)
    tracker.update(treaty(article(para('nothing left'))))
    expect(pending()).toBe(1)
    tracker.destroy()
    expect(pending()).toBe(0)
  })
})
