import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { basename, extname } from 'node:path'
import type { Node as PMNode } from 'prosemirror-model'
import { EditorState } from 'prosemirror-state'
import { DocumentError, fromTreatyJSON, toTreatyFile, treatySchema } from '@accord/schema'
import { resolveInTransaction, textDecisions } from '@accord/bracket-variants/prosemirror'
import {
  EXPORT_FORMATS,
  EXPORT_MODES,
  exportDocument,
  ImportError,
  importText,
  MAX_IMPORT_BYTES,
  treatyStats,
  type ExportMode,
  type ImportWarning,
} from '@accord/treaty-io'
import { AknImportError, exportAkomaNtoso, exportDocx, importAkomaNtoso } from '@accord/exports'
import { formatReport } from '../server/src/ledger'
import { createDocument, DataDirError, dataDirOptions, invite, listDocuments, participants, revoke, type DataDirOptions } from './dataDir'
import { verifyDocumentIn } from './verify'

/**
 * The `accord` command: the secretariat's tool for importing, inspecting, resolving and
 * exporting treaty documents from a shell or a script.
 *
 * Exit status: 0 done (warnings or not), 1 the input cannot be used (the message says why),
 * 2 the command line is wrong, 3 a clean export was refused because brackets are open.
 */

export interface Io {
  out: (text: string) => void
  err: (text: string) => void
  /** Binary output (Word, PDF) to stdout; absent where only text can go. */
  outBytes?: (bytes: Uint8Array) => void
}

const processIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  outBytes: (b) => {
    if (process.stdout.isTTY) throw new CliError(2, 'this format is binary: write it to a file with -o FILE (or pipe stdout)')
    process.stdout.write(b)
  },
}

/** Every --format: the text formats of treaty-io, then Word, Akoma Ntoso and PDF. */
const ALL_FORMATS = [...EXPORT_FORMATS, 'docx', 'akn', 'pdf'] as const

export const USAGE = `usage: accord <command> [options]

  accord import FILE [-o OUT.json]     import a treaty from plain text; warnings go to stderr
  accord stats DOC                     print figures about a document as JSON
  accord resolve DOC --choose TEXT [-o OUT.json]
                                       resolve every open bracket group that has an
                                       alternative reading exactly TEXT
  accord export DOC --format text|html|md|docx|akn|pdf --mode clean|negotiating [-o FILE]
                                       docx and pdf are binary: give -o FILE or pipe stdout

On the server's data directory (ACCORD_DATA, default ./data; also while the server runs):
  accord list [--json]                 the documents: id and title
  accord create DOC [--facilitator NAME] [--json]
                                       a new document from a treaty file, and its first facilitator
  accord invite DOC_ID --role facilitator|delegation|observer --name NAME [--state CODE] [--json]
  accord invite --role secretariat --name NAME [--json]
                                       prints an invitation link and its token (--json: {link, token});
                                       a delegation needs its State's ISO 3166 code (FR, CN, BR…)
  accord participants DOC_ID [--json] who is invited to a document
  accord revoke PARTICIPANT_ID         revokes an invitation; live connections are cut
  accord verify DOC_ID [--json]        checks the document's tamper-evident ledger: its hash chain,
                                       and that replaying it rebuilds the stored text and every
                                       named revision exactly; status 1 and where, when not
Links start with ACCORD_PUBLIC_URL (default http://localhost:PORT, PORT default 8080).

DOC is a .txt file (imported on the fly), a document .json written by \`accord import\`
or an Akoma Ntoso .xml file.
Exit status: 0 done, 1 unusable input (or verify failed), 2 wrong command line, 3 clean export refused (open brackets).
`

/** A failure with the exit status it deserves and a message for a person. */
class CliError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

interface Parsed {
  positional: string[]
  flags: Map<string, string>
}

function parseArgs(args: string[], valued: string[], switches: string[] = []): Parsed {
  const positional: string[] = []
  const flags = new Map<string, string>()
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if (a.startsWith('-') && a !== '-') {
      const [name, inline] = a.split(/=(.*)/s, 2)
      const key = name.replace(/^--?/, '')
      const canonical = key === 'o' ? 'output' : key
      if (switches.includes(canonical) && inline === undefined) {
        flags.set(canonical, 'true')
        continue
      }
      if (!valued.includes(canonical)) throw new CliError(2, `unknown option ${name}\n\n${USAGE}`)
      const value = inline ?? args[++i]
      if (value === undefined) throw new CliError(2, `option ${name} needs a value`)
      flags.set(canonical, value)
    } else positional.push(a)
  }
  return { positional, flags }
}

