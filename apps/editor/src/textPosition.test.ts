import { describe, expect, it } from 'vitest'
import { lineRange } from './textPosition'

describe('lineRange', () => {
  it('finds a line and column, counting code points', () => {
    const text = 'first\n第二行 [x\nthird'
    expect(lineRange(text, 2, 5)).toEqual([10, 12])
    expect(text.slice(...lineRange(text, 2, 5)!)).toBe('[x')
    expect(lineRange('a\n𝒳b', 2, 2)).toEqual([4, 5])
    expect(lineRange(text, 9, 1)).toBeNull()
  })
})
