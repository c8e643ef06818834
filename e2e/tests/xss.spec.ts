import WebSocket from 'ws'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'
import type { APIRequestContext, Browser, Page } from '@playwright/test'
import { bearer, expect, inviteTo, Network, test, TreatyPage, type Role } from './fixtures'

/*
 * Hostile markup and hostile Yjs data, in Chromium. Two layers are tested separately:
 *
 * - The editor itself keeps foreign data inert. The pasting delegate's page runs with the
 *   Content-Security-Policy bypassed, so an injected handler would really run and report to
 *   the canary (`window.__xss`, with alert/confirm/prompt rerouted to it).
 * - The server's Content-Security-Policy is on for everybody else, and nothing even tries:
 *   no `securitypolicyviolation` fires (the app itself works under the policy too).
 *
 * Every payload reports to the canary with its own number, so a failure names the payload.
 */

/** HTML payloads, pasted as text/html; the same strings pasted as text/plain must come out as literal text. */
const HTML_PAYLOADS: string[] = [
  '<script>__xss.push(1)</script>',
  '<img src=x onerror=__xss.push(2)>',
  '<img src="x" onerror="__xss.push(3)">text after',
  '<svg onload=__xss.push(4)>',
  '<svg><script>__xss.push(5)</script></svg>',
  '<svg><animate onbegin=__xss.push(6) attributeName=x dur=1s>',
  '<a href="javascript:__xss.push(7)">click</a>',
  '<a href="jaVaScRiPt:__xss.push(8)">mixed case</a>',
  '<a href="&#106;avascript:__xss.push(9)">entity</a>',
  '<a href="java\tscript:__xss.push(10)">tab</a>',
  '<iframe src="javascript:__xss.push(11)"></iframe>',
  '<iframe srcdoc="<script>parent.__xss.push(12)</script>"></iframe>',
  '<object data="javascript:__xss.push(13)"></object>',
  '<embed src="javascript:__xss.push(14)">',
  '<body onload=__xss.push(15)>',
  '<p onclick=__xss.push(16) onmouseover=__xss.push(16) onfocus=__xss.push(16) tabindex=0 autofocus>handlers on a paragraph</p>',
  '<p class="paragraph" data-level="1" onmouseenter="__xss.push(17)" style="background:url(javascript:__xss.push(17))">styled paragraph</p>',
  '<span class="bracket" onclick="__xss.push(18)" data-separator="none"><span class="alternative" onmouseover="__xss.push(18)">A</span></span>',
  '<input onfocus=__xss.push(19) autofocus>',
  '<details open ontoggle=__xss.push(20)><summary>x</summary></details>',
  '<video><source onerror=__xss.push(21)></video>',
  '<audio src=x onerror=__xss.push(22)>',
  '<marquee onstart=__xss.push(23)>m</marquee>',
  '<math><mtext><table><mglyph><style><img src=x onerror=__xss.push(24)>',
  '<math><a xlink:href="javascript:__xss.push(25)">math link</a></math>',
  '<style>@import "javascript:__xss.push(26)";</style><p>after style</p>',
  '<style>*{background:url("javascript:__xss.push(27)")}</style>',
  '<noscript><p title="</noscript><img src=x onerror=__xss.push(28)>">',
  '<form><math><mtext></form><form><mglyph><style></math><img src=x onerror=__xss.push(29)>',
  '<svg></p><style><a id="</style><img src=1 onerror=__xss.push(30)>">',
  '<listing>&lt;img src=x onerror=__xss.push(31)&gt;</listing>',
  '<textarea><img src=x onerror=__xss.push(32)></textarea>',
  '<title><img src=x onerror=__xss.push(33)></title>',
  '<template><img src=x onerror=__xss.push(34)></template>',
  '<xmp><img src=x onerror=__xss.push(35)></xmp>',
  '<base href="javascript:__xss.push(36)//"><a href="x">base</a>',
  '<meta http-equiv="refresh" content="0;url=javascript:__xss.push(37)">',
  '<link rel="import" href="data:text/html,<script>__xss.push(38)</script>">',
  '<form action="javascript:__xss.push(39)"><button>go</button></form>',
  '<button formaction="javascript:__xss.push(40)">b</button>',
  '<div data-pm-slice="0 0 []"><p onclick="__xss.push(41)">slice</p></div>',
  // ProseMirror's slice context builds nodes from JSON attributes: the schema's validators must refuse these.
  '<div data-pm-slice="1 1 -2 [&quot;treaty&quot;,{&quot;lang&quot;:&quot;\\&quot; onmouseover=__xss.push(42) x=\\&quot;&quot;},&quot;article&quot;,{&quot;suffix&quot;:&quot;<img src=x onerror=__xss.push(42)>&quot;}]"><p class="paragraph">ctx</p></div>',
  '<p class="paragraph" data-level="&quot;><img src=x onerror=__xss.push(43)>" data-suffix="javascript:__xss.push(43)" data-numbered="<svg onload=__xss.push(43)>">bad data attributes</p>',
  '<span class="bracket" data-separator="<img src=x onerror=__xss.push(44)>" data-ad-ref="<svg onload=__xss.push(44)>"><span class="alternative" data-sponsors="<img src=x onerror=__xss.push(44)>,FR,__proto__,constructor">B</span></span>',
  '<div class="option-group" data-bracketed="<svg onload=__xss.push(45)>" data-label-style="__proto__"><div class="option" data-sponsors="constructor,toString">opt</div></div>',
  '<article class="treaty" lang="&quot;><img src=x onerror=__xss.push(46)>" data-para-style="constructor" data-recital-labels="javascript:__xss.push(46)"><p>treaty attrs</p></article>',
  '<section class="article" data-suffix="__proto__"><p class="paragraph" data-level="__proto__">proto</p></section>',
  '<p class="recital" data-suffix="constructor">recital</p><span class="placeholder" data-curly="onerror">ph</span><span class="note" onclick="__xss.push(48)">note</span>',
  '<img src="data:image/svg+xml,<svg xmlns=%22http://www.w3.org/2000/svg%22 onload=%22__xss.push(49)%22/>">',
  '<svg><use href="data:image/svg+xml,<svg id=%22x%22 xmlns=%22http://www.w3.org/2000/svg%22><image href=%221%22 onerror=%22__xss.push(50)%22/></svg>#x"/></svg>',
  '<p>&lt;script&gt;__xss.push(51)&lt;/script&gt; escaped text that looks like HTML</p>',
  '<!--<img src="--><img src=x onerror=__xss.push(52)//">',
  '<scr<script>ipt>__xss.push(53)</scr</script>ipt>',
  '<img src=`x`onerror=__xss.push(54)>',
  '<svg><foreignObject><iframe srcdoc="<script>parent.__xss.push(55)</script>"></iframe></foreignObject></svg>',
  '<isindex type=image src=1 onerror=__xss.push(56)>',
  '<object type="text/html" data="data:text/html,<script>parent.__xss.push(57)</script>"></object>',
  '<img srcset="x 1x" onerror="__xss.push(58)">',
  '<select onfocus=__xss.push(59) autofocus><option>o</option></select>',
  '<keygen autofocus onfocus=__xss.push(60)>',
]

