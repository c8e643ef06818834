/**
 * Positions in pasted text, as the importer's warnings give them (1-based line and column).
 *
 * [start, end) of line `line` from `column` (1-based, in code points) to the end of the line; null past the end of the text. */
export function lineRange(text: string, line: number, column: number): [number, number] | null {
  let start = 0
  for (let l = 1; l < line; l++) {
    const next = text.indexOf('\n', start)
    if (next < 0) return null
    start = next + 1
  }
  let end = text.indexOf('\n', start)
  if (end < 0) end = text.length
  let at = start
  for (let c = 1; c < column && at < end; c++) at += text.codePointAt(at)! > 0xffff ? 2 : 1
  return [at, end]
}
