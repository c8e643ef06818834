import type { Node as PMNode } from 'prosemirror-model'
import { EditorState, type Command, type Transaction } from 'prosemirror-state'
import { treatyBuilders } from '@accord/schema/test-builders'
import { describe, expect, it } from 'vitest'
import {
  chooseOption,
  linkedSetDecisions,
  removeEmptyBrackets,
  RESOLUTION_META,
  resolveBracket,
  resolveByText,
  resolveInTransaction,
  resolveLinkedSet,
  textDecisions,
  type ResolutionMeta,
} from './commands'

const { doc, treaty, title, preamble, opening, recital, art, p, p1, og, opt, annex, br, alt, ph, note } = treatyBuilders

type Tagged = PMNode & { tag: Record<string, number> }

/**
 * Runs `cmd` on `start` and checks the document it leaves: `expected` null means the command
 * refuses, both as a dry run and for real. Otherwise it must accept as a dry run, then dispatch
 * exactly one transaction. Returns that transaction.
 */
function apply(start: PMNode, cmd: Command, expected: PMNode | null): Transaction | undefined {
  start.check()
  const state = EditorState.create({ doc: start })
  if (expected === null) {
    expect(cmd(state), 'dry run should refuse').toBe(false)
    expect(cmd(state, () => expect.fail('dispatched although the command refused')), 'command should refuse').toBe(false)
    return undefined
  }
  expect(cmd(state), 'dry run should accept').toBe(true)
  const trs: Transaction[] = []
  expect(cmd(state, (tr) => trs.push(tr)), 'command should accept').toBe(true)
  expect(trs.length, 'transactions dispatched').toBe(1)
  const after = state.apply(trs[0]).doc
  after.check()
  expect(after.toJSON()).toEqual(expected.toJSON())
  return trs[0]
}

const meta = (tr: Transaction | undefined) => tr?.getMeta(RESOLUTION_META) as ResolutionMeta | undefined

describe('resolveBracket', () => {
  const start = doc(treaty(art(p('States <a>', br(alt('shall'), alt('should')), ' act')))) as Tagged

  it('keeps the first alternative', () => {
    const tr = apply(start, resolveBracket(start.tag.a, 0), doc(treaty(art(p('States shall act')))))
    expect(meta(tr)).toEqual({ groups: [start.tag.a], chosen: ['shall'] })
  })

  it('keeps the second alternative', () => {
    const tr = apply(start, resolveBracket(start.tag.a, 1), doc(treaty(art(p('States should act')))))
    expect(meta(tr)).toEqual({ groups: [start.tag.a], chosen: ['should'] })
  })

  it('drops the group with null', () => {
    const tr = apply(start, resolveBracket(start.tag.a, null), doc(treaty(art(p('States  act')))))
    expect(meta(tr)).toEqual({ groups: [start.tag.a], chosen: [null] })
  })

  it('keeps or drops a group of one alternative', () => {
    const d = doc(treaty(art(p('all <a>', br(alt('nuclear-weapon ')), 'States')))) as Tagged
    apply(d, resolveBracket(d.tag.a, 0), doc(treaty(art(p('all nuclear-weapon States')))))
    apply(d, resolveBracket(d.tag.a, null), doc(treaty(art(p('all States')))))
  })

  it('keeps an empty alternative (the group disappears)', () => {
    const d = doc(treaty(art(p('a<a>', br(alt('x'), alt()), 'b')))) as Tagged
    apply(d, resolveBracket(d.tag.a, 1), doc(treaty(art(p('ab')))))
  })

  it('moves nested groups, placeholders and notes with the kept alternative', () => {
    const d = doc(treaty(art(p('<a>', br(alt('x ', br(alt('y'), alt('z')), ph('X date'), note('(n)')), alt('w'))))))
    const tr = apply(d as Tagged, resolveBracket((d as Tagged).tag.a, 0), doc(treaty(art(p('x ', br(alt('y'), alt('z')), ph('X date'), note('(n)'))))))
    // The chosen text leaves notes out and writes nested groups and placeholders in bracket notation.
    expect(meta(tr)?.chosen).toEqual(['x [y][z][X date]'])
  })

  it('resolves a nested group alone, leaving the group around it open', () => {
    const d = doc(treaty(art(p(br(alt('developing <a>', br(alt('country')), ' Parties'), alt('all Parties')))))) as Tagged
    apply(d, resolveBracket(d.tag.a, 0), doc(treaty(art(p(br(alt('developing country Parties'), alt('all Parties')))))))
    apply(d, resolveBracket(d.tag.a, null), doc(treaty(art(p(br(alt('developing  Parties'), alt('all Parties')))))))
  })

  it('resolves groups in the title and the preamble', () => {
    const d = doc(treaty(title('Draft <a>', br(alt('Protocol'), alt('Agreement'))), preamble(opening('<b>', br(alt('本')), '议定书')))) as Tagged
    apply(d, resolveBracket(d.tag.a, 1), doc(treaty(title('Draft Agreement'), preamble(opening(br(alt('本')), '议定书')))))
    apply(d, resolveBracket(d.tag.b, 0), doc(treaty(title('Draft ', br(alt('Protocol'), alt('Agreement'))), preamble(opening('本议定书')))))
  })

  it('resolves a group without alternatives only by dropping it', () => {
    const d = doc(treaty(art(p('a<a>', br(), 'b')))) as Tagged
    apply(d, resolveBracket(d.tag.a, null), doc(treaty(art(p('ab')))))
    apply(d, resolveBracket(d.tag.a, 0), null)
  })

  it.each([
    ['another alternative than there are', 2],
    ['a negative alternative', -1],
    ['a fractional alternative', 0.5],
    ['NaN', Number.NaN],
  ])('refuses %s', (_name, choice) => {
    apply(start, resolveBracket(start.tag.a, choice), null)
  })

  it.each([
    ['a position in text', (d: Tagged) => d.tag.a - 2],
    ['the position of an alternative', (d: Tagged) => d.tag.a + 1],
    ['the position of a paragraph', () => 2],
    ['the end of the document', (d: Tagged) => d.content.size],
    ['a position past the end of the document', () => 10_000],
    ['a negative position', () => -1],
    ['a fractional position', (d: Tagged) => d.tag.a + 0.5],
  ])('refuses %s', (_name, at) => {
    apply(start, resolveBracket(at(start), 0), null)
    apply(start, resolveBracket(at(start), null), null)
  })

  it('refuses a placeholder: it is filled, not resolved', () => {
    const d = doc(treaty(art(p('by <a>', ph('X date'))))) as Tagged
    apply(d, resolveBracket(d.tag.a, 0), null)
  })
})

