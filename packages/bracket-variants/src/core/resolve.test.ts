import { describe, expect, it } from 'vitest'
import { parseBrackets } from './parse'
import { renderNegotiating } from './render'
import { resolveByText, resolveGroups } from './resolve'
import type { BracketGroup, Inline } from './types'

const parse = (s: string) => parseBrackets(s).inlines

describe('resolveGroups', () => {
  it('keeps a chosen alternative inline, drops on null, leaves undefined open', () => {
    const inlines = parse('本[议定书][协议]缔约国 [shall] act [now]')
    const decisions: Record<string, number | null | undefined> = { g1: 0, g2: null, g3: undefined }
    const out = resolveGroups(inlines, (g) => decisions[g.id!])
    expect(renderNegotiating(out)).toBe('本议定书缔约国  act [now]')
  })

  it('merges text runs that end up side by side, keeping offsets only for one contiguous slice', () => {
    const out = resolveGroups(parse('本[议定书]缔约国'), () => 0)
    expect(out).toEqual([{ type: 'text', text: '本议定书缔约国' }])
    const same = resolveGroups(parse('ab [c]'), () => undefined)
    expect(same[0]).toEqual({ type: 'text', text: 'ab ', start: 0, end: 3 })
    const dropped = resolveGroups(parse('a[b]c'), () => null)
    expect(dropped).toEqual([{ type: 'text', text: 'ac' }])
  })

  it('asks about groups inside kept alternatives and open groups, never inside dropped ones', () => {
    const inlines = parse('[a [b] x][c [d]] [e [f]] [g [h]]')
    const asked: string[] = []
    const out = resolveGroups(inlines, (g) => {
      asked.push(g.id!)
      return g.id === 'g1' ? 0 : g.id === 'g4' ? null : undefined
    })
    // g1 = [a [b] x][c [d]] [e [f]] [g [h]] joined by spaces: keep alternative 0
    expect(asked).toEqual(['g1', 'g2'])
    expect(renderNegotiating(out)).toBe('a [b] x')
    const asked2: string[] = []
    resolveGroups(parse('[a [b]], [c [d]], [e]'), (g) => {
      asked2.push(g.id!)
      return g.id === 'g3' ? null : undefined
    })
    expect(asked2).toEqual(['g1', 'g2', 'g3', 'g5'])
  })

  it('resolves nested groups inside a group left open, copying it', () => {
    const inlines = parse('[developing country Parties [and others]][Parties]')
    const out = resolveGroups(inlines, (g) => (g.id === 'g2' ? 0 : undefined))
    expect(renderNegotiating(out)).toBe('[developing country Parties and others][Parties]')
    const group = out[0] as BracketGroup
    expect(group).not.toBe(inlines[0])
    expect(group.id).toBe('g1')
    expect(group.alternatives[0]).toEqual([{ type: 'text', text: 'developing country Parties and others' }])
  })

  it('does not modify its input', () => {
    const inlines = parse('x [a][b] y [c [d]] z')
    const before = structuredClone(inlines)
    resolveGroups(inlines, () => 0)
    resolveGroups(inlines, () => null)
    resolveGroups(inlines, (g) => (g.id === 'g3' ? 0 : undefined))
    expect(inlines).toEqual(before)
  })

  it('says what was wrong when decide returns an index the group does not have', () => {
    expect(() => resolveGroups(parse('[a][b]'), () => 2)).toThrow('decide returned 2 for group g1, which has 2 alternatives; expected 0–1, null or undefined')
  })

  it('resolves 50,000 levels without overflowing the stack', () => {
    let inner: Inline[] = [{ type: 'text', text: 'x' }]
    for (let i = 0; i < 50_000; i++) inner = [{ type: 'group', alternatives: [inner], separator: 'none' }]
    expect(resolveGroups(inner, () => 0)).toEqual([{ type: 'text', text: 'x' }])
  })
})

describe('resolveByText', () => {
  it('resolves every group, at any depth, with an alternative reading the chosen text', () => {
    const inlines = parse('[议定书][协议] a [x [议定书][协定]] b [协议][议定书] c [本议定书][协议] d [议 定书]')
    const { inlines: out, resolved } = resolveByText(inlines, ' 议定书 ')
    expect(resolved).toBe(4)
    expect(renderNegotiating(out)).toBe('议定书 a [x 议定书] b 议定书 c [本议定书][协议] d 议 定书')
  })

  it('matches after normalising both sides', () => {
    const { resolved } = resolveByText(parse('[developed\ncountry  Parties][Parties] [ＣＭＡ]'), 'developed country Parties')
    expect(resolved).toBe(1)
    expect(resolveByText(parse('[ＣＭＡ]'), 'CMA').resolved).toBe(1)
  })

  it('resolves nothing when no alternative matches', () => {
    const inlines = parse('[a][b]')
    const result = resolveByText(inlines, 'c')
    expect(result.resolved).toBe(0)
    expect(renderNegotiating(result.inlines)).toBe('[a][b]')
  })
})
