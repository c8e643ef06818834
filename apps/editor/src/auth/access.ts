import { ApiError, getMe, type Me } from '../api'
import { documentRole, type DocumentRole } from './roles'
import { tokens as defaultStore, type Participant, type TokenStore } from './tokens'

/** Who this browser is in one document, as the server confirmed it. */
export interface DocumentAccess {
  docId: string
  token: string
  participant: Participant
  /** The effective role here (a secretariat officer is a facilitator). */
  role: DocumentRole
}

export type AccessState =
  | { status: 'loading' }
  /** No token in this browser opens this document: the person needs an invitation link. */
  | { status: 'no-token' }
  /** The server no longer accepts the token (revoked or unknown, 401); it was forgotten. */
  | { status: 'rejected'; message: string }
  /** The token is valid but does not open this document (or the document is gone). */
  | { status: 'not-found' }
  | { status: 'failed'; message: string }
  | { status: 'ready'; access: DocumentAccess; offline?: boolean }

/**
 * Finds the token for `docId` and asks the server who it is (`GET /api/me`). A revoked or
 * unknown token is removed from the store, so that the next attempt says "no invitation"
 * rather than failing again. When the server cannot be reached, what the store remembers of
 * the token is used (the websocket will say whether it is still valid).
 */
export async function loadAccess(docId: string, store: TokenStore = defaultStore, me: (token: string) => Promise<Me> = getMe): Promise<AccessState> {
  const entry = store.tokenFor(docId)
  if (!entry) return { status: 'no-token' }
  try {
    const answer = await me(entry.token)
    const doc = answer.documents.find((d) => d.id === docId)
    const participant = answer.participant
    if (participant.role !== 'secretariat' && participant.docId !== docId) return { status: 'not-found' }
    // Refresh what the store remembers (the name or State may have been corrected).
    store.save(entry.token, participant, new Date(entry.saved || Date.now()))
    const role = doc?.role ? documentRole(doc.role) : documentRole(participant.role)
    return { status: 'ready', access: { docId, token: entry.token, participant, role } }
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      store.remove(entry.token)
      return { status: 'rejected', message: e.message }
    }
    if (e instanceof ApiError && e.status === 0) {
      return { status: 'ready', offline: true, access: { docId, token: entry.token, participant: entry.participant, role: documentRole(entry.participant.role) } }
    }
    return { status: 'failed', message: (e as Error).message }
  }
}

/** What `/join` does with a token: ask the server, keep it, and say where to go. */
export type JoinResult = { status: 'document'; docId: string; participant: Participant } | { status: 'documents'; participant: Participant } | { status: 'rejected'; message: string } | { status: 'failed'; message: string }

export async function join(token: string, store: TokenStore = defaultStore, me: (token: string) => Promise<Me> = getMe): Promise<JoinResult> {
  try {
    const answer = await me(token)
    store.save(token, answer.participant)
    const docId = answer.participant.docId ?? (answer.documents.length === 1 && answer.participant.role !== 'secretariat' ? answer.documents[0].id : null)
    return docId ? { status: 'document', docId, participant: answer.participant } : { status: 'documents', participant: answer.participant }
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return { status: 'rejected', message: e.message }
    return { status: 'failed', message: (e as Error).message }
  }
}
