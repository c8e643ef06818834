// Browser tests need Debian's Chromium at /usr/bin/chromium (Playwright cannot download
// browsers on these machines). Installs it when we are root on a Debian machine, otherwise
// says exactly what to do.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'

const CHROMIUM = process.env.ACCORD_CHROMIUM ?? '/usr/bin/chromium'
if (!existsSync(CHROMIUM)) {
  const canInstall = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')
  if (!canInstall) {
    console.error(`Browser tests need Chromium at ${CHROMIUM}. Install it with: sudo apt-get install -y chromium (or set ACCORD_CHROMIUM).`)
    process.exit(1)
  }
  console.error('Installing Debian chromium for the browser tests…')
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' })
  execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
}
