import fs from 'node:fs'
import path from 'node:path'
import { fromTreatyJSON, toTreatyFile } from '@accord/schema'
import { sampleTreatyText } from '@accord/treaty-io/sample'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { AccordServer } from './server'
import { connectClient, firstText, invite, removeDir, smallTreaty, startTestServer, tempDir, waitFor } from './testing'

let dir: string
let dist: string
let server: AccordServer
let base: string
/** A secretariat token: sees and may do everything (the role tests are in access.test.ts). */
let token: string

beforeAll(async () => {
  dir = tempDir()
  dist = tempDir('accord-dist-')
  fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>Accord</title><div id="root"></div>')
  fs.mkdirSync(path.join(dist, 'assets'))
  fs.writeFileSync(path.join(dist, 'assets', 'app-1234.js'), 'console.log("accord")')
  server = await startTestServer({ dataDir: dir, distDir: dist, maxBodyBytes: 256 * 1024 })
  base = `http://127.0.0.1:${server.port}`
  token = invite(server, null, 'secretariat').token
})

/** fetch with the secretariat's token. */
const authFetch = (url: string, init: RequestInit = {}) => fetch(url, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) } })

afterAll(async () => {
  await server.close()
  removeDir(dir)
  removeDir(dist)
})

async function api(pathname: string, init?: RequestInit): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await authFetch(base + pathname, init)
  const text = await res.text()
  let body: unknown = text
  if (res.headers.get('content-type')?.includes('json')) body = JSON.parse(text)
  return { status: res.status, body, headers: res.headers }
}

const postText = (text: string | Uint8Array, type = 'text/plain; charset=utf-8') =>
  api('/api/documents', { method: 'POST', headers: { 'content-type': type }, body: text as BodyInit })
const postJSON = (json: unknown) => api('/api/documents', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(json) })

function expectError(res: { status: number; body: any }, status: number, code: string, message?: RegExp) {
  expect(res.status).toBe(status)
  expect(res.body.error.code).toBe(code)
  expect(typeof res.body.error.message).toBe('string')
  if (message) expect(res.body.error.message).toMatch(message)
}

describe('GET /api/health', () => {
  test('answers ok with live figures', async () => {
    const res = await api('/api/health')
    expect(res.status).toBe(200)
    expect(res.body.ok).toBe(true)
    expect(typeof res.body.connections).toBe('number')
  })
})

