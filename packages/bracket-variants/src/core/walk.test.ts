import { describe, expect, it } from 'vitest'
import type { BracketGroup, Inline } from './types'
import { walkInlines } from './walk'

const t = (text: string): Inline => ({ type: 'text', text })
const g = (id: string, ...alternatives: Inline[][]): BracketGroup => ({ type: 'group', id, alternatives, separator: 'none' })

describe('walkInlines', () => {
  // a [b [c]][d] (note)
  const doc: Inline[] = [t('a '), g('g1', [t('b '), g('g2', [t('c')])], [t('d')]), { type: 'note', text: '(note)' }]

  it('visits in document order with paths [i0, a0, i1, …] and depths', () => {
    const events: string[] = []
    walkInlines(doc, {
      text: (run, path) => void events.push(`text ${run.text} ${path.join('.')}`),
      note: (note, path) => void events.push(`note ${path.join('.')}`),
      enterGroup: (group, path, depth) => void events.push(`enter ${group.id} ${path.join('.')} d${depth}`),
      enterAlternative: (group, index, path) => void events.push(`alt ${group.id}/${index} ${path.join('.')}`),
      leaveAlternative: (group, index) => void events.push(`/alt ${group.id}/${index}`),
      leaveGroup: (group, path, depth) => void events.push(`leave ${group.id} ${path.join('.')} d${depth}`),
    })
    expect(events).toEqual([
      'text a  0',
      'enter g1 1 d1',
      'alt g1/0 1.0',
      'text b  1.0.0',
      'enter g2 1.0.1 d2',
      'alt g2/0 1.0.1.0',
      'text c 1.0.1.0.0',
      '/alt g2/0',
      'leave g2 1.0.1 d2',
      '/alt g1/0',
      'alt g1/1 1.1',
      'text d 1.1.0',
      '/alt g1/1',
      'leave g1 1 d1',
      'note 2',
    ])
  })

  it('walks only the alternatives enterGroup asks for, in its order', () => {
    const texts: string[] = []
    walkInlines(doc, {
      text: (run) => void texts.push(run.text),
      enterGroup: (group) => (group.id === 'g1' ? [1, 0] : 'none'),
    })
    expect(texts).toEqual(['a ', 'd', 'b '])
  })

  it('reports an alternative that does not exist', () => {
    expect(() => walkInlines(doc, { enterGroup: () => [2] })).toThrow('alternative 2 does not exist in group g1, which has 2')
  })

  it('walks 100,000 levels without overflowing the stack', () => {
    let inner: Inline[] = [t('x')]
    for (let i = 0; i < 100_000; i++) inner = [g(`g${i}`, inner)]
    let deepest = 0
    walkInlines(inner, { enterGroup: (_g, _p, depth) => void (deepest = Math.max(deepest, depth)) })
    expect(deepest).toBe(100_000)
  })
})
