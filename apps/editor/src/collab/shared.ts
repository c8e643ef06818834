import { useCallback, useRef, useSyncExternalStore } from 'react'
import type * as Y from 'yjs'
import type { AuditEntry } from '../api'

/**
 * The Y roots only the server writes: `settings` and `audit`. Readers here are pure (for
 * tests); the hook re-renders when the root changes (after sync, or when a facilitator acts).
 */

export function openDraftingOf(settings: Y.Map<unknown>): boolean {
  return settings.get('openDrafting') === true
}

function isEntry(v: unknown): v is AuditEntry {
  const e = v as Partial<AuditEntry> | null
  return !!e && typeof e.id === 'string' && typeof e.action === 'string' && typeof e.time === 'string'
}

/**
 * The audit log, oldest first, as plain entries (entries the editor does not understand are
 * skipped). The server stores entries append-only: a `reopen` entry names the resolution it
 * reopened in `reopens`, and `seq` and `reopenedBy` are derived here as the server's
 * `GET …/audit` derives them.
 */
export function auditEntriesOf(audit: Y.Array<unknown>): AuditEntry[] {
  const raw = (audit.toJSON() as unknown[]).filter(isEntry)
  const reopenedBy = new Map<string, string>()
  for (const e of raw) if (e.action === 'reopen' && typeof e.reopens === 'string' && !reopenedBy.has(e.reopens)) reopenedBy.set(e.reopens, e.id)
  return raw.map((e, i) => ({
    ...e,
    seq: i + 1,
    groups: Array.isArray(e.groups) ? e.groups : [],
    actor: e.actor ?? { participant: '', name: '?', role: 'facilitator', state: null },
    reopenedBy: e.reopenedBy ?? reopenedBy.get(e.id) ?? null,
  }))
}

/** `read(type)`, recomputed only when `type` changed (deeply). */
export function useShared<T extends Y.AbstractType<any>, R>(type: T, read: (type: T) => R): R {
  const cache = useRef<{ version: number; value: R } | null>(null)
  const version = useRef(0)
  const subscribe = useCallback(
    (listener: () => void) => {
      const onChange = () => {
        version.current++
        listener()
      }
      type.observeDeep(onChange)
      return () => type.unobserveDeep(onChange)
    },
    [type],
  )
  const get = () => {
    if (!cache.current || cache.current.version !== version.current) cache.current = { version: version.current, value: read(type) }
    return cache.current.value
  }
  return useSyncExternalStore(subscribe, get)
}
