import { describe, expect, it } from 'vitest'
import { parseBrackets } from './parse'
import { renderNegotiating } from './render'
import type { BracketGroup, Inline } from './types'
import { walkInlines } from './walk'

/** Compact structure: text as JSON, a group as `sep[alt|alt]` with `ph:` / `curly:` marks. */
function shape(inlines: readonly Inline[]): string {
  return inlines
    .map((i) => {
      if (i.type === 'text') return JSON.stringify(i.text)
      if (i.type === 'note') return `note(${JSON.stringify(i.text)})`
      return `${i.curly ? 'curly:' : ''}${i.placeholder ? 'ph:' : ''}${i.separator}[${i.alternatives.map(shape).join('|')}]`
    })
    .join(' ')
}

const parsed = (text: string) => {
  const result = parseBrackets(text)
  // Every parse, balanced or not, gives its source back: checked once here for all cases.
  expect(renderNegotiating(result.inlines)).toBe(text)
  return result
}
const structure = (text: string) => shape(parsed(text).inlines)
const groups = (inlines: readonly Inline[]): BracketGroup[] => {
  const out: BracketGroup[] = []
  walkInlines(inlines, { enterGroup: (g) => void out.push(g) })
  return out
}
const codes = (text: string) => parsed(text).diagnostics.map((d) => d.code)

