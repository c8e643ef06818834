import { findLinkedSets } from '@accord/bracket-variants'
import { collectGroups, resolveBracket, resolveByText, resolveLinkedSet } from '@accord/bracket-variants/prosemirror'
import { treatySchema } from '@accord/schema'
import { importText } from '@accord/treaty-io'
import { sampleTreatyText } from '@accord/treaty-io/sample'
import { readdirSync, readFileSync } from 'node:fs'
import type { Node as PMNode } from 'prosemirror-model'
import { EditorState } from 'prosemirror-state'
import { describe, expect, it } from 'vitest'
import { compareTreaties, renderComparisonHtml, renderComparisonText, type Comparison } from './index'

const sample = (): PMNode => importText(sampleTreatyText()).doc

/** The sample with the linked set `[议定书][协议]` (19 groups) resolved to 议定书. */
function resolvedSample(): PMNode {
  const doc = sample()
  const sets = findLinkedSets(collectGroups(doc).map((g) => ({ id: g.id, group: g.group })))
  const set = sets.find((s) => s.members.length === 19)!
  let out: PMNode | undefined
  resolveLinkedSet(set.key, 0)(EditorState.create({ schema: treatySchema, doc }), (tr) => (out = tr.doc))
  return out!
}

/** Every position (in `doc`) before the n-th (0-based) node of type `name`. */
function nthPos(doc: PMNode, name: string, n: number): number {
  const found: number[] = []
  doc.descendants((node, pos) => {
    if (node.type.name === name) found.push(pos)
    return true
  })
  return found[n]
}

function changedUnits(c: Comparison) {
  return c.units.filter((u) => u.status !== 'same')
}

