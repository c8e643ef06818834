import path from 'node:path'
import { configFromEnv } from './config'
import { startServer } from './server'
import { ensureStartLinks } from './startLinks'
import { createLogger } from './log'

/*
 * `node --import tsx server/src/main.ts`: the server as a process. Configuration comes from the
 * environment (see configFromEnv). stdout carries the lines a person (or a parent process, such
 * as the crash test) reads: "Accord is running at http://localhost:PORT/"; logs go to stderr.
 * SIGTERM / SIGINT stop it gracefully (everything flushed) with exit code 0.
 */

async function main(): Promise<void> {
  let config
  try {
    config = configFromEnv(process.env)
  } catch (error) {
    process.stderr.write(`accord: ${(error as Error).message}\n`)
    process.exit(2)
  }
  const server = await startServer(config)
  process.stdout.write(`Accord is running at ${server.url}\n`)
  // Negotiating texts are not public: these links sign people in (keep them to yourself).
  const links = ensureStartLinks({ access: server.access, dataDir: path.resolve(server.config.dataDir), sampleId: server.sampleId, logger: createLogger('warn') })
  const lines = ['', 'Sign in with one of these links (each one is a person; keep them private):', `  Secretariat (create documents, invite):  ${links.secretariat}`]
  if (links.sample) {
    lines.push(`Sample treaty (${links.sample.docId}):`)
    lines.push(`  Facilitator (Chair):  ${links.sample.facilitator}`)
    for (const d of links.sample.delegations) lines.push(`  Delegation of ${d.name} (${d.state}):  ${d.link}`)
    lines.push(`  Observer:  ${links.sample.observer}`)
  }
  lines.push('More: npx accord invite DOC_ID --role facilitator|delegation|observer --name NAME [--state CODE]', '')
  process.stdout.write(lines.join('\n') + '\n')

  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    process.stderr.write(`accord: ${signal}, stopping\n`)
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`accord: shutdown failed: ${(error as Error)?.stack ?? error}\n`)
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
}

main().catch((error: unknown) => {
  const e = error as NodeJS.ErrnoException & { port?: number }
  if (e?.code === 'EADDRINUSE') process.stderr.write(`accord: port ${e.port ?? ''} is in use; set PORT to another port\n`)
  else process.stderr.write(`accord: could not start: ${e?.stack ?? error}\n`)
  process.exit(1)
})
