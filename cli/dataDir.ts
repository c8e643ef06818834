import fs from 'node:fs'
import path from 'node:path'
import type { Node as PMNode } from 'prosemirror-model'
import { documentTitle } from '@accord/treaty-io'
import { newDocumentId } from '../server/src/ids'
import { InvitationError, ParticipantStore, viewOf, type Participant } from '../server/src/participants'
import { DATABASE_FILE, SqliteStorage } from '../server/src/SqliteStorage'
import { seedState } from '../server/src/treatyDoc'

/**
 * The secretariat's commands on a server's data directory (ACCORD_DATA, default ./data): they
 * open the same SQLite file as the server, also while it runs (WAL; the server sees new
 * documents and invitations at once and revocations within a second).
 */

/** A failure with the exit status it deserves (the command line's CliError, without importing main). */
export class DataDirError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

export interface DataDirOptions {
  dataDir: string
  /** The address people open: links start with it. */
  publicUrl: string
}

export function dataDirOptions(env: NodeJS.ProcessEnv): DataDirOptions {
  const port = env.PORT && /^\d+$/.test(env.PORT) && env.PORT !== '0' ? env.PORT : '8080'
  return { dataDir: env.ACCORD_DATA || './data', publicUrl: (env.ACCORD_PUBLIC_URL || `http://localhost:${port}`).replace(/\/+$/, '') }
}

/** Opens the data directory's database; `create` makes the directory when it is missing. */
function open(options: DataDirOptions, create = false): { storage: SqliteStorage; participants: ParticipantStore; close(): void } {
  const file = path.join(path.resolve(options.dataDir), DATABASE_FILE)
  if (!create && !fs.existsSync(file)) {
    throw new DataDirError(1, `there is no Accord data in ${path.resolve(options.dataDir)} (no ${DATABASE_FILE}); set ACCORD_DATA to the server's data directory, or start the server once`)
  }
  const storage = new SqliteStorage(file)
  const participants = new ParticipantStore(storage.database)
  // Not storage.close(): that folds the WAL, which waits for a running server's readers.
  return { storage, participants, close: () => storage.database.close() }
}

export const link = (options: DataDirOptions, token: string) => `${options.publicUrl}/join#token=${token}`

export async function listDocuments(options: DataDirOptions): Promise<{ id: string; title: string }[]> {
  const db = open(options)
  try {
    return (await db.storage.list()).map(({ id, title }) => ({ id, title }))
  } finally {
    db.close()
  }
}

export async function invite(
  options: DataDirOptions,
  input: { docId: string | null; role: string; name: string; state?: string },
): Promise<{ link: string; token: string; participant: Participant }> {
  const db = open(options)
  try {
    if (input.docId !== null && !(await db.storage.get(input.docId))) {
      throw new DataDirError(1, `there is no document ${JSON.stringify(input.docId)} in ${path.resolve(options.dataDir)} (accord list shows them)`)
    }
    const { participant, token } = db.participants.invite({ docId: input.docId, role: input.role, name: input.name, state: input.state, createdBy: null })
    return { link: link(options, token), token, participant }
  } catch (error) {
    if (error instanceof InvitationError) throw new DataDirError(2, error.message)
    throw error
  } finally {
    db.close()
  }
}

export async function revoke(options: DataDirOptions, participantId: string): Promise<Participant> {
  const db = open(options)
  try {
    const revoked = db.participants.revoke(participantId)
    if (!revoked) throw new DataDirError(1, `there is no participant ${JSON.stringify(participantId)} (accord participants DOC_ID lists them)`)
    return revoked
  } finally {
    db.close()
  }
}

export async function participants(options: DataDirOptions, docId: string) {
  const db = open(options)
  try {
    if (!(await db.storage.get(docId))) throw new DataDirError(1, `there is no document ${JSON.stringify(docId)} (accord list shows them)`)
    return db.participants.list(docId).map(viewOf)
  } finally {
    db.close()
  }
}

/** Creates a document from a treaty; with `facilitator`, invites its first facilitator too. */
export async function createDocument(options: DataDirOptions, doc: PMNode, facilitator?: string): Promise<{ id: string; title: string; facilitator?: { link: string; token: string } }> {
  const db = open(options, true)
  try {
    const title = documentTitle(doc)
    const record = await db.storage.create(newDocumentId(), title, seedState(doc))
    let first: { link: string; token: string } | undefined
    if (facilitator !== undefined) {
      try {
        const { token } = db.participants.invite({ docId: record.id, role: 'facilitator', name: facilitator })
        first = { link: link(options, token), token }
      } catch (error) {
        if (error instanceof InvitationError) throw new DataDirError(2, `the document ${record.id} was created, but not its facilitator: ${error.message}`)
        throw error
      }
    }
    return { id: record.id, title: record.title, facilitator: first }
  } finally {
    db.close()
  }
}
