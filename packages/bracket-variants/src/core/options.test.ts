import { describe, expect, it } from 'vitest'
import { parseOptionLabel } from './options'

describe('parseOptionLabel', () => {
  it.each([
    ['Option 1: All Parties to strive', { label: '1', style: 'arabic', value: 1, rest: 'All Parties to strive', noText: false }],
    ['Option 12:', { label: '12', style: 'arabic', value: 12, rest: '', noText: false }],
    ['Option I:', { label: 'I', style: 'roman', value: 1, rest: '', noText: false }],
    ['Option II', { label: 'II', style: 'roman', value: 2, rest: '', noText: false }],
    ['  Option IV: text', { label: 'IV', style: 'roman', value: 4, rest: 'text', noText: false }],
    ['Option X', { label: 'X', style: 'roman', value: 10, rest: '', noText: false }],
    ['Option (a): Ensuring significant', { label: 'a', style: 'alpha', value: 1, rest: 'Ensuring significant', noText: false }],
    ['Option (d): Ensuring', { label: 'd', style: 'alpha', value: 4, rest: 'Ensuring', noText: false }],
    ['Option ( b ):', { label: 'b', style: 'alpha', value: 2, rest: '', noText: false }],
    ['Option (i):', { label: 'i', style: 'alpha', value: 9, rest: '', noText: false }],
    ['Option A', { label: 'A', style: 'alpha', value: 1, rest: '', noText: false }],
    ['Option C: text', { label: 'C', style: 'alpha', value: 3, rest: 'text', noText: false }],
    ['OPTION 3 – text', { label: '3', style: 'arabic', value: 3, rest: 'text', noText: false }],
    ['Option 2: No text', { label: '2', style: 'arabic', value: 2, rest: 'No text', noText: true }],
    ['Option II: No text', { label: 'II', style: 'roman', value: 2, rest: 'No text', noText: true }],
    ['Option 3: No text.', { label: '3', style: 'arabic', value: 3, rest: 'No text.', noText: true }],
    ['备选案文1：', { label: '1', style: 'arabic', value: 1, rest: '', noText: false }],
    ['备选方案 2：各缔约国应', { label: '2', style: 'arabic', value: 2, rest: '各缔约国应', noText: false }],
    ['方案一：', { label: '一', style: 'arabic', value: 1, rest: '', noText: false }],
    ['方案十二： 无案文', { label: '十二', style: 'arabic', value: 12, rest: '无案文', noText: true }],
    ['备选案文二：无案文。', { label: '二', style: 'arabic', value: 2, rest: '无案文。', noText: true }],
    ['备选案文A：', { label: 'A', style: 'alpha', value: 1, rest: '', noText: false }],
  ])('%j', (line, expected) => {
    expect(parseOptionLabel(line)).toEqual(expected)
  })

  it.each(['Options for the way forward', 'Option to be agreed', 'Option mild:', 'The Option 1 text', 'No text', 'option', '方案', '方案设计', '3.1 Option (a): text', 'Option a) text'])(
    '%j is not an option label',
    (line) => {
      expect(parseOptionLabel(line)).toBeNull()
    },
  )
})
