import type { APIRequestContext } from '@playwright/test'
import { expect, test, type TreatyPage } from './fixtures'

/**
 * Re-basing: while nobody has a document open, the server may replace its Y.Doc by a fresh one
 * with the same content (a new epoch; every Yjs id changes). A tab that still holds the old
 * epoch must never sync it (that would duplicate the treaty): it hands its state over to be
 * merged and loads the new epoch.
 */

/** The epoch of the Y.Doc the tab shows. */
const epochOf = (t: TreatyPage) => t.page.evaluate(() => window.__accord!.session.epoch)

/** The negotiating text as the server exports it. */
async function exported(api: APIRequestContext, docId: string): Promise<string> {
  const res = await api.get(`/api/documents/${docId}/export?format=text&mode=negotiating`)
  expect(res.status(), await res.text()).toBe(200)
  return res.text()
}

/** The secretariat's compaction, once the server has seen every tab's connection go (409 until then). */
async function compact(api: APIRequestContext, docId: string): Promise<{ rebased?: boolean; epoch?: number }> {
  let result = {}
  await expect
    .poll(
      async () => {
        const res = await api.post(`/api/documents/${docId}/compactions`, { data: {} })
        if (res.status() === 200) result = (await res.json()) as typeof result
        return res.status()
      },
      { message: 'the room should have no connection left', timeout: 15_000 },
    )
    .toBe(200)
  return result
}

const count = (text: string, part: string) => text.split(part).length - 1

/** Waits until every tab holds the same document, and returns its text. */
async function converged(...tabs: TreatyPage[]): Promise<string> {
  await expect
    .poll(async () => new Set(await Promise.all(tabs.map(async (t) => JSON.stringify(await t.json())))).size, { message: 'all tabs should hold the same document', timeout: 15_000 })
    .toBe(1)
  return tabs[0].text()
}

test('a document re-based while every tab was away: the offline changes are merged once, the other tab reloads, and both go on editing', async ({ openTreaty, api, docId }) => {
  test.setTimeout(120_000)
  const china = await openTreaty({ name: 'Delegation of China', role: 'delegation', state: 'CN' })
  const brazil = await openTreaty({ name: 'Delegation of Brazil', role: 'delegation', state: 'BR' })
  const drafting = await api.patch(`/api/documents/${docId}/settings`, { data: { openDrafting: true } })
  expect(drafting.status(), await drafting.text()).toBe(200)
  for (const tab of [china, brazil]) {
    await expect(tab.page.locator('.treaty-editor')).toHaveAttribute('contenteditable', 'true')
    await tab.expectPhase('connected')
    expect(await epochOf(tab)).toBe(0)
  }
  const before = await china.text()
  const exportedBefore = await exported(api, docId)

  // Both tabs lose the network (the API too): the room has no connection left.
  await china.network.goOffline({ api: true })
  await brazil.network.goOffline({ api: true })
  await china.expectPhase('offline')
  await brazil.expectPhase('offline')

  // The secretariat compacts the document meanwhile: it is re-based into epoch 1.
  expect(await compact(api, docId)).toMatchObject({ rebased: true, epoch: 1 })

  // China types in its old-epoch copy, offline.
  const offline = '〔中国离线修改〕'
  await china.select('无限期有效', { collapse: 'end' })
  await china.type(offline)
  await expect(china.connection).toHaveAttribute('data-pending', /^[1-9]/)

  // China's network returns but the merge requests still fail: the tab keeps its copy, offline, and retries.
  await china.page.route('**/api/documents/*/merges', (route) => route.abort('internetdisconnected'))
  china.network.goOnline()
  await expect(china.page.getByTestId('notice-info')).toContainText('will be merged as soon as the server can be reached', { timeout: 15_000 })
  await china.expectPhase('offline')
  expect(await china.text()).toContain(`无限期有效${offline}`)
  expect(await epochOf(china)).toBe(0)

  // The merge goes through: China's tab opens epoch 1 with its change in it, and says so.
  await china.page.unroute('**/api/documents/*/merges')
  await expect(china.page.getByTestId('notice-info')).toContainText('offline changes were merged', { timeout: 15_000 })
  await china.ready()
  await china.expectPhase('connected')
  await expect.poll(() => epochOf(china)).toBe(1)

  // Brazil had nothing new: its tab just reloads.
  brazil.network.goOnline()
  await expect(brazil.page.getByTestId('notice-info')).toContainText('reloaded', { timeout: 15_000 })
  await brazil.ready()
  await brazil.expectPhase('connected')
  await expect.poll(() => epochOf(brazil)).toBe(1)

  // Both show China's text, once: the treaty is not duplicated.
  const text = await converged(china, brazil)
  expect(text).toBe(before.replace('无限期有效', `无限期有效${offline}`))
  const exportedAfter = await exported(api, docId)
  expect(count(exportedAfter, offline)).toBe(1)
  expect(exportedAfter.replace(offline, '')).toBe(exportedBefore)

  // Tabs in the new epoch keep working, both ways.
  await brazil.select('不得对本', { collapse: 'start' })
  await brazil.type('〔巴西〕')
  await expect.poll(() => china.text()).toContain('〔巴西〕不得对本')
  await china.select('应当签署并', { collapse: 'end' })
  await china.type('〔中国〕')
  await expect.poll(() => brazil.text()).toContain('应当签署并〔中国〕')
  const final = await converged(china, brazil)
  expect(count(final, offline)).toBe(1)
  expect(count(final, '〔巴西〕')).toBe(1)
  expect(count(final, '〔中国〕')).toBe(1)
})

test('offline changes the role may no longer make: the server’s reason, and the tab reloads without them', async ({ openTreaty, api, docId }) => {
  const china = await openTreaty({ name: 'Delegation of China', role: 'delegation', state: 'CN' })
  const setDrafting = async (openDrafting: boolean) => {
    const res = await api.patch(`/api/documents/${docId}/settings`, { data: { openDrafting } })
    expect(res.status(), await res.text()).toBe(200)
  }
  await setDrafting(true)
  await expect(china.page.locator('.treaty-editor')).toHaveAttribute('contenteditable', 'true')
  await china.expectPhase('connected')
  const before = await china.text()

  await china.network.goOffline({ api: true })
  await china.expectPhase('offline')
  await china.select('无限期有效', { collapse: 'end' })
  await china.type('〔草拟已关闭〕')
  // Meanwhile the chair closes drafting and the secretariat compacts the document.
  await setDrafting(false)
  expect(await compact(api, docId)).toMatchObject({ rebased: true, epoch: 1 })

  china.network.goOnline()
  const refused = china.page.getByTestId('notice-denied')
  await expect(refused).toContainText('your offline changes could not be saved', { timeout: 15_000 })
  await expect(refused).toContainText('not open for drafting')
  await china.ready({ readOnly: true })
  await expect.poll(() => epochOf(china)).toBe(1)
  expect(await china.text()).toBe(before)
  expect(await exported(api, docId)).not.toContain('〔草拟已关闭〕')
})