/** Strings that reach the text as-is (pasted as plain text, typed by a raw Yjs client, used as names). */
const TEXT_PAYLOADS: string[] = [
  ...HTML_PAYLOADS,
  '"><script>__xss.push(101)</script>',
  "'><img src=x onerror=__xss.push(102)>",
  'javascript:__xss.push(103)',
  '{{constructor.constructor("__xss.push(104)")()}}',
  '${__xss.push(105)}',
  '\u202e<img src=x onerror=__xss.push(106)>',
  '&lt;img src=x onerror=__xss.push(107)&gt;',
]

type Probe = { canary: unknown[]; violations: { directive: string; blocked: string; sample: string }[]; hostile: string[] }

/** What a page reports: the canary, CSP violations, and any live markup that should never be there. */
function probe(page: Page): Promise<Probe> {
  return page.evaluate(() => {
    const w = window as unknown as { __xss: unknown[]; __violations: Probe['violations'] }
    const hostile: string[] = []
    for (const el of document.querySelectorAll('*')) {
      for (const a of Array.from(el.attributes)) {
        if (/^on/i.test(a.name) || a.name === 'srcdoc' || (/^(href|src|action|formaction|data|xlink:href)$/i.test(a.name) && /^\s*(javascript|data:text\/html)/i.test(a.value))) {
          hostile.push(`<${el.localName} ${a.name}="${a.value.slice(0, 60)}">`)
        }
      }
    }
    const live = document.querySelectorAll(
      '.treaty-editor :is(script, iframe, object, embed, img:not(.ProseMirror-separator), svg, math, style, a, form, input, button, select, textarea, video, audio, details, marquee, link, meta, base, template, noscript)',
    )
    for (const el of live) hostile.push(`<${el.localName}> in the text`)
    if (document.scripts.length !== 1) hostile.push(`${document.scripts.length} script elements`)
    return { canary: [...w.__xss], violations: [...w.__violations], hostile }
  })
}