describe('parseBrackets: forms', () => {
  it('leaves text without brackets as one run with its offsets, newlines included', () => {
    expect(parsed('a\nb').inlines).toEqual([{ type: 'text', text: 'a\nb', start: 0, end: 3 }])
    expect(parsed('').inlines).toEqual([])
  })

  it('reads a single bracket as a keep-or-drop group with exact offsets', () => {
    const r = parsed('本[议定书]缔约国')
    expect(r.inlines).toEqual([
      { type: 'text', text: '本', start: 0, end: 1 },
      { type: 'group', id: 'g1', alternatives: [[{ type: 'text', text: '议定书', start: 2, end: 5 }]], separator: 'none', start: 1, end: 6 },
      { type: 'text', text: '缔约国', start: 6, end: 9 },
    ])
    expect(r.diagnostics).toEqual([])
    expect(r.maxDepth).toBe(1)
  })

  it('joins [A][B] into one group of two alternatives', () => {
    const r = parsed('本[议定书][协议]缔约国')
    expect(r.inlines[1]).toEqual({
      type: 'group',
      id: 'g1',
      alternatives: [[{ type: 'text', text: '议定书', start: 2, end: 5 }], [{ type: 'text', text: '协议', start: 7, end: 9 }]],
      separator: 'none',
      start: 1,
      end: 10,
    })
  })

  it('joins [A] [B] across horizontal whitespace only', () => {
    expect(structure('[shall] [to] take')).toBe('space["shall"|"to"] " take"')
    expect(structure('[a]\t\u00a0[b]')).toBe('space["a"|"b"]')
    expect(structure('[a]\u3000[b]')).toBe('space["a"|"b"]')
    expect(structure('[Africa]\n[and the Isthmus]')).toBe('none["Africa"] "\\n" none["and the Isthmus"]')
    expect(structure('[a] x [b]')).toBe('none["a"] " x " none["b"]')
  })

  it('reads [or] between alternatives as a connector, not an alternative', () => {
    expect(structure('[A] [or] [B]')).toBe('or["A"|"B"]')
    expect(structure('[A] [ or ] [B]')).toBe('or["A"|"B"]')
    expect(structure('[A] [OR] [B]')).toBe('or["A"|"B"]')
    expect(structure('[A][or][B]')).toBe('or["A"|"B"]')
    expect(structure('[议定书][或][协议]')).toBe('or["议定书"|"协议"]')
    expect(structure('[甲] [或者] [乙]')).toBe('or["甲"|"乙"]')
    expect(structure('[A] [or] [B] [or] [C]')).toBe('or["A"|"B"|"C"]')
  })

  it('keeps [or] as wording when nothing follows it or nothing precedes it', () => {
    expect(structure('[A] [or]')).toBe('space["A"|"or"]')
    expect(structure('[or] [B]')).toBe('space["or"|"B"]')
    expect(structure('[or] x')).toBe('none["or"] " x"')
    expect(structure('[A] [or] x')).toBe('space["A"|"or"] " x"')
  })

  it('joins [A] / [B] and [A]/[B] as slash alternatives', () => {
    expect(structure('[A] / [B]')).toBe('slash["A"|"B"]')
    expect(structure('[A]/[B]')).toBe('slash["A"|"B"]')
    expect(structure('[A]／[B]')).toBe('slash["A"|"B"]')
    expect(structure('[A] // [B]')).toBe('none["A"] " // " none["B"]')
    // a slash between plain words is text, as in the Geneva text
    expect(structure('responsibilities / evolving')).toBe('"responsibilities / evolving"')
  })

  it('joins a run of three or more adjacent brackets into one group', () => {
    expect(structure('[a][b][c][d]')).toBe('none["a"|"b"|"c"|"d"]')
    expect(structure('[a] [b] [c]')).toBe('space["a"|"b"|"c"]')
    expect(structure('[a] / [b] / [c]')).toBe('slash["a"|"b"|"c"]')
  })

  it('groups [below 1.5 °C] [or] [well] [below 2 °C] positionally into three alternatives', () => {
    const r = parsed('Hold [below 1.5 °C] [or] [well] [below 2 °C] above')
    expect(shape(r.inlines)).toBe('"Hold " or["below 1.5 °C"|"well"|"below 2 °C"] " above"')
    const g = r.inlines[1] as BracketGroup
    expect(g.raw).toEqual({ delimiters: ['[]', '[]', '[]'], separators: [' [or] ', ' '] })
    expect([g.start, g.end]).toEqual([5, 44])
  })

  it('records non-canonical spellings in raw and only then', () => {
    const g = (s: string) => parsed(s).inlines[0] as BracketGroup
    expect(g('[A][B]').raw).toBeUndefined()
    expect(g('[A] [B]').raw).toBeUndefined()
    expect(g('[A] [or] [B]').raw).toBeUndefined()
    expect(g('[A] / [B]').raw).toBeUndefined()
    expect(g('[A]/[B]').raw).toEqual({ delimiters: ['[]', '[]'], separators: ['/'] })
    expect(g('[A]  [B]').raw).toEqual({ delimiters: ['[]', '[]'], separators: ['  '] })
    expect(g('[A] [OR] [B]').raw).toEqual({ delimiters: ['[]', '[]'], separators: [' [OR] '] })
    expect(g('［议定书］［协议］').raw).toEqual({ delimiters: ['［］', '［］'], separators: [''] })
    expect(g('[A］').raw).toEqual({ delimiters: ['[］'], separators: [] })
  })

  it('reads full-width brackets like square ones', () => {
    expect(structure('本［议定书］［协议］')).toBe('"本" none["议定书"|"协议"]')
    expect(structure('［a［b］］')).toBe('none["a" none["b"]]')
  })

  it('nests to depth 4, as the ADP and Geneva texts do', () => {
    const text = '[a [b [c [d] c] b] a]'
    const r = parsed(text)
    expect(r.maxDepth).toBe(4)
    expect(shape(r.inlines)).toBe('none["a " none["b " none["c " none["d"] " c"] " b"] " a"]')
    expect(groups(r.inlines).map((g) => [g.id, g.start, g.end])).toEqual([
      ['g1', 0, 21],
      ['g2', 3, 18],
      ['g3', 6, 15],
      ['g4', 9, 12],
    ])
  })

  it('numbers groups in document order, outer before inner, with an optional prefix', () => {
    const r = parseBrackets('[a [b][c]] [d] x [e [f]]', { idPrefix: 'p3-' })
    expect(groups(r.inlines).map((g) => g.id)).toEqual(['p3-g1', 'p3-g2', 'p3-g3', 'p3-g4'])
    expect(groups(r.inlines).map((g) => g.start)).toEqual([0, 3, 17, 20])
  })

  it('reads alternatives that hold nested groups', () => {
    expect(structure('[[relevant][evolving economic and emission] trends] [and the principles]')).toBe(
      'space[none["relevant"|"evolving economic and emission"] " trends"|"and the principles"]',
    )
    expect(structure('[developing country Parties [and others]][Parties not included in annex X]')).toBe(
      'none["developing country Parties " none["and others"]|"Parties not included in annex X"]',
    )
  })
})

