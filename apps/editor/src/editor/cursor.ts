/**
 * How another person's cursor looks: a caret in their colour with their name above it.
 * Built with textContent only: the name comes from another client and is never HTML.
 */
export function remoteCursor(user: { name?: unknown; color?: unknown }): HTMLElement {
  const color = typeof user.color === 'string' && /^#[0-9a-f]{6}$/i.test(user.color) ? user.color : '#6b7280'
  const name = typeof user.name === 'string' ? user.name.slice(0, 80) : '?'
  const caret = document.createElement('span')
  caret.className = 'ProseMirror-yjs-cursor remote-cursor'
  caret.style.borderColor = color
  const label = document.createElement('span')
  label.className = 'remote-cursor-name'
  label.style.backgroundColor = color
  label.textContent = name
  // Word joiners keep the caret from being a line-break opportunity.
  caret.append(document.createTextNode('\u2060'), label, document.createTextNode('\u2060'))
  return caret
}