/** Reads a file as UTF-8 text, refusing what is not text or is too large, with a message saying so. */
export function readTextFile(path: string): string {
  let size: number
  try {
    const st = statSync(path)
    if (st.isDirectory()) throw new CliError(1, `${path}: is a directory; give a text file`)
    size = st.size
  } catch (e) {
    if (e instanceof CliError) throw e
    throw new CliError(1, `${path}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`)
  }
  if (size > MAX_IMPORT_BYTES) {
    throw new CliError(1, `${path}: the file is ${(size / 1024 / 1024).toFixed(1)} MB; Accord imports at most ${MAX_IMPORT_BYTES / 1024 / 1024} MB of text (split the treaty into several documents)`)
  }
  const bytes = readFileSync(path)
  if (bytes.includes(0)) throw new CliError(1, `${path}: this is not a text file (it contains NUL bytes); export the treaty as plain text (UTF-8) first`)
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw new CliError(1, `${path}: this is not UTF-8 text; save the treaty as plain text in UTF-8 and import it again`)
  }
}

/** Loads a DOC argument: a .json document, or any other file imported as text. */
function loadDocument(path: string, io: Io): { doc: PMNode; warnings: ImportWarning[] } {
  if (extname(path).toLowerCase() === '.json') {
    const text = readTextFile(path)
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch (e) {
      throw new CliError(1, `${path}: not valid JSON (${(e as Error).message})`)
    }
    try {
      return { doc: fromTreatyJSON(json), warnings: [] }
    } catch (e) {
      if (e instanceof DocumentError) throw new CliError(1, `${path}: ${e.message}`)
      throw e
    }
  }
  if (extname(path).toLowerCase() === '.xml') {
    try {
      return { doc: importAkomaNtoso(readTextFile(path)), warnings: [] }
    } catch (e) {
      if (e instanceof AknImportError) throw new CliError(1, `${path}: ${e.message}`)
      throw e
    }
  }
  return importFile(path, io)
}

function importFile(path: string, io: Io): { doc: PMNode; warnings: ImportWarning[] } {
  const text = readTextFile(path)
  try {
    const result = importText(text)
    for (const w of result.warnings) io.err(`${path}:${w.line}:${w.column}: warning: ${w.message}\n`)
    return result
  } catch (e) {
    if (e instanceof ImportError) throw new CliError(1, `${path}: ${e.message}`)
    throw e
  }
}

function writeOutput(path: string | undefined, content: string | Uint8Array, io: Io): void {
  if (!path || path === '-') {
    if (typeof content === 'string') io.out(content)
    else if (io.outBytes) io.outBytes(content)
    else throw new CliError(2, 'this format is binary: write it to a file with -o FILE')
    return
  }
  try {
    writeFileSync(path, content)
  } catch (e) {
    throw new CliError(1, `${path}: cannot write the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`)
  }
}

function oneDoc(p: Parsed, command: string): string {
  if (p.positional.length !== 1) throw new CliError(2, `accord ${command} takes one document, got ${p.positional.length}\n\n${USAGE}`)
  return p.positional[0]
}

function commandImport(args: string[], io: Io): number {
  const p = parseArgs(args, ['output'])
  const file = oneDoc(p, 'import')
  const { doc } = importFile(file, io)
  writeOutput(p.flags.get('output'), JSON.stringify(toTreatyFile(doc)) + '\n', io)
  return 0
}

function commandStats(args: string[], io: Io): number {
  const p = parseArgs(args, [])
  const file = oneDoc(p, 'stats')
  const { doc, warnings } = loadDocument(file, { out: io.out, err: () => {} })
  const stats = treatyStats(doc)
  io.out(JSON.stringify({ ...stats, warnings: warnings.map((w) => ({ ...w, file: basename(file) })) }, null, 2) + '\n')
  return 0
}

