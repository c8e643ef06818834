import type { Locator, Page } from '@playwright/test'
import { expect, test, type TreatyPage } from './fixtures'

/*
 * Issue 5 end to end: a delegation proposes, another co-sponsors, the facilitator brackets the
 * proposal and resolves the bracket, saves Rev.1, and the comparison with the initial text shows
 * exactly that change. Every person signs in through their own invitation link.
 */

const ARTICLE_4_1 = '本[议定书][协议]应当签署并对不扩散条约任何缔约国开放供签署。本[议定书][协议]应经过批准。'

/** Selects `text` the way a person does, with the browser's selection (ProseMirror does not follow it in a read-only text). */
async function selectInBrowser(page: Page, text: string): Promise<void> {
  const found = await page.evaluate((wanted) => {
    const root = document.querySelector('.treaty-editor')!
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT)
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = node.textContent!.indexOf(wanted)
      if (at < 0) continue
      const range = document.createRange()
      range.setStart(node, at)
      range.setEnd(node, at + wanted.length)
      const selection = window.getSelection()!
      selection.removeAllRanges()
      selection.addRange(range)
      return true
    }
    return false
  }, text)
  expect(found, `the text should show ${JSON.stringify(text)}`).toBe(true)
}

async function openAmendments(treaty: TreatyPage): Promise<Locator> {
  const panel = treaty.page.getByTestId('amendments-panel')
  if (!(await panel.isVisible())) await treaty.page.getByTestId('amendments-button').click()
  await expect(panel).toBeVisible()
  return panel
}

/** The bracket groups of the document in notation, from the editor state. */
function groups(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = []
    window.__accord!.view.state.doc.descendants((node) => {
      if (node.type.name !== 'bracket') return true
      const alts: string[] = []
      node.forEach((alt) => void alts.push(`[${alt.textContent}]`))
      out.push(alts.join(''))
      return false
    })
    return out
  })
}

