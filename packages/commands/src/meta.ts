import type { Transaction } from 'prosemirror-state'

/**
 * Transaction meta key naming the command that made a transaction ("addArticle"). The editor
 * reads it to close an undo step around a structural edit and to label changes; a
 * transaction without it came from typing, pasting or a remote peer.
 */
export const commandMeta = 'accord.command'

/** Every command names its transaction and scrolls its result into view. */
export function named(tr: Transaction, name: string): Transaction {
  return tr.setMeta(commandMeta, name).scrollIntoView()
}

/** The name of the command that made `tr`, if a command did. */
export function commandName(tr: Transaction): string | undefined {
  const name = tr.getMeta(commandMeta) as unknown
  return typeof name === 'string' ? name : undefined
}
