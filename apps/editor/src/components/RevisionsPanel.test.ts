import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { defaultComparison, revisionEvents } from './RevisionsPanel'

describe('the revisions panel', () => {
  it('counts the saves and restores in the audit log (the list is fetched again when the count changes)', () => {
    const audit = new Y.Doc().getArray<unknown>('audit')
    audit.push([{ action: 'resolve' }, { action: 'revision' }])
    expect(revisionEvents(audit)).toBe(1)
    audit.push([{ action: 'restore' }, { action: 'amendment-accept' }, null])
    expect(revisionEvents(audit)).toBe(2)
  })

  it('compares the latest revision with the current text by default', () => {
    expect(defaultComparison([])).toEqual({ from: 'initial', to: 'current' })
    const rev = (id: string, number: number) => ({ id, name: `Rev.${number}`, number, created: '', author: null })
    expect(defaultComparison([rev('r_0', 0), rev('r_1', 1)])).toEqual({ from: 'r_1', to: 'current' })
  })
})