describe('parseBrackets: placeholders', () => {
  it('marks single-alternative placeholder brackets', () => {
    expect(structure('by [X date]')).toBe('"by " ph:none["X date"]')
    expect(structure('in [document symbol to be added], and')).toBe('"in " ph:none["document symbol to be added"] ", and"')
    expect(structure('4. [Placeholder for “countries in need of support”.]')).toBe('"4. " ph:none["Placeholder for “countries in need of support”."]')
    expect(structure('[……]年')).toBe('ph:none["……"] "年"')
    expect(structure('[日期待定]')).toBe('ph:none["日期待定"]')
  })

  it('never marks a group of several alternatives, or one holding a nested group', () => {
    expect(structure('[X date][Y date]')).toBe('none["X date"|"Y date"]')
    expect(structure('[Placeholder [for] x]')).toBe('none["Placeholder " none["for"] " x"]')
  })

  it('reads {Placeholder for …} as a curly placeholder group and other braces as text', () => {
    const r = parsed('{Placeholder for preamble}\nand {a set} {x} } {')
    expect(shape(r.inlines)).toBe('curly:ph:none["Placeholder for preamble"] "\\nand {a set} {x} } {"')
    expect(r.inlines[0]).toEqual({
      type: 'group',
      id: 'g1',
      alternatives: [[{ type: 'text', text: 'Placeholder for preamble', start: 1, end: 25 }]],
      separator: 'none',
      placeholder: true,
      curly: true,
      start: 0,
      end: 26,
    })
    expect(r.diagnostics).toEqual([])
    expect(structure('{{Placeholder}}')).toBe('"{" curly:ph:none["Placeholder"] "}"')
    expect(structure('{placeholder [x]}')).toBe('"{placeholder " none["x"] "}"')
    expect(structure('[a {to be added} b]')).toBe('none["a " curly:ph:none["to be added"] " b"]')
  })
})

