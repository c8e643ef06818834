import { alternativeText } from '@accord/bracket-variants'
import { nodeToInlines } from '@accord/bracket-variants/prosemirror'
import { bracketIds, linkedSetId } from '@accord/collab'
import type { Node as PMNode } from 'prosemirror-model'
import type * as Y from 'yjs'
import * as api from '../api'

/**
 * The facilitator's bracket actions, through the server (docs/API.md, "Brackets"): the server
 * resolves, reopens, marks ad ref and normalises, records who did it in the audit log, and the
 * change reaches every editor like any edit. The editor names groups by their ids — the Yjs id
 * of the `bracket` element, read from the Y fragment beside the ProseMirror document
 * (`bracketIds` of @accord/collab) — and linked sets by `linkedSetId` of their key.
 */

/** The server calls the workflow makes (api.ts; tests pass fakes). */
export interface WorkflowApi {
  resolve: (docId: string, r: api.Resolution) => Promise<{ resolved: number; entry: string }>
  reopen: (docId: string, entry: string) => Promise<{ reopened: number; missing: number; entry: string }>
  markAdRef: (docId: string, group: string, adRef: boolean) => Promise<{ entry: string }>
  normalise: (docId: string, group: string) => Promise<{ entry: string }>
}

export const serverApi: WorkflowApi = {
  resolve: (docId, r) => api.resolve(docId, r),
  reopen: (docId, entry) => api.reopen(docId, entry),
  markAdRef: (docId, group, adRef) => api.markAdRef(docId, group, adRef),
  normalise: (docId, group) => api.normalise(docId, group),
}

/** An action the editor could not even send (the text changed under it): the message says what to do. */
export class WorkflowError extends Error {
  override name = 'WorkflowError'
}

/** Each alternative's text as the server lists it (and expects back in `choose`). */
export function alternativesOf(bracket: PMNode): string[] {
  const out: string[] = []
  bracket.forEach((alt) => out.push(alternativeText(nodeToInlines(alt))))
  return out
}

export interface WorkflowDeps {
  docId: string
  fragment: Y.XmlFragment
  /** The document the positions refer to: the editor's current one. */
  doc: () => PMNode | null
  api?: WorkflowApi
}

export interface Resolved {
  resolved: number
  entry: string
}

export class BracketWorkflow {
  /** Resolutions made from this tab and not reopened, oldest first: "reopen last" walks back through them. */
  private readonly resolutions: string[] = []

  /** The audit entry of the last resolution made from this tab and not reopened yet: what "reopen last" reopens. */
  get lastResolution(): string | null {
    return this.resolutions.at(-1) ?? null
  }
  private readonly api: WorkflowApi

  constructor(private readonly deps: WorkflowDeps) {
    this.api = deps.api ?? serverApi
  }

  private bracketAt(pos: number): { doc: PMNode; node: PMNode } {
    const doc = this.deps.doc()
    const node = doc && pos >= 0 && pos <= doc.content.size ? doc.nodeAt(pos) : null
    if (!doc || !node || node.type.name !== 'bracket') throw new WorkflowError('This bracket is no longer in the text: it was resolved or deleted meanwhile.')
    return { doc, node }
  }

  /** The server's id of the group at `pos`. */
  groupId(pos: number): string {
    const { doc } = this.bracketAt(pos)
    let ids: Map<number, string>
    try {
      ids = bracketIds(this.deps.fragment, doc)
    } catch {
      throw new WorkflowError('The text is still being updated; try again in a moment.')
    }
    const id = ids.get(pos)
    if (!id) throw new WorkflowError('This bracket has no id yet (it has not reached the server); try again in a moment.')
    return id
  }

  /** Keeps alternative `choice` of the group at `pos`, or drops it (`null`: a single bracket, or an empty alternative). */
  async resolveGroup(pos: number, choice: number | null): Promise<Resolved> {
    const { node } = this.bracketAt(pos)
    const alternatives = alternativesOf(node)
    let choose: string
    if (choice === null) {
      if (alternatives.length > 1 && !alternatives.includes('')) throw new WorkflowError('A group of several alternatives cannot be dropped as a whole: choose one of them.')
      choose = ''
    } else {
      if (!(choice >= 0 && choice < alternatives.length)) throw new WorkflowError(`This group has ${alternatives.length} alternative(s); there is no alternative ${choice + 1}.`)
      choose = alternatives[choice]
    }
    const result = await this.api.resolve(this.deps.docId, { group: this.groupId(pos), choose })
    this.resolutions.push(result.entry)
    return result
  }

  /** Chooses `choose` (an alternative's text) in every group of the linked set whose key is `key`. */
  async resolveSet(key: string, choose: string): Promise<Resolved> {
    const result = await this.api.resolve(this.deps.docId, { set: linkedSetId(key), choose })
    this.resolutions.push(result.entry)
    return result
  }

  async reopen(entry: string): Promise<{ reopened: number; missing: number; entry: string }> {
    const result = await this.api.reopen(this.deps.docId, entry)
    const index = this.resolutions.indexOf(entry)
    if (index >= 0) this.resolutions.splice(index, 1)
    return result
  }

  /** Reopens the last resolution made from this tab; null when there is none. */
  async reopenLast(): Promise<{ reopened: number; missing: number; entry: string } | null> {
    return this.lastResolution ? this.reopen(this.lastResolution) : null
  }

  async setAdRef(pos: number, adRef: boolean): Promise<{ entry: string }> {
    return this.api.markAdRef(this.deps.docId, this.groupId(pos), adRef)
  }

  async normalise(pos: number): Promise<{ entry: string }> {
    return this.api.normalise(this.deps.docId, this.groupId(pos))
  }
}