describe('resolveInTransaction', () => {
  const d = doc(treaty(art(p('<a>', br(alt('x ', '<b>', br(alt('a'), alt('b')), ' y'), alt('z')), ' and <c>', br(alt('c')))))) as Tagged

  it('resolves an outer and an inner group in one transaction, whatever order the decisions come in', () => {
    for (const decisions of [
      new Map<number, number | null>([[d.tag.a, 0], [d.tag.b, 1], [d.tag.c, null]]),
      new Map<number, number | null>([[d.tag.c, null], [d.tag.b, 1], [d.tag.a, 0]]),
    ]) {
      const state = EditorState.create({ doc: d })
      const tr = state.tr
      const result = resolveInTransaction(tr, decisions)
      expect(tr.doc.toJSON()).toEqual(doc(treaty(art(p('x b y and ')))).toJSON())
      // Positions are those before the change; the outer group's text is read after its inner one was resolved.
      expect(result).toEqual({ groups: [d.tag.c, d.tag.b, d.tag.a], chosen: [null, 'b', 'x b y'] })
      expect(tr.getMeta(RESOLUTION_META)).toEqual(result)
    }
  })

  it('resolves an inner group of an alternative that the outer decision drops', () => {
    const tr = EditorState.create({ doc: d }).tr
    resolveInTransaction(tr, new Map([[d.tag.a, 1], [d.tag.b, 0]]))
    expect(tr.doc.toJSON()).toEqual(doc(treaty(art(p('z and ', br(alt('c')))))).toJSON())
  })

  it('throws, saying why, for a position without a bracket or an alternative that does not exist', () => {
    expect(() => resolveInTransaction(EditorState.create({ doc: d }).tr, new Map([[d.tag.a + 1, 0]]))).toThrow(/there is no bracket group at position/)
    expect(() => resolveInTransaction(EditorState.create({ doc: d }).tr, new Map([[d.tag.c, 1]]))).toThrow(/has 1 alternative\(s\); there is no alternative 2/)
  })
})

/** The sample's pattern: 本[议定书][协议] repeated, and one [本议定书][协议] (Art. 6 ¶2). */
const linked = doc(
  treaty(
    title('关于安全保证的<t>', br(alt('议定书'), alt('协议'))),
    preamble(opening('本<o>', br(alt('议定书'), alt('协议')), '缔约国，')),
    art(p('本<a>', br({ separator: 'slash' }, alt('议定书'), alt('协议')), '生效。'), p('<n>', br(alt('本议定书'), alt('协议')), '。')),
    art(p('<s>', br(alt('shall'), alt('should')), ' ', '<x>', br(alt('a ', '<y>', br(alt('议定书'), alt('协议'))), alt('b')))),
  ),
) as Tagged