test('a delegation proposes in Article 4, another co-sponsors, the chair brackets and resolves it, saves Rev.1, and the comparison shows exactly that change', async ({ openTreaty, api, docId }) => {
  const chair = await openTreaty({ name: 'Chair' })
  const france = await openTreaty({ name: 'Marie Dupont', role: 'delegation', state: 'FR' })
  const china = await openTreaty({ name: 'Li Wei', role: 'delegation', state: 'CN' })

  // France selects text in Article 4, paragraph 1 and proposes to replace it.
  await selectInBrowser(france.page, '应经过批准')
  await france.page.getByTestId('propose-button').click()
  const dialog = france.page.getByTestId('propose-dialog')
  await expect(dialog).toBeVisible()
  await expect(dialog.getByTestId('propose-location')).toHaveText('Article 4, paragraph 1')
  await expect(dialog.getByTestId('propose-quote')).toHaveText('应经过批准')
  await expect(dialog.getByTestId('propose-kind-replace')).toBeChecked()
  await dialog.getByTestId('propose-text').fill('须经批准')
  await dialog.getByTestId('propose-justification').fill('Shorter and usual treaty language.')
  await dialog.getByTestId('propose-submit').click()
  await expect(dialog).toBeHidden()

  // The proposal is listed (its panel opens) and shown where it applies, for everybody, live.
  const francePanel = france.page.getByTestId('amendments-panel')
  await expect(francePanel).toBeVisible()
  const franceItem = francePanel.getByTestId('amendment-item')
  await expect(franceItem).toHaveCount(1)
  await expect(franceItem).toHaveAttribute('data-state', 'FR')
  await expect(franceItem).toHaveAttribute('data-status', 'open')
  await expect(franceItem.getByTestId('amendment-quote')).toHaveText('应经过批准')
  await expect(franceItem.getByTestId('amendment-text')).toHaveText('须经批准')
  await expect(franceItem).toContainText('Article 4, paragraph 1')
  for (const who of [france, china, chair]) {
    await expect.poll(() => who.page.evaluate(() => window.__accord!.amendments().map((a) => [a.state, a.status, a.shown])), { timeout: 5_000 }).toEqual([['FR', 'open', '应经过批准']])
    await expect(who.page.locator('.treaty-editor [data-testid="amendment-widget"]')).toContainText('须经批准')
  }
  // Its own State may not co-sponsor it; it may edit or withdraw it.
  await expect(franceItem.getByTestId('amendment-cosponsor')).toHaveCount(0)
  await expect(franceItem.getByTestId('amendment-withdraw')).toBeVisible()

  // China co-sponsors it.
  const chinaPanel = await openAmendments(china)
  const chinaItem = chinaPanel.getByTestId('amendment-item')
  await expect(chinaItem).toHaveCount(1)
  await expect(chinaItem.getByTestId('amendment-withdraw')).toHaveCount(0)
  await expect(chinaItem.getByTestId('amendment-accept')).toHaveCount(0)
  await chinaItem.getByTestId('amendment-cosponsor').click()
  await expect(chinaItem).toHaveAttribute('data-cosponsors', 'CN')
  await expect(franceItem).toHaveAttribute('data-cosponsors', 'CN')
  await expect(france.page.locator('.treaty-editor [data-testid="amendment-widget"] .amendment-states')).toHaveText('FR+CN')

  // The chair brackets it: the original and the proposal become alternatives of one group.
  const chairPanel = await openAmendments(chair)
  const chairItem = chairPanel.getByTestId('amendment-item')
  await expect(chairItem).toHaveAttribute('data-cosponsors', 'CN')
  await chairItem.getByTestId('amendment-bracket').click()
  await expect(chairItem).toHaveAttribute('data-status', 'bracketed')
  await expect(franceItem).toHaveAttribute('data-status', 'bracketed')
  await expect.poll(() => groups(chair.page)).toContain('[应经过批准][须经批准]')
  await expect.poll(() => groups(china.page), { timeout: 5_000 }).toContain('[应经过批准][须经批准]')
  // A decided amendment is no longer drawn over the text.
  await expect(chair.page.locator('.treaty-editor [data-testid="amendment-widget"]')).toHaveCount(0)
  const proposal = await chair.page.evaluate(() => {
    let sponsors: unknown = null
    window.__accord!.view.state.doc.descendants((node) => {
      if (node.type.name === 'alternative' && node.textContent === '须经批准') sponsors = node.attrs.sponsors
      return sponsors === null
    })
    return sponsors
  })
  expect(proposal).toEqual(['FR', 'CN'])

  // …then resolves it in the bracket navigator, keeping the proposal.
  await chair.tool('bracketPanel').click()
  const navigator = chair.page.getByTestId('bracket-panel')
  const group = navigator.getByTestId('open-group').filter({ hasText: '须经批准' })
  await expect(group).toHaveCount(1)
  await expect(group).toContainText('Article 4, paragraph 1')
  await group.getByRole('button', { name: 'Keep «须经批准»' }).click()
  await expect(navigator.getByTestId('open-group').filter({ hasText: '须经批准' })).toHaveCount(0)
  const expected = ARTICLE_4_1.replace('应经过批准', '须经批准').replace(/\[议定书\]\[协议\]/g, '议定书协议')
  await expect.poll(async () => (await china.text()).split('\n')).toContain(expected)

  // Rev.1: saved by the chair, listed for everybody.
  await chair.page.getByTestId('revisions-button').click()
  const revisions = chair.page.getByTestId('revisions-panel')
  await expect(revisions.getByTestId('revision-item')).toHaveCount(1) // the initial text
  await revisions.getByTestId('save-revision').click()
  await expect(revisions.locator('[data-testid="revision-item"][data-name="Rev.1"]')).toBeVisible()
  await france.page.getByTestId('revisions-button').click()
  await expect(france.page.locator('[data-testid="revision-item"][data-name="Rev.1"]')).toBeVisible()
  await expect(france.page.getByTestId('save-revision')).toHaveCount(0)
  await expect(france.page.getByTestId('revision-restore')).toHaveCount(0)

  // The comparison of the initial text with Rev.1: exactly that change.
  await revisions.getByTestId('compare-from').selectOption({ label: 'Initial text' })
  await revisions.getByTestId('compare-to').selectOption({ label: 'Rev.1' })
  await revisions.getByTestId('compare-run').click()
  const compare = chair.page.getByTestId('compare-dialog')
  await expect(compare.locator('h2')).toHaveText('Compare: Initial text → Rev.1')
  const units = compare.getByTestId('compare-unit')
  await expect(units).toHaveCount(1)
  await expect(units).toHaveAttribute('data-label', '第四条')
  const blocks = compare.getByTestId('compare-block')
  await expect(blocks).toHaveCount(1)
  await expect(blocks).toHaveAttribute('data-status', 'changed')
  await expect(blocks).toHaveAttribute('data-location', 'Article 4, paragraph 1')
  await expect(blocks.locator('del')).toHaveText(['应经过'])
  await expect(blocks.locator('ins')).toHaveText(['须经'])
  await expect(blocks).toHaveText(`1. ${ARTICLE_4_1.replace('应经过', '应经过须经')}`)
  const figure = (name: string) => compare.locator(`[data-stat="${name}"]`)
  await expect(figure('paragraphsChanged')).toHaveAttribute('data-value', '1')
  for (const zero of ['bracketsOpened', 'bracketsResolved', 'bracketsChanged', 'articlesAdded', 'articlesRemoved', 'paragraphsAdded', 'paragraphsRemoved', 'amendmentsAccepted']) {
    await expect(figure(zero)).toHaveAttribute('data-value', '0')
  }

  // The same through the API: one block changed in the whole treaty.
  const res = await api.get(`/api/documents/${docId}/compare?from=initial&to=Rev.1`)
  expect(res.status()).toBe(200)
  const { comparison } = (await res.json()) as { comparison: { units: { blocks: { status: string; before: string | null; after: string | null }[] }[] } }
  const changed = comparison.units.flatMap((u) => u.blocks).filter((b) => b.status !== 'same')
  expect(changed).toEqual([expect.objectContaining({ status: 'changed', before: ARTICLE_4_1, after: ARTICLE_4_1.replace('应经过批准', '须经批准') })])
})