function commandResolve(args: string[], io: Io): number {
  const p = parseArgs(args, ['choose', 'output'])
  const file = oneDoc(p, 'resolve')
  const choose = p.flags.get('choose')
  if (choose === undefined) throw new CliError(2, `accord resolve needs --choose TEXT (the alternative to keep)\n\n${USAGE}`)
  const { doc } = loadDocument(file, io)
  const decisions = textDecisions(doc, choose)
  let out = doc
  if (decisions.size) {
    const tr = EditorState.create({ schema: treatySchema, doc }).tr
    resolveInTransaction(tr, decisions)
    out = tr.doc
  }
  io.err(decisions.size ? `resolved ${decisions.size} bracket group${decisions.size === 1 ? '' : 's'} to "${choose}"\n` : `no open bracket group has an alternative reading exactly "${choose}"; nothing changed\n`)
  writeOutput(p.flags.get('output'), JSON.stringify(toTreatyFile(out)) + '\n', io)
  return 0
}

async function commandExport(args: string[], io: Io): Promise<number> {
  const p = parseArgs(args, ['format', 'mode', 'output'])
  const file = oneDoc(p, 'export')
  const format = p.flags.get('format') ?? 'text'
  const mode = p.flags.get('mode') ?? 'negotiating'
  if (!(ALL_FORMATS as readonly string[]).includes(format)) throw new CliError(2, `--format must be one of ${ALL_FORMATS.join(', ')}; got "${format}"`)
  if (!(EXPORT_MODES as readonly string[]).includes(mode)) throw new CliError(2, `--mode must be one of ${EXPORT_MODES.join(', ')}; got "${mode}"`)
  const { doc } = loadDocument(file, io)
  const result = await exportAs(doc, format as (typeof ALL_FORMATS)[number], mode as ExportMode)
  if (!result.ok) {
    const lines = result.open.map((o) => `  ${o.location}: ${o.text}${o.kind === 'placeholder' ? ' (placeholder to fill)' : o.kind === 'options' ? ' (options to choose from)' : ''}`)
    io.err(`${file}: cannot export a clean text: ${result.open.length} item${result.open.length === 1 ? ' is' : 's are'} still open:\n${lines.join('\n')}\nResolve them (accord resolve DOC --choose TEXT) or export with --mode negotiating.\n`)
    return 3
  }
  writeOutput(p.flags.get('output'), result.content, io)
  return 0
}

async function exportAs(doc: PMNode, format: (typeof ALL_FORMATS)[number], mode: ExportMode) {
  switch (format) {
    case 'docx':
      return exportDocx(doc, { mode })
    case 'akn':
      return exportAkomaNtoso(doc, { mode })
    case 'pdf': {
      // Chromium is loaded only for PDF.
      const { exportPdf } = await import('@accord/exports/pdf')
      return exportPdf(doc, { mode })
    }
    default:
      return exportDocument(doc, { format, mode })
  }
}

function dataDir(): DataDirOptions {
  return dataDirOptions(process.env)
}

async function dataDirCall<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (e) {
    if (e instanceof DataDirError) throw new CliError(e.status, e.message)
    throw e
  }
}

async function commandList(args: string[], io: Io): Promise<number> {
  const p = parseArgs(args, [], ['json'])
  if (p.positional.length) throw new CliError(2, `accord list takes no arguments\n\n${USAGE}`)
  const documents = await dataDirCall(() => listDocuments(dataDir()))
  if (p.flags.has('json')) io.out(JSON.stringify(documents) + '\n')
  else if (documents.length === 0) io.err('no documents yet (accord create FILE makes one)\n')
  else for (const d of documents) io.out(`${d.id}  ${d.title || '(untitled)'}\n`)
  return 0
}

async function commandCreate(args: string[], io: Io): Promise<number> {
  const p = parseArgs(args, ['facilitator'], ['json'])
  const file = oneDoc(p, 'create')
  const { doc } = loadDocument(file, io)
  const created = await dataDirCall(() => createDocument(dataDir(), doc, p.flags.get('facilitator')))
  if (p.flags.has('json')) io.out(JSON.stringify(created) + '\n')
  else {
    io.out(`${created.id}  ${created.title || '(untitled)'}\n`)
    if (created.facilitator) io.out(`facilitator: ${created.facilitator.link}\n`)
  }
  return 0
}

