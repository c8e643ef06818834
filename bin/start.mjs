#!/usr/bin/env node
// `npm start`: builds the editor when its build is missing or older than its sources, then runs
// the server (TypeScript, through tsx) in the foreground. The server prints the address to open
// and the sample treaty's. Ctrl-C (or SIGTERM) stops it gracefully: every edit is flushed first.
//
// Environment: PORT (8080), ACCORD_DATA (./data), and the rest of server/src/config.ts.
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const dist = path.join(root, 'apps', 'editor', 'dist', 'index.html')

/** Newest modification time under `target` (a file or a directory), skipping node_modules and builds. */
function newest(target) {
  let stat
  try {
    stat = fs.statSync(target)
  } catch {
    return 0
  }
  if (!stat.isDirectory()) return stat.mtimeMs
  let latest = stat.mtimeMs
  for (const entry of fs.readdirSync(target)) {
    if (entry === 'node_modules' || entry === 'dist' || entry.startsWith('.')) continue
    latest = Math.max(latest, newest(path.join(target, entry)))
  }
  return latest
}

/** What the editor bundle is built from: its own sources, the workspace packages it imports, the vite config. */
function sourcesTime() {
  const packages = path.join(root, 'packages')
  const inputs = [path.join(root, 'apps', 'editor'), path.join(root, 'vite.config.ts')]
  if (fs.existsSync(packages)) for (const name of fs.readdirSync(packages)) inputs.push(path.join(packages, name, 'src'))
  return Math.max(...inputs.map(newest))
}

function buildEditor() {
  const built = newest(dist)
  if (built && built >= sourcesTime()) return
  console.log(built ? 'The editor changed since its last build; building it (vite build)…' : 'Building the editor (vite build)…')
  const viteBin = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js')
  const result = fs.existsSync(viteBin)
    ? spawnSync(process.execPath, [viteBin, 'build'], { cwd: root, stdio: 'inherit' })
    : spawnSync(process.platform === 'win32' ? 'npx.cmd' : 'npx', ['vite', 'build'], { cwd: root, stdio: 'inherit' })
  if (result.status === 0) return
  if (fs.existsSync(dist)) console.error('\nThe editor build failed (see above); serving the previous build.\n')
  else console.error('\nThe editor build failed (see above); the server starts anyway, and its pages say how to build the editor.\n')
}

buildEditor()

const server = spawn(process.execPath, ['--import', 'tsx', path.join('server', 'src', 'main.ts')], { cwd: root, stdio: 'inherit', env: process.env })

let stopping = false
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    // Ctrl-C reaches the server too (same process group); forwarding covers a SIGTERM sent to this process alone.
    if (!stopping) console.log('\nStopping Accord (saving everything)…')
    stopping = true
    if (server.exitCode === null) server.kill(signal)
  })
}
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
server.on('error', (error) => {
  console.error(`Could not start the server: ${error.message}`)
  process.exit(1)
})
