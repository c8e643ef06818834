import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Node as PMNode } from 'prosemirror-model'
import { chromium, type Browser, type Page } from 'playwright'
import * as Y from 'yjs'
import { renderNegotiating } from '@accord/bracket-variants'
import { nodeToInlines } from '@accord/bracket-variants/prosemirror'
import { connectClient, removeDir, tempDir, waitFor, type TestClient } from '../server/src/testing'
import { generateLargeTreaty, type LargeTreatySpec } from './largeTreaty'

/*
 * Keystroke benchmark in Chromium: typing in the middle of a generated treaty in the Accord
 * editor (real server from bin/start.mjs, the document created through the API by the
 * secretariat, opened by a facilitator through the /join link, the bracket navigator open)
 * against the same text in a plain ProseMirror editor (prosemirror-schema-basic, no
 * collaboration) served from a tiny static page, in the same run.
 *
 * Fair baseline: the plain editor gets one paragraph per textblock of the Accord document, each
 * in bracket notation (what the Accord editor shows), in the same font, size, line height and
 * column width; in both editors the caret goes into the middle textblock of the document, in
 * a run of plain text.
 *
 * A reference row types in the plain editor with `content-visibility: auto` on its paragraphs
 * (as the Accord editor skips off-screen paragraphs), to tell the browser's share of a
 * difference from the editor's own work. The first row is the baseline and the last the goal's.
 *
 * Per keystroke: from the keydown event's timestamp to just after the next frame
 * (requestAnimationFrame, then a task, so layout and paint of the frame are included). A third
 * row types in Accord while two remote peers (y-websocket clients in this process, signed in as
 * facilitators) type 3 characters a second each elsewhere in the document; the run fails if
 * the server refused their edits or they did not reach the page.
 *
 * The measure includes the wait for the next frame, up to 16.7 ms at 60 Hz whatever the work:
 * typing into a one-line contenteditable in the same headless Chromium scores about 5 ms p50
 * and 18 ms p95. A p95 under one frame is therefore out of reach of any editor here; the ratios
 * to the plain editor are what the figures say.
 *
 * Run alone: `npx tsx bench/browser.ts [--size large] [--keys 100] [--profile PREFIX] [--trace PREFIX]`
 * (`--profile` records a CPU profile of the page while it types in each row, into
 * PREFIX.plain.cpuprofile, PREFIX.quiet.cpuprofile and PREFIX.peers.cpuprofile; `--trace` a
 * performance trace with style, layout and paint, PREFIX.*.trace.json; open either in
 * Chrome's DevTools).
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

export interface KeystrokeRow {
  editor: string
  keys: number
  p50Ms: number
  p95Ms: number
  maxMs: number
}

const PM_MODULES = ['prosemirror-model', 'prosemirror-state', 'prosemirror-view', 'prosemirror-transform', 'prosemirror-schema-basic', 'prosemirror-commands', 'prosemirror-keymap', 'orderedmap', 'w3c-keyname']

/** The Accord editor's text column: `.paper` is 52rem wide with 4.5rem padding each side; `.treaty` is 1.125rem, line height 1.7. */
const TEXT_STYLE = `max-width:43rem;margin:2rem auto;padding:0 4.5rem;font-family:'Noto Serif','Source Serif 4',Georgia,'Times New Roman','Liberation Serif',serif;font-size:1.125rem;line-height:1.7;white-space:pre-wrap;word-wrap:break-word;outline:none`

/** Each textblock of the document as the Accord editor shows its text: brackets and alternatives in bracket notation. */
export function textblocks(doc: PMNode): string[] {
  const out: string[] = []
  doc.descendants((node) => {
    if (!node.isTextblock) return true
    out.push(renderNegotiating(nodeToInlines(node), { canonical: true }))
    return false
  })
  return out
}

/**
 * The plain editor's page. `skipOffscreen` gives each paragraph `content-visibility: auto`, as
 * the Accord editor does: a reference row that shows how much of a difference is
 * the browser's rendering and how much the editor's own work.
 */
