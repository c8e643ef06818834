import { describe, expect, it } from 'vitest'
import { lineColumn, lineIndex } from './position'

describe('lineIndex', () => {
  it('counts lines from 1 and columns in code points from 1', () => {
    const text = 'ab\n本[议定书]\n𠀀[x]'
    const at = lineIndex(text)
    expect(at(0)).toEqual({ offset: 0, line: 1, column: 1 })
    expect(at(2)).toEqual({ offset: 2, line: 1, column: 3 }) // the '\n' itself ends line 1
    expect(at(3)).toEqual({ offset: 3, line: 2, column: 1 })
    expect(at(4)).toEqual({ offset: 4, line: 2, column: 2 })
    // line 3 starts at 10; '𠀀' is two UTF-16 units but one column
    expect(at(12)).toEqual({ offset: 12, line: 3, column: 2 })
    expect(at(text.length)).toEqual({ offset: text.length, line: 3, column: 5 })
  })

  it('treats \\r\\n and a lone \\r as one line break each', () => {
    const at = lineIndex('a\r\nb\rc\n\nd')
    expect(at(3)).toMatchObject({ line: 2, column: 1 })
    expect(at(5)).toMatchObject({ line: 3, column: 1 })
    expect(at(8)).toMatchObject({ line: 5, column: 1 })
  })

  it('gives the same answer whether lookups go forward, backward or jump lines', () => {
    const text = ('𝐀a\n').repeat(3) + '𝐀𝐀b𝐀c'
    const fresh = (o: number) => lineIndex(text)(o)
    const shared = lineIndex(text)
    const offsets = [text.length, 0, 12, 9, 11, 17, 14, 4, 16, 10]
    for (const o of offsets) expect(shared(o)).toEqual(fresh(o))
    // line 4 starts at 12: 𝐀 (12–13), 𝐀 (14–15), b (16), 𝐀 (17–18), c (19)
    expect(shared(14)).toEqual({ offset: 14, line: 4, column: 2 })
    expect(shared(19)).toEqual({ offset: 19, line: 4, column: 5 })
  })

  it('rejects offsets outside the text with a message that says the range', () => {
    expect(() => lineIndex('abc')(4)).toThrow('offset 4 is outside the text (0–3)')
    expect(() => lineIndex('abc')(-1)).toThrow(RangeError)
  })
})

describe('lineColumn', () => {
  it('answers repeated calls on one text and switches texts correctly', () => {
    expect(lineColumn('a\nb', 2)).toEqual({ offset: 2, line: 2, column: 1 })
    expect(lineColumn('a\nb', 0)).toEqual({ offset: 0, line: 1, column: 1 })
    expect(lineColumn('xy\n\nz', 4)).toEqual({ offset: 4, line: 3, column: 1 })
    expect(lineColumn('a\nb', 3)).toEqual({ offset: 3, line: 2, column: 2 })
  })
})