async function expectInert(page: Page, where: string, options: { csp: boolean }): Promise<void> {
  const seen = await probe(page)
  expect(seen.canary, `no payload ran (${where})`).toEqual([])
  expect(seen.hostile, `no live hostile markup (${where})`).toEqual([])
  if (options.csp) expect(seen.violations, `no Content-Security-Policy violation (${where})`).toEqual([])
}

/**
 * Opens the document for a new person in a fresh context, with the canary installed before the
 * page's own scripts. `bypassCSP` turns the server's policy off in this context, so that what
 * is tested is the editor's own handling.
 */
async function openAs(
  browser: Browser,
  baseURL: string,
  request: APIRequestContext,
  docId: string,
  who: { name: string; role?: Role; state?: string; bypassCSP?: boolean },
): Promise<TreatyPage> {
  const role = who.role ?? 'facilitator'
  const token = await inviteTo(request, docId, { role, name: who.name, state: who.state })
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 900 }, bypassCSP: who.bypassCSP ?? false })
  await context.addInitScript(() => {
    const w = window as unknown as Record<string, unknown> & { __xss: unknown[]; __violations: unknown[] }
    w.__accordTestHooks = true
    w.__xss = []
    w.__violations = []
    for (const name of ['alert', 'confirm', 'prompt', 'print']) w[name] = (m: unknown) => void w.__xss.push([name, String(m)])
    document.addEventListener(
      'securitypolicyviolation',
      (e) => w.__violations.push({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample }),
      true,
    )
  })
  const network = new Network()
  await network.install(context)
  const page = await context.newPage()
  const treaty = new TreatyPage(page, network, docId)
  treaty.token = token
  await page.goto(`/join#token=${token}`)
  await expect(page).toHaveURL(new RegExp(`/d/${docId}$`))
  await treaty.ready({ readOnly: role !== 'facilitator' })
  return treaty
}

/** Pastes through a real paste event (ClipboardEvent with a DataTransfer), as the browser would. */
function paste(treaty: TreatyPage, data: { html?: string; text: string }): Promise<boolean> {
  return treaty.page.evaluate(({ html, text }) => {
    const view = window.__accord!.view
    const dt = new DataTransfer()
    if (html !== undefined) dt.setData('text/html', html)
    dt.setData('text/plain', text)
    const event = new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true })
    view.dom.dispatchEvent(event)
    return event.defaultPrevented
  }, data)
}

test.describe.configure({ mode: 'serial' })

test('the detectors detect: live markup runs where the policy is bypassed, and is refused and reported where it is not', async ({ browser, baseURL, request, docId }) => {
  const control = '<img src=x onerror="__xss.push(0)" class="xss-control">'
  const bypassed = await openAs(browser, baseURL!, request, docId, { name: 'Control, bypassed', bypassCSP: true })
  const enforced = await openAs(browser, baseURL!, request, docId, { name: 'Control, enforced' })
  for (const treaty of [bypassed, enforced]) await treaty.page.evaluate((html) => document.body.insertAdjacentHTML('beforeend', html), control)
  await expect.poll(async () => (await probe(bypassed.page)).canary).toEqual([0])
  await expect.poll(async () => (await probe(enforced.page)).violations.length).toBeGreaterThan(0)
  const seen = await probe(enforced.page)
  expect(seen.canary).toEqual([])
  expect(seen.hostile).toContain('<img onerror="__xss.push(0)">')
})