function plainPage(paragraphs: string[], skipOffscreen = false): string {
  const imports: Record<string, string> = {}
  for (const name of PM_MODULES) {
    const pkg = JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')) as { module?: string; main?: string }
    imports[name] = `/node_modules/${name}/${pkg.module ?? pkg.main ?? 'index.js'}`
  }
  return `<!doctype html><meta charset="utf-8"><title>plain</title>
<style>body{margin:0}.ProseMirror{${TEXT_STYLE}}.ProseMirror p{margin:0 0 0.9em${skipOffscreen ? ';content-visibility:auto;contain-intrinsic-block-size:auto 3.4em' : ''}}</style>
<script type="importmap">${JSON.stringify({ imports })}</script>
<div id="editor"></div>
<script type="module">
import { schema } from 'prosemirror-schema-basic'
import { EditorState } from 'prosemirror-state'
import { EditorView } from 'prosemirror-view'
import { keymap } from 'prosemirror-keymap'
import { baseKeymap } from 'prosemirror-commands'
const paragraphs = ${JSON.stringify(paragraphs)}
const doc = schema.node('doc', null, paragraphs.map((p) => schema.node('paragraph', null, p ? [schema.text(p)] : [])))
window.view = new EditorView(document.querySelector('#editor'), { state: EditorState.create({ doc, plugins: [keymap(baseKeymap)] }) })
window.plainReady = true
</script>`
}

/** Serves `pages` (path → HTML) and the ProseMirror modules they import. */
function startStatic(pages: Record<string, string>): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    if (Object.hasOwn(pages, url.pathname)) {
      res.writeHead(200, { 'content-type': 'text/html' }).end(pages[url.pathname])
      return
    }
    const file = path.join(root, path.normalize(url.pathname))
    if (!url.pathname.startsWith('/node_modules/prosemirror-') && !/^\/node_modules\/(orderedmap|w3c-keyname)\//.test(url.pathname)) {
      res.writeHead(404).end()
      return
    }
    try {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(file))
    } catch {
      res.writeHead(404).end()
    }
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/` })))
}

function startAccord(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [path.join(root, 'bin', 'start.mjs')], {
    cwd: root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ACCORD_DATA: dataDir, ACCORD_LOG: 'warn', ACCORD_SEED_SAMPLE: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString()
      const m = /Accord is running at http:\/\/localhost:(\d+)\//.exec(out)
      // localhost, not 127.0.0.1: the websocket's Origin must be the server's own host.
      if (m) resolve({ child, url: `http://localhost:${m[1]}` })
    })
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()))
    child.once('exit', (code) => reject(new Error(`bin/start.mjs exited (${code}): ${out}\n${err}`)))
  })
}

