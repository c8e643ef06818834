import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { countVariants } from './count'
import { findLinkedSets, groupKey } from './linked'
import { findNearDuplicates } from './near'
import { parseBrackets } from './parse'
import { lineIndex } from './position'
import { renderClean, renderNegotiating, renderVariant } from './render'
import { resolveByText } from './resolve'
import { bracketStats } from './stats'
import type { BracketGroup, Inline } from './types'
import { walkInlines } from './walk'

// The real texts live outside the package; ACCORD_FIXTURES overrides where to look.
const candidates = [process.env.ACCORD_FIXTURES, fileURLToPath(new URL('../../../../fixtures', import.meta.url)), '/work/shared/fixtures'].filter(
  (d): d is string => !!d,
)
const dir = candidates.find((d) => existsSync(join(d, 'npt-2005-security-assurances-protocol.zh.txt')))
if (!dir) throw new Error(`fixtures not found: looked for npt-2005-security-assurances-protocol.zh.txt in ${candidates.join(', ')}; set ACCORD_FIXTURES`)

const read = (name: string) => readFileSync(join(dir, name), 'utf8')
const files = [
  ...readdirSync(dir).filter((f) => f.endsWith('.txt')),
  ...readdirSync(join(dir, 'real'))
    .filter((f) => f.endsWith('.txt'))
    .map((f) => `real/${f}`),
].sort()
const paragraphs = (text: string) => text.split(/\r?\n[ \t]*\r?\n/)
const groupsOf = (inlines: readonly Inline[]) => {
  const out: BracketGroup[] = []
  walkInlines(inlines, { enterGroup: (g) => void out.push(g) })
  return out
}

/**
 * Paragraphs (split on blank lines) that are unbalanced: the PDF paste splits one bracket across
 * a page break, and the ADP compilation has extra ']' in the original. Anything else must parse
 * without a diagnostic.
 */
const UNBALANCED: Record<string, Record<number, string[]>> = {
  'npt-2005-security-assurances-protocol.zh.pdf-paste.txt': { 51: ['unclosed-bracket@1:36'], 52: ['unmatched-close@1:2'] },
  'npt-2005-security-assurances-working-paper.zh.raw.txt': { 144: ['unclosed-bracket@1:36'], 145: ['unmatched-close@1:2'] },
  // the preamble paragraph: Pp11 and Pp14 each end with one ']' too many (Pp4's extra ']' closes
  // "[The Parties to this Agreement," positionally); Article 2: paragraph 2 ends with "equity].]]"
  'real/unfccc-adp-2015-12-04-draft-agreement-pp-art1-2.txt': { 1: ['unmatched-close@37:61', 'unmatched-close@49:70'], 4: ['unmatched-close@23:10'] },
}

describe('fixtures: every paragraph of every file', () => {
  it('finds the fixture files', () => {
    expect(files).toContain('npt-2005-security-assurances-protocol.zh.txt')
    expect(files).toContain('real/unfccc-adp-2015-12-04-draft-agreement-pp-art1-2.txt')
    expect(files.length).toBeGreaterThanOrEqual(7)
  })

  it.each(files)('%s: balanced paragraphs round-trip, unbalanced ones say where', (file) => {
    const text = read(file)
    const found: Record<number, string[]> = {}
    paragraphs(text).forEach((paragraph, index) => {
      const { inlines, diagnostics } = parseBrackets(paragraph)
      expect(renderNegotiating(inlines)).toBe(paragraph)
      if (diagnostics.length === 0) return
      found[index] = diagnostics.map((d) => `${d.code}@${d.pos.line}:${d.pos.column}`)
      const at = lineIndex(paragraph)
      for (const d of diagnostics) {
        expect(d.severity).toBe('error')
        expect(at(d.pos.offset)).toEqual(d.pos)
        expect(d.message).toContain(`line ${d.pos.line}, column ${d.pos.column}`)
        expect(paragraph[d.pos.offset]).toBe(d.code === 'unmatched-close' ? ']' : '[')
      }
    })
    expect(found).toEqual(UNBALANCED[file] ?? {})
  })

  it.each(files)('%s: the whole file round-trips and every literal run is a source slice', (file) => {
    const text = read(file)
    const { inlines } = parseBrackets(text)
    expect(renderNegotiating(inlines)).toBe(text)
    walkInlines(inlines, {
      text: (run) => void expect(text.slice(run.start, run.end)).toBe(run.text),
      enterGroup: (g) => void expect(text.slice(g.start, g.end)).toBe(renderNegotiating([g])),
    })
  })
})

