import fs from 'node:fs'
import path from 'node:path'
import { verifyStorage, type VerifyReport } from '../server/src/ledger'
import { DATABASE_FILE, SqliteStorage } from '../server/src/SqliteStorage'
import { DataDirError, type DataDirOptions } from './dataDir'

/**
 * `accord verify DOC_ID`: checks a document's tamper-evident ledger in the data directory
 * (server/src/ledger.ts): the hash chain, and that replaying it rebuilds the stored document
 * and every named revision exactly. Reads only; works while the server runs (WAL: it sees the
 * last committed state).
 */
export async function verifyDocumentIn(options: DataDirOptions, docId: string): Promise<VerifyReport> {
  const file = path.join(path.resolve(options.dataDir), DATABASE_FILE)
  if (!fs.existsSync(file)) {
    throw new DataDirError(1, `there is no Accord data in ${path.resolve(options.dataDir)} (no ${DATABASE_FILE}); set ACCORD_DATA to the server's data directory`)
  }
  const storage = new SqliteStorage(file)
  try {
    if (!(await storage.get(docId))) throw new DataDirError(1, `there is no document ${JSON.stringify(docId)} (accord list shows them)`)
    return await verifyStorage(storage, docId)
  } finally {
    // Not storage.close(): that folds the WAL, which waits for a running server's readers.
    storage.database.close()
  }
}
