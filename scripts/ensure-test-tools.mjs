// The tests drive Debian's Chromium (browser tests, PDF export; Playwright cannot download
// browsers on these machines), validate Akoma Ntoso with xmllint and read PDFs with
// pdftotext/pdfinfo. Installs what is missing when we are root on a Debian machine, otherwise
// says exactly what to install.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'

const chromium = process.env.ACCORD_CHROMIUM ?? '/usr/bin/chromium'
const needed = [
  { file: chromium, pkg: 'chromium' },
  { file: '/usr/bin/xmllint', pkg: 'libxml2-utils' },
  { file: '/usr/bin/pdftotext', pkg: 'poppler-utils' },
].filter((t) => !existsSync(t.file))

if (needed.length) {
  const pkgs = needed.map((t) => t.pkg)
  const canInstall = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')
  if (!canInstall) {
    console.error(`The tests need ${needed.map((t) => t.file).join(', ')}. Install them with: sudo apt-get install -y ${pkgs.join(' ')}`)
    process.exit(1)
  }
  console.error(`Installing ${pkgs.join(', ')} for the tests…`)
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' })
  execFileSync('apt-get', ['install', '-y', '-qq', ...pkgs], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
}
