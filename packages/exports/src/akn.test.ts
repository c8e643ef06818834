import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'
import { afterAll, describe, expect, it } from 'vitest'
import type { Node as PMNode } from 'prosemirror-model'
import { exportDocument, importText } from '@accord/treaty-io'
import { exportAkomaNtoso } from './akn'
import { importAkomaNtoso } from './aknImport'
import { cleanSample, hasTool, IN_CI, realDoc, realFixtures, sampleDoc, UNFCCC } from './testDocs'

const SCHEMA = '/work/shared/schemas/akomantoso30.xsd'
const HAS_XMLLINT = hasTool('xmllint', '--version')
const SKIP_VALIDATION = !HAS_XMLLINT && !IN_CI
if (SKIP_VALIDATION) console.warn('Akoma Ntoso schema validation skipped: xmllint is missing (apt-get install libxml2-utils). In CI (CI=true) it runs and fails instead.')

// The official schema imports ./xml.xsd, which it does not ship: validate in a folder holding both.
const dir = mkdtempSync(join(tmpdir(), 'accord-akn-'))
copyFileSync(new URL(`file://${SCHEMA}`), join(dir, 'akomantoso30.xsd'))
copyFileSync(new URL('./testdata/xml.xsd', import.meta.url), join(dir, 'xml.xsd'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A small treaty with two annexes, one with a bracket in its heading, one with a sub-paragraph. */
function annexed(): PMNode {
  const text = 'A Treaty\n\nArticle 1\n\n1. The Parties shall [act][cooperate].\n\nAnnex I\n\nList of [States][Parties]\n\n1. First entry.\n\nAnnex II\n\n1. Second [entry].\n\n(a) A point.\n'
  const doc = importText(text).doc
  expect(doc.firstChild!.lastChild!.type.name).toBe('annex')
  return doc
}

function akn(doc: PMNode, mode: 'clean' | 'negotiating'): string {
  const r = exportAkomaNtoso(doc, { mode, date: '2026-11-24' })
  if (!r.ok) throw new Error(`refused: ${r.open.map((o) => o.location).join('; ')}`)
  return r.content
}

function validate(xml: string, name: string): void {
  const file = join(dir, `${name}.xml`)
  writeFileSync(file, xml)
  const r = spawnSync('xmllint', ['--noout', '--schema', join(dir, 'akomantoso30.xsd'), file], { encoding: 'utf8' })
  if (r.error) throw new Error(`xmllint could not run (${r.error.message}); install libxml2-utils`)
  expect(r.stderr.split('\n').filter((l) => !l.endsWith(' validates') && l).join('\n'), `${name} against akomantoso30.xsd`).toBe('')
  expect(r.status).toBe(0)
}

describe('Akoma Ntoso export', () => {
  it('refuses a clean export while brackets are open', () => {
    const r = exportAkomaNtoso(sampleDoc(), { mode: 'clean' })
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.open).toHaveLength(20)
  })

  it('writes the clean sample as an act: longTitle, recitals, formula, articles and paragraphs with eIds', () => {
    const xml = akn(cleanSample(), 'clean')
    expect(xml).toContain('<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0"')
    expect(xml).toMatch(/<preface><longTitle eId="longTitle"><p[^>]*>关于禁止对不扩散核武器条约的无核武器缔约国使用或威胁使用核武器的议定书草案<\/p>/)
    expect(xml.match(/<recital /g)).toHaveLength(9)
    expect(xml).toContain('<formula name="enactingFormula"')
    expect(xml.match(/<article eId="art_\d+"/g)).toEqual(['art_1', 'art_2', 'art_3', 'art_4', 'art_5', 'art_6'].map((e) => `<article eId="${e}"`))
    expect(xml).toContain('<paragraph eId="art_1__para_2"><num>2.</num>')
    expect(xml).toContain('<paragraph eId="art_4__para_7"><num>7.</num>')
    expect(xml).toContain('<FRBRlanguage language="zh"/>')
    expect(xml).not.toMatch(/name="bracket"|authorialNote|[[\]［］]/)
  })

  it('keeps each alternative of the negotiating text as an element with alternativeTo, and notes', () => {
    const xml = akn(sampleDoc(), 'negotiating')
    expect(xml.match(/<inline name="bracket"/g)).toHaveLength(20)
    expect(xml).toContain('<inline name="alternative" eId="title__brk_1__alt_1" accord:node="alternative">议定书</inline><inline name="alternative" eId="title__brk_1__alt_2" alternativeTo="title__brk_1__alt_1" accord:node="alternative">协议</inline>')
    expect(xml.match(/<authorialNote /g)).toHaveLength(12)
  })

  it('gives a bis article the eId of the one it follows, and the final numbers in clean mode', () => {
    const doc = importText('A Treaty\n\nArticle 1\n\n1. One.\n\nArticle 1 bis\n\n1. Inserted.\n\nArticle 2\n\n1. Two.\n').doc
    const ids = (xml: string) => [...xml.matchAll(/<article eId="([^"]+)"/g)].map((m) => m[1])
    expect(ids(akn(doc, 'negotiating'))).toEqual(['art_1', 'art_1bis', 'art_2'])
    expect(ids(akn(doc, 'clean'))).toEqual(['art_1', 'art_2', 'art_3'])
    expect(akn(doc, 'clean')).toContain('<article eId="art_3" accord:node="article">\n<num>Article 3</num>')
    expect(importAkomaNtoso(akn(doc, 'negotiating')).toJSON()).toEqual(doc.toJSON())
  })

  it('attaches annexes as documents of their own', () => {
    const xml = akn(annexed(), 'negotiating')
    expect(xml).toMatch(/<attachments>\n<attachment eId="att_1" accord:node="annex">\n<num>Annex I<\/num>\n<heading[^>]*>List of [^<]*<inline name="bracket"/)
    expect(xml).toContain('<doc name="annex">')
    expect(xml).toContain('<FRBRthis value="/akn/un/act/2026-11-24/a-treaty/!annex_2"/>')
    expect(xml).toContain('<paragraph eId="att_1__para_1"><num>1.</num><content><p accord:node="paragraph">First entry.</p>')
    expect(xml).toContain('<point eId="att_2__para_1__point_1"><num>(a)</num>')
  })

  it.skipIf(SKIP_VALIDATION)('is valid against the official schema (clean sample, negotiating sample, annexes, every real fixture)', () => {
    validate(akn(annexed(), 'negotiating'), 'annexed')
    validate(akn(cleanSample(), 'clean'), 'clean-sample')
    validate(akn(sampleDoc(), 'negotiating'), 'negotiating-sample')
    for (const f of realFixtures()) validate(akn(realDoc(f), 'negotiating'), f)
  })
})

describe('Akoma Ntoso import', () => {
  it('reads the negotiating sample back to the same document', () => {
    const doc = sampleDoc()
    expect(importAkomaNtoso(akn(doc, 'negotiating')).toJSON()).toEqual(doc.toJSON())
  })

  for (const f of realFixtures()) {
    it(`reads ${f} back to the same document (options, nesting, bis)`, () => {
      const doc = realDoc(f)
      expect(importAkomaNtoso(akn(doc, 'negotiating')).toJSON()).toEqual(doc.toJSON())
    })
  }

  it('reads annexes back from their attachments', () => {
    const doc = annexed()
    expect(importAkomaNtoso(akn(doc, 'negotiating')).toJSON()).toEqual(doc.toJSON())
  })

  it('reads the clean text back to the same clean text', () => {
    const doc = cleanSample()
    const text = (d: PMNode) => {
      const r = exportDocument(d, { format: 'text', mode: 'clean' })
      return r.ok ? r.content : 'refused'
    }
    expect(text(importAkomaNtoso(akn(doc, 'clean')))).toBe(text(doc))
  })

  it('reads an act that Accord did not write, by element name', () => {
    const xml = `<?xml version="1.0"?><akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0"><act name="x"><meta/>
      <preface><longTitle eId="lt"><p>A Treaty</p></longTitle></preface>
      <preamble><p>The Parties,</p><recitals eId="r"><recital eId="r1"><p>Recalling &amp; noting,</p></recital></recitals><formula name="enactingFormula" eId="f"><p>Have agreed as follows:</p></formula></preamble>
      <body><article eId="art_1"><num>Article 1</num><heading>Scope</heading><paragraph eId="art_1__para_1"><num>1.</num><intro><p>It applies to:</p></intro><point eId="p"><num>(a)</num><content><p>States.</p></content></point></paragraph></article></body></act></akomaNtoso>`
    const doc = importAkomaNtoso(xml)
    const r = exportDocument(doc, { format: 'text', mode: 'negotiating' })
    expect(r.ok && r.content).toBe('A Treaty\n\nPreamble\n\nThe Parties,\n\nRecalling & noting,\n\nHave agreed as follows:\n\nArticle 1\n\nScope\n\n1. It applies to:\n\n(a) States.\n')
  })

  it('says what is wrong with a file that is not an act', () => {
    expect(() => importAkomaNtoso('<html/>')).toThrow(/not an Akoma Ntoso act/)
    expect(() => importAkomaNtoso('<akomaNtoso><act>')).toThrow()
  })
})