describe('parseBrackets: diagnostics and unbalanced input', () => {
  it('warns about [] and still makes a group with one empty alternative', () => {
    const r = parsed('a []b')
    expect(shape(r.inlines)).toBe('"a " none[] "b"')
    expect((r.inlines[1] as BracketGroup).alternatives).toEqual([[]])
    expect(r.diagnostics).toEqual([
      {
        severity: 'warning',
        code: 'empty-bracket',
        message: "'[]' at line 1, column 3 is empty; delete it or write the text it should hold",
        pos: { offset: 2, line: 1, column: 3 },
      },
    ])
    expect(structure('[][b]')).toBe('none[|"b"]')
  })

  it('keeps an unmatched ] as literal text and says where it is', () => {
    const r = parsed('first line\nsee [a]] here')
    expect(shape(r.inlines)).toBe('"first line\\nsee " none["a"] "] here"')
    expect(r.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'unmatched-close',
        message: "']' at line 2, column 8 has no matching '[' before it; it is kept as literal text",
        pos: { offset: 18, line: 2, column: 8 },
        expected: '[',
      },
    ])
  })

  it('keeps an unclosed [ as literal text and parses what follows it normally', () => {
    const r = parseBrackets('x [a [b][c] y\nz [d]', { unitName: 'paragraph' })
    expect(renderNegotiating(r.inlines)).toBe('x [a [b][c] y\nz [d]')
    expect(shape(r.inlines)).toBe('"x [a " none["b"|"c"] " y\\nz " none["d"]')
    expect(r.inlines[0]).toEqual({ type: 'text', text: 'x [a ', start: 0, end: 5 })
    expect(r.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'unclosed-bracket',
        message: "'[' at line 1, column 3 is never closed; expected ']' before the end of the paragraph; it is kept as literal text",
        pos: { offset: 2, line: 1, column: 3 },
        expected: ']',
      },
    ])
  })

  it('does not swallow the rest of a document into a group when a [ is never closed', () => {
    const text = '1. [The Parties agree\n\n2. Each Party [shall][should] act.\n\n3. [Further text.]'
    const r = parsed(text)
    expect(shape(r.inlines)).toBe('"1. [The Parties agree\\n\\n2. Each Party " none["shall"|"should"] " act.\\n\\n3. " none["Further text."]')
    expect(r.diagnostics.map((d) => [d.code, d.pos.line, d.pos.column])).toEqual([['unclosed-bracket', 1, 4]])
  })

  it('reports several unclosed brackets, outermost first, with the full-width closer expected', () => {
    const r = parsed('［a [b [c] d')
    expect(shape(r.inlines)).toBe('"［a [b " none["c"] " d"')
    expect(r.diagnostics.map((d) => [d.pos.column, d.expected])).toEqual([
      [1, '］'],
      [4, ']'],
    ])
  })

  it('gives exact lines and columns in multi-line CJK text with astral characters', () => {
    // line 1 "第一条" (offsets 0–2), line 2 from 4, line 3 from 19: '𠀀' is 2 units but 1 column,
    // so the ']' at offset 26 is column 7 (𠀀 [ 甲 ] space 乙 ])
    const text = '第一条\n本[议定书][协议]缔约国，\n𠀀[甲] 乙]\n丙 [丁'
    const r = parsed(text)
    expect(groups(r.inlines).map((g) => [g.start, g.end])).toEqual([
      [5, 14],
      [21, 24],
    ])
    expect(r.diagnostics).toEqual([
      expect.objectContaining({ code: 'unmatched-close', pos: { offset: 26, line: 3, column: 7 } }),
      expect.objectContaining({ code: 'unclosed-bracket', pos: { offset: 30, line: 4, column: 3 } }),
    ])
    expect(text[26]).toBe(']')
    expect(text[30]).toBe('[')
  })

  it('reads the ADP Pp4 ending `],]` with the extra ] at its exact column', () => {
    // Pp4 of the ADP compilation of 4 December 2015, as the source prints it
    const pp4 =
      'Pp4 Recognizing the intrinsic relationship between climate change, poverty eradication and [equitable access to]\n' +
      'sustainable development, [reaffirming that responses to climate change shall [aim to avoid the adverse impacts\n' +
      'of response measures, and] promote [social and economic development in harmony with nature][sustainable\n' +
      'development]],]'
    const r = parsed(pp4)
    expect(r.diagnostics).toHaveLength(1)
    expect(r.diagnostics[0]).toMatchObject({ code: 'unmatched-close', severity: 'error', pos: { line: 4, column: 15, offset: pp4.length - 1 } })
    expect(r.diagnostics[0].message).toBe("']' at line 4, column 15 has no matching '[' before it; it is kept as literal text")
    expect(shape(r.inlines)).toBe(
      '"Pp4 Recognizing the intrinsic relationship between climate change, poverty eradication and " none["equitable access to"] ' +
        '"\\nsustainable development, " none["reaffirming that responses to climate change shall " ' +
        'none["aim to avoid the adverse impacts\\nof response measures, and"] " promote " ' +
        'none["social and economic development in harmony with nature"|"sustainable\\ndevelopment"]] ",]"',
    )
  })

  it('pairs a bracket closed many lines later', () => {
    const text = '[The Parties to this Agreement,\nPp1 Being Parties,\nPp2 In pursuit [of the objective],\nPp3 Pursuant,]\nPp4 x'
    const r = parsed(text)
    expect(r.diagnostics).toEqual([])
    expect(shape(r.inlines)).toBe(
      'none["The Parties to this Agreement,\\nPp1 Being Parties,\\nPp2 In pursuit " none["of the objective"] ",\\nPp3 Pursuant,"] "\\nPp4 x"',
    )
    expect((r.inlines[0] as BracketGroup).end).toBe(text.indexOf('\nPp4'))
  })

  it('keeps brackets deeper than maxDepth literal, with one too-deep error', () => {
    const r = parsed('[a [b [c [d] c] b] a] [e]')
    expect(r.maxDepth).toBe(4)
    const limited = parseBrackets('[a [b [c [d] c] b] a] [e]', { maxDepth: 2 })
    expect(renderNegotiating(limited.inlines)).toBe('[a [b [c [d] c] b] a] [e]')
    expect(shape(limited.inlines)).toBe('space["a " none["b [c [d] c] b"] " a"|"e"]')
    expect(limited.maxDepth).toBe(2)
    expect(limited.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'too-deep',
        message: "'[' at line 1, column 7 opens nesting level 3, deeper than the limit of 2; it and everything inside it are kept as literal text",
        pos: { offset: 6, line: 1, column: 7 },
        expected: 'at most 2 levels',
      },
    ])
    expect(shape(parseBrackets('[a] {placeholder}', { maxDepth: 0 }).inlines)).toBe('"[a] {placeholder}"')
  })

  it('parses 10,000 levels of nesting without overflowing the stack', () => {
    const text = '['.repeat(10_000) + 'x' + ']'.repeat(10_000)
    const r = parsed(text)
    expect(r.maxDepth).toBe(256)
    expect(r.diagnostics).toHaveLength(1)
    expect(r.diagnostics[0]).toMatchObject({ code: 'too-deep', pos: { offset: 256, line: 1, column: 257 } })
    let inner: Inline[] = r.inlines
    for (let d = 0; d < 256; d++) {
      expect(inner).toHaveLength(1)
      inner = (inner[0] as BracketGroup).alternatives[0]
    }
    expect(inner).toEqual([{ type: 'text', text: '['.repeat(9744) + 'x' + ']'.repeat(9744), start: 256, end: 256 + 9744 * 2 + 1 }])
  })

  it('parses 10,000 levels as structure when maxDepth allows it', () => {
    const text = '['.repeat(10_000) + 'x' + ']'.repeat(10_000)
    const r = parseBrackets(text, { maxDepth: 20_000 })
    expect(r.maxDepth).toBe(10_000)
    expect(r.diagnostics).toEqual([])
    expect(renderNegotiating(r.inlines)).toBe(text)
  })

  it('survives deep unclosed and unmatched input, capping the list of diagnostics', () => {
    const r = parsed(']'.repeat(1500) + '['.repeat(1500))
    // 1,000 of the 1,500 ']' are listed; the 256 '[' within the depth limit are unclosed and have
    // their own budget; the other 500 ']' and the one too-deep error make the summary
    expect(r.diagnostics).toHaveLength(1000 + 256 + 1)
    expect(r.diagnostics.filter((d) => d.code === 'unmatched-close')).toHaveLength(1000)
    expect(r.diagnostics.filter((d) => d.code === 'unclosed-bracket')).toHaveLength(256)
    const summary = r.diagnostics.find((d) => d.code === 'too-many-diagnostics')!
    expect(summary.message).toBe('501 more problems from line 1, column 1001 on are not listed; fix the ones above and parse again')
    expect(r.diagnostics.indexOf(summary)).toBe(1000)
    expect(parseBrackets(']]]', { maxDiagnostics: 1 }).diagnostics.map((d) => d.code)).toEqual(['unmatched-close', 'too-many-diagnostics'])
    // an unclosed '[' is listed even after 2,000 problems found while scanning
    const unclosed = parseBrackets('[a ' + ']'.repeat(2000) + ' [b').diagnostics
    expect(unclosed.map((d) => d.code).filter((c) => c === 'unclosed-bracket')).toHaveLength(1)
    expect(unclosed.find((d) => d.code === 'unclosed-bracket')?.pos.offset).toBe(2004)
  })

  it('lists diagnostics in source order', () => {
    expect(codes('[a ] b] [] [c')).toEqual(['unmatched-close', 'empty-bracket', 'unclosed-bracket'])
    expect(parsed('[ [] ] ]').diagnostics.map((d) => d.pos.offset)).toEqual([2, 7])
  })

  it('parses a generated 10 MB text in one piece', () => {
    const unit = 'The Parties [shall][should] take [urgent] action [below 1.5 °C] [or] [well] [below 2 °C], 本[议定书][协议] {Placeholder for x}\n'
    const text = unit.repeat(Math.ceil(10_000_000 / unit.length))
    const r = parseBrackets(text)
    expect(r.diagnostics).toEqual([])
    expect(r.inlines.filter((i) => i.type === 'group')).toHaveLength(5 * Math.ceil(10_000_000 / unit.length))
    expect(renderNegotiating(r.inlines)).toBe(text)
    const pathological = parseBrackets('['.repeat(2_000_000) + ']'.repeat(1_000_000) + '{'.repeat(2_000_000) + '}')
    expect(pathological.diagnostics.length).toBeLessThanOrEqual(1001)
  })
})