describe('documents', () => {
  let sampleId: string
  let smallId: string

  test('POST text/plain imports the treaty text and answers 201 with the id and warnings', async () => {
    const res = await postText(sampleTreatyText())
    expect(res.status).toBe(201)
    expect(res.body.id).toMatch(/^[0-9a-z]{12}$/)
    expect(Array.isArray(res.body.warnings)).toBe(true)
    expect(res.headers.get('location')).toBe(`/api/documents/${res.body.id}`)
    sampleId = res.body.id
  })

  test('POST application/json accepts a document file and a bare ProseMirror document', async () => {
    const file = await postJSON(toTreatyFile(smallTreaty('Small Treaty')))
    expect(file.status).toBe(201)
    smallId = file.body.id
    const bare = await postJSON(smallTreaty('Bare').toJSON())
    expect(bare.status).toBe(201)
    expect(bare.body.id).not.toBe(smallId)
  })

  test('GET /api/documents lists id, title and updated', async () => {
    const res = await api('/api/documents')
    expect(res.status).toBe(200)
    const small = res.body.find((d: { id: string }) => d.id === smallId)
    expect(small).toMatchObject({ id: smallId, title: 'Small Treaty' })
    expect(Number.isNaN(Date.parse(small.updated))).toBe(false)
    const sample = res.body.find((d: { id: string }) => d.id === sampleId)
    expect(sample.title).toContain('[议定书][协议]')
  })

  test('GET /api/documents/:id answers the document JSON', async () => {
    const res = await api(`/api/documents/${smallId}`)
    expect(res.status).toBe(200)
    expect(res.body.format).toBe('accord-treaty')
    expect(fromTreatyJSON(res.body).eq(smallTreaty('Small Treaty'))).toBe(true)
    const sample = fromTreatyJSON((await api(`/api/documents/${sampleId}`)).body)
    let articles = 0
    sample.descendants((node) => {
      if (node.type.name === 'article') articles++
      return true
    })
    expect(articles).toBe(6)
  })

  test('GET /api/documents/:id follows live edits', async () => {
    const client = connectClient(server, smallId)
    try {
      await waitFor(() => client.provider.synced, 'the client to sync')
      firstText(client.doc, 'title').insert(0, 'Revised ')
      await waitFor(async () => JSON.stringify((await api(`/api/documents/${smallId}`)).body).includes('Revised Small Treaty'), 'the edit in the document JSON')
      // The listed title follows once the room has inspected the document.
      await waitFor(async () => (await api('/api/documents')).body.some((d: { title: string }) => d.title === 'Revised Small Treaty'), 'the new title in the list')
    } finally {
      client.destroy()
    }
  })

  test('export: negotiating text keeps brackets; html and md have their types', async () => {
    const text = await authFetch(`${base}/api/documents/${sampleId}/export?format=text&mode=negotiating`)
    // An inline HTML export must never run anything: the API's answers are sandboxed.
    expect(text.headers.get('content-security-policy')).toMatch(/sandbox/)
    expect(text.headers.get('x-content-type-options')).toBe('nosniff')
    expect(text.status).toBe(200)
    expect(text.headers.get('content-type')).toMatch(/^text\/plain/)
    expect(await text.text()).toContain('[议定书][协议]')
    expect(text.headers.get('content-disposition')).toMatch(/filename\*=UTF-8''/)
    const html = await authFetch(`${base}/api/documents/${sampleId}/export?format=html&mode=negotiating`)
    expect(html.status).toBe(200)
    expect(html.headers.get('content-type')).toMatch(/^text\/html/)
    const md = await authFetch(`${base}/api/documents/${smallId}/export?format=md&mode=clean`)
    expect(md.status).toBe(200)
    expect(await md.text()).toContain('Revised Small Treaty')
  })

  test('export: Word, Akoma Ntoso and PDF with their types and a download name', async () => {
    const expected = [
      ['docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'PK', /^attachment; filename=".+\.docx"/],
      ['akn', 'application/akn+xml; charset=utf-8', '<?xml', /^inline; filename=".+\.akn\.xml"/],
      ['pdf', 'application/pdf', '%PDF-', /^attachment; filename=".+\.pdf"/],
    ] as const
    for (const [format, type, magic, disposition] of expected) {
      const res = await authFetch(`${base}/api/documents/${sampleId}/export?format=${format}&mode=negotiating`)
      expect(res.status, format).toBe(200)
      expect(res.headers.get('content-type')).toBe(type)
      expect(res.headers.get('content-disposition')).toMatch(disposition)
      const bytes = Buffer.from(await res.arrayBuffer())
      expect(bytes.subarray(0, magic.length).toString('latin1')).toBe(magic)
      expect(Number(res.headers.get('content-length'))).toBe(bytes.length)
      expectError(await api(`/api/documents/${sampleId}/export?format=${format}&mode=clean`), 409, 'open-brackets', /Title|Article/)
    }
  }, 60_000)

  test('export: clean text with open brackets answers 409 with every open item', async () => {
    const res = await api(`/api/documents/${sampleId}/export?format=text&mode=clean`)
    expectError(res, 409, 'open-brackets', /mode=negotiating/)
    expect(res.body.error.open.length).toBeGreaterThanOrEqual(20)
    expect(res.body.error.open[0]).toMatchObject({ kind: expect.any(String), location: expect.any(String), text: expect.any(String) })
  })

  test('export: bad format or mode answers 400; unknown id 404', async () => {
    expectError(await api(`/api/documents/${smallId}/export?format=odt`), 400, 'bad-format', /text, html, md, docx, akn, pdf/)
    expectError(await api(`/api/documents/${smallId}/export?format=text&mode=final`), 400, 'bad-mode', /clean, negotiating/)
    expectError(await api('/api/documents/nosuchdoc1234/export?format=text'), 404, 'not-found')
  })

  test('unknown ids answer 404', async () => {
    expectError(await api('/api/documents/nosuchdoc1234'), 404, 'not-found')
    expectError(await api('/api/documents/..%2F..%2Fetc'), 404, 'not-found')
    expectError(await api(`/api/documents/${'x'.repeat(500)}`), 404, 'not-found')
  })
})

describe('bad requests are answered, never crash the server', () => {
  test('bad JSON: 400', async () => {
    expectError(await api('/api/documents', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"format": ' }), 400, 'bad-json')
  })

  test('JSON that is not a treaty: 422 with the reason', async () => {
    expectError(await postJSON({ format: 'accord-treaty', version: 1, doc: { type: 'doc', content: [{ type: 'paragraph' }] } }), 422, 'invalid-document', /schema/)
    expectError(await postJSON({ format: 'something-else' }), 422, 'invalid-document', /unknown document format/)
    expectError(await postJSON([1, 2, 3]), 422, 'invalid-document')
    expectError(await postJSON('a string'), 422, 'invalid-document')
    expectError(await postJSON(null), 422, 'invalid-document')
  })

  test('text the importer refuses: 422 with its code', async () => {
    expectError(await postText(''), 422, 'empty')
    expectError(await postText('   \n\n  '), 422, 'empty')
    expectError(await postText('Article 1\u0000binary'), 422, 'binary')
  })

  test('bodies that are not UTF-8 text: 400 or 415', async () => {
    expectError(await postText(new Uint8Array([0xff, 0xfe, 0x41, 0xc3])), 400, 'bad-encoding')
    expectError(await postText('Article 1', 'text/plain; charset=iso-8859-1'), 415, 'unsupported-charset')
    expectError(await postText('Article 1', 'application/x-www-form-urlencoded'), 415, 'unsupported-media-type')
    expectError(await api('/api/documents', { method: 'POST', body: new Uint8Array([1, 2, 3]) }), 415, 'unsupported-media-type')
  })

  test('a body past the limit: 413', async () => {
    expectError(await postText('Article 1\n'.repeat(40_000)), 413, 'too-large', /262144/)
    expectError(await postJSON({ doc: 'x'.repeat(300_000) }), 413, 'too-large')
  })

  test('unknown routes and methods: 404 and 405 as JSON', async () => {
    expectError(await api('/api/nothing-here'), 404, 'not-found')
    expectError(await api('/api'), 404, 'not-found')
    const del = await api('/api/documents', { method: 'DELETE' })
    expectError(del, 405, 'method-not-allowed')
    expect(del.headers.get('allow')).toBe('GET, POST')
    expectError(await api('/api/health', { method: 'POST' }), 405, 'method-not-allowed')
    expectError(await api('/', { method: 'POST' }), 405, 'method-not-allowed')
    expectError(await api('/collab/abc'), 426, 'upgrade-required')
  })

  test('the server is still healthy afterwards', async () => {
    expect((await api('/api/health')).body.ok).toBe(true)
  })
})

describe('the editor', () => {
  test('serves the build, index.html for client routes, 404 for missing files', async () => {
    const index = await fetch(`${base}/`)
    expect(index.status).toBe(200)
    expect(index.headers.get('content-type')).toMatch(/text\/html/)
    expect(await index.text()).toContain('<div id="root">')
    const route = await fetch(`${base}/d/abc123`)
    expect(route.status).toBe(200)
    expect(await route.text()).toContain('<div id="root">')
    const asset = await fetch(`${base}/assets/app-1234.js`)
    expect(asset.status).toBe(200)
    expect(asset.headers.get('content-type')).toMatch(/javascript/)
    expect(asset.headers.get('cache-control')).toContain('immutable')
    expect((await fetch(`${base}/assets/missing.js`)).status).toBe(404)
    const traversal = await fetch(`${base}/%2e%2e/%2e%2e/etc/passwd`)
    expect(await traversal.text()).not.toContain('root:')
  })

  test('without a build, pages answer 503 saying how to build it', async () => {
    const bare = await startTestServer({ dataDir: tempDir(), distDir: path.join(dir, 'no-such-dist') })
    try {
      const res = await fetch(`http://127.0.0.1:${bare.port}/d/whatever`)
      expect(res.status).toBe(503)
      expect(await res.text()).toContain('npm run build')
      // The API works regardless.
      expect((await fetch(`http://127.0.0.1:${bare.port}/api/health`)).status).toBe(200)
    } finally {
      await bare.close()
      removeDir(bare.config.dataDir)
    }
  })
})

describe('a fresh data directory', () => {
  test('gets the sample treaty as its first document, once', async () => {
    const fresh = tempDir()
    const first = await startTestServer({ dataDir: fresh, seedSample: true })
    const id = first.sampleId
    expect(id).toBeTruthy()
    await first.close()
    const second = await startTestServer({ dataDir: fresh, seedSample: true })
    try {
      expect(second.sampleId).toBe(id)
      const list = await (await fetch(`http://127.0.0.1:${second.port}/api/documents`, { headers: { authorization: `Bearer ${invite(second, null, 'secretariat').token}` } })).json()
      expect(list).toHaveLength(1)
    } finally {
      await second.close()
      removeDir(fresh)
    }
  })
})
