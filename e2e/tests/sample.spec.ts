import fs from 'node:fs'
import path from 'node:path'
import { delegateContext, expect, test, TreatyPage, Network, secretariatToken } from './fixtures'

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

test('a fresh server lists the sample treaty to the secretariat and opens it ready to edit', async ({ browser, baseURL }) => {
  // The links `npm start` prints are kept in the data directory; the sample is the first document.
  const links = JSON.parse(fs.readFileSync(path.join(process.env.ACCORD_E2E_DATA!, 'start-links.json'), 'utf8')) as { sample: { docId: string } }
  const context = await delegateContext(browser, baseURL)
  const network = new Network()
  await network.install(context)
  const page = await context.newPage()
  await page.goto(`/join#token=${secretariatToken()}`)
  await expect(page).toHaveURL(/\/$/)
  const link = page.locator(`[data-document-id="${links.sample.docId}"]`)
  await expect(link).toBeVisible()
  await expect(link).toContainText('不扩散核武器条约')
  const id = links.sample.docId
  await link.click()
  await expect(page).toHaveURL(new RegExp(`/d/${id}$`))
  const treaty = new TreatyPage(page, network, id!)
  await treaty.ready()
  expect(await treaty.articleLabels()).toEqual(ARTICLES)
  await context.close()
})
