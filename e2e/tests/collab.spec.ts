import { expect, test, type TreatyPage } from './fixtures'

/** Waits until every delegate holds the same document, and returns its text. */
async function converged(...delegates: TreatyPage[]): Promise<string> {
  await expect
    .poll(async () => new Set(await Promise.all(delegates.map(async (d) => JSON.stringify(await d.json())))).size, { message: 'all delegates should hold the same document', timeout: 15_000 })
    .toBe(1)
  return delegates[0].text()
}

test('two delegates editing at once end with the same treaty', async ({ openTreaty }) => {
  const china = await openTreaty({ name: 'Li Wei (China)' })
  const france = await openTreaty({ name: 'Claire (France)' })

  // Both in Article 4, paragraph 1, a few characters apart; France also splits a paragraph.
  await china.select('应当签署并', { collapse: 'end' })
  await france.select('应经过批准', { collapse: 'end' })
  await Promise.all([
    china.type('甲乙丙丁'),
    (async () => {
      await france.type('XYZ')
      await france.press('Enter')
      await france.type('新段')
    })(),
  ])
  const text = await converged(china, france)
  expect(text).toContain('应当签署并甲乙丙丁')
  expect(text).toContain('应经过批准XYZ')
  expect(text).toContain('新段')

  // Each sees the other: in the presence list, and as a named cursor in the text.
  await expect(china.presence).toContainText('Claire (France)')
  await expect(france.presence).toContainText('Li Wei (China)')
  await expect(china.page.locator('.treaty .remote-cursor')).toContainText('Claire (France)')
})

test('reloading keeps the text', async ({ openTreaty, api }) => {
  const treaty = await openTreaty()
  await treaty.select('不得对本', { collapse: 'start' })
  await treaty.type('〔已保存〕')
  // The server has it once its JSON says so (it appends each update durably before answering).
  await expect.poll(async () => (await (await api.get(`/api/documents/${treaty.docId}`)).text()).includes('〔已保存〕')).toBe(true)
  await treaty.page.reload()
  await treaty.ready()
  expect(await treaty.text()).toContain('〔已保存〕不得对本')
})

test('typing offline merges when the connection returns', async ({ openTreaty }) => {
  const china = await openTreaty({ name: 'China' })
  const brazil = await openTreaty({ name: 'Brazil' })
  await china.expectPhase('connected')

  await china.network.goOffline()
  await china.expectPhase('offline')
  await china.select('无限期有效', { collapse: 'end' })
  await china.type('（离线修改）')
  await brazil.select('不得对本', { collapse: 'start' })
  await brazil.type('[online]')

  // China sees it is offline with changes waiting; Brazil does not have them yet.
  await expect(china.connection).toHaveAttribute('data-pending', /^[1-9]/)
  await expect(china.connection).toContainText(/Offline/)
  expect(await brazil.text()).not.toContain('（离线修改）')

  china.network.goOnline()
  await china.expectPhase('connected')
  await expect(china.connection).toHaveAttribute('data-pending', '0')
  const text = await converged(china, brazil)
  expect(text).toContain('无限期有效（离线修改）')
  expect(text).toContain('[online]不得对本')
})

test('undo takes back only your own edits', async ({ openTreaty }) => {
  const china = await openTreaty({ name: 'China' })
  const kenya = await openTreaty({ name: 'Kenya' })
  await china.select('无限期有效', { collapse: 'end' })
  await china.type('〔中〕')
  await kenya.select('不得对本', { collapse: 'start' })
  await kenya.type('〔肯〕')
  await converged(china, kenya)

  await china.press('Control+z')
  const text = await converged(china, kenya)
  expect(text).not.toContain('〔中〕')
  expect(text).toContain('〔肯〕不得对本')

  await china.press('Control+Shift+z')
  expect(await converged(china, kenya)).toContain('无限期有效〔中〕')
})
