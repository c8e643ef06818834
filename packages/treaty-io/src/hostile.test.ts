import { describe, expect, test } from 'vitest'
import { importText } from './importText'
import { ImportError, MAX_IMPORT_CHARS } from './limits'
import { mulberry32 } from '@accord/testing'

/*
 * The importer against what people (and attackers) upload instead of a treaty: binary files,
 * random bytes, bracket nesting 100,000 deep, a 50 MB text. Every case ends in a document that
 * fits the schema or in an ImportError that says what was wrong, never in another exception or
 * a hang. Seeded: ACCORD_IMPORT_SEED replays a run.
 */

const SEED = Number(process.env.ACCORD_IMPORT_SEED ?? 2026_11_24)
/** Per case; a hang, not slowness, is what this catches. */
const CASE_BOUND_MS = 15_000


const rand = mulberry32(SEED)
const int = (n: number) => Math.floor(rand() * n)
const pick = <T>(list: readonly T[]): T => list[int(list.length)]
function bytes(n: number): Uint8Array {
  const out = new Uint8Array(n)
  for (let i = 0; i < n; i++) out[i] = int(256)
  return out
}
const utf8 = (b: Uint8Array) => new TextDecoder('utf-8').decode(b)
const latin1 = (b: Uint8Array) => Buffer.from(b).toString('latin1')

const outcomes = { imported: 0, refused: new Map<string, number>() }

/** Imports `text`: a valid document or an ImportError with a message, within the bound. */
function attempt(name: string, text: string): { code: string | null; message: string; ms: number } {
  const started = performance.now()
  let code: string | null = null
  let message = ''
  try {
    const { doc } = importText(text)
    doc.check()
    outcomes.imported++
  } catch (error) {
    if (!(error instanceof ImportError)) throw new Error(`${name} (seed ${SEED}): the importer threw ${(error as Error)?.stack ?? error}`)
    expect(error.message, `${name}: a refusal says why`).not.toBe('')
    code = error.code
    message = error.message
    outcomes.refused.set(code, (outcomes.refused.get(code) ?? 0) + 1)
  }
  const ms = performance.now() - started
  expect(ms, `${name} (seed ${SEED}) took too long`).toBeLessThan(CASE_BOUND_MS)
  return { code, message, ms }
}

const MARKERS = ['Article 1', 'Article 2 bis', 'PART I', 'Annex', '第一条', '第二部分', '1.', '2.', '(a)', '(i)', 'Option 1', 'Pp3', 'Preamble', 'The Parties,', 'Have agreed as follows:', 'IN WITNESS WHEREOF', '[', ']', '[[', ']]', '/', '【', '】', '［', '］', '{', '}', '(', ')', '[Note: x]', '\t', '\u200b', '\u00a0', '\r\n', '\n\n', '\ufeff', '\ud800', '\u202e']

describe('hostile imports', () => {
  test(`binary files and random bytes (seed ${SEED})`, () => {
    let cases = 0
    const headers = [
      [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], // PNG
      [0x25, 0x50, 0x44, 0x46, 0x2d, 0x31, 0x2e, 0x37], // %PDF-1.7
      [0x50, 0x4b, 0x03, 0x04], // zip, docx
      [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], // doc
      [0x7f, 0x45, 0x4c, 0x46], // ELF
      [0xff, 0xfe], // UTF-16 BOM
    ]
    for (let i = 0; i < 300; i++) {
      const header = i < 60 ? headers[i % headers.length] : []
      const body = bytes(1 + int(i % 10 === 0 ? 200_000 : 4000))
      const raw = new Uint8Array([...header, ...body])
      // Without NUL bytes too: a text decoder would keep everything else.
      const clean = rand() < 0.5 ? raw.map((b) => b || 0x20) : raw
      attempt(`binary case ${i}`, pick([utf8, latin1])(clean))
      cases++
    }
    // UTF-16 text read as UTF-8: NULs between the letters.
    const { code } = attempt('UTF-16 text', Buffer.from('Article 1\nThe Parties agree.', 'utf16le').toString('latin1'))
    expect(code).toBe('binary')
    cases++
    console.log(`hostile imports: ${cases} binary and random cases (seed ${SEED}): ${outcomes.imported} imported, refused ${[...outcomes.refused].map(([c, n]) => `${c}×${n}`).join(' ')}`)
  }, 120_000)

  test(`random treaty-like texts (seed ${SEED})`, () => {
    let cases = 0
    for (let i = 0; i < 300; i++) {
      const parts: string[] = []
      for (let n = int(400); n > 0; n--) parts.push(rand() < 0.5 ? pick(MARKERS) : rand() < 0.5 ? ' word ' : '\n')
      attempt(`treaty-like case ${i}`, parts.join(''))
      cases++
    }
    console.log(`hostile imports: ${cases} random treaty-like texts (seed ${SEED})`)
  }, 120_000)

  test('bracket nesting 100,000 deep, long lines, many lines', () => {
    const deep = 100_000
    const cases: [string, string][] = [
      ['100k open brackets', 'Article 1\n1. ' + '['.repeat(deep)],
      ['100k nested groups', 'Article 1\n1. ' + '['.repeat(deep) + 'x' + ']'.repeat(deep)],
      ['100k nested alternatives', 'Article 1\n1. ' + '[a/'.repeat(deep) + ']'.repeat(deep)],
      ['100k close brackets', ']'.repeat(deep)],
      ['100k full-width nesting', '第一条\n' + '【'.repeat(deep) + '】'.repeat(deep)],
      ['100k nested parentheses', 'Article 1\n' + '('.repeat(deep) + ')'.repeat(deep)],
      ['one line of a million characters', 'Article 1\n1. ' + 'word '.repeat(200_000)],
      ['50,000 numbered lines', 'Article 1\n' + '1. x\n'.repeat(50_000)],
      ['200,000 blank lines', '\n'.repeat(200_000) + 'Article 1\nText.'],
      ['50,000 articles', Array.from({ length: 50_000 }, (_, i) => `Article ${i + 1}\n[Text][Other] of article ${i + 1}.`).join('\n')],
    ]
    const report: string[] = []
    for (const [name, text] of cases) {
      const { code, ms } = attempt(name, text)
      report.push(`${name}: ${code ?? 'imported'} in ${ms.toFixed(0)} ms`)
    }
    console.log(`hostile imports:\n  ${report.join('\n  ')}`)
  }, 180_000)

  test('a 50 MB text is refused at once, saying what the limit is', () => {
    const text = 'Article 1\nThe Parties agree. '.repeat(Math.ceil((50 * 1024 * 1024) / 30))
    expect(text.length).toBeGreaterThan(MAX_IMPORT_CHARS)
    const { code, message, ms } = attempt('50 MB text', text)
    expect(code).toBe('too-large')
    expect(message).toMatch(/at most/)
    expect(ms).toBeLessThan(1000)
  }, 60_000)
})
