import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineConfig, devices } from '@playwright/test'

/*
 * End-to-end tests against the real server and the production build of the editor.
 *
 * The web server is what `npm start` runs (bin/start.mjs: it builds the editor when its sources
 * are newer than the build, then starts server/src/main.ts), on a free port with a fresh,
 * temporary data directory, which the server seeds with the sample treaty. It is stopped with
 * SIGTERM so that it shuts down the way it does in production.
 * The port and directory are chosen once, in the main process, and handed to the workers
 * through the environment (Playwright loads this file in every worker too).
 *
 * Browsers: Debian's Chromium (/usr/bin/chromium); Playwright cannot download its own here.
 * Set ACCORD_CHROMIUM to use another binary.
 */

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

function freePort(): number {
  // Synchronous on purpose: the config is evaluated synchronously. Port 0 asks the OS.
  const out = execFileSync(process.execPath, ['-e', "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"])
  return Number(String(out).trim())
}

process.env.ACCORD_E2E_PORT ??= String(freePort())
process.env.ACCORD_E2E_DATA ??= fs.mkdtempSync(path.join(os.tmpdir(), 'accord-e2e-'))
const port = Number(process.env.ACCORD_E2E_PORT)
const baseURL = `http://localhost:${port}`

export default defineConfig({
  testDir: './tests',
  // Two cores: documents are per test, so tests may run side by side, but not many at once.
  fullyParallel: true,
  workers: process.env.CI ? 1 : 2,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  retries: process.env.CI ? 1 : 0,
  forbidOnly: !!process.env.CI,
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : 'list',
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    viewport: { width: 1280, height: 900 },
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        viewport: { width: 1280, height: 900 },
        launchOptions: {
          executablePath: process.env.ACCORD_CHROMIUM ?? '/usr/bin/chromium',
          args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
        },
      },
    },
  ],
  webServer: {
    command: 'node bin/start.mjs',
    cwd: repoRoot,
    url: `${baseURL}/api/health`,
    env: { PORT: String(port), ACCORD_DATA: process.env.ACCORD_E2E_DATA, ACCORD_LOG: 'warn' },
    reuseExistingServer: false,
    timeout: 180_000,
    stdout: 'ignore',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
  },
})
