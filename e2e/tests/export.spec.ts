import { expect, test } from './fixtures'

test('the export dialog refuses a clean text with open brackets, lists them and shows the first', async ({ openTreaty }) => {
  const treaty = await openTreaty()
  const { page } = treaty
  await page.locator('.export-button').click()
  const dialog = page.getByRole('dialog')
  await expect(dialog).toBeVisible()
  await dialog.locator('input[value="clean"]').check()
  await dialog.locator('button[type="submit"]').click()
  const refused = dialog.getByTestId('export-refused')
  await expect(refused).toBeVisible()
  await expect(refused.locator('li')).toHaveCount(20)
  await expect(refused.locator('li').first()).toContainText('Title')
  await expect(refused.locator('li').last()).toContainText('Article 6, paragraph 2')
  await expect(refused.locator('li').last()).toContainText('[本议定书][协议]')

  await dialog.getByTestId('export-show-first').click()
  await expect(dialog).toBeHidden()
  // The title's bracket group is selected: its two alternatives, nothing else.
  const selected = await page.evaluate(() => {
    const { state } = window.__accord!.view
    return state.doc.textBetween(state.selection.from, state.selection.to)
  })
  expect(selected).toBe('议定书协议')
})

test('the export dialog downloads the negotiating text as Word', async ({ openTreaty }) => {
  const treaty = await openTreaty()
  const { page } = treaty
  await page.locator('.export-button').click()
  const dialog = page.getByRole('dialog')
  await dialog.getByTestId('export-format').selectOption('docx')
  await dialog.locator('input[value="negotiating"]').check()
  const download = page.waitForEvent('download')
  await dialog.locator('button[type="submit"]').click()
  const file = await download
  expect(file.suggestedFilename()).toMatch(/\.docx$/)
  await expect(dialog).toBeHidden()
})
