import fs from 'node:fs'
import path from 'node:path'
import { test as base, expect, type APIRequestContext, type Browser, type BrowserContext, type Locator, type Page, type WebSocketRoute } from '@playwright/test'

/**
 * Page objects and fixtures for the end-to-end tests. Every test gets its own document (the
 * sample treaty imported afresh through the API), and `openTreaty` opens it as a new delegate:
 * a separate browser context with its own name, storage and network switch. Assertions read
 * the editor's state through the test hooks (`window.__accord`), not the HTML.
 */

export const SAMPLE_TEXT = fs.readFileSync(new URL('../../packages/treaty-io/samples/npt-2005-security-assurances-protocol.zh.txt', import.meta.url), 'utf8')

// The hooks the editor installs on window.__accord (type only: erased when the tests run).
export type { AccordTestHooks } from '../../apps/editor/src/editor/testHooks'

/**
 * Cuts and restores one delegate's connection to the collaboration server. (Chromium's
 * offline emulation leaves open websockets alone, so the tests route the socket instead.)
 * While offline, every reconnection attempt is closed at once, as a dead network would; with
 * `{api: true}` the API's requests fail too (tickets, merges), as they would on a dead network.
 */
export class Network {
  private online = true
  private apiOffline = false
  private apiRouted = false
  private context: BrowserContext | null = null
  /** Open sockets: the page's side, with its connection to the server. */
  private readonly open = new Map<WebSocketRoute, WebSocketRoute>()

  async install(context: BrowserContext): Promise<void> {
    this.context = context
    await context.routeWebSocket(/\/collab\//, (ws) => {
      if (!this.online) {
        void ws.close({ code: 4000, reason: 'offline (test)' }).catch(() => {})
        return
      }
      const server = ws.connectToServer()
      this.open.set(ws, server)
      ws.onClose(() => {
        this.open.delete(ws)
        void server.close().catch(() => {})
      })
      // The server's close code and reason reach the page (4403 revoked, 4404 unknown document…).
      server.onClose((code, reason) => {
        this.open.delete(ws)
        void ws.close({ code, reason }).catch(() => {})
      })
    })
  }

  async goOffline(options: { api?: boolean } = {}): Promise<void> {
    this.online = false
    this.apiOffline = options.api ?? false
    // Routed only from the first time it is needed: the other tests' requests go untouched.
    if (this.apiOffline && !this.apiRouted && this.context) {
      this.apiRouted = true
      await this.context.route(/\/api\//, (route) => (this.apiOffline ? route.abort('internetdisconnected') : route.fallback()))
    }
    // Both sides: the server must see the connection go (a room with no connections is idle).
    await Promise.all([...this.open].flatMap(([ws, server]) => [ws.close({ code: 4000, reason: 'offline (test)' }).catch(() => {}), server.close().catch(() => {})]))
    this.open.clear()
  }

  goOnline(): void {
    this.online = true
    this.apiOffline = false
  }
}

export type Phase = 'connecting' | 'syncing' | 'connected' | 'offline' | 'closed'

/** One delegate's view of a treaty: the page object the tests drive. */
export class TreatyPage {
  readonly connection: Locator
  readonly toolbar: Locator
  readonly presence: Locator
  /** The invitation token this person signed in with (set by openTreaty). */
  token = ''

  constructor(
    readonly page: Page,
    readonly network: Network,
    readonly docId: string,
  ) {
    this.connection = page.locator('.connection')
    this.toolbar = page.getByRole('toolbar')
    this.presence = page.locator('.presence')
  }

  async goto(): Promise<void> {
    await this.page.goto(`/d/${encodeURIComponent(this.docId)}`)
    await this.ready()
  }

  /** Signs in with an invitation token (the /join link) and waits for the document. */
  async join(token: string): Promise<void> {
    await this.page.goto(`/join#token=${token}`)
    await expect(this.page).toHaveURL(new RegExp(`/d/${this.docId}$`))
    await this.ready()
  }

  /** Waits until the document has arrived (and, unless `readOnly`, the text is editable). */
  async ready(options: { readOnly?: boolean } = {}): Promise<void> {
    await this.page.waitForFunction(() => !!window.__accord && document.querySelector('.paper')?.getAttribute('data-ready') === 'true')
    await expect(this.page.locator('.treaty-editor')).toHaveAttribute('contenteditable', options.readOnly ? 'false' : 'true')
  }

  text(): Promise<string> {
    return this.page.evaluate(() => window.__accord!.text())
  }

  json(): Promise<unknown> {
    return this.page.evaluate(() => window.__accord!.json())
  }

  /** The labels the editor shows (from its numbering decorations), in document order. */
  shownLabels(): Promise<string[]> {
    return this.page.evaluate(() => window.__accord!.shownLabels())
  }

