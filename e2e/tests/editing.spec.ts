import { expect, test } from './fixtures'

interface PMJSON {
  type: string
  attrs?: Record<string, unknown>
  text?: string
  content?: PMJSON[]
}

function findAll(node: PMJSON, type: string, out: PMJSON[] = []): PMJSON[] {
  if (node.type === type) out.push(node)
  for (const child of node.content ?? []) findAll(child, type, out)
  return out
}

function textOf(node: PMJSON): string {
  return node.text ?? (node.content ?? []).map(textOf).join('')
}

test('adding an article renumbers the ones after it, from the toolbar and the keyboard', async ({ openTreaty }) => {
  const treaty = await openTreaty()
  await treaty.select('与联合国安全理事会合作') // Article 3
  await treaty.tool('addArticle').click()
  expect(await treaty.articleLabels()).toEqual(['第一条', '第二条', '第三条', '第四条', '第五条', '第六条', '第七条'])
  await treaty.type('新增的条款')

  const articles = findAll((await treaty.json()) as PMJSON, 'article')
  expect(articles.map(textOf)[3]).toBe('新增的条款')
  expect(articles.map(textOf)[4]).toContain('应当签署并对不扩散条约任何缔约国开放供签署') // the old Article 4, now 第五条

  await treaty.press('Control+Shift+Enter')
  expect(await treaty.articleLabels()).toHaveLength(8)
  await expect(treaty.page.locator('section.article')).toHaveCount(8)
})

test('a selection is put in brackets, and an alternative added to it', async ({ openTreaty }) => {
  const treaty = await openTreaty()
  const before = await treaty.page.locator('.treaty .bracket').count()
  await treaty.select('单独或集体地')
  await treaty.tool('bracket').click()
  await expect(treaty.page.locator('.treaty .bracket')).toHaveCount(before + 1)

  let groups = findAll((await treaty.json()) as PMJSON, 'bracket').filter((b) => textOf(b).startsWith('单独或集体地'))
  expect(groups).toHaveLength(1)
  expect(groups[0].content!.map(textOf)).toEqual(['单独或集体地'])

  await treaty.press('Control+Shift+o')
  await treaty.type('个别或共同地')
  groups = findAll((await treaty.json()) as PMJSON, 'bracket').filter((b) => textOf(b).startsWith('单独或集体地'))
  expect(groups[0].content!.map(textOf)).toEqual(['单独或集体地', '个别或共同地'])

  // And from the keyboard: a nested bracket inside the new alternative.
  await treaty.select('共同')
  await treaty.press('Control+Shift+b')
  groups = findAll((await treaty.json()) as PMJSON, 'bracket').filter((b) => textOf(b).startsWith('单独或集体地'))
  expect(findAll(groups[0], 'bracket')).toHaveLength(2)
})

test('Enter, Tab, Shift+Tab and Backspace shape numbered paragraphs', async ({ openTreaty }) => {
  const treaty = await openTreaty()
  const article3 = async () => {
    const labels = await treaty.shownLabels()
    return labels.slice(labels.indexOf('第三条') + 1, labels.indexOf('第四条'))
  }
  expect(await article3()).toEqual(['1.'])
  await treaty.select('制止这种行动。', { collapse: 'end' })
  await treaty.press('Enter')
  await treaty.type('分段')
  expect(await article3()).toEqual(['1.', '2.'])
  await treaty.press('Tab')
  expect(await article3()).toEqual(['1.', '（一）'])
  await expect(treaty.tool('outdent')).toBeEnabled()
  await treaty.press('Shift+Tab')
  expect(await article3()).toEqual(['1.', '2.'])
  await treaty.select('分段', { collapse: 'start' })
  await treaty.press('Backspace')
  expect(await article3()).toEqual(['1.'])
  expect(await treaty.text()).toContain('制止这种行动。分段')
})

test('typing beside a drafting note stays out of the note', async ({ openTreaty }) => {
  const treaty = await openTreaty()
  const paragraphWith = async (text: string) =>
    findAll((await treaty.json()) as PMJSON, 'paragraph')
      .find((p) => textOf(p).includes(text))!
      .content!.map((c) => `${c.type}:${textOf(c)}`)

  // Enter before the note that ends Article 3, paragraph 1: the new paragraph starts with the note.
  await treaty.select('制止这种行动。', { collapse: 'end' })
  await treaty.press('Enter')
  await treaty.type('新段')
  expect(await paragraphWith('新段')).toEqual(['text:新段', 'note:(摘自安理会第984(1995)号决议)'])

  // From the end of the note's text, → steps out of it; what follows is treaty text again.
  await treaty.select('(摘自安理会第984(1995)号决议)', { occurrence: 0, collapse: 'end' })
  await treaty.press('ArrowRight')
  await treaty.type('Z末')
  const first = findAll((await treaty.json()) as PMJSON, 'recital').find((p) => textOf(p).includes('Z末'))!
  expect(first.content!.map((c) => c.type)).toEqual(['text', 'note', 'text'])
  expect(textOf(first.content![2])).toBe('Z末')
})
