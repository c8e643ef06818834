import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Page } from 'playwright'
import * as Y from 'yjs'
import { connectClient, removeDir, tempDir, waitFor, type TestClient } from '../server/src/testing'
import { generateLargeTreaty, type LargeTreatySpec } from './largeTreaty'

/*
 * Keystroke benchmark in Chromium: typing in the middle of a generated treaty in the Accord
 * editor (real server from bin/start.mjs, the document imported through the API) against the
 * same text in a plain ProseMirror editor (prosemirror-schema-basic, no collaboration) served
 * from a tiny static page, in the same run. Per keystroke: from the keydown event's timestamp
 * to just after the next frame (requestAnimationFrame, then a task, so layout and paint of the
 * frame are included). A third row types in Accord while two remote peers (y-websocket
 * clients in this process) type 3 characters a second each elsewhere in the document.
 *
 * Run alone: `npx tsx bench/browser.ts [--size large] [--keys 200]`.
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

function plainPage(text: string): string {
  const imports: Record<string, string> = {}
  for (const name of PM_MODULES) {
    const pkg = JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')) as { module?: string; main?: string }
    imports[name] = `/node_modules/${name}/${pkg.module ?? pkg.main ?? 'index.js'}`
  }
  const paragraphs = text.split(/\n\n+/).filter(Boolean)
  return `<!doctype html><meta charset="utf-8"><title>plain</title>
<style>.ProseMirror{white-space:pre-wrap;max-width:800px;margin:auto;font:16px serif}</style>
<script type="importmap">${JSON.stringify({ imports })}</script>
<div id="editor"></div>
<script type="module">
import { schema } from 'prosemirror-schema-basic'
import { EditorState } from 'prosemirror-state'
import { EditorView } from 'prosemirror-view'
import { keymap } from 'prosemirror-keymap'
import { baseKeymap } from 'prosemirror-commands'
const paragraphs = ${JSON.stringify(paragraphs)}
const doc = schema.node('doc', null, paragraphs.map((p) => schema.node('paragraph', null, [schema.text(p)])))
window.view = new EditorView(document.querySelector('#editor'), { state: EditorState.create({ doc, plugins: [keymap(baseKeymap)] }) })
window.plainReady = true
</script>`
}

function startStatic(html: string): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(html)
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
      if (m) resolve({ child, url: `http://127.0.0.1:${m[1]}` })
    })
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()))
    child.once('exit', (code) => reject(new Error(`bin/start.mjs exited (${code}): ${out}\n${err}`)))
  })
}

/** Installs the per-keystroke probe and puts the caret in the middle of the editor's text. */
async function prepare(page: Page): Promise<void> {
  await page.evaluate(() => {
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
    const editor = document.querySelector('.ProseMirror') as HTMLElement
    const walker = document.createTreeWalker(editor, NodeFilter.SHOW_TEXT)
    const nodes: Text[] = []
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const t = n as Text
      const el = t.parentElement
      if (t.data.length > 20 && el && el.isContentEditable && !el.closest('[contenteditable=false]')) nodes.push(t)
    }
    const target = nodes[Math.floor(nodes.length / 2)]
    editor.focus()
    const range = document.createRange()
    range.setStart(target, Math.floor(target.data.length / 2))
    range.collapse(true)
    const sel = window.getSelection()!
    sel.removeAllRanges()
    sel.addRange(range)
    target.parentElement!.scrollIntoView({ block: 'center' })
  })
  await page.waitForTimeout(300)
}

async function typeKeys(page: Page, editor: string, keys: number): Promise<KeystrokeRow> {
  await prepare(page)
  const text = 'the Parties shall '
  for (let i = 0; i < 20; i++) await page.keyboard.press(text[i % text.length] === ' ' ? 'Space' : text[i % text.length]) // warm-up
  await page.waitForTimeout(200)
  await page.evaluate(() => ((window as unknown as { __lat: number[] }).__lat = []))
  for (let i = 0; i < keys; i++) {
    const ch = text[i % text.length]
    await page.keyboard.press(ch === ' ' ? 'Space' : ch)
    await page.waitForTimeout(30) // ~30 keys/s, a fast typist
  }
  await page.waitForTimeout(300)
  const lat = (await page.evaluate(() => (window as unknown as { __lat: number[] }).__lat)).sort((a, b) => a - b)
  const typed = await page.evaluate(() => document.querySelector('.ProseMirror')!.textContent!.includes('shall the Parties shall the Parties'))
  if (!typed) throw new Error(`${editor}: the keystrokes did not reach the document`)
  if (lat.length < keys * 0.9) throw new Error(`${editor}: only ${lat.length} of ${keys} keystrokes measured`)
  const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))]
  return { editor, keys: lat.length, p50Ms: q(0.5), p95Ms: q(0.95), maxMs: lat[lat.length - 1] }
}

function remotePeer(url: string, docId: string, seed: number): { client: TestClient; stop: () => void } {
  const client = connectClient(url, docId)
  let timer: NodeJS.Timeout | undefined
  let s = seed
  const start = () => {
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
    }, 333)
  }
  client.provider.on('sync', (ok: boolean) => {
    if (ok && !timer) start()
  })
  return { client, stop: () => (clearInterval(timer), client.destroy()) }
}

export async function runBrowserBench(spec: LargeTreatySpec, keys: number): Promise<KeystrokeRow[]> {
  const treaty = generateLargeTreaty(spec)
  const dataDir = tempDir('accord-bench-browser-')
  const accord = await startAccord(dataDir)
  const plain = await startStatic(plainPage(treaty.text))
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] })
  const peers: { stop: () => void }[] = []
  try {
    const res = await fetch(`${accord.url}/api/documents`, { method: 'POST', headers: { 'content-type': 'text/plain; charset=utf-8' }, body: treaty.text })
    if (res.status !== 201) throw new Error(`import failed: ${res.status} ${await res.text()}`)
    const { id } = (await res.json()) as { id: string }
    const rows: KeystrokeRow[] = []

    const plainPageObj = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage()
    await plainPageObj.goto(plain.url)
    await plainPageObj.waitForFunction(() => (window as unknown as { plainReady?: boolean }).plainReady)
    rows.push(await typeKeys(plainPageObj, 'plain ProseMirror (basic schema, no collaboration)', keys))

    const openAccord = async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
      await context.addInitScript(() => localStorage.setItem('accord.user', JSON.stringify({ name: 'Bench', color: '#1f77b4' })))
      const page = await context.newPage()
      await page.goto(`${accord.url}/d/${encodeURIComponent(id)}`)
      await page.waitForFunction(() => document.querySelector('.paper')?.getAttribute('data-ready') === 'true', null, { timeout: 60_000 })
      await page.waitForSelector('.ProseMirror[contenteditable=true]')
      return page
    }
    rows.push(await typeKeys(await openAccord(), 'Accord editor', keys))

    const wsUrl = accord.url.replace('http', 'ws') + '/collab'
    peers.push(remotePeer(wsUrl, id, 1), remotePeer(wsUrl, id, 2))
    await waitFor(() => true)
    rows.push(await typeKeys(await openAccord(), 'Accord editor, 2 remote peers typing', keys))
    return rows
  } finally {
    for (const p of peers) p.stop()
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
  console.log(formatBrowser(await runBrowserBench(TREATY_SIZES[size], Number(arg('--keys') ?? 100))))
  process.exit(0)
}
