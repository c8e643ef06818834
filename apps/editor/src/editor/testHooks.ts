import { numberTreaty } from '@accord/schema'
import { TextSelection } from 'prosemirror-state'
import type { EditorView } from 'prosemirror-view'
import { bracketIds } from '@accord/collab'
import type { AuditEntry } from '../api'
import type { DocumentAccess } from '../auth/access'
import { auditEntriesOf, openDraftingOf } from '../collab/shared'
import type { CollabSession } from '../collab/session'
import type { BracketWorkflow } from './bracketWorkflow'
import { amendmentRecordsOf } from './amendmentAnchors'
import { amendmentsKey, numberingKey } from './pluginKeys'

/** What the page adds to the hooks: who this is and the bracket workflow. */
export interface TestHookExtras {
  access: DocumentAccess
  workflow: BracketWorkflow
}

/**
 * What end-to-end tests read instead of scraping HTML: the view, the Y.Doc and the provider,
 * and the labels the numbering plugin shows. Installed in development, or when a test sets
 * `window.__accordTestHooks = true` before the page loads (Playwright's addInitScript), so the
 * production build under test is the one people use.
 */
export interface AccordTestHooks {
  view: EditorView
  session: CollabSession
  /** The derived labels, in document order, as the numbering module computes them. */
  labels(): string[]
  /** The labels the editor currently shows (the numbering plugin's decorations). */
  shownLabels(): string[]
  /** The document as ProseMirror JSON. */
  json(): unknown
  /** The treaty text: each textblock's text on its own line. */
  text(): string
  /**
   * Selects the `occurrence`-th appearance of `text` (within one run of text) and focuses the
   * editor; `collapse` puts the cursor before or after it instead. False when not found.
   */
  select(text: string, options?: { occurrence?: number; collapse?: 'start' | 'end' }): boolean
  /** This person's effective role in the document (`facilitator`, `delegation`, `observer`). */
  role(): string
  /** The participant record the server confirmed (name, State, id). */
  participant(): DocumentAccess['participant']
  /** Whether the text accepts typing now (role, open drafting, first sync). */
  editable(): boolean
  /** The server-written `settings.openDrafting`. */
  openDrafting(): boolean
  /** The server-written audit log, oldest first. */
  audit(): AuditEntry[]
  /** Group ids (as the API names them) of the open brackets, in document order, with their text. */
  groups(): { id: string; pos: number; text: string; adRef: boolean }[]
  /** The audit entry of the last resolution made from this tab (what Undo / Mod+Alt+Z reopens). */
  lastResolution(): string | null
  /**
   * The amendments of the server-written Y.Map (in order of proposal), each with where the
   * editor shows it now (`shown`: the passage's text, or null when it is not shown: decided,
   * withdrawn, or its text deleted).
   */
  amendments(): { id: string; number: number; state: string; kind: string; status: string; cosponsors: string[]; text: string; quote: string | null; shown: string | null }[]
  /** The connection phase the badge shows (`connected`, `closed`, …) and the close code. */
  connection(): { phase: string; closedCode?: number; closedReason?: string }
}

declare global {
  interface Window {
    __accord?: AccordTestHooks
    __accordTestHooks?: boolean
  }
}

export function testHooksEnabled(): boolean {
  return import.meta.env.DEV || window.__accordTestHooks === true
}

export function installTestHooks(view: EditorView, session: CollabSession, extras: () => TestHookExtras): () => void {
  if (!testHooksEnabled()) return () => {}
  const hooks: AccordTestHooks = {
    role: () => extras().access.role,
    participant: () => extras().access.participant,
    editable: () => view.editable,
    openDrafting: () => openDraftingOf(session.settings),
    audit: () => auditEntriesOf(session.audit),
    groups: () => {
      const ids = bracketIds(session.fragment, view.state.doc)
      return [...ids].map(([pos, id]) => {
        const node = view.state.doc.nodeAt(pos)!
        return { id, pos, text: node.textContent, adRef: node.attrs.adRef === true }
      })
    },
    lastResolution: () => extras().workflow.lastResolution,
    amendments: () => {
      const placements = amendmentsKey.getState(view.state)?.placements ?? []
      return amendmentRecordsOf(session.amendments).map((a) => {
        const p = placements.find((x) => x.id === a.id)
        const shown = !p ? null : p.kind === 'text' ? view.state.doc.textBetween(p.from, p.to, '\n', '\ufffc') : p.blocks.map((b) => view.state.doc.textBetween(b.from, b.to, '\n', '\ufffc')).join('\n')
        return { id: a.id, number: a.number, state: a.state, kind: a.kind, status: a.status, cosponsors: [...a.cosponsors], text: a.text, quote: a.target?.quote ?? null, shown }
      })
    },
    connection: () => {
      const s = session.connection.getState()
      return { phase: s.phase, closedCode: s.closedCode, closedReason: s.closedReason }
    },
    view,
    session,
    labels: () => numberTreaty(view.state.doc).map((u) => u.label),
    shownLabels: () =>
      (numberingKey.getState(view.state)?.decorations.find() ?? [])
        .sort((a, b) => a.from - b.from)
        .map((d) => (d as unknown as { type: { attrs: Record<string, string> } }).type.attrs['data-label']),
    json: () => view.state.doc.toJSON(),
    text: () => {
      const lines: string[] = []
      view.state.doc.descendants((node) => {
        if (node.isTextblock) {
          lines.push(node.textContent)
          return false
        }
        return true
      })
      return lines.join('\n')
    },
    select: (text, { occurrence = 0, collapse } = {}) => {
      let seen = 0
      let found: { from: number; to: number } | null = null
      view.state.doc.descendants((node, pos) => {
        if (found || !node.isText) return !found
        let at = node.text!.indexOf(text)
        while (at >= 0 && !found) {
          if (seen++ === occurrence) found = { from: pos + at, to: pos + at + text.length }
          at = node.text!.indexOf(text, at + 1)
        }
        return false
      })
      if (!found) return false
      const { from, to } = found
      const [anchor, head] = collapse === 'start' ? [from, from] : collapse === 'end' ? [to, to] : [from, to]
      view.focus()
      view.dispatch(view.state.tr.setSelection(TextSelection.create(view.state.doc, anchor, head)))
      return true
    },
  }
  window.__accord = hooks
  return () => {
    if (window.__accord === hooks) delete window.__accord
  }
}