test(`a corpus of ${HTML_PAYLOADS.length} HTML payloads pasted as HTML and as text runs nothing, here, on another peer, after reload`, async ({ browser, baseURL, request, docId }) => {
  test.setTimeout(180_000)
  // The paster's policy is off: the editor alone must keep the markup inert.
  const paster = await openAs(browser, baseURL!, request, docId, { name: 'Paster', bypassCSP: true })
  // Another facilitator under the policy: the same pastes, and the rendering of the paster's.
  const peer = await openAs(browser, baseURL!, request, docId, { name: 'Peer' })

  for (const [i, payload] of HTML_PAYLOADS.entries()) {
    await paster.select('不得对本', { collapse: 'start' })
    expect(await paste(paster, { html: payload, text: `plain ${i}` }), `the editor handles paste ${i}`).toBe(true)
    await paster.select('不得对本', { collapse: 'start' })
    expect(await paste(paster, { text: payload })).toBe(true)
    // ProseMirror's own entry point too (the path a drop or a programmatic paste takes).
    await paster.page.evaluate((html) => {
      const hooks = window.__accord!
      hooks.select('不得对本', { collapse: 'start' })
      hooks.view.pasteHTML(html)
    }, payload)
  }
  // Let any image error, animation or focus handler have its chance.
  await paster.page.waitForTimeout(500)
  await expectInert(paster.page, 'the paster', { csp: false })
  // The peer renders all of it under the policy, and nothing so much as tries.
  await expect.poll(() => peer.text()).toBe(await paster.text())
  await peer.page.waitForTimeout(300)
  await expectInert(peer.page, 'the peer, rendering the pastes', { csp: true })

  // The peer pastes the corpus too, under the policy. Chromium checks the policy while it
  // parses the clipboard's HTML into ProseMirror's detached document, and reports the inline
  // handlers and styles it refuses there on the page; the only violations allowed are those,
  // each a sample of a payload. A blocked URL (img-src, frame-src, object-src…) would mean
  // something was loaded live.
  for (const payload of HTML_PAYLOADS) {
    await peer.select('不得对本', { collapse: 'start' })
    expect(await paste(peer, { html: payload, text: 'x' })).toBe(true)
  }
  await peer.page.waitForTimeout(300)
  const afterPaste = await probe(peer.page)
  expect(afterPaste.canary).toEqual([])
  expect(afterPaste.hostile).toEqual([])
  for (const v of afterPaste.violations) {
    expect(v.blocked, `only inline markup is refused while parsing the clipboard: ${JSON.stringify(v)}`).toBe('inline')
    expect(['script-src-attr', 'script-src-elem', 'style-src-attr', 'style-src-elem']).toContain(v.directive)
    if (v.directive.startsWith('script')) expect(v.sample).toMatch(/__xss|^$/)
  }
  await peer.page.evaluate(() => void ((window as unknown as { __violations: unknown[] }).__violations.length = 0))

  // Text pasted as text is text: every payload is in the document literally, on both peers.
  await expect.poll(() => peer.text()).toContain(HTML_PAYLOADS[1])
  // (Pasted text has its whitespace collapsed, as ProseMirror parses it.)
  const spaced = (s: string) => s.replace(/\s+/g, ' ')
  for (const treaty of [paster, peer]) {
    const text = spaced(await treaty.text())
    for (const payload of HTML_PAYLOADS) expect(text, 'a payload pasted as plain text stays literal text').toContain(spaced(payload))
  }
  // Every edit was accepted: nobody was disconnected for writing what the server refuses.
  for (const treaty of [paster, peer]) {
    await treaty.expectPhase('connected')
    await expect.poll(() => treaty.text()).toBe(await paster.text())
  }
  const valid = await peer.page.evaluate(() => {
    try {
      window.__accord!.view.state.doc.check()
      return true
    } catch (e) {
      return String(e)
    }
  })
  expect(valid).toBe(true)

  // After reload, from the server's copy.
  for (const treaty of [paster, peer]) {
    await treaty.page.reload()
    await treaty.ready()
  }
  await expectInert(paster.page, 'the paster after reload', { csp: false })
  await expectInert(peer.page, 'the peer after reload', { csp: true })
  expect(await peer.text()).toBe(await paster.text())
})