  async articleLabels(): Promise<string[]> {
    return (await this.shownLabels()).filter((l) => /^(第.+条(之.+)?|Article \d+.*)$/.test(l))
  }

  /** Selects `text` (or puts the cursor before / after it) and focuses the editor. */
  async select(text: string, options?: { occurrence?: number; collapse?: 'start' | 'end' }): Promise<void> {
    const found = await this.page.evaluate(([t, o]) => window.__accord!.select(t, o), [text, options] as const)
    expect(found, `the text should contain ${JSON.stringify(text)}`).toBe(true)
  }

  async type(text: string): Promise<void> {
    await this.page.keyboard.type(text)
  }

  async press(key: string): Promise<void> {
    await this.page.keyboard.press(key)
  }

  /** A toolbar button by action id: undo, redo, addArticle, addParagraph, indent, outdent, bracket, alternative. */
  tool(action: string): Locator {
    return this.toolbar.locator(`[data-action="${action}"]`)
  }

  async expectPhase(phase: Phase): Promise<void> {
    await expect(this.connection).toHaveAttribute('data-phase', phase)
  }
}

export interface CreatedDocument {
  id: string
  warnings: { line: number; column: number; code: string; message: string }[]
  /** The first facilitator's token (when one was named). */
  facilitator?: { token: string; link: string }
}

export type Role = 'facilitator' | 'delegation' | 'observer'

/**
 * The secretariat's token: the server writes the links it prints at start to
 * ACCORD_DATA/start-links.json (see playwright.config.ts for the data directory).
 */
export function secretariatToken(): string {
  const file = path.join(process.env.ACCORD_E2E_DATA!, 'start-links.json')
  const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as { secretariat: { token: string } }
  return stored.secretariat.token
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

/** Creates a document as the secretariat, naming a first facilitator ("Chair"). */
export async function createDocument(request: APIRequestContext, text: string): Promise<CreatedDocument> {
  const res = await request.post('/api/documents?facilitator=Chair', { data: text, headers: { 'content-type': 'text/plain; charset=utf-8', ...bearer(secretariatToken()) } })
  expect(res.status(), await res.text()).toBe(201)
  const body = (await res.json()) as CreatedDocument & { facilitator: { token: string; link: string } }
  return body
}

/** Invites someone to a document (as the secretariat) and answers their token. */
export async function inviteTo(request: APIRequestContext, docId: string, who: { role: Role; name: string; state?: string }): Promise<string> {
  const res = await request.post(`/api/documents/${docId}/invitations`, { data: who, headers: bearer(secretariatToken()) })
  expect(res.status(), await res.text()).toBe(201)
  return ((await res.json()) as { token: string }).token
}


/** A fresh browser context for one person (its own storage, so its own sign-in), with the test hooks on. */
export async function delegateContext(browser: Browser, baseURL: string | undefined): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 900 } })
  await context.addInitScript(() => {
    window.__accordTestHooks = true
  })
  return context
}

interface Fixtures {
  /** A fresh copy of the sample treaty, made through the API for this test. */
  docId: string
  /** The test's API client, signed in as the secretariat. */
  api: APIRequestContext
  /**
   * Invites someone to `docId` (or another document) and opens it in their own browser context
   * through the invitation link. Defaults: a facilitator named "Delegate N".
   */
  openTreaty: (options?: { name?: string; docId?: string; role?: Role; state?: string }) => Promise<TreatyPage>
}

export const test = base.extend<Fixtures>({
  api: async ({ playwright, baseURL }, use) => {
    const api = await playwright.request.newContext({ baseURL, extraHTTPHeaders: bearer(secretariatToken()) })
    await use(api)
    await api.dispose()
  },
  docId: async ({ request }, use) => {
    const { id } = await createDocument(request, SAMPLE_TEXT)
    await use(id)
  },
  openTreaty: async ({ browser, docId, baseURL, request }, use) => {
    const contexts: BrowserContext[] = []
    let n = 0
    await use(async ({ name, docId: id = docId, role = 'facilitator', state } = {}) => {
      const token = await inviteTo(request, id, { role, name: name ?? `Delegate ${++n}`, state: role === 'delegation' ? (state ?? 'FR') : undefined })
      const context = await delegateContext(browser, baseURL)
      contexts.push(context)
      const network = new Network()
      await network.install(context)
      const page = await context.newPage()
      const treaty = new TreatyPage(page, network, id)
      treaty.token = token
      await page.goto(`/join#token=${token}`)
      await expect(page).toHaveURL(new RegExp(`/d/${id}$`))
      await treaty.ready({ readOnly: role !== 'facilitator' })
      return treaty
    })
    await Promise.all(contexts.map((c) => c.close()))
  },
})

export { expect }
