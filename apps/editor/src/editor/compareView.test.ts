import { compareTreaties } from '@accord/compare'
import { treatySchema } from '@accord/schema'
import type { Node as PMNode } from 'prosemirror-model'
import { describe, expect, it } from 'vitest'
import { summaryFigures, unitHeading, visibleUnits } from './compareView'

const s = treatySchema
const alt = (text: string) => s.node('alternative', null, [s.text(text)])
const para = (...content: (string | PMNode)[]) => s.node('paragraph', { level: 0 }, content.map((c) => (typeof c === 'string' ? s.text(c) : c)))
const article = (...paras: PMNode[]) => s.node('article', null, paras)
const treaty = (...children: PMNode[]) => s.node('doc', null, [s.node('treaty', { lang: 'en' }, children)])

const before = treaty(
  article(para('The Parties shall cooperate.')),
  article(para('This ', s.node('bracket', null, [alt('Protocol'), alt('Agreement')]), ' shall be ratified.'), para('Reservations are not permitted.')),
)
const after = treaty(
  article(para('The Parties shall cooperate.')),
  article(para('A new article.')),
  article(para('This Protocol shall be subject to ratification.'), para('Reservations are not permitted.')),
)

describe('the compare view', () => {
  const c = compareTreaties(before, after)

  it('shows only what changed, or everything', () => {
    const changed = visibleUnits(c, true)
    expect(changed.units.map((u) => [u.unit.label, u.unit.status])).toEqual([
      ['Article 2', 'added'],
      ['Article 3', 'changed'],
    ])
    expect(changed.hidden).toBe(1)
    const moved = changed.units[1]
    expect(moved.blocks.map((b) => b.status)).toEqual(['changed'])
    const segments = moved.blocks[0].segments
    expect(segments.filter((x) => x.kind === 'removed').map((x) => x.text).join('|')).toContain('[Protocol][Agreement]')
    expect(segments.filter((x) => x.kind === 'added').map((x) => x.text).join('')).toContain('subject to')
    expect(unitHeading(moved.unit)).toEqual({ label: 'Article 3', was: 'Article 2' })
    const all = visibleUnits(c, false)
    expect(all.hidden).toBe(0)
    expect(all.units[2].blocks).toHaveLength(2)
  })

  it('lists every figure of the summary, with what is behind it', () => {
    const figures = Object.fromEntries(summaryFigures(c.summary).map((f) => [f.key, f]))
    expect(Object.keys(figures)).toEqual(['bracketsResolved', 'bracketsOpened', 'bracketsChanged', 'amendmentsAccepted', 'articlesAdded', 'articlesRemoved', 'paragraphsChanged', 'paragraphsAdded', 'paragraphsRemoved'])
    expect(figures.bracketsResolved.value).toBe(1)
    expect(figures.bracketsResolved.detail[0]).toContain('[Protocol][Agreement]')
    expect(figures.articlesAdded).toMatchObject({ value: 1, detail: ['Article 2'] })
    expect(figures.paragraphsChanged.value).toBe(1)
    expect(figures.bracketsOpened.value).toBe(0)
  })
})
