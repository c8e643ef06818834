import type { BracketGroup, Inline, Note, TextRun } from './types'

/**
 * Callbacks for `walkInlines`. `path` locates the node: [i0, a0, i1, a1, …, ik] where each `i`
 * is an index in a sequence of inlines and each `a` an alternative index of the group that
 * holds the next sequence. It is one array mutated during the walk: copy it to keep it.
 */
export interface InlineVisitor {
  text?(run: TextRun, path: readonly number[]): void
  note?(note: Note, path: readonly number[]): void
  /**
   * Called before a group's alternatives, `depth` 1 for a group not inside another. Returns
   * which alternatives to walk into, in order: nothing or 'all' for all of them, 'none', or a
   * list of indices. `leaveGroup` is called in every case.
   */
  enterGroup?(group: BracketGroup, path: readonly number[], depth: number): 'all' | 'none' | readonly number[] | void
  enterAlternative?(group: BracketGroup, index: number, path: readonly number[]): void
  leaveAlternative?(group: BracketGroup, index: number, path: readonly number[]): void
  leaveGroup?(group: BracketGroup, path: readonly number[], depth: number): void
}

type Frame =
  | { seq: readonly Inline[]; i: number }
  | { group: BracketGroup; order: readonly number[]; k: number }

/**
 * Walks inline content depth-first, in document order, without recursion: nesting is bounded
 * only by memory, so content parsed with a large `maxDepth` cannot overflow the call stack.
 */
export function walkInlines(inlines: readonly Inline[], visitor: InlineVisitor): void {
  const stack: Frame[] = [{ seq: inlines, i: 0 }]
  const path: number[] = [-1]
  let depth = 0
  while (stack.length > 0) {
    const f = stack[stack.length - 1]
    if ('seq' in f) {
      if (f.i >= f.seq.length) {
        stack.pop()
        path.pop()
        continue
      }
      const node = f.seq[f.i]
      path[path.length - 1] = f.i
      f.i++
      if (node.type === 'text') visitor.text?.(node, path)
      else if (node.type === 'note') visitor.note?.(node, path)
      else {
        depth++
        const chosen = visitor.enterGroup?.(node, path, depth)
        const order = chosen === 'none' ? [] : chosen === undefined || chosen === 'all' ? node.alternatives.map((_, a) => a) : chosen
        stack.push({ group: node, order, k: 0 })
        path.push(-1)
      }
    } else {
      if (f.k > 0) visitor.leaveAlternative?.(f.group, f.order[f.k - 1], path)
      if (f.k < f.order.length) {
        const a = f.order[f.k++]
        const alternative = f.group.alternatives[a]
        if (!alternative) {
          throw new RangeError(`alternative ${a} does not exist in group ${f.group.id ?? '(no id)'}, which has ${f.group.alternatives.length}`)
        }
        path[path.length - 1] = a
        visitor.enterAlternative?.(f.group, a, path)
        stack.push({ seq: alternative, i: 0 })
        path.push(-1)
      } else {
        stack.pop()
        path.pop()
        visitor.leaveGroup?.(f.group, path, depth)
        depth--
      }
    }
  }
}