/** The API as the secretariat (whose token the server keeps in ACCORD_DATA/start-links.json). */
function secretariatApi(base: string, dataDir: string) {
  const token = (JSON.parse(readFileSync(path.join(dataDir, 'start-links.json'), 'utf8')) as { secretariat: { token: string } }).secretariat.token
  const call = async <T>(method: string, url: string, body: string, type: string): Promise<T> => {
    const res = await fetch(`${base}${url}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': type }, body })
    if (res.status !== 201) throw new Error(`${method} ${url} answered ${res.status}: ${await res.text()}`)
    return (await res.json()) as T
  }
  return {
    /** Creates the document with a first facilitator; answers its id. */
    create: async (text: string) => (await call<{ id: string }>('POST', '/api/documents?facilitator=Chair', text, 'text/plain; charset=utf-8')).id,
    /** A new facilitator's token. */
    facilitator: async (docId: string, name: string) =>
      (await call<{ token: string }>('POST', `/api/documents/${encodeURIComponent(docId)}/invitations`, JSON.stringify({ role: 'facilitator', name }), 'application/json')).token,
  }
}

/**
 * Installs the per-keystroke probe and puts the caret in the middle of the document: the middle
 * textblock (or the next one) that holds a run of more than 20 characters of plain text,
 * halfway through that run. `viewExpr` names the page's EditorView.
 */
async function prepare(page: Page, viewExpr: string): Promise<{ block: number; blocks: number }> {
  const placed = await page.evaluate((expr) => {
    const w = window as unknown as { __lat: number[] }
    w.__lat = []
    document.addEventListener(
      'keydown',
      (e) => {
        const t0 = e.timeStamp
        requestAnimationFrame(() => setTimeout(() => w.__lat.push(performance.now() - t0), 0))
      },
      true,
    )
    type V = import('prosemirror-view').EditorView
    const view = (0, eval)(expr) as V
    const starts: number[] = []
    view.state.doc.descendants((node, pos) => {
      if (!node.isTextblock) return true
      starts.push(pos)
      return false
    })
    for (let i = Math.floor(starts.length / 2); i < starts.length; i++) {
      const block = view.state.doc.nodeAt(starts[i])!
      let at = -1
      block.forEach((child, offset) => {
        if (at < 0 && child.isText && child.text!.length > 20) at = starts[i] + 1 + offset + Math.floor(child.text!.length / 2)
      })
      if (at < 0) continue
      const { state } = view
      const Sel = state.selection.constructor as unknown as typeof import('prosemirror-state').TextSelection
      view.focus()
      view.dispatch(state.tr.setSelection(Sel.near(state.doc.resolve(at))))
      const { node } = view.domAtPos(at)
      ;(node.nodeType === 1 ? (node as Element) : node.parentElement!).scrollIntoView({ block: 'center' })
      return { block: i, blocks: starts.length }
    }
    throw new Error('no textblock with a run of plain text after the middle')
  }, viewExpr)
  await page.waitForTimeout(500)
  return placed
}

async function typeKeys(page: Page, editor: string, viewExpr: string, keys: number, during?: { start: () => Promise<void>; stop: () => Promise<void> }): Promise<KeystrokeRow & { block: number; blocks: number }> {
  const placed = await prepare(page, viewExpr)
  const text = 'the Parties shall '
  const WARM_UP = 20
  for (let i = 0; i < WARM_UP; i++) await page.keyboard.press(text[i % text.length] === ' ' ? 'Space' : text[i % text.length])
  await page.waitForTimeout(200)
  await page.evaluate(() => ((window as unknown as { __lat: number[] }).__lat = []))
  await during?.start()
  for (let i = 0; i < keys; i++) {
    const ch = text[i % text.length]
    await page.keyboard.press(ch === ' ' ? 'Space' : ch)
    await page.waitForTimeout(30) // ~30 keys/s, a fast typist
  }
  await page.waitForTimeout(300)
  await during?.stop()
  const lat = (await page.evaluate(() => (window as unknown as { __lat: number[] }).__lat)).sort((a, b) => a - b)
  // Every character, in order, at the cursor.
  const expected = Array.from({ length: WARM_UP }, (_, i) => text[i % text.length]).join('') + Array.from({ length: keys }, (_, i) => text[i % text.length]).join('')
  const typed = await page.evaluate(
    ([expr, want]) => {
      const view = (0, eval)(expr) as import('prosemirror-view').EditorView
      return view.state.selection.$from.parent.textContent.includes(want)
    },
    [viewExpr, expected] as const,
  )
  if (!typed) throw new Error(`${editor}: the keystrokes did not reach the document`)
  if (lat.length < keys * 0.9) throw new Error(`${editor}: only ${lat.length} of ${keys} keystrokes measured`)
  const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))]
  return { editor, keys: lat.length, p50Ms: q(0.5), p95Ms: q(0.95), maxMs: lat[lat.length - 1], ...placed }
}

/**
 * A remote participant typing 3 characters a second at the start of one paragraph (chosen by
 * `seed`, far from the middle where the page types). Counts what it typed so that the caller
 * can check that the page received it.
 */
function remotePeer(wsUrl: string, docId: string, token: string, seed: number): { client: TestClient; typed: () => number; start: () => Promise<void>; stop: () => void } {
  const client = connectClient(wsUrl, docId, { token })
  let timer: NodeJS.Timeout | undefined
  let s = seed
  let typed = 0
  const synced = new Promise<void>((resolve) => client.provider.on('sync', (ok: boolean) => ok && resolve()))
  return {
    client,
    typed: () => typed,
    async start() {
      await synced
      const texts: Y.XmlText[] = []
      const walk = (el: Y.XmlElement | Y.XmlFragment) => {
        for (const c of el.toArray()) {
          if (c instanceof Y.XmlText && el instanceof Y.XmlElement && el.nodeName === 'paragraph') texts.push(c)
          else if (c instanceof Y.XmlElement) walk(c)
        }
      }
      walk(client.doc.getXmlFragment('treaty'))
      const t = texts[(seed * 97) % texts.length]
      timer = setInterval(() => {
        s = (s * 31 + 7) % 1000
        t.insert(Math.min(t.length, s % 10), 'z')
        typed++
      }, 333)
    },
    stop: () => clearInterval(timer),
  }
}

async function openAccord(browser: Browser, base: string, token: string, docId: string, groups: number): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  await context.addInitScript(() => {
    ;(window as unknown as { __accordTestHooks: boolean }).__accordTestHooks = true
  })
  const page = await context.newPage()
  await page.goto(`${base}/join#token=${token}`)
  await page.waitForURL(new RegExp(`/d/${docId}$`), { timeout: 60_000 })
  await page.waitForFunction(() => !!(window as unknown as { __accord?: unknown }).__accord && document.querySelector('.paper')?.getAttribute('data-ready') === 'true', null, { timeout: 120_000 })
  await page.waitForSelector('.treaty-editor[contenteditable=true]')
  // The bracket navigator, opened the way a person does (its toolbar button), listing every open group.
  const button = page.locator('.toolbar [data-action="bracketPanel"]')
  if ((await button.getAttribute('aria-pressed')) !== 'true') await button.click()
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="bracket-panel"] [data-testid="open-group"]').length === n, groups, { timeout: 60_000 })
  return page
}

/** Starts the page's CPU profiler; the answer stops it and writes the profile to `file`. */
async function profile(page: Page, file: string): Promise<() => Promise<void>> {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Profiler.enable')
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 })
  await cdp.send('Profiler.start')
  return async () => {
    const { profile } = await cdp.send('Profiler.stop')
    writeFileSync(file, JSON.stringify(profile))
    await cdp.detach()
  }
}