describe('resolveLinkedSet', () => {
  it('resolves every member of the set in one transaction and leaves the near-duplicate alone', () => {
    const tr = apply(
      linked,
      resolveLinkedSet('[议定书][协议]', 1),
      doc(
        treaty(
          title('关于安全保证的协议'),
          preamble(opening('本协议缔约国，')),
          art(p('本协议生效。'), p(br(alt('本议定书'), alt('协议')), '。')),
          art(p(br(alt('shall'), alt('should')), ' ', br(alt('a 协议'), alt('b')))),
        ),
      ),
    )
    expect(meta(tr)!.groups).toEqual([linked.tag.y, linked.tag.a, linked.tag.o, linked.tag.t])
    expect(meta(tr)!.chosen).toEqual(['协议', '协议', '协议', '协议'])
  })

  it('drops every member with null', () => {
    apply(
      linked,
      resolveLinkedSet('[议定书][协议]', null),
      doc(
        treaty(
          title('关于安全保证的'),
          preamble(opening('本缔约国，')),
          art(p('本生效。'), p(br(alt('本议定书'), alt('协议')), '。')),
          art(p(br(alt('shall'), alt('should')), ' ', br(alt('a '), alt('b')))),
        ),
      ),
    )
  })

  it('resolves the outer set and its nested member together', () => {
    const d = doc(treaty(art(p(br(alt('x ', br(alt('a'), alt('b'))), alt('y')), ' ', br(alt('x [a][b]'), alt('y'))))))
    // Both outer groups read "[x [a][b]][y]"; the nested group is not a member.
    apply(d, resolveLinkedSet('[x [a][b]][y]', 0), doc(treaty(art(p('x ', br(alt('a'), alt('b')), ' x [a][b]')))))
  })

  it('gives linkedSetDecisions: every member, no placeholder', () => {
    expect([...linkedSetDecisions({ doc: linked }, '[议定书][协议]', 0)]).toEqual([
      [linked.tag.t, 0],
      [linked.tag.o, 0],
      [linked.tag.a, 0],
      [linked.tag.y, 0],
    ])
    const withPlaceholder = doc(treaty(art(p(ph('X'), br(alt('X'))))))
    expect([...linkedSetDecisions({ doc: withPlaceholder }, '[X]', 0).values()]).toEqual([0])
  })

  it.each([
    ['an unknown key', '[a][b]', 0],
    ['an alternative the set does not have', '[议定书][协议]', 2],
    ['a negative alternative', '[议定书][协议]', -1],
    ['a fractional alternative', '[议定书][协议]', 0.5],
  ])('refuses %s', (_name, key, index) => {
    apply(linked, resolveLinkedSet(key, index), null)
  })
})

describe('resolveByText', () => {
  it('keeps, in every group, the alternative reading exactly the text, and leaves the others open', () => {
    const tr = apply(
      linked,
      resolveByText('协议'),
      doc(
        treaty(
          title('关于安全保证的协议'),
          preamble(opening('本协议缔约国，')),
          art(p('本协议生效。'), p('协议。')),
          art(p(br(alt('shall'), alt('should')), ' ', br(alt('a 协议'), alt('b')))),
        ),
      ),
    )
    expect(meta(tr)!.groups).toEqual([linked.tag.y, linked.tag.n, linked.tag.a, linked.tag.o, linked.tag.t])
  })

  it('compares normalised text: width, spacing, line wraps between CJK characters', () => {
    const d = doc(treaty(art(p(br(alt('Ａ  B'), alt('c')), br(alt('协\n议'), alt('d'))))))
    apply(d, resolveByText(' A B '), doc(treaty(art(p('Ａ  B', br(alt('协\n议'), alt('d')))))))
    apply(d, resolveByText('协议'), doc(treaty(art(p(br(alt('Ａ  B'), alt('c')), '协\n议')))))
  })

  it('resolves an outer and an inner group matching the same text in one transaction', () => {
    const d = doc(treaty(art(p(br(alt('shall'), alt('may ', br(alt('shall'), alt('should'))))))))
    apply(d, resolveByText('shall'), doc(treaty(art(p('shall')))))
  })

  it('matches an alternative holding a nested group by its bracket notation', () => {
    const d = doc(treaty(art(p(br(alt('x ', br(alt('a'), alt('b'))), alt('y'))))))
    apply(d, resolveByText('x [a][b]'), doc(treaty(art(p('x ', br(alt('a'), alt('b')))))))
    apply(d, resolveByText('b'), doc(treaty(art(p(br(alt('x b'), alt('y')))))))
  })

  it('leaves placeholders alone', () => {
    apply(doc(treaty(art(p(ph('X date'))))), resolveByText('X date'), null)
  })

  it('refuses text no alternative reads', () => {
    apply(linked, resolveByText('Protocol'), null)
    expect(textDecisions(linked, 'Protocol').size).toBe(0)
  })
})

