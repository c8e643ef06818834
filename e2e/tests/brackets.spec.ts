import type { Page } from '@playwright/test'
import { expect, test, type TreatyPage } from './fixtures'

/** The bracket groups in the delegate's document, in bracket notation (read from the editor state). */
function groups(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = []
    window.__accord!.view.state.doc.descendants((node) => {
      if (node.type.name !== 'bracket') return true
      if (node.childCount === 0) return false // a bracket emptied by concurrent deletions holds no group
      const alts: string[] = []
      node.forEach((alt) => void alts.push(`[${alt.textContent}]`))
      out.push(alts.join(''))
      return true
    })
    return out
  })
}

async function openPanel(treaty: TreatyPage) {
  await treaty.tool('bracketPanel').click()
  const panel = treaty.page.getByTestId('bracket-panel')
  await expect(panel).toBeVisible()
  return panel
}

test('the bracket navigator lists the sample’s groups and resolves the linked set for every delegate; reopening undoes it', async ({ openTreaty }) => {
  const chair = await openTreaty({ name: 'Chair' })
  const delegate = await openTreaty({ name: 'Delegation of China', role: 'delegation', state: 'CN' })
  const { page } = chair
  const panel = await openPanel(chair)

  await expect(panel.locator('[data-stat="open"] dd')).toHaveText('20')
  await expect(panel.locator('[data-stat="variants"] dd')).toHaveText('1,048,576')
  await expect(panel.getByTestId('open-group')).toHaveCount(20)
  const set = panel.getByTestId('linked-set')
  await expect(set).toHaveCount(1)
  await expect(set).toHaveAttribute('data-count', '19')
  await expect(set.locator('.bp-notation')).toHaveText('[议定书][协议]')
  const near = set.getByTestId('near-duplicate')
  await expect(near).toContainText('[本议定书][协议]')
  await expect(near).toContainText('Article 6, paragraph 2')
  await expect(panel.getByTestId('open-group').last().getByTestId('near-duplicate-flag')).toBeVisible()

  // The near-duplicate's button selects it in the text.
  await near.getByRole('button', { name: /Article 6, paragraph 2/ }).click()
  await expect
    .poll(() => page.evaluate(() => {
      const { state } = window.__accord!.view
      return state.doc.textBetween(state.selection.from, state.selection.to)
    }))
    .toBe('本议定书协议')

  await set.getByRole('button', { name: 'Choose «议定书» everywhere (19)' }).click()
  await expect(panel.getByTestId('open-group')).toHaveCount(1)
  await expect(panel.locator('[data-stat="open"] dd')).toHaveText('1')
  await expect(panel.getByTestId('linked-set')).toHaveCount(0)
  expect(await groups(page)).toEqual(['[本议定书][协议]'])
  expect((await chair.text()).split('\n')[0]).toBe('关于禁止对不扩散核武器条约的无核武器缔约国使用或威胁使用核武器的议定书草案')
  expect(await chair.text()).toContain('本议定书缔约国，')
  // The other delegate sees the same within a few seconds.
  await expect.poll(() => groups(delegate.page), { timeout: 5_000 }).toEqual(['[本议定书][协议]'])
  expect(await delegate.text()).toBe(await chair.text())

  // The last group: keep its first alternative.
  const last = panel.getByTestId('open-group')
  await expect(last).toContainText('Article 6, paragraph 2')
  await last.getByRole('button', { name: 'Keep «本议定书»' }).click()
  await expect(panel.getByTestId('open-group')).toHaveCount(0)
  await expect(panel.locator('.bp-none')).toBeVisible()
  expect(await groups(page)).toEqual([])
  await expect.poll(() => groups(delegate.page), { timeout: 5_000 }).toEqual([])

  // A resolution is undone by reopening it on the server: the notice's Undo brings back the last
  // group, Ctrl+Alt+Z (reopen your last resolution) the linked set, for everybody.
  await page.getByTestId('undo-resolution').last().click()
  await expect(panel.getByTestId('open-group')).toHaveCount(1)
  expect(await groups(page)).toEqual(['[本议定书][协议]'])
  await expect.poll(() => groups(delegate.page), { timeout: 5_000 }).toEqual(['[本议定书][协议]'])
  await page.locator('.treaty-editor').focus()
  await chair.press('Control+Alt+z')
  await expect(panel.getByTestId('open-group')).toHaveCount(20)
  await expect.poll(async () => (await groups(delegate.page)).length, { timeout: 5_000 }).toBe(20)
  expect(await delegate.text()).toBe(await chair.text())
})

test('the navigator opens with Ctrl+Shift+K, stays open across reloads, and a group’s entry selects it', async ({ openTreaty }) => {
  const treaty = await openTreaty()
  const { page } = treaty
  await treaty.select('缔约国', { collapse: 'start' })
  await treaty.press('Control+Shift+K')
  const panel = page.getByTestId('bracket-panel')
  await expect(panel).toBeVisible()
  await expect(treaty.tool('bracketPanel')).toHaveAttribute('aria-pressed', 'true')

  await page.reload()
  await treaty.ready()
  await expect(panel).toBeVisible()
  const first = panel.getByTestId('open-group').first()
  await expect(first).toContainText('Title')
  await first.locator('.bp-locate').click()
  await expect
    .poll(() => page.evaluate(() => {
      const { state } = window.__accord!.view
      return state.doc.textBetween(state.selection.from, state.selection.to)
    }))
    .toBe('议定书协议')

  await panel.getByRole('button', { name: 'Close the bracket navigator' }).click()
  await expect(panel).toBeHidden()
  await page.reload()
  await treaty.ready()
  await expect(treaty.tool('bracketPanel')).toHaveAttribute('aria-pressed', 'false')
  await expect(panel).toBeHidden()
})

test('a bracket emptied by two delegates’ concurrent deletions stops being a group on every peer, and no text is lost or doubled', async ({ openTreaty }) => {
  const a = await openTreaty({ name: 'A' })
  const b = await openTreaty({ name: 'B' })
  await b.network.goOffline()
  await b.expectPhase('offline')
  // Each deletes one alternative of the title's group: [议定书] by A, [协议] by B.
  const deleteAlternative = (index: number) => {
    const view = window.__accord!.view
    let done = false
    view.state.doc.descendants((node, pos) => {
      if (done || node.type.name !== 'bracket') return !done
      let at = pos + 1
      for (let i = 0; i < index; i++) at += node.child(i).nodeSize
      view.dispatch(view.state.tr.delete(at, at + node.child(index).nodeSize))
      done = true
      return false
    })
  }
  await a.page.evaluate(deleteAlternative, 0)
  await b.page.evaluate(deleteAlternative, 1)
  b.network.goOnline()
  await b.expectPhase('connected')
  for (const peer of [a, b]) {
    await expect.poll(async () => (await groups(peer.page)).length, { timeout: 8_000 }).toBe(19)
  }
  expect(await groups(a.page)).not.toContain('')
  expect(await groups(b.page)).not.toContain('')
  await expect.poll(async () => (await a.text()) === (await b.text()), { timeout: 5_000 }).toBe(true)
  // Both alternatives are gone: the title reads on without either, and nothing is doubled.
  const title = await a.page.evaluate(() => window.__accord!.view.state.doc.firstChild!.firstChild!.textContent)
  expect(title).toBe('关于禁止对不扩散核武器条约的无核武器缔约国使用或威胁使用核武器的草案')
})