describe('compareTreaties, the sample treaty', () => {
  it('finds nothing between a document and itself', () => {
    const c = compareTreaties(sample(), sample())
    expect(c.identical).toBe(true)
    expect(changedUnits(c)).toEqual([])
    expect(c.summary).toMatchObject({ bracketsOpened: 0, bracketsResolved: 0, bracketsChanged: 0, articlesAdded: 0, articlesRemoved: 0, paragraphsChanged: 0, paragraphsAdded: 0, paragraphsRemoved: 0, amendmentsAccepted: 0 })
    // Title, preamble, six articles.
    expect(c.units.map((u) => u.kind)).toEqual(['title', 'preamble', 'article', 'article', 'article', 'article', 'article', 'article'])
    expect(c.units.map((u) => u.label).slice(2)).toEqual(['第一条', '第二条', '第三条', '第四条', '第五条', '第六条'])
    expect(c.units[5].location).toBe('Article 4')
    expect(c.units[5].blocks.map((b) => b.label)).toEqual(['1.', '2.', '3.', '4.', '5.', '6.', '7.'])
    expect(c.units[1].blocks).toHaveLength(12) // 2 opening lines, 9 recitals, the enacting formula
  })

  it('shows the linked set resolved: 19 brackets resolved, none opened, no article added', () => {
    const c = compareTreaties(sample(), resolvedSample())
    expect(c.identical).toBe(false)
    expect(c.summary.bracketsResolved).toBe(19)
    expect(c.summary.bracketsOpened).toBe(0)
    expect(c.summary.articlesAdded).toBe(0)
    expect(c.summary.articlesRemoved).toBe(0)
    expect(c.summary.paragraphsAdded).toBe(0)
    expect(c.summary.paragraphsRemoved).toBe(0)
    expect(c.summary.resolved.every((g) => g.alternatives.join('|') === '议定书|协议')).toBe(true)
    expect(c.summary.resolved[0].location).toBe('Title')
    // Article 5 has one group: only its brackets went.
    const art5 = c.units.find((u) => u.label === '第五条')!
    expect(art5.status).toBe('changed')
    expect(art5.blocks[0].segments).toEqual([
      { kind: 'same', text: '本' },
      { kind: 'removed', text: '[议定书][协议]' },
      { kind: 'added', text: '议定书' },
      { kind: 'same', text: '中的任何规定均不得以任何方式解释为限制或减损任何国家根据关于建立无核武器区的其他协定或条约所负的义务。' },
    ])
    // The near-duplicate [本议定书][协议] of Art. 6 ¶2 stays.
    const art6 = c.units.find((u) => u.label === '第六条')!
    expect(art6.blocks[1].status).toBe('same')
    expect(art6.blocks[1].after).toContain('[本议定书][协议]')
    // Every group of the set was in a paragraph that changed; 19 groups in 14 blocks.
    const changed = c.units.flatMap((u) => u.blocks).filter((b) => b.status === 'changed')
    expect(changed.map((b) => b.location)).toContain('Article 4, paragraph 6')
    expect(c.summary.paragraphsChanged).toBe(changed.length)
    expect(changed.every((b) => b.segments.filter((s) => s.kind === 'removed').every((s) => s.text.includes('[议定书][协议]')))).toBe(true)
  })

  it('shows an article inserted in the middle as that article added, the rest the same', () => {
    const before = sample()
    const at = nthPos(before, 'article', 3) // before 第四条
    const model = before.nodeAt(nthPos(before, 'paragraph', 0))!
    const article = treatySchema.nodes.article.create(null, [
      model.type.create(model.attrs, treatySchema.text('各缔约国应每年报告其履行本议定书的情况。')),
      model.type.create(model.attrs, treatySchema.text('报告应提交给保存国政府。')),
    ])
    const after = EditorState.create({ schema: treatySchema, doc: before }).tr.insert(at, article).doc
    const c = compareTreaties(before, after)
    expect(changedUnits(c).map((u) => [u.status, u.label, u.location])).toEqual([['added', '第四条', 'Article 4']])
    expect(c.summary).toMatchObject({ articlesAdded: 1, addedArticles: ['第四条'], articlesRemoved: 0, paragraphsChanged: 0, paragraphsAdded: 0, bracketsOpened: 0, bracketsResolved: 0 })
    // The old 第四条 is now 第五条, unchanged.
    const moved = c.units.find((u) => u.beforeLabel === '第四条')!
    expect(moved).toMatchObject({ status: 'same', label: '第五条', location: 'Article 5' })
    const added = c.units.find((u) => u.status === 'added')!
    expect(added.blocks.map((b) => [b.status, b.label, b.segments])).toEqual([
      ['added', '1.', [{ kind: 'added', text: '各缔约国应每年报告其履行本议定书的情况。' }]],
      ['added', '2.', [{ kind: 'added', text: '报告应提交给保存国政府。' }]],
    ])
    // And the other way round it is one article removed.
    const back = compareTreaties(after, before)
    expect(changedUnits(back).map((u) => [u.status, u.label])).toEqual([['removed', '第四条']])
    expect(back.summary).toMatchObject({ articlesAdded: 0, articlesRemoved: 1, removedArticles: ['第四条'] })
  })

  it('shows a deleted paragraph as removed, and its brackets as gone', () => {
    const before = sample()
    // Article 4 paragraph 4: "不得对本[议定书][协议]作出保留。"
    const pos = nthPos(before, 'paragraph', 2 + 3 + 1 + 3)
    const node = before.nodeAt(pos)!
    expect(node.textContent).toContain('不得对本')
    const after = EditorState.create({ schema: treatySchema, doc: before }).tr.delete(pos, pos + node.nodeSize).doc
    const c = compareTreaties(before, after)
    expect(changedUnits(c).map((u) => u.label)).toEqual(['第四条'])
    const art4 = changedUnits(c)[0]
    expect(art4.blocks.map((b) => b.status)).toEqual(['same', 'same', 'same', 'removed', 'same', 'same', 'same'])
    expect(art4.blocks[3]).toMatchObject({ label: '4.', location: 'Article 4, paragraph 4', before: '不得对本[议定书][协议]作出保留。', after: null })
    // Paragraphs 5 and 6 became 4 and 5: renumbering is not a change.
    expect(art4.blocks[4]).toMatchObject({ status: 'same', label: '4.' })
    expect(c.summary).toMatchObject({ paragraphsRemoved: 1, paragraphsChanged: 0, paragraphsAdded: 0, bracketsResolved: 1, bracketsOpened: 0, articlesRemoved: 0 })
  })

  it('diffs Chinese word by word', () => {
    const text = sampleTreatyText().replace('应当签署并对不扩散条约任何缔约国开放供签署', '应当签署并对所有国家开放供签署').replace('无限期有效', '有效期为二十五年')
    const c = compareTreaties(sample(), importText(text).doc)
    expect(changedUnits(c).map((u) => u.label)).toEqual(['第四条'])
    const [p1, , p3] = changedUnits(c)[0].blocks
    expect(p1.status).toBe('changed')
    expect(p1.segments).toEqual([
      { kind: 'same', text: '本[议定书][协议]应当签署并对' },
      { kind: 'removed', text: '不扩散条约任何缔约国' },
      { kind: 'added', text: '所有国家' },
      { kind: 'same', text: '开放供签署。本[议定书][协议]应经过批准。' },
    ])
    // 有效期 is one word: 有效 is not kept from 无限期有效.
    expect(p3.segments).toEqual([
      { kind: 'same', text: '本[议定书][协议]' },
      { kind: 'removed', text: '无限期有效' },
      { kind: 'added', text: '有效期为二十五年' },
      { kind: 'same', text: '，只要不扩散条约有效，本[议定书][协议]即有效。' },
    ])
    expect(c.summary).toMatchObject({ paragraphsChanged: 2, bracketsOpened: 0, bracketsResolved: 0 })
  })

  it('counts the accepted amendments among the audit entries given', () => {
    const audit = [{ action: 'resolve' }, { action: 'amendment-accept' }, { action: 'amendment-reject' }, { action: 'amendment-accept' }]
    expect(compareTreaties(sample(), sample(), { audit }).summary.amendmentsAccepted).toBe(2)
  })
})

