import type { Browser, Page } from '@playwright/test'
import { delegateContext, expect, inviteTo, Network, secretariatToken, test, TreatyPage } from './fixtures'

/** A secretariat officer signed in through their link: the documents page, with "New document". */
async function secretariat(browser: Browser, baseURL: string | undefined): Promise<{ page: Page; network: Network; close: () => Promise<void> }> {
  const context = await delegateContext(browser, baseURL)
  const network = new Network()
  await network.install(context)
  const page = await context.newPage()
  await page.goto(`/join#token=${secretariatToken()}`)
  await expect(page.getByRole('heading', { name: 'Documents', level: 1 })).toBeVisible()
  // The token left the address bar (and the history) as soon as it was read.
  expect(page.url()).not.toContain('token')
  return { page, network, close: () => context.close() }
}

test('the secretariat pastes a text: it is imported, the warnings say line and column', async ({ browser, baseURL }) => {
  const { page, network, close } = await secretariat(browser, baseURL)
  await page.getByRole('textbox', { name: 'Paste a treaty text' }).fill('Draft Protocol on Testing\n\nArticle 1\n\n1. The Parties [shall take measures.\n\n2. Each Party shall report.\n')
  await page.getByRole('button', { name: 'Import' }).click()
  const warnings = page.locator('.warnings')
  await expect(warnings).toBeVisible()
  await expect(warnings.locator('li').first()).toContainText(/Line 5, column \d+/)
  await page.getByRole('button', { name: 'Open the document' }).first().click()
  await expect(page).toHaveURL(/\/d\/[^/]+$/)
  const treaty = new TreatyPage(page, network, page.url().split('/d/')[1])
  await treaty.ready()
  expect(await treaty.articleLabels()).toEqual(['Article 1'])
  await close()
})

test('a blank Chinese treaty starts with one article', async ({ browser, baseURL }) => {
  const { page, network, close } = await secretariat(browser, baseURL)
  await page.getByRole('button', { name: 'Blank treaty in Chinese' }).click()
  await expect(page).toHaveURL(/\/d\/[^/]+$/)
  const treaty = new TreatyPage(page, network, page.url().split('/d/')[1])
  await treaty.ready()
  expect(await treaty.shownLabels()).toEqual(['序言', '第一条', '1.'])
  await close()
})

test('the interface language is remembered', async ({ browser, baseURL }) => {
  const { page, close } = await secretariat(browser, baseURL)
  await page.getByRole('button', { name: '中文' }).click()
  await expect(page.getByRole('heading', { name: '文件', level: 1 })).toBeVisible()
  await page.reload()
  await expect(page.getByRole('heading', { name: '文件', level: 1 })).toBeVisible()
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-Hans')
  await close()
})

test('a document opened without an invitation says how to get in; the invitation link opens it with the invited name', async ({ browser, baseURL, docId, request }) => {
  const context = await delegateContext(browser, baseURL)
  const page = await context.newPage()
  await page.goto(`/d/${docId}`)
  await expect(page.getByText('You need an invitation link for this document')).toBeVisible()
  await expect(page.locator('.treaty-editor')).toHaveCount(0)
  const token = await inviteTo(request, docId, { role: 'delegation', name: 'Amina Odhiambo', state: 'KE' })
  await page.goto(`/join#token=${token}`)
  const treaty = new TreatyPage(page, new Network(), docId)
  await expect(page).toHaveURL(new RegExp(`/d/${docId}$`))
  await treaty.ready({ readOnly: true })
  // Who this person is comes from the invitation, not from anything typed in the browser.
  await expect(page.getByTestId('my-role')).toContainText('Amina Odhiambo')
  await expect(page.getByTestId('my-role')).toHaveAttribute('data-state', 'KE')
  await context.close()
})

test('a revoked or made-up invitation link says it is no longer valid', async ({ browser, baseURL }) => {
  const context = await delegateContext(browser, baseURL)
  const page = await context.newPage()
  await page.goto(`/join#token=acc_${'A'.repeat(43)}`)
  await expect(page.getByTestId('join-rejected')).toBeVisible()
  await expect(page.getByTestId('join-rejected')).toContainText('does not work')
  await expect(page.getByTestId('join-rejected')).toContainText('ask the facilitator for a new one')
  await context.close()
})

test('an unknown document says so instead of waiting forever', async ({ browser, baseURL }) => {
  const { page, close } = await secretariat(browser, baseURL)
  await page.goto('/d/nosuchdocument')
  await expect(page.getByText(/does not exist/).first()).toBeVisible()
  await close()
})
