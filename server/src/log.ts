/** The server's log: one line per event, quiet in tests (level 'silent' or an injected logger). */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent'

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
}

const rank: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 }

function format(message: string, fields?: Record<string, unknown>): string {
  if (!fields) return message
  const parts = Object.entries(fields).map(([k, v]) => `${k}=${typeof v === 'string' ? JSON.stringify(v) : v instanceof Error ? JSON.stringify(v.message) : JSON.stringify(v)}`)
  return `${message} ${parts.join(' ')}`
}

/** Logs to stderr (stdout is kept for the lines a person or a parent process reads). */
export function createLogger(level: LogLevel): Logger {
  const at = rank[level]
  const write = (lvl: Exclude<LogLevel, 'silent'>) => (message: string, fields?: Record<string, unknown>) => {
    if (rank[lvl] < at) return
    process.stderr.write(`${new Date().toISOString()} ${lvl.padEnd(5)} ${format(message, fields)}\n`)
  }
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') }
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} }