const ENGLISH = `Draft Agreement on Cooperation

Preamble

The Parties to this Agreement,

Recognizing the need for cooperation,

Have agreed as follows:

Article 1

1. Each Party shall [take appropriate measures][endeavour] to protect the environment.

2. The Parties shall cooperate in good faith.

Article 2

1. This Agreement shall enter into force on the thirtieth day after the deposit of the fiftieth instrument.
`

describe('compareTreaties, English', () => {
  const before = importText(ENGLISH).doc

  it('diffs words, keeping spaces and punctuation with the words around them', () => {
    const after = importText(ENGLISH.replace('cooperate in good faith', 'cooperate fully and in good faith').replace('fiftieth', 'sixtieth')).doc
    const c = compareTreaties(before, after)
    expect(changedUnits(c).map((u) => u.location)).toEqual(['Article 1', 'Article 2'])
    const [, p2] = changedUnits(c)[0].blocks
    expect(p2.segments).toEqual([
      { kind: 'same', text: 'The Parties shall cooperate ' },
      { kind: 'added', text: 'fully and ' },
      { kind: 'same', text: 'in good faith.' },
    ])
    expect(changedUnits(c)[1].blocks[0].segments.filter((s) => s.kind !== 'same')).toEqual([
      { kind: 'removed', text: 'fiftieth' },
      { kind: 'added', text: 'sixtieth' },
    ])
  })

  it('counts a new bracket as opened, a resolved one as resolved', () => {
    const after = importText(ENGLISH.replace('[take appropriate measures][endeavour]', 'take appropriate measures').replace('cooperate in good faith', '[cooperate][consult] in good faith')).doc
    const c = compareTreaties(before, after)
    expect(c.summary.resolved).toEqual([{ location: 'Article 1, paragraph 1', alternatives: ['take appropriate measures', 'endeavour'] }])
    expect(c.summary.opened).toEqual([{ location: 'Article 1, paragraph 2', alternatives: ['cooperate', 'consult'] }])
    const [p1] = changedUnits(c)[0].blocks
    expect(p1.segments).toEqual([
      { kind: 'same', text: 'Each Party shall ' },
      { kind: 'removed', text: '[take appropriate measures][endeavour]' },
      { kind: 'added', text: 'take appropriate measures' },
      { kind: 'same', text: ' to protect the environment.' },
    ])
  })

  it('diffs inside an alternative whose words changed, keeping its brackets whole', () => {
    const after = importText(ENGLISH.replace('[take appropriate measures]', '[take all appropriate measures]')).doc
    const [p1] = changedUnits(compareTreaties(before, after))[0].blocks
    expect(p1.segments).toEqual([
      { kind: 'same', text: 'Each Party shall [take ' },
      { kind: 'added', text: 'all ' },
      { kind: 'same', text: 'appropriate measures][endeavour] to protect the environment.' },
    ])
    // An alternative added to a group replaces the group: the notation is what changed.
    const more = importText(ENGLISH.replace('[endeavour]', '[endeavour][strive]')).doc
    const c = compareTreaties(before, more)
    expect(c.summary).toMatchObject({ bracketsOpened: 1, bracketsResolved: 1, bracketsChanged: 0 })
    // Rewording inside a group keeps it open: it is neither resolved nor opened.
    const reworded = compareTreaties(before, after).summary
    expect(reworded).toMatchObject({ bracketsOpened: 0, bracketsResolved: 0, bracketsChanged: 1 })
    expect(reworded.changed).toEqual([{ location: 'Article 1, paragraph 1', before: ['take appropriate measures', 'endeavour'], after: ['take all appropriate measures', 'endeavour'] }])
  })

  it('keeps a rewritten paragraph as one removal and one addition, not word confetti', () => {
    const after = importText(ENGLISH.replace('The Parties shall cooperate in good faith.', 'Nothing in this Agreement affects the rights of any State.')).doc
    const [p2] = changedUnits(compareTreaties(before, after))[0].blocks.filter((b) => b.status !== 'same')
    expect(p2.status).toBe('removed')
    const c = compareTreaties(before, after)
    expect(c.summary).toMatchObject({ paragraphsRemoved: 1, paragraphsAdded: 1, paragraphsChanged: 0 })
  })
})

