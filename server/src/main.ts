import { configFromEnv } from './config'
import { startServer } from './server'

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
  if (server.sampleId) process.stdout.write(`Sample treaty: ${new URL(server.config.documentPath(server.sampleId), server.url)}\n`)

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
