import { expect, test, type TreatyPage } from './fixtures'

/*
 * Who may do what, in Chromium: a facilitator and two delegations in separate browser contexts
 * (each signed in with its own invitation link). The server enforces; these tests check that
 * the editor shows it and that the chair's bracket work reaches everyone, audited.
 */

/** The bracket groups the editor shows, as negotiating text. */
const groupCount = (t: TreatyPage) => t.page.locator('.treaty .bracket').count()

async function openPanel(treaty: TreatyPage) {
  await treaty.tool('bracketPanel').click()
  const panel = treaty.page.getByTestId('bracket-panel')
  await expect(panel).toBeVisible()
  return panel
}

test('the chair resolves the linked set for every delegation; the audit log shows it; reopening brings it back; the clean export works once all is resolved', async ({ openTreaty, api }) => {
  const chair = await openTreaty({ name: 'Chair', role: 'facilitator' })
  const china = await openTreaty({ name: 'Delegation of China', role: 'delegation', state: 'CN' })
  const france = await openTreaty({ name: 'Delegation of France', role: 'delegation', state: 'FR' })

  // Delegations read; the text is not theirs to edit (drafting is closed) and they get no resolve buttons.
  for (const delegation of [china, france]) {
    await expect(delegation.page.locator('.treaty-editor')).toHaveAttribute('contenteditable', 'false')
    await expect(delegation.page.getByTestId('my-role')).toContainText(/delegation|Delegation/)
    const panel = await openPanel(delegation)
    await expect(panel.getByTestId('linked-set')).toHaveCount(1)
    await expect(panel.getByTestId('choose-everywhere')).toHaveCount(0)
    await expect(panel.getByTestId('keep-alternative')).toHaveCount(0)
  }
  // Even bypassing the editor, a delegation's resolution is refused by the server, and nothing changes.
  const refused = await china.page.evaluate(async ([docId, token]) => {
    const brackets = await (await fetch(`/api/documents/${docId}/brackets`, { headers: { authorization: `Bearer ${token}` } })).json()
    const res = await fetch(`/api/documents/${docId}/resolutions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ set: brackets.sets[0].id, choose: '议定书' }),
    })
    return { status: res.status, message: (await res.json()).error.message as string }
  }, [china.docId, china.token] as const)
  expect(refused.status).toBe(403)
  expect(refused.message).toMatch(/only facilitators may resolve/)
  expect(await groupCount(chair)).toBe(20)

  // Presence shows who is who, from the server's record.
  await expect(chair.presence).toContainText('Delegation of China')
  await expect(chair.presence).toContainText('China')

  // The chair resolves the whole linked set in one action; every delegation sees it at once.
  const panel = await openPanel(chair)
  await panel.getByTestId('linked-set').getByTestId('choose-everywhere').filter({ hasText: '议定书' }).first().click()
  for (const t of [chair, china, france]) await expect.poll(() => groupCount(t)).toBe(1)
  expect((await france.text()).split('\n')[0]).toBe('关于禁止对不扩散核武器条约的无核武器缔约国使用或威胁使用核武器的议定书草案')

  // The audit log (kept by the server, shown to everyone) has the resolution: who, the alternatives, the choice.
  await china.page.getByTestId('audit-button').click()
  const entry = china.page.getByTestId('audit-entry').filter({ hasText: '议定书' }).first()
  await expect(entry).toHaveAttribute('data-action', 'resolve')
  await expect(entry).toContainText('Chair')
  await expect(entry).toContainText('协议')
  await expect(china.page.getByTestId('audit-reopen')).toHaveCount(0)
  const audit = (await (await api.get(`/api/documents/${chair.docId}/audit`)).json()) as { entries: { action: string; choice: string; groups: unknown[] }[] }
  const resolution = audit.entries.find((e) => e.action === 'resolve')!
  expect(resolution.choice).toBe('议定书')
  expect(resolution.groups).toHaveLength(19)

  // Reopening (the chair, from the audit log) brings the 19 groups back for everyone.
  await chair.page.getByTestId('audit-button').click()
  await chair.page.getByTestId('audit-entry').filter({ hasText: '议定书' }).first().getByTestId('audit-reopen').click()
  for (const t of [chair, china, france]) await expect.poll(() => groupCount(t)).toBe(20)

  // The clean export is refused while anything is open…
  expect((await api.get(`/api/documents/${chair.docId}/export?format=text&mode=clean`)).status()).toBe(409)
  // …and succeeds once the chair has resolved every group: the set, then the near-duplicate.
  await panel.getByTestId('linked-set').getByTestId('choose-everywhere').filter({ hasText: '议定书' }).first().click()
  await expect.poll(() => groupCount(china)).toBe(1)
  await panel.getByTestId('open-group').first().getByTestId('keep-alternative').first().click()
  for (const t of [chair, china, france]) await expect.poll(() => groupCount(t)).toBe(0)
  const clean = await api.get(`/api/documents/${chair.docId}/export?format=text&mode=clean`)
  expect(clean.status()).toBe(200)
  const text = await clean.text()
  expect(text).not.toMatch(/[[\]［］]/)
  expect(text).toContain('议定书')
})

test('open drafting: the chair lets delegations edit the text, live, and closes it again', async ({ openTreaty }) => {
  const chair = await openTreaty({ name: 'Chair', role: 'facilitator' })
  const brazil = await openTreaty({ name: 'Delegation of Brazil', role: 'delegation', state: 'BR' })
  await expect(brazil.page.locator('.treaty-editor')).toHaveAttribute('contenteditable', 'false')

  await chair.page.getByTestId('open-drafting-toggle').click()
  await expect(brazil.page.locator('.treaty-editor')).toHaveAttribute('contenteditable', 'true')
  await brazil.select('不得对本', { collapse: 'start' })
  await brazil.type('（巴西）')
  await expect.poll(() => chair.text()).toContain('（巴西）不得对本')
  // Brackets stay the chair's: the delegation's toolbar has no bracket tool.
  await expect(brazil.tool('bracket')).toHaveCount(0)

  await chair.page.getByTestId('open-drafting-toggle').click()
  await expect(brazil.page.locator('.treaty-editor')).toHaveAttribute('contenteditable', 'false')
})

test('an observer reads along; a revoked delegation is cut off at once', async ({ openTreaty, api }) => {
  const chair = await openTreaty({ name: 'Chair', role: 'facilitator' })
  const observer = await openTreaty({ name: 'Press officer', role: 'observer' })
  const kenya = await openTreaty({ name: 'Delegation of Kenya', role: 'delegation', state: 'KE' })
  await expect(observer.page.locator('.treaty-editor')).toHaveAttribute('contenteditable', 'false')

  await chair.select('不得对本', { collapse: 'start' })
  await chair.type('〔主席〕')
  await expect.poll(() => observer.text()).toContain('〔主席〕不得对本')

  // The chair revokes Kenya's invitation from the participants dialog.
  const participants = (await (await api.get(`/api/documents/${chair.docId}/participants`)).json()) as { participants: { id: string; name: string }[] }
  const target = participants.participants.find((p) => p.name === 'Delegation of Kenya')!
  await chair.page.getByTestId('participants-button').click()
  const row = chair.page.locator(`[data-participant-id="${target.id}"]`)
  await expect(row).toHaveAttribute('data-online', 'true')
  await row.getByTestId('revoke').click()
  await chair.page.getByTestId('revoke-confirm').click()
  await kenya.expectPhase('closed')
  await expect(row).toHaveAttribute('data-revoked', 'true')
  await expect(kenya.page.getByText(/revoked/).first()).toBeVisible()
})

test('the chair invites a delegation from the editor, and the link signs that person in as that State', async ({ openTreaty, browser, baseURL }) => {
  const chair = await openTreaty({ name: 'Chair', role: 'facilitator' })
  await chair.page.getByTestId('participants-button').click()
  await chair.page.getByTestId('invite-role').selectOption('delegation')
  await chair.page.getByTestId('invite-name').fill('Delegation of Mexico')
  await chair.page.getByTestId('invite-state').fill('MX')
  await chair.page.getByTestId('invite-submit').click()
  const link = await chair.page.getByTestId('invitation-link').inputValue()
  expect(link).toMatch(/\/join#token=acc_/)

  const { delegateContext, TreatyPage, Network } = await import('./fixtures')
  const context = await delegateContext(browser, baseURL)
  const page = await context.newPage()
  await page.goto(new URL(link).pathname + new URL(link).hash)
  const mexico = new TreatyPage(page, new Network(), chair.docId)
  await expect(page).toHaveURL(new RegExp(`/d/${chair.docId}$`))
  await mexico.ready({ readOnly: true })
  await expect(page.getByTestId('my-role')).toHaveAttribute('data-state', 'MX')
  await expect(chair.presence).toContainText('Delegation of Mexico')
  await context.close()
})

test('keyboard first: the chair walks the brackets and keeps an alternative; previews read the text without changing it', async ({ openTreaty }) => {
  const chair = await openTreaty({ name: 'Chair', role: 'facilitator' })
  const china = await openTreaty({ name: 'Delegation of China', role: 'delegation', state: 'CN' })
  const { page } = chair
  const textBefore = await chair.text()

  // Previews: the clean text is refused while groups are open; a tentative choice is read, not applied.
  await page.getByTestId('preview-button').click()
  await page.getByTestId('preview-tab-clean').click()
  await expect(page.getByTestId('clean-preview-open')).toContainText('Title')
  await page.getByTestId('preview-tab-variant').click()
  await page.getByTestId('variant-choice').first().selectOption('1')
  await expect(page.getByTestId('variant-preview-text')).toContainText('使用核武器的协议草案')
  await page.getByTestId('preview-close').click()
  expect(await chair.text()).toBe(textBefore)

  // Alt+↓ goes to the first open group (the title's); Alt+2 keeps its second alternative, for everyone.
  await chair.select('关于禁止', { collapse: 'start' })
  await chair.press('Alt+ArrowDown')
  await chair.press('Alt+2')
  await expect.poll(async () => (await china.text()).split('\n')[0]).toBe('关于禁止对不扩散核武器条约的无核武器缔约国使用或威胁使用核武器的协议草案')
  expect(await page.locator('.treaty .bracket').count()).toBe(19)
  // Ctrl+Alt+Z reopens it.
  await chair.press('Control+Alt+z')
  await expect.poll(() => china.page.locator('.treaty .bracket').count()).toBe(20)
})