// --- A raw Yjs client: the y-websocket protocol by hand, no editor, no schema. ---

interface RawClient {
  doc: Y.Doc
  /** Resolves with the close code and reason when the server closes the socket. */
  closed: Promise<{ code: number; reason: string }>
  denied: string[]
  close(): void
}

async function rawClient(baseURL: string, docId: string, token: string): Promise<RawClient> {
  const res = await fetch(`${baseURL}/api/tickets`, { method: 'POST', headers: bearer(token) })
  expect(res.status).toBe(201)
  const { ticket } = (await res.json()) as { ticket: string }
  const ws = new WebSocket(`${baseURL.replace(/^http/, 'ws')}/collab/${docId}?ticket=${ticket}`, { origin: baseURL })
  ws.binaryType = 'arraybuffer'
  const doc = new Y.Doc()
  const denied: string[] = []
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })))
  let synced!: () => void
  const syncedP = new Promise<void>((r) => (synced = r))
  ws.on('message', (data: ArrayBuffer) => {
    const decoder = decoding.createDecoder(new Uint8Array(data))
    const type = decoding.readVarUint(decoder)
    if (type === 0) {
      const encoder = encoding.createEncoder()
      encoding.writeVarUint(encoder, 0)
      const kind = syncProtocol.readSyncMessage(decoder, encoder, doc, 'server')
      if (encoding.length(encoder) > 1) ws.send(encoding.toUint8Array(encoder))
      if (kind === syncProtocol.messageYjsSyncStep2) synced()
    } else if (type === 2 && decoding.readVarUint(decoder) === 0) denied.push(decoding.readVarString(decoder))
  })
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  const step1 = encoding.createEncoder()
  encoding.writeVarUint(step1, 0)
  syncProtocol.writeSyncStep1(step1, doc)
  ws.send(encoding.toUint8Array(step1))
  await Promise.race([syncedP, closed.then((c) => Promise.reject(new Error(`closed before sync: ${c.code} ${c.reason}`)))])
  doc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin === 'server' || ws.readyState !== WebSocket.OPEN) return
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, 0)
    syncProtocol.writeUpdate(encoder, update)
    ws.send(encoding.toUint8Array(encoder))
  })
  return { doc, closed, denied, close: () => ws.close() }
}

/** The first text of the first element named `name` that starts with text. */
function firstText(root: Y.XmlFragment | Y.XmlElement, name: string): Y.XmlText {
  for (let i = 0; ; i++) {
    const first = find(root, name, i).get(0)
    if (first instanceof Y.XmlText) return first
  }
}

/** The `skip`-th element named `name`, depth-first. */
function find(root: Y.XmlFragment | Y.XmlElement, name: string, skip = 0): Y.XmlElement {
  const found: Y.XmlElement[] = []
  const walk = (el: Y.XmlFragment | Y.XmlElement) => {
    for (const child of el.toArray()) {
      if (!(child instanceof Y.XmlElement)) continue
      if (child.nodeName === name) found.push(child)
      walk(child)
    }
  }
  walk(root)
  if (!found[skip]) throw new Error(`no ${name} #${skip} in the treaty`)
  return found[skip]
}

type Write = (treaty: Y.XmlFragment) => void

