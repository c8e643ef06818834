import { treatyBuilders } from '@accord/schema/test-builders'
import { describe, expect, it } from 'vitest'
import { collectGroups, collectOptionGroups } from './groups'
import { alternativeText, groupKey } from '../core/index'

const { doc, treaty, title, preamble, opening, recital, art, p, p1, og, opt, annex, br, alt, ph, note } = treatyBuilders

describe('collectGroups', () => {
  const d = doc(
    treaty(
      title('Draft <t>', br(alt('Protocol'), alt('Agreement'))),
      preamble(opening('The States Parties to this <o>', br(alt('Protocol'), alt('Agreement')), ','), recital('Recalling <r>', ph('X date'))),
      art(p('x'), p1('<a>', br(alt('developing <b>', br(alt('country'), alt('State')), ' Parties ', '<c>', br(alt('and <d>', br(alt('others'))))), alt()), note('(n)'))),
      art(p('States <e>', br({ separator: 'or' }, alt('shall'), alt('should')), ' act')),
    ),
  )
  d.check()
  const groups = collectGroups(d)

  it('finds every group and placeholder in document order, nested ones after their parent', () => {
    expect(groups.map((g) => g.pos)).toEqual([d.tag.t, d.tag.o, d.tag.r, d.tag.a, d.tag.b, d.tag.c, d.tag.d, d.tag.e])
  })

  it('uses the position of the node as id, which points at the node', () => {
    for (const g of groups) {
      expect(g.id).toBe(String(g.pos))
      expect(g.group.id).toBe(g.id)
      expect(d.nodeAt(g.pos)!.type.name).toBe(g.group.placeholder ? 'placeholder' : 'bracket')
    }
  })

  it('gives the nesting depth', () => {
    expect(groups.map((g) => g.depth)).toEqual([1, 1, 1, 1, 2, 2, 3, 1])
  })

  it('gives the location of the block holding each group, nested ones included', () => {
    expect(groups.map((g) => g.location.text)).toEqual([
      'Title',
      'Preamble, paragraph 1',
      'Preamble, paragraph 2',
      'Article 1, paragraph 1 (a)',
      'Article 1, paragraph 1 (a)',
      'Article 1, paragraph 1 (a)',
      'Article 1, paragraph 1 (a)',
      'Article 2, paragraph 1',
    ])
  })

  it('keys groups by their normalised alternatives, whatever the separator', () => {
    expect(groups.map((g) => g.key)).toEqual([
      '[Protocol][Agreement]',
      '[Protocol][Agreement]',
      '[X date]',
      '[developing [country][State] Parties [and [others]]][]',
      '[country][State]',
      '[and [others]]',
      '[others]',
      '[shall][should]',
    ])
    expect(groups.map((g) => !!g.group.placeholder)).toEqual([false, false, true, false, false, false, false, false])
  })

  it('gives each alternative normalised, the key being them in brackets', () => {
    for (const g of groups) {
      expect(g.alternatives).toEqual(g.group.alternatives.map(alternativeText))
      expect(g.key).toBe(groupKey(g.group))
    }
    expect(groups[3].alternatives).toEqual(['developing [country][State] Parties [and [others]]', ''])
  })

  it('finds nothing in a document without brackets', () => {
    expect(collectGroups(doc(treaty(art(p('x')), annex(p('y')))))).toEqual([])
  })
})

describe('collectOptionGroups', () => {
  it('lists groups with several options or in brackets, located at their first block', () => {
    const d = doc(
      treaty(
        art(p('x'), '<a>', og(opt(p('a')), opt(p('b'))), og(opt(p('single'))), '<b>', og({ bracketed: true }, opt(p('bracketed')))),
        '<c>',
        og(opt(), opt()),
      ),
    )
    d.check()
    const found = collectOptionGroups(d)
    expect(found.map((o) => o.pos)).toEqual([d.tag.a, d.tag.b, d.tag.c])
    expect(found.map((o) => o.location.text)).toEqual(['Article 1, Option 1, paragraph 2', 'Article 1, Option 1, paragraph 4', 'options'])
    for (const o of found) expect(o.node).toBe(d.nodeAt(o.pos))
  })

  it('lists nested option groups too', () => {
    const d = doc(treaty(art(og(opt(p('a'), og(opt(p('b')), opt(p('c')))), opt(p('d'))))))
    expect(collectOptionGroups(d).map((o) => o.location.text)).toEqual(['Article 1, Option 1, paragraph 1', 'Article 1, Option 1, Option 1, paragraph 2'])
  })
})