/** Records a performance trace (rendering included) of the page until the answer is called. */
async function trace(browser: Browser, page: Page, file: string): Promise<() => Promise<void>> {
  await browser.startTracing(page, { path: file, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing'] })
  return async () => void (await browser.stopTracing())
}

export interface Recording {
  /** A CPU profile of each row's typing: PREFIX.<row>.cpuprofile. */
  profile?: string
  /** A performance trace of each row's typing: PREFIX.<row>.trace.json. */
  trace?: string
}

/** Records what `options` asks for while a row types. */
function recording(browser: Browser, page: Page, options: Recording, row: string): { start: () => Promise<void>; stop: () => Promise<void> } {
  const stops: (() => Promise<void>)[] = []
  return {
    start: async () => {
      if (options.profile) stops.push(await profile(page, `${options.profile}.${row}.cpuprofile`))
      if (options.trace) stops.push(await trace(browser, page, `${options.trace}.${row}.trace.json`))
    },
    stop: async () => {
      for (const stop of stops.splice(0)) await stop()
    },
  }
}

const zCount = (page: Page) => page.evaluate(() => ((window as unknown as { __accord: { text(): string } }).__accord.text().match(/z/g) ?? []).length)

export async function runBrowserBench(spec: LargeTreatySpec, keys: number, options: Recording = {}): Promise<KeystrokeRow[]> {
  const treaty = generateLargeTreaty(spec)
  const dataDir = tempDir('accord-bench-browser-')
  const accord = await startAccord(dataDir)
  const paragraphs = textblocks(treaty.doc)
  const plain = await startStatic({ '/': plainPage(paragraphs), '/skip': plainPage(paragraphs, true) })
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] })
  const peers: ReturnType<typeof remotePeer>[] = []
  try {
    const api = secretariatApi(accord.url, dataDir)
    const id = await api.create(treaty.text)
    const rows: KeystrokeRow[] = []
    const check = (row: KeystrokeRow & { block: number; blocks: number }, want: number) => {
      if (row.blocks !== want) throw new Error(`${row.editor}: ${row.blocks} textblocks, the plain editor has ${want}`)
      rows.push(row)
      return row
    }

    const openPlain = async (page: string) => {
      const p = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage()
      await p.goto(plain.url + page)
      await p.waitForFunction(() => (window as unknown as { plainReady?: boolean }).plainReady)
      return p
    }
    const plainPageObj = await openPlain('')
    const base = await typeKeys(plainPageObj, 'plain ProseMirror (basic schema, no collaboration)', 'window.view', keys, recording(browser, plainPageObj, options, 'plain'))
    rows.push(base)
    await plainPageObj.context().close()
    const skipping = await openPlain('skip')
    check(await typeKeys(skipping, 'reference: the same, off-screen paragraphs skipped (content-visibility)', 'window.view', keys, recording(browser, skipping, options, 'skip')), base.blocks)
    await skipping.context().close()

    const VIEW = 'window.__accord.view'
    const first = await openAccord(browser, accord.url, await api.facilitator(id, 'Bench'), id, treaty.stats.brackets)
    check(await typeKeys(first, 'Accord editor, bracket navigator open', VIEW, keys, recording(browser, first, options, 'quiet')), base.blocks)
    await first.context().close()

    const wsUrl = accord.url.replace(/^http/, 'ws') + '/collab'
    peers.push(remotePeer(wsUrl, id, await api.facilitator(id, 'Peer 1'), 1), remotePeer(wsUrl, id, await api.facilitator(id, 'Peer 2'), 2))
    const page = await openAccord(browser, accord.url, await api.facilitator(id, 'Bench 2'), id, treaty.stats.brackets)
    const zBefore = await zCount(page)
    const record = recording(browser, page, options, 'peers')
    const row = await typeKeys(page, 'Accord editor, bracket navigator open, 2 remote peers typing', VIEW, keys, {
      start: async () => {
        await Promise.all(peers.map((p) => p.start()))
        await record.start()
      },
      stop: async () => {
        for (const p of peers) p.stop()
        await record.stop()
      },
    })
    check(row, base.blocks)
    // The peers' edits were accepted by the server and reached the page.
    const sent = peers.reduce((n, p) => n + p.typed(), 0)
    const denied = peers.flatMap((p) => p.client.denied)
    if (denied.length) throw new Error(`the server refused the remote peers' edits: ${denied[0]}`)
    if (sent < keys / 30) throw new Error(`the remote peers typed only ${sent} characters`)
    await waitFor(async () => (await zCount(page)) - zBefore === sent, `the page to show the ${sent} characters the remote peers typed`, 10_000)
    return rows
  } finally {
    for (const p of peers) (p.stop(), p.client.destroy())
    await browser.close()
    plain.server.close()
    const exited = new Promise((r) => accord.child.once('exit', r))
    accord.child.kill('SIGTERM')
    await exited
    removeDir(dataDir)
  }
}

export function formatBrowser(rows: KeystrokeRow[]): string {
  const base = rows[0]
  const out = ['| editor | keys | p50 | p95 | max | p50 vs plain | p95 vs plain |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: |']
  for (const r of rows) {
    out.push(`| ${r.editor} | ${r.keys} | ${r.p50Ms.toFixed(1)} ms | ${r.p95Ms.toFixed(1)} ms | ${r.maxMs.toFixed(1)} ms | ${(r.p50Ms / base.p50Ms).toFixed(2)}× | ${(r.p95Ms / base.p95Ms).toFixed(2)}× |`)
  }
  return out.join('\n')
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { TREATY_SIZES } = await import('./largeTreaty')
  const arg = (n: string) => (process.argv.indexOf(n) >= 0 ? process.argv[process.argv.indexOf(n) + 1] : undefined)
  const size = (arg('--size') ?? 'large') as keyof typeof TREATY_SIZES
  console.log(formatBrowser(await runBrowserBench(TREATY_SIZES[size], Number(arg('--keys') ?? 100), { profile: arg('--profile'), trace: arg('--trace') })))
  process.exit(0)
}
