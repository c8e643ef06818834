export { startServer, type AccordServer } from './server'
export { resolveConfig, configFromEnv, defaultConfig, type ServerConfig } from './config'
export { CLOSE } from './closeCodes'
export { Room, type Connection, type RoomOptions } from './Room'
export { Rooms } from './Rooms'
export { Documents } from './Documents'
export { WriteQueue } from './WriteQueue'
export { SqliteStorage, DATABASE_FILE } from './SqliteStorage'
export type { Storage, StoredDocument, DocumentRecord, AppendedUpdate } from './storage'
export { checkUpdate, treatyEncoding, type TreatyEncoding } from './checkUpdate'
export { TREATY_FRAGMENT, readTreaty, seedState, newServerYDoc } from './treatyDoc'
export * as protocol from './protocol'
export { newDocumentId, isDocumentId } from './ids'
export { createLogger, silentLogger, type Logger, type LogLevel } from './log'
export { listBrackets, resolve, reopen, setAdRef, normalise, BracketActionError, type BracketsReport, type BracketGroupReport, type LinkedSetReport, type NearDuplicateReport } from './brackets'
export {
  RevisionStore,
  RevisionError,
  saveRevision,
  listRevisions,
  revisionDoc,
  revisionInfo,
  snapshotDoc,
  compareRevisions,
  restoreRevision,
  CURRENT,
  INITIAL,
  type RevisionView,
  type RevisionRoom,
  type RevisionComparison,
  type ComparedVersion,
} from './revisions'
export {
  AMENDMENTS_ROOT,
  AMENDMENT_KINDS,
  AMENDMENT_STATUSES,
  AmendmentError,
  proposeAmendment,
  listAmendments,
  getAmendment,
  updateAmendment,
  withdrawAmendment,
  cosponsorAmendment,
  decideAmendment,
  compileAmendments,
  compileRoomAmendments,
  type AmendmentKind,
  type AmendmentStatus,
  type AmendmentTarget,
  type AmendmentQuery,
  type PublicAmendment,
  type Located,
  type ProposeResult,
  type ProposeOptions,
  type DecideResult,
  type CompileOptions,
} from './amendments'
export {
  AUDIT_ROOT,
  appendAudit,
  appendAuditIn,
  appendReopen,
  readAudit,
  publicEntry,
  actorLabel,
  type Actor,
  type AuditAction,
  type AuditEntry,
  type AuditFields,
  type AuditGroup,
  type PublicAuditEntry,
  type RoomLike,
} from './audit'
