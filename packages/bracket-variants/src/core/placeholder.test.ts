import { describe, expect, it } from 'vitest'
import { isPlaceholderText } from './placeholder'

describe('isPlaceholderText', () => {
  it.each([
    'X date',
    'x date',
    'document symbol to be added',
    'Placeholder for “countries in need of support”.',
    'placeholder for potential additional text outlining\nthe appointment process',
    'PLACEHOLDER',
    'name to be inserted',
    'amount To Be Determined',
    '…',
    '……',
    '...',
    ' ... ',
    'xx',
    'XX',
    '20XX',
    'xx/CMA.1',
    '日期待定',
    '待补',
    '文号待添加',
    '占位',
  ])('%j is a placeholder', (text) => {
    expect(isPlaceholderText(text)).toBe(true)
  })

  it.each([
    '',
    '  ',
    'shall',
    'Exxon',
    'tax date',
    'to be adopted',
    'the date of entry into force',
    'and ... other measures',
    '议定书',
    '定',
    'x',
  ])('%j is wording, not a placeholder', (text) => {
    expect(isPlaceholderText(text)).toBe(false)
  })
})
