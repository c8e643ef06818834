import { createHash } from 'node:crypto'
import fs from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import path from 'node:path'

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
}

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Accord: the editor is not built</title>
<style>body{font:18px/1.5 system-ui,sans-serif;max-width:40em;margin:4em auto;padding:0 1em;color:#222}code{background:#f2f2f2;padding:.1em .3em;border-radius:3px}</style>
</head><body>
<h1>The editor has not been built yet</h1>
<p>The Accord server is running (its API answers at <code>/api/health</code>), but there is no built editor to serve.</p>
<p>Run <code>npm run build</code> in the repository, then reload this page. <code>npm start</code> builds it for you when it is missing or out of date.</p>
</body></html>
`

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile()
  } catch {
    return false
  }
}

/**
 * The editor's Content-Security-Policy. It is what keeps text from another delegation inert
 * even if some path were to turn it into markup: no inline or evaluated script, no plugins, no
 * `<base>` to re-point the bundle, no framing (clickjacking a facilitator's Resolve button),
 * no form posting elsewhere. `connect-src 'self'` covers the collaboration websocket on the
 * same host and port (CSP 3 matches ws:/wss: to 'self'). Styles come from the bundle's
 * stylesheet only; React's `style` props and ProseMirror's decorations set styles through the
 * CSSOM, which CSP does not govern. The favicon is a data: URL.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  // 'report-sample': a refused inline handler is reported with its first characters.
  "script-src 'self' 'report-sample'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ')

/**
 * Sent with every page and file the server serves outside the API. `no-referrer`: invitation
 * links keep the token in the fragment, which no Referer carries, but nothing else in a URL
 * needs to leave either.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
}

/**
 * For the API's answers (JSON, and exports, some of which are HTML served inline): nothing in
 * them is ever to run or be framed, even if a browser were sent to one directly, and a
 * `sandbox` gives such a page an opaque origin, away from the editor's storage and tokens.
 */
export const API_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'; sandbox",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
}

// The not-built page's one inline <style>, allowed by its hash and nothing else.
const NOT_BUILT_STYLE = /<style>([^<]*)<\/style>/.exec(NOT_BUILT_PAGE)![1]
const NOT_BUILT_HEADERS: Readonly<Record<string, string>> = {
  ...SECURITY_HEADERS,
  'content-security-policy': `default-src 'none'; style-src 'sha256-${createHash('sha256').update(NOT_BUILT_STYLE).digest('base64')}'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'`,
}

function send(res: ServerResponse, status: number, type: string, body: string, headers: Readonly<Record<string, string>> = SECURITY_HEADERS): void {
  res.writeHead(status, { ...headers, 'content-type': type, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' })
  res.end(body)
}

/**
 * Serves the built editor from `distDir`. Paths without an extension are client routes and get
 * index.html; a missing build answers 503 with a page saying how to build it. Files are
 * looked up inside `distDir` only. Every answer carries SECURITY_HEADERS.
 */
export function serveStatic(req: IncomingMessage, res: ServerResponse, distDir: string, pathname: string): void {
  const root = path.resolve(distDir)
  const index = path.join(root, 'index.html')
  if (!isFile(index)) return send(res, 503, 'text/html; charset=utf-8', NOT_BUILT_PAGE, NOT_BUILT_HEADERS)

  let decoded: string
  try {
    decoded = decodeURIComponent(pathname)
  } catch {
    return send(res, 400, 'text/plain; charset=utf-8', 'The path is not valid URL encoding.\n')
  }
  if (decoded.includes('\0')) return send(res, 400, 'text/plain; charset=utf-8', 'The path is not valid.\n')
  const file = path.resolve(root, '.' + path.posix.normalize('/' + decoded))
  const inside = file === root || file.startsWith(root + path.sep)

  let target: string
  if (inside && isFile(file)) target = file
  else if (path.extname(decoded) === '' || decoded.endsWith('/')) target = index
  else return send(res, 404, 'text/plain; charset=utf-8', `Not found: ${pathname}\n`)

  const ext = path.extname(target).toLowerCase()
  // Vite fingerprints what it puts under assets/; everything else (index.html) must be revalidated.
  const immutable = target !== index && target.startsWith(path.join(root, 'assets') + path.sep)
  const stat = fs.statSync(target)
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': CONTENT_TYPES[ext] ?? 'application/octet-stream',
    'content-length': stat.size,
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  })
  if (req.method === 'HEAD') return void res.end()
  const stream = fs.createReadStream(target)
  stream.on('error', () => res.destroy())
  stream.pipe(res)
}