describe('fixtures: the sample protocol', () => {
  const text = read('npt-2005-security-assurances-protocol.zh.txt')
  const { inlines, diagnostics, maxDepth } = parseBrackets(text)
  const groups = groupsOf(inlines)

  it('has 20 groups of two alternatives, none nested, no diagnostics', () => {
    expect(diagnostics).toEqual([])
    expect(groups).toHaveLength(20)
    expect(maxDepth).toBe(1)
    expect(groups.every((g) => g.alternatives.length === 2 && g.separator === 'none' && !g.placeholder)).toBe(true)
    expect(countVariants(inlines)).toBe(2n ** 20n)
  })

  it('has a linked set of 19 × [议定书][协议] and a near-duplicate [本议定书][协议] likely belonging to it', () => {
    const sets = findLinkedSets(groups.map((group) => ({ id: group.id!, group })))
    expect(sets.map((s) => [s.key, s.count])).toEqual([
      ['[议定书][协议]', 19],
      ['[本议定书][协议]', 1],
    ])
    const odd = groups.find((g) => groupKey(g) === '[本议定书][协议]')!
    expect(text.slice(odd.start, odd.end)).toBe('[本议定书][协议]')
    expect(text.slice(text.lastIndexOf('\n', odd.start) + 1, odd.end)).toBe('2. 下列签署人，经正式授权，在[本议定书][协议]')
    const near = findNearDuplicates(sets)
    expect(near).toHaveLength(1)
    expect(near[0]).toMatchObject({
      key: '[本议定书][协议]',
      likely: '[议定书][协议]',
      likelyCount: 19,
      members: [odd.id],
      suggestion: ['议定书', '协议'],
      rewrite: { prefix: '本', suffix: '', alternatives: ['议定书', '协议'], equivalent: false },
    })
    expect(near[0].reason).toContain("first alternative '本议定书' contains '议定书' with an extra '本'")
    expect(near[0].reason).toContain("would also turn '协议' into '本协议'")
  })

  it('gives the same statistics through bracketStats, paragraph by paragraph', () => {
    const units = paragraphs(text).map((p, i) => ({ label: `¶${i}`, inlines: parseBrackets(p, { idPrefix: `p${i}-` }).inlines }))
    const stats = bracketStats(units)
    expect(stats.openGroups).toBe(20)
    expect(stats.alternatives).toBe(40)
    expect(stats.placeholders).toBe(0)
    expect(stats.linkedSets).toHaveLength(1)
    expect(stats.linkedSets[0]).toMatchObject({ key: '[议定书][协议]', count: 19 })
    expect(new Set(stats.linkedSets[0].members).size).toBe(19)
    expect(stats.nearDuplicates.map((n) => [n.key, n.likely])).toEqual([['[本议定书][协议]', '[议定书][协议]']])
    expect(stats.perUnit.filter((u) => u.openGroups > 0).map((u) => u.openGroups)).toEqual([1, 1, 1, 1, 1, 1, 2, 1, 2, 1, 1, 2, 1, 1, 2, 1])
  })

  it('resolving 议定书 resolves the 19 and leaves [本议定书][协议] open', () => {
    const { inlines: out, resolved } = resolveByText(inlines, '议定书')
    expect(resolved).toBe(19)
    const left = groupsOf(out)
    expect(left).toHaveLength(1)
    expect(groupKey(left[0])).toBe('[本议定书][协议]')
    expect(renderClean(out).ok).toBe(false)
    const clean = renderNegotiating(out)
    expect(clean).toContain('本议定书缔约国，')
    expect(clean).toContain('在[本议定书][协议]上签字')
    expect(clean).not.toContain('[议定书]')
  })

  it('renders the 协议 variant of the whole text', () => {
    const variant = renderVariant(inlines, () => 1)
    expect(variant).not.toMatch(/[[\]]/)
    expect(variant).toContain('无核武器缔约国使用或威胁使用核武器的协议草案')
    expect(variant).toContain('在协议上签字')
  })
})

