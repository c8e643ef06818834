import type { Node as PMNode } from 'prosemirror-model'
import { treatyBuilders } from './testBuilders'
import { describe, expect, it } from 'vitest'
import { DOCUMENT_FORMAT, DOCUMENT_VERSION, DocumentError, fromTreatyJSON, toTreatyFile } from './document'
import { treatySchema } from './schema'

const {
  doc, treaty, title, preamble, opening, recital, formula, part, partHeading, art, heading,
  p, og, opt, final, annex, annexHeading, br, alt, ph, note,
} = treatyBuilders

/** A document using every node type, with non-default attributes. */
const full = doc(
  treaty(
    { lang: 'zh', para_style: 'cjk', recital_labels: true },
    title('关于安全保证的', br(alt({ sponsors: ['CN'] }, '议定书'), alt('协议'))),
    preamble(
      opening('本', br(alt('议定书'), alt('协议')), '缔约国，'),
      recital('忆及', ph('X date'), '，', note('(摘自安理会第984(1995)号决议)')),
      recital({ suffix: 'bis' }, '注意到'),
      og({ bracketed: true, label_style: 'roman' }, opt(recital('A')), opt()),
      formula('决定并商定如下：'),
    ),
    part(partHeading('总则'), art(heading('定义'), p('一'), p({ level: 1 }, '甲'))),
    art({ suffix: 'bis' }, p({ suffix: 'ter', numbered: false, level: 2 }, 'x')),
    og({ label_style: 'alpha' }, opt({ sponsors: ['US', 'G77'] }, art(p('y'))), opt()),
    p(br({ separator: 'slash' }, alt('a ', br({ separator: 'space' }, alt('b'), alt('c'))), alt()), ph({ curly: true }, 'Placeholder')),
    final(p({ numbered: false }, 'DONE')),
    annex({ suffix: 'bis' }, annexHeading('清单'), p('z'), art(p('w'))),
    annex(),
  ),
)

function types(node: PMNode): string[] {
  const seen = new Set<string>([node.type.name])
  node.descendants((n) => void seen.add(n.type.name))
  return [...seen].sort()
}

describe('toTreatyFile / fromTreatyJSON', () => {
  it('the fixture is valid and uses every node type', () => {
    full.check()
    expect(types(full)).toEqual(Object.keys(treatySchema.nodes).sort())
  })

  it('wraps the ProseMirror JSON with the format name and version', () => {
    const file = toTreatyFile(full)
    expect(file.format).toBe('accord-treaty')
    expect(file.format).toBe(DOCUMENT_FORMAT)
    expect(file.version).toBe(DOCUMENT_VERSION)
    expect(file.doc).toEqual(full.toJSON())
  })

  it('round-trips a document using every node type', () => {
    expect(fromTreatyJSON(toTreatyFile(full)).eq(full)).toBe(true)
  })

  it('round-trips through a JSON string', () => {
    const back = fromTreatyJSON(JSON.parse(JSON.stringify(toTreatyFile(full))))
    expect(back.eq(full)).toBe(true)
    expect(back.toJSON()).toEqual(full.toJSON())
  })

  it('round-trips the smallest document', () => {
    const d = doc(treaty())
    expect(fromTreatyJSON(toTreatyFile(d)).eq(d)).toBe(true)
  })

  it('accepts a bare ProseMirror document', () => {
    expect(fromTreatyJSON(full.toJSON()).eq(full)).toBe(true)
  })
})