test('the dialog refuses a selection that cuts a bracket; an accepted deletion shows in the comparison; a revision opens read-only, exports and is restored', async ({ openTreaty }) => {
  const chair = await openTreaty({ name: 'Chair' })
  const brazil = await openTreaty({ name: 'Ana Souza', role: 'delegation', state: 'BR' })

  // From the text into a bracket's alternative: not one passage.
  await brazil.select('应当签署')
  await brazil.page.evaluate(() => {
    const view = window.__accord!.view
    const doc = view.state.doc
    let from = -1
    let to = -1
    doc.descendants((node, pos) => {
      if (from < 0 && node.isText && node.text!.includes('应当签署')) from = pos + node.text!.indexOf('应当签署')
      if (from >= 0 && to < 0 && node.type.name === 'alternative') to = pos + 2
      return to < 0
    })
    // The selection's class is TextSelection (set by select above).
    const TextSelection = view.state.selection.constructor as unknown as { create(doc: unknown, anchor: number, head: number): never }
    view.dispatch(view.state.tr.setSelection(TextSelection.create(doc, from, to)))
  })
  await brazil.page.getByTestId('propose-button').click()
  const dialog = brazil.page.getByTestId('propose-dialog')
  await expect(dialog.getByTestId('propose-selection-hint')).toHaveAttribute('data-problem', 'acrossBracket')
  await expect(dialog.getByTestId('propose-selection-hint')).toContainText('select the whole bracket, or text inside one alternative')
  await expect(dialog.getByTestId('propose-kind-replace')).toBeDisabled()
  await dialog.getByRole('button', { name: 'Cancel' }).click()

  await brazil.select('应当签署')
  await brazil.page.getByTestId('propose-button').click()
  await expect(dialog.getByTestId('propose-location')).toHaveText('Article 4, paragraph 1')
  await expect(dialog.getByTestId('propose-quote')).toHaveText('应当签署')
  await dialog.getByTestId('propose-kind-delete').check()
  await expect(dialog.getByTestId('propose-text')).toHaveCount(0)
  await dialog.getByTestId('propose-submit').click()
  await expect(dialog).toBeHidden()
  await expect.poll(() => brazil.page.evaluate(() => window.__accord!.amendments().map((a) => [a.state, a.kind, a.shown]))).toEqual([['BR', 'delete', '应当签署']])
  // The chair types just before the quoted text: the proposal stays on it, for Brazil too.
  await chair.select('应当签署', { collapse: 'start' })
  await chair.type('首先')
  await expect.poll(() => brazil.text()).toContain('首先应当签署')
  await expect.poll(() => brazil.page.evaluate(() => window.__accord!.amendments().map((a) => a.shown))).toEqual(['应当签署'])
  await expect(brazil.page.locator('.treaty-editor .amendment-delete')).toHaveText('应当签署')

  // Its State edits the justification while it is open.
  const own = brazil.page.getByTestId('amendments-panel').getByTestId('amendment-item')
  await own.getByTestId('amendment-edit').click()
  await own.getByTestId('amendment-edit-justification').fill('Signature is covered by Article 6.')
  await own.getByTestId('amendment-save').click()
  await expect(own).toContainText('Signature is covered by Article 6.')

  // Nothing selected: the dialog says what to do.
  await brazil.page.evaluate(() => {
    window.getSelection()?.removeAllRanges()
  })
  await brazil.select('应当签署', { collapse: 'start' })
  await brazil.page.getByTestId('propose-button').click()
  await expect(dialog.getByTestId('propose-kind-replace')).toBeDisabled()
  await expect(dialog.getByTestId('propose-selection-hint')).toHaveAttribute('data-problem', 'empty')
  await dialog.getByTestId('propose-kind-deleteParagraph').check()
  await expect(dialog.getByTestId('propose-location')).toHaveText('Article 4, paragraph 1')
  await dialog.getByRole('button', { name: 'Cancel' }).click()

  // The chair saves a revision; it opens read-only with its numbering, and exports.
  await chair.page.getByTestId('revisions-button').click()
  const revisions = chair.page.getByTestId('revisions-panel')
  await revisions.getByTestId('revision-name').fill('Before the break')
  await revisions.getByTestId('save-revision').click()
  const item = revisions.locator('[data-testid="revision-item"][data-name="Before the break"]')
  await item.getByTestId('revision-open').click()
  const view = chair.page.getByTestId('revision-dialog')
  await expect(view.getByTestId('revision-text').locator('.treaty-editor')).toHaveAttribute('contenteditable', 'false')
  await expect(view.getByTestId('revision-text')).toContainText('首先应当签署并对不扩散条约')
  await expect(view.locator('[data-label="第四条"]')).toHaveCount(1)
  await view.getByTestId('revision-dialog-export').click()
  const exportDialog = chair.page.getByTestId('export-dialog')
  await expect(exportDialog.locator('h2')).toHaveText('Export Before the break')
  await exportDialog.getByTestId('export-format').selectOption('text')
  await exportDialog.getByRole('radio', { name: /Negotiating text/ }).check()
  const [download] = await Promise.all([chair.page.waitForEvent('download'), exportDialog.getByTestId('export-submit').click()])
  const file = await download.path()
  const exported = (await import('node:fs')).readFileSync(file, 'utf8')
  expect(exported).toContain('本[议定书][协议]首先应当签署并对不扩散条约任何缔约国开放供签署。')
  await view.getByTestId('revision-close').click()

  // The chair accepts Brazil's deletion: the words leave the text; the comparison counts the accepted amendment.
  await chair.page.getByTestId('amendments-button').click()
  const brazilItem = chair.page.getByTestId('amendments-panel').locator('[data-testid="amendment-item"][data-state="BR"]')
  await brazilItem.getByTestId('amendment-accept').click()
  await expect(brazilItem).toHaveAttribute('data-status', 'accepted')
  await expect.poll(async () => (await brazil.text()).includes('应当签署并对')).toBe(false)
  expect(await brazil.text()).toContain('本议定书协议首先并对不扩散条约')
  await chair.page.getByTestId('revisions-button').click()
  await revisions.getByTestId('compare-from').selectOption({ label: 'Before the break' })
  await revisions.getByTestId('compare-to').selectOption({ label: 'Current text' })
  await revisions.getByTestId('compare-run').click()
  const compare = chair.page.getByTestId('compare-dialog')
  await expect(compare.locator('[data-stat="amendmentsAccepted"]')).toHaveAttribute('data-value', '1')
  await expect(compare.locator('[data-stat="paragraphsChanged"]')).toHaveAttribute('data-value', '1')
  await expect(compare.getByTestId('compare-block').locator('del')).toHaveText(['应当签署'])
  await compare.getByTestId('compare-close').click()

  // Restoring the revision (after confirming) brings the words back for everybody, and is logged.
  await item.getByTestId('revision-restore').click()
  await expect(item.getByTestId('revision-restore-confirmation')).toContainText('Restore Before the break?')
  await item.getByTestId('revision-restore-confirm').click()
  await expect.poll(async () => (await brazil.text()).includes('首先应当签署并对')).toBe(true)
  await expect.poll(() => brazil.page.evaluate(() => window.__accord!.audit().map((e) => e.action))).toContain('restore')
})