describe('fixtures: real negotiating texts', () => {
  it('ADP compilation: three extra ] at their positions, depth 4, the 1.5 °C group, placeholders', () => {
    const text = read('real/unfccc-adp-2015-12-04-draft-agreement-pp-art1-2.txt')
    const { inlines, diagnostics, maxDepth } = parseBrackets(text)
    expect(diagnostics.map((d) => `${d.code}@${d.pos.line}:${d.pos.column}`)).toEqual(['unmatched-close@39:61', 'unmatched-close@51:70', 'unmatched-close@111:10'])
    expect(maxDepth).toBe(4)
    const groups = groupsOf(inlines)
    const temperature = groups.find((g) => groupKey(g) === '[below 1.5 °C][well][below 2 °C]')!
    expect(temperature).toMatchObject({ separator: 'or', raw: { separators: [' [or] ', ' '] } })
    const placeholders = groups.filter((g) => g.placeholder).map(groupKey)
    expect(placeholders).toEqual(['[Placeholder for “countries in need of support”.]', '[Placeholder for “climate finance”.]'])

    // Pp4 on its own: the ']' after the comma is the one without a '['
    const lines = text.split('\n')
    const pp4 = lines.slice(lines.findIndex((l) => l.startsWith('Pp4 ')), lines.findIndex((l) => l.startsWith('Pp5 '))).join('\n')
    expect(pp4.endsWith('development]],]')).toBe(true)
    const alone = parseBrackets(pp4, { unitName: 'paragraph' })
    expect(alone.diagnostics.map((d) => [d.code, d.pos.line, d.pos.column])).toEqual([['unmatched-close', 4, 15]])
    expect(renderNegotiating(alone.inlines)).toBe(pp4)
  })

  it('Geneva text: balanced by accident, so brackets pair differently from the drafters\' intent', () => {
    const text = read('real/unfccc-gnt-2015-02-section-c.txt')
    const { inlines, diagnostics, maxDepth } = parseBrackets(text)
    expect(diagnostics).toEqual([])
    expect(maxDepth).toBe(4)
    // The ']' after "2080;" (meant to close an option never opened) closes "3. [Option 1:";
    // the ']' meant for that one then closes the heading "C. [", which spans the whole excerpt.
    const heading = inlines.find((i): i is BracketGroup => i.type === 'group')!
    expect(heading.start).toBe(text.indexOf('[General / Objective'))
    expect(heading.end).toBe(text.trimEnd().length)
    const option1 = groupsOf(inlines).find((g) => text.startsWith('[Option 1:\nAll Parties', g.start))!
    expect(text.slice(option1.end! - 6, option1.end)).toBe('2080;]')
    const shallTo = groupsOf(inlines).find((g) => groupKey(g) === '[shall][to]')
    expect(shallTo?.separator).toBe('space')
  })

  it('BBNJ draft decision: numbering alternatives and two placeholders', () => {
    const text = read('real/bbnj-prepcom-2026-draft-decision-secretariat-un.txt')
    const { inlines, diagnostics } = parseBrackets(text)
    expect(diagnostics).toEqual([])
    const groups = groupsOf(inlines)
    expect(groups.map(groupKey)).toEqual([
      '[document symbol to be added]',
      '[on the basis of the draft relationship agreement between the United Nations and the secretariat contained in the annex to this decision][in accordance with the terms of a relationship agreement to be concluded with the United Nations]',
      '[4][2]',
      '[under the United Nations Convention on the Law of the Sea on the Conservation and Sustainable Use of Marine Biological Diversity of Areas beyond National Jurisdiction]',
      '[5][3]',
      '[Placeholder for potential additional text outlining the appointment process for the head of the secretariat]',
      '[6][4]',
    ])
    expect(groups.map((g) => !!g.placeholder)).toEqual([true, false, false, false, false, true, false])
    expect(groups[1].separator).toBe('space')
    // "to be concluded" is not a placeholder marker, and a group of two is never a placeholder
    expect(findNearDuplicates(findLinkedSets(groups.map((group) => ({ id: group.id!, group }))))).toEqual([])
  })

  it('BBNJ Agreement (final text): no brackets, nothing to report, one variant', () => {
    const text = read('real/bbnj-agreement-2023-zh-preamble-art1-7.txt')
    const { inlines, diagnostics } = parseBrackets(text)
    expect(diagnostics).toEqual([])
    expect(inlines).toEqual([{ type: 'text', text, start: 0, end: text.length }])
    expect(countVariants(inlines)).toBe(1n)
    expect(renderClean(inlines)).toEqual({ ok: true, text })
  })

  it('working paper as extracted from the PDF: the bracket split by a page break still joins its set', () => {
    const text = read('npt-2005-security-assurances-working-paper.zh.raw.txt')
    const { inlines, diagnostics } = parseBrackets(text)
    expect(diagnostics).toEqual([])
    const groups = groupsOf(inlines)
    const sets = findLinkedSets(groups.map((group) => ({ id: group.id!, group })))
    expect(sets.map((s) => [s.key, s.count])).toEqual([
      ['[议定书][协议]', 19],
      ['[议定书][协定]', 3],
      ['[本议定书][协议]', 1],
    ])
    expect(findNearDuplicates(sets).map((n) => [n.key, n.likely])).toEqual([
      ['[议定书][协定]', '[议定书][协议]'],
      ['[本议定书][协议]', '[议定书][协议]'],
    ])
  })
})