async function commandInvite(args: string[], io: Io): Promise<number> {
  const p = parseArgs(args, ['role', 'name', 'state'], ['json'])
  const role = p.flags.get('role')
  const name = p.flags.get('name')
  if (!role) throw new CliError(2, `accord invite needs --role facilitator|delegation|observer|secretariat\n\n${USAGE}`)
  if (name === undefined) throw new CliError(2, 'accord invite needs --name NAME (the name others see)')
  if (role === 'secretariat' ? p.positional.length !== 0 : p.positional.length !== 1) {
    throw new CliError(2, role === 'secretariat' ? 'a secretariat token is for every document: give no DOC_ID' : `accord invite takes one DOC_ID (accord list shows them)\n\n${USAGE}`)
  }
  const invited = await dataDirCall(() => invite(dataDir(), { docId: role === 'secretariat' ? null : p.positional[0], role, name, state: p.flags.get('state') }))
  if (p.flags.has('json')) io.out(JSON.stringify({ link: invited.link, token: invited.token }) + '\n')
  else {
    const who = invited.participant.state ? `${invited.participant.name} (${invited.participant.state})` : invited.participant.name
    io.out(`${invited.link}\n`)
    io.err(`invited ${who} as ${invited.participant.role} (participant ${invited.participant.id}); token: ${invited.token}\nThe link signs in whoever opens it: send it to that person only.\n`)
  }
  return 0
}

async function commandParticipants(args: string[], io: Io): Promise<number> {
  const p = parseArgs(args, [], ['json'])
  if (p.positional.length !== 1) throw new CliError(2, `accord participants takes one DOC_ID\n\n${USAGE}`)
  const list = await dataDirCall(() => participants(dataDir(), p.positional[0]))
  if (p.flags.has('json')) io.out(JSON.stringify(list) + '\n')
  else for (const x of list) io.out(`${x.id}  ${x.role.padEnd(11)} ${x.name}${x.state ? ` (${x.state})` : ''}${x.revoked ? '  revoked' : ''}\n`)
  return 0
}

async function commandRevoke(args: string[], io: Io): Promise<number> {
  const p = parseArgs(args, [])
  if (p.positional.length !== 1) throw new CliError(2, `accord revoke takes one PARTICIPANT_ID (accord participants DOC_ID lists them)\n\n${USAGE}`)
  const revoked = await dataDirCall(() => revoke(dataDir(), p.positional[0]))
  io.err(`revoked ${revoked.name} (${revoked.role}); a running server closes their connections within a second\n`)
  return 0
}

async function commandVerify(args: string[], io: Io): Promise<number> {
  const p = parseArgs(args, [], ['json'])
  if (p.positional.length !== 1) throw new CliError(2, `accord verify takes one DOC_ID (accord list shows them)\n\n${USAGE}`)
  const report = await dataDirCall(() => verifyDocumentIn(dataDir(), p.positional[0]))
  if (p.flags.has('json')) io.out(JSON.stringify(report) + '\n')
  else (report.ok ? io.out : io.err)(formatReport(report) + '\n')
  return report.ok ? 0 : 1
}

const COMMANDS: Record<string, (args: string[], io: Io) => number | Promise<number>> = {
  import: commandImport,
  stats: commandStats,
  resolve: commandResolve,
  export: commandExport,
  list: commandList,
  create: commandCreate,
  invite: commandInvite,
  participants: commandParticipants,
  revoke: commandRevoke,
  verify: commandVerify,
}

/** Runs the command line `args` and returns the exit status. Never throws. */
export async function main(args: string[], io: Io = processIo): Promise<number> {
  const [command, ...rest] = args
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    ;(command ? io.out : io.err)(USAGE)
    return command ? 0 : 2
  }
  const run = COMMANDS[command]
  if (!run) {
    io.err(`accord: unknown command "${command}"\n\n${USAGE}`)
    return 2
  }
  try {
    return await run(rest, io)
  } catch (e) {
    if (e instanceof CliError) {
      io.err(`accord ${command}: ${e.message}\n`)
      return e.status
    }
    io.err(`accord ${command}: unexpected error: ${(e as Error).message}\nThis is a bug in Accord; please report it with the input that caused it.\n`)
    return 1
  }
}
