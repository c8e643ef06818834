import { delegateContext, expect, test, TreatyPage, Network } from './fixtures'

const ARTICLES = ['第一条', '第二条', '第三条', '第四条', '第五条', '第六条']

test('the sample treaty shows six articles numbered 第一条 to 第六条', async ({ openTreaty }) => {
  const treaty = await openTreaty()
  expect(await treaty.articleLabels()).toEqual(ARTICLES)
  // The same labels are what the page draws (as ::before content of the article elements).
  const drawn = await treaty.page.locator('section.article').evaluateAll((els) => els.map((el) => getComputedStyle(el, '::before').content))
  expect(drawn).toEqual(ARTICLES.map((l) => JSON.stringify(l)))
  // Paragraphs 2, 3, 1, 7, 1, 3 per article, the preamble heading, brackets and notes drawn as such.
  expect((await treaty.shownLabels()).join(' ')).toBe('序言 第一条 1. 2. 第二条 1. 2. 3. 第三条 1. 第四条 1. 2. 3. 4. 5. 6. 7. 第五条 1. 第六条 1. 2. 3.')
  // 20 bracket groups: 19 × [议定书][协议] (one in the title) and [本议定书][协议] in Article 6.
  await expect(treaty.page.locator('.treaty .bracket')).toHaveCount(20)
  await expect(treaty.page.locator('.treaty .note')).toHaveCount(12)
})

test('a fresh server lists the sample treaty and opens it ready to edit', async ({ browser, baseURL }) => {
  const context = await delegateContext(browser, baseURL, 'Observer')
  const network = new Network()
  await network.install(context)
  const page = await context.newPage()
  await page.goto('/')
  const link = page.getByRole('link', { name: /不扩散核武器条约/ }).first()
  await expect(link).toBeVisible()
  const id = await link.getAttribute('data-document-id')
  await link.click()
  await expect(page).toHaveURL(new RegExp(`/d/${id}$`))
  const treaty = new TreatyPage(page, network, id!)
  await treaty.ready()
  expect(await treaty.articleLabels()).toEqual(ARTICLES)
  await context.close()
})
