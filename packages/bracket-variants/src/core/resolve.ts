import { alternativeText, normalizeText } from './normalize'
import type { BracketGroup, Inline, TextRun } from './types'
import { walkInlines } from './walk'

/** What to do with a group: an alternative index to keep (unwrapped), null to drop it, undefined to leave it open. */
export type Decide = (group: BracketGroup) => number | null | undefined

/**
 * Resolves groups on plain data. `decide` is asked about every group that survives, outer
 * before inner: about the groups inside a kept alternative and inside a group left open, never
 * about those inside a dropped group or an unchosen alternative. A kept alternative's content
 * replaces the group inline; text runs that end up side by side are merged (keeping `start` /
 * `end` only when they were one contiguous source slice).
 *
 * Pure: the input is not modified; groups left open are copied with their resolved
 * alternatives, other objects may be shared.
 *
 * @throws RangeError when `decide` returns an index the group does not have.
 */
export function resolveGroups(inlines: readonly Inline[], decide: Decide): Inline[] {
  const root: Inline[] = []
  // Where content goes: the current output sequence (a kept alternative writes straight into
  // its parent's sequence, since its content replaces the group).
  const outputs: Inline[][] = [root]
  const frames: { decision: number | null | undefined; alternatives: Inline[][] }[] = []
  walkInlines(inlines, {
    text: (run) => append(outputs[outputs.length - 1], run),
    note: (note) => append(outputs[outputs.length - 1], note),
    enterGroup(group) {
      const decision = decide(group)
      if (decision !== undefined && decision !== null && (!Number.isInteger(decision) || decision < 0 || decision >= group.alternatives.length)) {
        throw new RangeError(`decide returned ${String(decision)} for group ${group.id ?? '(no id)'}, which has ${group.alternatives.length} alternative${group.alternatives.length === 1 ? '' : 's'}; expected 0–${group.alternatives.length - 1}, null or undefined`)
      }
      frames.push({ decision, alternatives: [] })
      return decision === undefined ? 'all' : decision === null ? 'none' : [decision]
    },
    enterAlternative() {
      const frame = frames[frames.length - 1]
      outputs.push(frame.decision === undefined ? [] : outputs[outputs.length - 1])
    },
    leaveAlternative() {
      const done = outputs.pop()!
      const frame = frames[frames.length - 1]
      if (frame.decision === undefined) frame.alternatives.push(done)
    },
    leaveGroup(group) {
      const frame = frames.pop()!
      if (frame.decision === undefined) outputs[outputs.length - 1].push({ ...group, alternatives: frame.alternatives })
    },
  })
  return root
}

function append(out: Inline[], node: Inline): void {
  const last = out[out.length - 1]
  if (node.type !== 'text' || last?.type !== 'text') {
    out.push(node)
    return
  }
  const merged: TextRun = { type: 'text', text: last.text + node.text }
  if (last.start !== undefined && last.end !== undefined && node.start !== undefined && node.end !== undefined && last.end === node.start) {
    merged.start = last.start
    merged.end = node.end
  }
  out[out.length - 1] = merged
}

/**
 * Resolves every group, at any depth, that has an alternative whose normalised plain text
 * (`alternativeText`) equals `chosenText` (normalised the same way), keeping that alternative.
 * Resolving "议定书" in the sample resolves the 19 `[议定书][协议]` but not `[本议定书][协议]`,
 * whose alternative reads differently. Other groups stay open. `resolved` counts the groups
 * resolved.
 */
export function resolveByText(inlines: readonly Inline[], chosenText: string): { inlines: Inline[]; resolved: number } {
  const wanted = normalizeText(chosenText)
  let resolved = 0
  const result = resolveGroups(inlines, (group) => {
    const index = group.alternatives.findIndex((a) => alternativeText(a) === wanted)
    if (index === -1) return undefined
    resolved++
    return index
  })
  return { inlines: result, resolved }
}