/** Writes the server's validators must refuse: the socket is closed as malformed, nothing is stored. */
const REFUSED: [string, Write][] = [
  ['paragraph level "><script>', (t) => find(t, 'paragraph').setAttribute('level', '"><script>__xss.push(201)</script>' as never)],
  ['paragraph suffix javascript:', (t) => find(t, 'paragraph').setAttribute('suffix', 'javascript:__xss.push(202)')],
  ['paragraph numbered as a handler', (t) => find(t, 'paragraph').setAttribute('numbered', '<img src=x onerror=__xss.push(203)>' as never)],
  ['treaty lang breaking out of the attribute', (t) => find(t, 'treaty').setAttribute('lang', '" onmouseover="__xss.push(204)')],
  ['treaty para_style', (t) => find(t, 'treaty').setAttribute('para_style', '<svg onload=__xss.push(205)>')],
  ['bracket separator', (t) => find(t, 'bracket').setAttribute('separator', '<img src=x onerror=__xss.push(206)>')],
  ['bracket adRef as a string', (t) => find(t, 'bracket').setAttribute('adRef', 'true' as never)],
  ['alternative sponsors with markup', (t) => find(t, 'alternative').setAttribute('sponsors', ['<svg onload=__xss.push(207)>'] as never)],
  ['alternative sponsors as an object', (t) => find(t, 'alternative').setAttribute('sponsors', { length: 1, 0: 'FR', toString: 'x' } as never)],
  ['a huge level', (t) => find(t, 'paragraph').setAttribute('level', 'x'.repeat(20_000) as never)],
  ['a <script> element', (t) => find(t, 'article').insert(0, [new Y.XmlElement('script')])],
  [
    'an <img> element with onerror',
    (t) => {
      const img = new Y.XmlElement('img')
      img.setAttribute('src', 'x')
      img.setAttribute('onerror', '__xss.push(208)')
      find(t, 'paragraph').insert(0, [img])
    },
  ],
  ['a link mark with a javascript: href', (t) => firstText(t, 'paragraph').format(0, 2, { link: { href: 'javascript:__xss.push(209)' } })],
  ['an embed in text', (t) => firstText(t, 'paragraph').insertEmbed(0, { html: '<img src=x onerror=__xss.push(210)>' })],
  ['text straight into an article', (t) => find(t, 'article').insert(0, [new Y.XmlText('<script>__xss.push(211)</script>')])],
]

test(`a raw Yjs client: ${REFUSED.length} hostile attribute writes (and unknown attribute names) are refused; hostile text renders inert`, async ({ browser, baseURL, request, docId }) => {
  test.setTimeout(180_000)
  const chair = await openAs(browser, baseURL!, request, docId, { name: 'Chair' })
  const reader = await openAs(browser, baseURL!, request, docId, { name: 'Reader', role: 'observer', bypassCSP: true })
  const token = await inviteTo(request, docId, { role: 'facilitator', name: 'Raw client' })
  const before = await chair.text()

  for (const [what, write] of REFUSED) {
    const raw = await rawClient(baseURL!, docId, token)
    write(raw.doc.getXmlFragment('treaty'))
    const { code, reason } = await raw.closed
    expect(code, `${what}: closed as malformed (${reason})`).toBe(4400)
    raw.close()
  }
  // Nothing of it was stored or reached anybody.
  expect(await chair.text()).toBe(before)
  await expectInert(chair.page, 'the chair, after refused writes', { csp: true })
  await expectInert(reader.page, 'the reader, after refused writes', { csp: false })
  await chair.expectPhase('connected')

  // Attribute names the schema does not have are refused too (they have no validator to check their value).
  for (const [name, value] of [
    ['onclick', '__xss.push(301)'],
    ['onmouseover', '"><img src=x onerror=__xss.push(302)>'],
    ['style', 'background:url(javascript:__xss.push(303))'],
    ['class', 'x" onmouseover="__xss.push(304)'],
    ['href', 'javascript:__xss.push(305)'],
    ['constructor', 'javascript:__xss.push(306)'],
    ['toString', '<svg onload=__xss.push(307)>'],
    ['__proto__', '<svg onload=__xss.push(311)>'],
  ] as const) {
    const raw = await rawClient(baseURL!, docId, token)
    ;(firstText(raw.doc.getXmlFragment('treaty'), 'paragraph').parent as Y.XmlElement).setAttribute(name, value)
    const { code, reason } = await raw.closed
    expect(code, `attribute ${name}: closed as malformed (${reason})`).toBe(4400)
    expect(reason).toContain('does not have')
    raw.close()
  }
  expect(await chair.text()).toBe(before)

  // Accepted: text is text, whatever it looks like.
  const raw = await rawClient(baseURL!, docId, token)
  const fragment = raw.doc.getXmlFragment('treaty')
  raw.doc.transact(() => {
    const text = firstText(fragment, 'paragraph')
    text.insert(0, TEXT_PAYLOADS.join(' | '))
    // A long one: 200 kB of markup-looking text.
    text.insert(0, '<img src=x onerror=__xss.push(308)>'.repeat(6000))
    firstText(fragment, 'title').insert(0, '<img src=x onerror=__xss.push(309)>')
    firstText(fragment, 'alternative').insert(0, '"><svg onload=__xss.push(310)>')
  })
  for (const treaty of [chair, reader]) await expect.poll(() => treaty.text(), { timeout: 20_000 }).toContain(TEXT_PAYLOADS.join(' | '))
  await chair.page.waitForTimeout(300)
  await expectInert(chair.page, 'the chair, rendering hostile text', { csp: true })
  await expectInert(reader.page, 'the reader, rendering hostile text', { csp: false })
  await chair.expectPhase('connected')

  // After reload (from the server's copy).
  for (const treaty of [chair, reader]) {
    await treaty.page.reload()
    await treaty.ready({ readOnly: treaty === reader })
  }
  await expectInert(chair.page, 'the chair after reload', { csp: true })
  await expectInert(reader.page, 'the reader after reload', { csp: false })
  expect(await reader.text()).toContain('<img src=x onerror=__xss.push(309)>')
  raw.close()

  // The title the server keeps (refreshed when the room is inspected) is listed on the documents page.
  await expect(async () => {
    await chair.page.goto('/')
    await expect(chair.page.locator(`[data-document-id="${docId}"]`)).toContainText('<img src=x onerror=__xss.push(309)>', { timeout: 1000 })
  }).toPass({ timeout: 20_000 })
  await expectInert(chair.page, 'the documents page', { csp: true })
})