describe('chooseOption', () => {
  const start = doc(treaty(art(p('x'), '<g>', og(opt(p('a'), p1('a(a)')), opt(p('b')), opt()), p('y')))) as Tagged

  it('keeps the content of one option in place of the group', () => {
    const tr = apply(start, chooseOption(start.tag.g, 0), doc(treaty(art(p('x'), p('a'), p1('a(a)'), p('y')))))
    expect(meta(tr)).toEqual({ groups: [start.tag.g], chosen: ['1'] })
    apply(start, chooseOption(start.tag.g, 1), doc(treaty(art(p('x'), p('b'), p('y')))))
  })

  it('drops the group with null, or by keeping an empty option ("No text")', () => {
    const tr = apply(start, chooseOption(start.tag.g, null), doc(treaty(art(p('x'), p('y')))))
    expect(meta(tr)).toEqual({ groups: [start.tag.g], chosen: [null] })
    apply(start, chooseOption(start.tag.g, 2), doc(treaty(art(p('x'), p('y')))))
  })

  it('keeps articles offered as options', () => {
    const d = doc(treaty(art(p('1')), '<g>', og(opt(art(p('2a'))), opt(art(p('2b')), art(p('3b')))))) as Tagged
    apply(d, chooseOption(d.tag.g, 1), doc(treaty(art(p('1')), art(p('2b')), art(p('3b')))))
  })

  it('keeps recitals offered as options in the preamble', () => {
    const d = doc(treaty(preamble('<g>', og({ bracketed: true }, opt(recital('r1')), opt(recital('r2')))))) as Tagged
    apply(d, chooseOption(d.tag.g, 0), doc(treaty(preamble(recital('r1')))))
  })

  it('keeps an option holding a nested option group', () => {
    const d = doc(treaty(art('<g>', og(opt(p('a'), og(opt(p('b')), opt(p('c')))), opt(p('d')))))) as Tagged
    apply(d, chooseOption(d.tag.g, 0), doc(treaty(art(p('a'), og(opt(p('b')), opt(p('c')))))))
  })

  it('refuses an option whose content would not fit where the group stands', () => {
    const inArticle = doc(treaty(art('<g>', og(opt(art(p('nested article'))), opt(p('b')))))) as Tagged
    apply(inArticle, chooseOption(inArticle.tag.g, 0), null)
    apply(inArticle, chooseOption(inArticle.tag.g, 1), doc(treaty(art(p('b')))))
    const inPreamble = doc(treaty(preamble('<g>', og(opt(p('operative')), opt(recital('r')))))) as Tagged
    apply(inPreamble, chooseOption(inPreamble.tag.g, 0), null)
    const inAnnex = doc(treaty(annex('<g>', og(opt(recital('r')))))) as Tagged
    apply(inAnnex, chooseOption(inAnnex.tag.g, 0), null)
  })

  it.each([
    ['an option that does not exist', (d: Tagged) => d.tag.g, 3],
    ['a negative option', (d: Tagged) => d.tag.g, -1],
    ['a fractional option', (d: Tagged) => d.tag.g, 0.5],
    ['a position that is not an option group', (d: Tagged) => d.tag.g + 1, 0],
    ['a position past the end of the document', () => 10_000, 0],
    ['a negative position', () => -5, null],
  ])('refuses %s', (_name, at, index) => {
    apply(start, chooseOption(at(start), index), null)
  })
})

describe('removeEmptyBrackets', () => {
  it('removes every bracket left without alternatives, nested ones included, in one transaction outside history', () => {
    const tr = apply(
      doc(treaty(title('a', br(), 'b'), art(p(br(alt('x', br(), 'y'), alt()), br(), br()), p('z', br(alt()))))),
      removeEmptyBrackets,
      doc(treaty(title('ab'), art(p(br(alt('xy'), alt())), p('z', br(alt()))))),
    )
    expect(tr!.getMeta('addToHistory')).toBe(false)
  })

  it('refuses when there is none', () => {
    apply(doc(treaty(art(p('a', br(alt()), ph()), p()))), removeEmptyBrackets, null)
  })
})