describe('fromTreatyJSON rejects, with a DocumentError that says why', () => {
  const file = (docJSON: unknown) => ({ format: DOCUMENT_FORMAT, version: DOCUMENT_VERSION, doc: docJSON })
  const withTreaty = (treatyJSON: unknown) => file({ type: 'doc', content: [treatyJSON] })
  const rejects = (json: unknown, message: RegExp) => {
    let error: unknown
    try {
      fromTreatyJSON(json)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(DocumentError)
    expect((error as Error).name).toBe('DocumentError')
    expect((error as Error).message).toMatch(message)
  }

  it.each([null, undefined, 'text', 42, true, [], [full.toJSON()]])('not an object: %j', (json) => rejects(json, /must be a JSON object/))

  it('a wrong format name', () => rejects({ format: 'prosemirror', version: 1, doc: full.toJSON() }, /unknown document format "prosemirror"; expected "accord-treaty"/))

  it.each([2, 0, '1', undefined])('a wrong version: %j', (version) => rejects({ format: DOCUMENT_FORMAT, version, doc: full.toJSON() }, /unsupported document version .*reads version 1/))

  it.each([undefined, null, 'doc', {}, { type: 'treaty' }])('a doc that is not a document: %j', (docJSON) => rejects(file(docJSON), /"doc" must be a ProseMirror document/))

  it('a paragraph directly in the doc', () => rejects(file({ type: 'doc', content: [{ type: 'paragraph' }] }), /does not fit the treaty schema: .*doc/))

  it('a doc without a treaty', () => rejects(file({ type: 'doc' }), /does not fit the treaty schema/))

  it('an unknown node type', () => rejects(withTreaty({ type: 'treaty', content: [{ type: 'chapter' }] }), /does not fit the treaty schema: .*chapter/))

  it('an alternative outside a bracket', () =>
    rejects(withTreaty({ type: 'treaty', content: [{ type: 'paragraph', content: [{ type: 'alternative' }] }] }), /does not fit the treaty schema/))

  it('blocks out of order', () => rejects(withTreaty({ type: 'treaty', content: [{ type: 'annex' }, { type: 'article' }] }), /does not fit the treaty schema/))

  it('an empty text node', () => rejects(withTreaty({ type: 'treaty', content: [{ type: 'title', content: [{ type: 'text', text: '' }] }] }), /does not fit the treaty schema/))

  it('a mark (the schema has none)', () =>
    rejects(withTreaty({ type: 'treaty', content: [{ type: 'title', content: [{ type: 'text', text: 'x', marks: [{ type: 'em' }] }] }] }), /does not fit the treaty schema/))

  it('an attribute the node does not have (ProseMirror would drop it silently)', () => {
    rejects(withTreaty({ type: 'treaty', attrs: { colour: 'blue' } }), /does not fit the treaty schema: a treaty node has no attribute "colour"/)
    rejects(withTreaty({ type: 'treaty', content: [{ type: 'article', content: [{ type: 'paragraph', attrs: { lvl: 2 } }] }] }), /a paragraph node has no attribute "lvl"/)
    rejects(withTreaty({ type: 'treaty', content: [{ type: 'title', attrs: { toString: 1 } }] }), /a title node has no attribute "toString"/)
  })

  it.each([
    ['lang "xx"', { type: 'treaty', attrs: { lang: 'xx' } }, /lang must be one of .*got "xx"/],
    ['para_style', { type: 'treaty', attrs: { para_style: 'latin' } }, /para_style must be one of/],
    ['recital_labels', { type: 'treaty', attrs: { recital_labels: 'true' } }, /recital_labels must be true or false/],
    ['level 7', { type: 'treaty', content: [{ type: 'paragraph', attrs: { level: 7 } }] }, /level must be an integer from 0 to 3; got 7/],
    ['numbered', { type: 'treaty', content: [{ type: 'paragraph', attrs: { numbered: 'no' } }] }, /numbered must be true or false/],
    ['suffix "foo"', { type: 'treaty', content: [{ type: 'article', attrs: { suffix: 'foo' } }] }, /suffix must be one of .*got "foo"/],
    ['recital suffix', { type: 'treaty', content: [{ type: 'preamble', content: [{ type: 'recital', attrs: { suffix: 'BIS' } }] }] }, /suffix must be one of/],
    ['part suffix', { type: 'treaty', content: [{ type: 'part', attrs: { suffix: 1 } }] }, /suffix must be one of/],
    ['annex suffix', { type: 'treaty', content: [{ type: 'annex', attrs: { suffix: 'x' } }] }, /suffix must be one of/],
    ['bracketed', { type: 'treaty', content: [{ type: 'option_group', attrs: { bracketed: 1 } }] }, /bracketed must be true or false/],
    ['label_style', { type: 'treaty', content: [{ type: 'option_group', attrs: { label_style: 'greek' } }] }, /label_style must be one of/],
    ['option sponsors ["lowercase"]', { type: 'treaty', content: [{ type: 'option_group', content: [{ type: 'option', attrs: { sponsors: ['lowercase'] } }] }] }, /sponsors must be a list of State codes.*lowercase/],
    [
      'alternative sponsors',
      { type: 'treaty', content: [{ type: 'paragraph', content: [{ type: 'bracket', content: [{ type: 'alternative', attrs: { sponsors: 'CN' } }] }] }] },
      /sponsors must be a list/,
    ],
    ['separator', { type: 'treaty', content: [{ type: 'paragraph', content: [{ type: 'bracket', attrs: { separator: 'and' } }] }] }, /separator must be one of/],
    ['curly', { type: 'treaty', content: [{ type: 'paragraph', content: [{ type: 'placeholder', attrs: { curly: 'yes' } }] }] }, /curly must be true or false/],
  ])('an invalid attribute value: %s', (_name, treatyJSON, message) => rejects(withTreaty(treatyJSON), message))

  it('a bare document with a wrong top node', () => rejects({ type: 'treaty' }, /"doc" must be a ProseMirror document/))
})