test('hostile names and text in the presence list, participants dialog, audit panel, bracket panel, previews and exports run nothing', async ({ browser, baseURL, request, docId, api }) => {
  test.setTimeout(180_000)
  const hostileName = '<img src=x onerror=__xss.push(401)>'
  const otherName = '"><svg onload=__xss.push(402)>'
  const chair = await openAs(browser, baseURL!, request, docId, { name: 'Chair' })
  // The hostile-named facilitator is online (presence, remote cursor) with the policy bypassed.
  const mallory = await openAs(browser, baseURL!, request, docId, { name: hostileName, bypassCSP: true })
  await inviteTo(request, docId, { role: 'delegation', name: otherName, state: 'FR' })
  await inviteTo(request, docId, { role: 'observer', name: 'javascript:__xss.push(403)' })

  // A bracket whose alternative is markup-looking text, pasted by the hostile facilitator.
  await mallory.select('不得对本', { collapse: 'start' })
  await paste(mallory, {
    // (Inside a paragraph: a slice that starts and ends with the bracket would be pasted open, merging it into the text around.)
    html: '<p class="paragraph">α <span class="bracket" data-separator="none"><span class="alternative">&lt;img src=x onerror=__xss.push(404)&gt;</span><span class="alternative">"&gt;&lt;svg onload=__xss.push(405)&gt;</span></span> ω</p>',
    text: 'x',
  })
  // Mallory's cursor is in the text, so the chair draws a caret with the name.
  await mallory.select('不得对本', { collapse: 'end' })
  await expect(chair.presence).toContainText(hostileName)
  await expect(chair.page.locator('.remote-cursor-name').filter({ hasText: hostileName })).toHaveCount(1)

  // The bracket panel lists the hostile alternatives.
  await chair.tool('bracketPanel').click()
  await expect(chair.page.getByTestId('bracket-panel')).toContainText('<img src=x onerror=__xss.push(404)>')

  // The export dialog's refusal lists the open items, with their text.
  await chair.page.locator('.export-button').click()
  const dialog = chair.page.getByRole('dialog')
  await dialog.locator('input[value="clean"]').check()
  await dialog.locator('button[type="submit"]').click()
  await expect(dialog.getByTestId('export-refused')).toContainText('onerror=__xss.push(404)')
  await expectInert(chair.page, 'the export dialog', { csp: true })
  await dialog.getByTestId('export-refused').focus()
  await chair.page.keyboard.press('Escape')
  await expect(dialog).toBeHidden()

  // Previews: the open items, and the variant with each alternative offered in a <select>.
  await chair.page.getByTestId('preview-button').click()
  await chair.page.getByTestId('preview-tab-clean').click()
  await expect(chair.page.getByTestId('clean-preview-open')).toContainText('__xss.push(404)')
  await chair.page.getByTestId('preview-tab-variant').click()
  const choice = chair.page.locator('[data-testid="variant-choice"]').filter({ hasText: '__xss.push(404)' })
  await choice.selectOption({ label: '<img src=x onerror=__xss.push(404)>' })
  await expect(chair.page.getByTestId('variant-preview-text')).toContainText('<img src=x onerror=__xss.push(404)>')
  await expectInert(chair.page, 'the previews', { csp: true })
  await chair.page.getByTestId('preview-close').click()

  // The hostile-named facilitator resolves the group through the API: the audit entry carries the name and the choice.
  const brackets = (await (await api.get(`/api/documents/${docId}/brackets`)).json()) as { groups: { id: string; alternatives: string[] }[] }
  const group = brackets.groups.find((g) => g.alternatives.includes('<img src=x onerror=__xss.push(404)>'))!
  expect(group, 'the pasted group is listed').toBeTruthy()
  const resolved = await request.post(`/api/documents/${docId}/resolutions`, { data: { group: group.id, choose: '<img src=x onerror=__xss.push(404)>' }, headers: bearer(mallory.token) })
  expect(resolved.status(), await resolved.text()).toBe(200)

  await chair.page.getByTestId('audit-button').click()
  await expect(chair.page.getByTestId('audit-entry').filter({ hasText: hostileName }).first()).toBeVisible()
  await expectInert(chair.page, 'the audit panel', { csp: true })

  await chair.page.getByTestId('participants-button').click()
  const participants = chair.page.getByTestId('participant-list')
  await expect(participants).toContainText(hostileName)
  await expect(participants).toContainText(otherName)
  await expect(participants).toContainText('javascript:__xss.push(403)')
  await chair.page.waitForTimeout(300)
  await expectInert(chair.page, 'the participants dialog', { csp: true })
  await expectInert(mallory.page, 'the hostile participant’s own page', { csp: false })

  // Exports escape what they write (HTML, and Akoma Ntoso's XML): no payload becomes markup.
  for (const format of ['html', 'akn']) {
    const res = await api.get(`/api/documents/${docId}/export?format=${format}&mode=negotiating`)
    expect(res.status(), await res.text()).toBe(200)
    const body = await res.text()
    expect(body, `the ${format} export`).not.toMatch(/<(img|svg|script|iframe)\b/i)
    expect(body, `the ${format} export`).toContain('&lt;img src=x onerror=__xss.push(404)&gt;')
  }
})

