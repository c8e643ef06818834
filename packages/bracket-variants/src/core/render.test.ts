import { describe, expect, it } from 'vitest'
import { parseBrackets } from './parse'
import { renderClean, renderNegotiating, renderVariant } from './render'
import type { BracketGroup, Inline } from './types'

const t = (text: string): Inline => ({ type: 'text', text })
const note = (text: string): Inline => ({ type: 'note', text })
const g = (alternatives: Inline[][], extra: Partial<BracketGroup> = {}): BracketGroup => ({ type: 'group', alternatives, separator: 'none', ...extra })
const parse = (s: string) => parseBrackets(s).inlines

describe('renderNegotiating', () => {
  it('writes each separator kind canonically when there is no raw spelling', () => {
    const alts = [[t('A')], [t('B')]]
    expect(renderNegotiating([g(alts)])).toBe('[A][B]')
    expect(renderNegotiating([g(alts, { separator: 'space' })])).toBe('[A] [B]')
    expect(renderNegotiating([g(alts, { separator: 'or' })])).toBe('[A] [or] [B]')
    expect(renderNegotiating([g(alts, { separator: 'slash' })])).toBe('[A] / [B]')
    expect(renderNegotiating([g([[t('Placeholder for preamble')]], { placeholder: true, curly: true })])).toBe('{Placeholder for preamble}')
    expect(renderNegotiating([g([[t('X date')]], { placeholder: true })])).toBe('[X date]')
  })

  it('writes notes as their text unless asked not to', () => {
    const inlines = [t('重申，'), note('(摘自安理会第984(1995)号决议)')]
    expect(renderNegotiating(inlines)).toBe('重申，(摘自安理会第984(1995)号决议)')
    expect(renderNegotiating(inlines, { notes: false })).toBe('重申，')
  })

  it('gives back exactly what was parsed, whatever the spelling', () => {
    for (const s of ['[A]/[B]', '[A]  [B]', '[A] [ OR ] [B] [or] [C]', '［议定书］［协议］', '[a］', '{to be added}', 'x [a] [b]/[c] y', '[a [b][c]] / [d]']) {
      expect(renderNegotiating(parse(s))).toBe(s)
    }
  })

  it('uses canonical spelling on request, or when raw no longer fits the alternatives', () => {
    const [group] = parse('［A］/［B］') as [BracketGroup]
    expect(renderNegotiating([group], { canonical: true })).toBe('[A] / [B]')
    const edited: BracketGroup = { ...group, alternatives: [...group.alternatives, [t('C')]] }
    expect(renderNegotiating([edited])).toBe('[A] / [B] / [C]')
  })

  it('writes a group without alternatives as nothing', () => {
    expect(renderNegotiating([t('a'), g([]), t('b')])).toBe('ab')
  })
})

describe('renderVariant', () => {
  const inlines = parse('The [States][Parties] will [shall][should] act [promptly [and fully]].(note)')
  inlines.push(note('(摘自…)'))

  it('writes the chosen alternative of every group, dropping on null', () => {
    expect(renderVariant(inlines, () => 0)).toBe('The States will shall act promptly and fully.(note)')
    expect(renderVariant(inlines, (group) => (group.alternatives.length > 1 ? 1 : null))).toBe('The Parties will should act .(note)')
  })

  it('asks only about groups the variant reaches, outer before inner, with their paths', () => {
    const asked: string[] = []
    renderVariant(inlines, (group, path) => {
      asked.push(`${group.id}@${path.join('.')}`)
      return group.id === 'g3' ? null : 0
    })
    expect(asked).toEqual(['g1@1', 'g2@3', 'g3@5'])
    asked.length = 0
    renderVariant(inlines, (group, path) => {
      asked.push(`${group.id}@${path.join('.')}`)
      return 0
    })
    expect(asked).toEqual(['g1@1', 'g2@3', 'g3@5', 'g4@5.0.1'])
  })

  it('passes a path the callback may keep', () => {
    const paths: (readonly number[])[] = []
    renderVariant(inlines, (_g, path) => {
      paths.push(path)
      return 0
    })
    expect(paths).toEqual([[1], [3], [5], [5, 0, 1]])
  })

  it('drops notes unless keepNotes', () => {
    expect(renderVariant(inlines, () => 0)).not.toContain('摘自')
    expect(renderVariant(inlines, () => 0, { keepNotes: true })).toBe('The States will shall act promptly and fully.(note)(摘自…)')
  })

  it('leaves placeholders as written without asking', () => {
    const asked: string[] = []
    const text = renderVariant(parse('by [X date] or {Placeholder for dates} [now]'), (group) => {
      asked.push(group.id!)
      return null
    })
    expect(text).toBe('by [X date] or {Placeholder for dates} ')
    expect(asked).toEqual(['g3'])
  })

  it('says what was wrong when choose returns an index the group does not have', () => {
    expect(() => renderVariant(inlines, () => 2)).toThrow('choose returned 2 for group g1, which has 2 alternatives; expected 0–1 or null')
    expect(() => renderVariant(inlines, () => 0.5)).toThrow(RangeError)
  })
})

describe('renderClean', () => {
  it('gives the clean text, without notes, when no group is left', () => {
    expect(renderClean([t('重申，'), note('(摘自…)'), t('\n')])).toEqual({ ok: true, text: '重申，\n' })
  })

  it('lists the outermost open groups, placeholders included', () => {
    const inlines = parse('a [b [c]] d [X date] e')
    const result = renderClean(inlines)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.open.map((g) => g.id)).toEqual(['g1', 'g3'])
  })
})
