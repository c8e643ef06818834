import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { AccordServer } from './server'
import { API_SECURITY_HEADERS, CONTENT_SECURITY_POLICY } from './static'
import { removeDir, startTestServer, tempDir } from './testing'

let dir: string
let dist: string
let server: AccordServer
let base: string

beforeAll(async () => {
  dir = tempDir()
  dist = tempDir('accord-dist-')
  fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>Accord</title><div id="root"></div>')
  fs.mkdirSync(path.join(dist, 'assets'))
  fs.writeFileSync(path.join(dist, 'assets', 'app-1234.js'), 'console.log("accord")')
  fs.writeFileSync(path.join(dist, 'assets', 'app-1234.css'), 'body{color:#222}')
  server = await startTestServer({ dataDir: dir, distDir: dist })
  base = `http://127.0.0.1:${server.port}`
})

afterAll(async () => {
  await server.close()
  removeDir(dir)
  removeDir(dist)
})

/** The policy as a map from directive to its sources. */
function directives(policy: string | null): Map<string, string[]> {
  expect(policy, 'a Content-Security-Policy header').toBeTruthy()
  return new Map(
    policy!
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...sources]) => [name, sources]),
  )
}

function expectSecurityHeaders(res: Response, where: string): void {
  expect(res.headers.get('content-security-policy'), where).toBe(CONTENT_SECURITY_POLICY)
  expect(res.headers.get('x-content-type-options'), where).toBe('nosniff')
  expect(res.headers.get('referrer-policy'), where).toBe('no-referrer')
  expect(res.headers.get('cross-origin-opener-policy'), where).toBe('same-origin')
}

describe('security headers on the editor', () => {
  test('the policy is strict: same-origin script without inline or eval, no plugins, no base, no framing', () => {
    const csp = directives(CONTENT_SECURITY_POLICY)
    expect(csp.get('default-src')).toEqual(["'self'"])
    expect(csp.get('script-src')).toEqual(["'self'", "'report-sample'"])
    expect(csp.get('style-src')).toEqual(["'self'"])
    expect(csp.get('connect-src')).toEqual(["'self'"])
    expect(csp.get('img-src')).toEqual(["'self'", 'data:', 'blob:'])
    expect(csp.get('object-src')).toEqual(["'none'"])
    expect(csp.get('base-uri')).toEqual(["'none'"])
    expect(csp.get('frame-ancestors')).toEqual(["'none'"])
    expect(csp.get('form-action')).toEqual(["'self'"])
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|unsafe-hashes|wasm-unsafe-eval|\*/)
  })

  test('every page, client route, asset and error answer carries them', async () => {
    for (const pathname of ['/', '/d/x', '/join', '/assets/app-1234.js', '/assets/app-1234.css', '/assets/missing.js', '/%E0%A4%A']) {
      const res = await fetch(base + pathname)
      await res.arrayBuffer()
      expectSecurityHeaders(res, pathname)
    }
    const head = await fetch(`${base}/d/x`, { method: 'HEAD' })
    expectSecurityHeaders(head, 'HEAD /d/x')
  })

  test('the not-built page allows its own inline style by hash, and nothing else', async () => {
    const bare = await startTestServer({ dataDir: tempDir(), distDir: path.join(dir, 'no-such-dist') })
    try {
      const res = await fetch(`http://127.0.0.1:${bare.port}/d/whatever`)
      expect(res.status).toBe(503)
      const html = await res.text()
      const style = /<style>([^<]*)<\/style>/.exec(html)![1]
      const csp = directives(res.headers.get('content-security-policy'))
      expect(csp.get('default-src')).toEqual(["'none'"])
      expect(csp.get('style-src')).toEqual([`'sha256-${createHash('sha256').update(style).digest('base64')}'`])
      expect(csp.get('frame-ancestors')).toEqual(["'none'"])
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      expect(html).not.toMatch(/<script/i)
    } finally {
      await bare.close()
      removeDir(bare.config.dataDir)
    }
  })

  test("the API's policy (for http.ts to send) runs nothing at all and sandboxes what it serves", () => {
    const csp = directives(API_SECURITY_HEADERS['content-security-policy'])
    expect(csp.get('default-src')).toEqual(["'none'"])
    expect(csp.has('script-src')).toBe(false)
    expect(csp.get('frame-ancestors')).toEqual(["'none'"])
    expect(csp.get('sandbox')).toEqual([])
    expect(API_SECURITY_HEADERS['x-content-type-options']).toBe('nosniff')
  })
})