test('attribute values smuggled past the validators through __proto__ are refused by the server; nothing runs, no text is lost', async ({ browser, baseURL, request, docId }) => {
  const chair = await openAs(browser, baseURL!, request, docId, { name: 'Chair' })
  const token = await inviteTo(request, docId, { role: 'facilitator', name: 'Raw client' })
  const raw = await rawClient(baseURL!, docId, token)
  const text = firstText(raw.doc.getXmlFragment('treaty'), 'paragraph')
  const paragraphText = text.toString()
  // Yjs reads an element's attributes into a plain object, where this key sets the prototype:
  // a reader that looks up `level` would find a value no validator saw. The server refuses
  // attribute names a node type does not have, so it is never stored.
  ;(text.parent as Y.XmlElement).setAttribute('__proto__', { level: '"><img src=x onerror=__xss.push(501)>', suffix: 'javascript:__xss.push(502)' } as never)
  const { code, reason } = await raw.closed
  expect(code, reason).toBe(4400)
  expect(reason).toContain('"__proto__" that a paragraph does not have')
  await expectInert(chair.page, 'the chair', { csp: true })
  expect(await chair.text(), 'the paragraph is still there').toContain(paragraphText)
  // A fresh editor builds every node from the Y elements.
  await chair.page.reload()
  await chair.ready()
  await chair.page.waitForTimeout(500)
  await expectInert(chair.page, 'the chair after reload', { csp: true })
  expect(await chair.text(), 'the paragraph is still there after reload').toContain(paragraphText)
  const valid = await chair.page.evaluate(() => {
    try {
      window.__accord!.view.state.doc.check()
      return true
    } catch (e) {
      return String(e)
    }
  })
  expect(valid, 'every attribute the editor holds passed its validator').toBe(true)
  raw.close()
})