const REAL = new URL('../../../../shared/fixtures/real/', import.meta.url)

describe('compareTreaties, real negotiating texts', () => {
  it('finds every bracket of the sample resolved in its clean text, and nothing else', () => {
    let state = EditorState.create({ schema: treatySchema, doc: sample() })
    for (const choice of ['议定书', '本议定书']) resolveByText(choice)(state, (tr) => (state = state.apply(tr)))
    const c = compareTreaties(sample(), state.doc)
    expect(c.summary).toMatchObject({ bracketsResolved: 20, bracketsOpened: 0, articlesAdded: 0, articlesRemoved: 0, paragraphsAdded: 0, paragraphsRemoved: 0 })
    expect(c.summary.resolved.find((g) => g.alternatives[0] === '本议定书')).toEqual({ location: 'Article 6, paragraph 2', alternatives: ['本议定书', '协议'] })
  })

  for (const name of readdirSync(REAL).filter((f) => f.endsWith('.txt'))) {
    it(`compares ${name} with itself and with its first bracket resolved`, () => {
      const doc = importText(readFileSync(new URL(name, REAL), 'utf8')).doc
      expect(compareTreaties(doc, doc).identical).toBe(true)
      const first = collectGroups(doc).find((g) => !g.group.placeholder && g.depth === 1 && g.group.alternatives.length > 0)
      if (!first) return // the adopted BBNJ text has no brackets left
      let after: PMNode | undefined
      resolveBracket(first.pos, 0)(EditorState.create({ schema: treatySchema, doc }), (tr) => (after = tr.doc))
      const c = compareTreaties(doc, after!)
      expect(c.identical).toBe(false)
      expect(c.summary.bracketsResolved).toBeGreaterThanOrEqual(1)
      expect(c.summary).toMatchObject({ bracketsOpened: 0, articlesAdded: 0, articlesRemoved: 0, paragraphsAdded: 0, paragraphsRemoved: 0, paragraphsChanged: 1 })
      expect(c.summary.resolved[0].location).toBe(first.location.text)
    })
  }
})

describe('renderComparison', () => {
  it('writes HTML with ins and del, escaped', () => {
    const before = importText(ENGLISH).doc
    const after = importText(ENGLISH.replace('in good faith', 'in good faith & <without delay>')).doc
    const html = renderComparisonHtml(compareTreaties(before, after), { changedOnly: true })
    expect(html).toContain('<ins> &amp; &lt;without delay&gt;</ins>')
    expect(html).toContain('<li>1 paragraph changed</li>')
    expect(html).toContain('<section class="unit unit-changed" data-kind="article">')
    expect(html).not.toContain('Article 2')
    expect(html).not.toContain('<without')
  })

  it('writes text in word-diff notation, brackets as in the negotiating text', () => {
    const text = renderComparisonText(compareTreaties(sample(), resolvedSample()), { changedOnly: true })
    expect(text.split('\n')[0]).toBe('* 19 brackets resolved')
    expect(text).toContain('第五条 [changed]\n\n1. 本{-[议定书][协议]-}{+议定书+}中的任何规定')
    expect(renderComparisonText(compareTreaties(sample(), sample()), { changedOnly: true })).toBe('* No changes\n')
  })

  it('marks whole added units and says where a moved article was', () => {
    const before = importText(ENGLISH).doc
    const after = importText(ENGLISH.replace('Article 1\n', 'Article 1\n\n1. Definitions apply.\n\nArticle 2\n')).doc
    const c = compareTreaties(before, after)
    const text = renderComparisonText(c, { changedOnly: true })
    expect(text).toContain('Article 1 [added]\n\n+ 1. Definitions apply.')
    const all = renderComparisonText(c)
    expect(all).toContain('Article 2 (was Article 1)')
  })
})
