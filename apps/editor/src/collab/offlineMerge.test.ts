import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { ApiError, type MergeResult } from '../api'
import { OfflineMerge, retryable } from './offlineMerge'
import { handTimers } from './handTimers'

/** A Y.Doc with some text, as a stale tab holds it. */
function staleDoc(text = '第一条'): Y.Doc {
  const doc = new Y.Doc()
  doc.getText('t').insert(0, text)
  return doc
}

/** Timers run by hand; each merge request is answered (or failed) from a queue. */
function setup(doc: Y.Doc, answers: (MergeResult | ApiError | ((update: Uint8Array) => MergeResult))[]) {
  const { timers, setTimeout, clearTimeout } = handTimers()
  const sent: { epoch: number; update: Uint8Array }[] = []
  const retries: number[] = []
  const merge = new OfflineMerge({
    doc,
    epoch: 4,
    merge: async (epoch, update) => {
      sent.push({ epoch, update })
      const a = answers.shift()
      if (!a) throw new Error('no answer queued')
      if (a instanceof ApiError) throw a
      return typeof a === 'function' ? a(update) : a
    },
    onRetry: (_e, attempt) => retries.push(attempt),
    setTimeout,
    clearTimeout,
  })
  const settle = async () => {
    for (let i = 0; i < 10; i++) await Promise.resolve()
  }
  const tick = async () => {
    const due = timers.splice(0)
    for (const t of due) t.f()
    await settle()
    return due.map((t) => t.ms)
  }
  return { merge, sent, retries, tick, settle }
}

/** The text a merge request carried. */
const textOf = (update: Uint8Array) => {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, update)
  return doc.getText('t').toString()
}

describe('OfflineMerge', () => {
  it('sends the tab’s whole state with its epoch, and says whether anything was merged', async () => {
    const doc = staleDoc('甲乙')
    const { merge, sent } = setup(doc, [{ merged: true, epoch: 5 }])
    expect(await merge.done).toEqual({ kind: 'merged', epoch: 5 })
    expect(sent).toHaveLength(1)
    expect(sent[0].epoch).toBe(4)
    expect(textOf(sent[0].update)).toBe('甲乙')
  })

  it('nothing new in the tab: unchanged (the page only reloads)', async () => {
    const { merge } = setup(staleDoc(), [{ merged: false, epoch: 5 }])
    expect(await merge.done).toEqual({ kind: 'unchanged', epoch: 5 })
  })

  it('refused (403): the server’s reason, no retry', async () => {
    const { merge, sent, retries } = setup(staleDoc(), [new ApiError('delegations may not change the text while drafting is closed', 403, 'forbidden')])
    expect(await merge.done).toEqual({ kind: 'refused', status: 403, message: 'delegations may not change the text while drafting is closed' })
    expect(sent).toHaveLength(1)
    expect(retries).toEqual([])
  })

  it('server unreachable: keeps the tab and retries with backoff, sending what was typed meanwhile', async () => {
    const doc = staleDoc('甲')
    const offline = () => new ApiError('the server could not be reached (Failed to fetch)', 0, 'network')
    const { merge, sent, retries, tick, settle } = setup(doc, [offline(), new ApiError('unavailable', 503), { merged: true, epoch: 5 }])
    let outcome: unknown = null
    void merge.done.then((o) => (outcome = o))
    await settle()
    expect(retries).toEqual([1])
    doc.getText('t').insert(1, '乙')
    expect(await tick()).toEqual([200])
    expect(retries).toEqual([1, 2])
    expect(outcome).toBeNull()
    expect(await tick()).toEqual([400])
    expect(outcome).toEqual({ kind: 'merged', epoch: 5 })
    expect(sent.map((s) => textOf(s.update))).toEqual(['甲', '甲乙', '甲乙'])
  })

  it('a change typed while the request was under way is sent too before the merge is done', async () => {
    const doc = staleDoc('甲')
    const { merge, sent } = setup(doc, [
      () => {
        doc.getText('t').insert(1, '乙')
        return { merged: true, epoch: 5 }
      },
      { merged: false, epoch: 5 },
    ])
    // The first request merged something: the outcome stays `merged`.
    expect(await merge.done).toEqual({ kind: 'merged', epoch: 5 })
    expect(sent.map((s) => textOf(s.update))).toEqual(['甲', '甲乙'])
  })

  it('cancel stops the retries', async () => {
    const { merge, sent, tick, settle } = setup(staleDoc(), [new ApiError('offline', 0, 'network')])
    await settle()
    merge.cancel()
    expect(await merge.done).toEqual({ kind: 'cancelled' })
    expect(await tick()).toEqual([])
    expect(sent).toHaveLength(1)
  })

  it('retries only what the server did not decide', () => {
    expect([0, 408, 429, 500, 503].map((status) => retryable(new ApiError('x', status)))).toEqual([true, true, true, true, true])
    expect([400, 403, 409, 413, 200].map((status) => retryable(new ApiError('x', status)))).toEqual([false, false, false, false, false])
    expect(retryable(new Error('bug'))).toBe(false)
  })
})
