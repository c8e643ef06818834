import { treatySchema } from '@accord/schema'
import { describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import { checkUpdate, structureChange, treatyEncoding } from './checkUpdate'
import { smallTreaty } from './testing'
import { newServerYDoc, seedState } from './treatyDoc'

const encoding = treatyEncoding(treatySchema)

/** The server's document and a client copy of it; `edit` runs on the client and the resulting update is checked against the server's. */
function check(edit: (client: Y.Doc) => void, options: { gcClient?: boolean } = {}): string | null {
  const server = new Y.Doc({ gc: false })
  server.getXmlFragment('treaty')
  Y.applyUpdate(server, seedState(smallTreaty()))
  const client = new Y.Doc({ gc: options.gcClient ?? true })
  Y.applyUpdate(client, Y.encodeStateAsUpdate(server))
  const before = Y.encodeStateVector(client)
  edit(client)
  return checkUpdate(Y.encodeStateAsUpdate(client, before), server, encoding)
}

const treaty = (doc: Y.Doc) => doc.getXmlFragment('treaty').get(0) as Y.XmlElement
const titleText = (doc: Y.Doc) => (treaty(doc).get(0) as Y.XmlElement).get(0) as Y.XmlText

describe('checkUpdate accepts what y-prosemirror writes', () => {
  test('typing, deleting, attributes, new nodes', () => {
    expect(check((d) => titleText(d).insert(3, 'abc'))).toBeNull()
    expect(check((d) => titleText(d).delete(0, 4))).toBeNull()
    expect(check((d) => (treaty(d).get(1) as Y.XmlElement).setAttribute('suffix', 'bis'))).toBeNull()
    expect(
      check((d) => {
        const article = new Y.XmlElement('article')
        const paragraph = new Y.XmlElement('paragraph')
        const text = new Y.XmlText()
        text.insert(0, 'New.')
        paragraph.insert(0, [text])
        paragraph.setAttribute('level', 0 as unknown as string)
        article.insert(0, [paragraph])
        treaty(d).insert(2, [article])
      }),
    ).toBeNull()
    expect(check((d) => treaty(d).delete(1, 1))).toBeNull()
  })

  test('a change made offline inside an article someone else deleted passes, and every side converges (the room collects deleted content)', () => {
    const server = newServerYDoc()
    Y.applyUpdate(server, seedState(smallTreaty()))
    const a = new Y.Doc()
    const b = new Y.Doc()
    Y.applyUpdate(a, Y.encodeStateAsUpdate(server))
    Y.applyUpdate(b, Y.encodeStateAsUpdate(server))
    const paragraphOf = (d: Y.Doc) => (treaty(d).get(1) as Y.XmlElement).get(0) as Y.XmlElement
    // An attribute both have, so that B's later change of it has the old value as its origin.
    const sv = Y.encodeStateVector(b)
    paragraphOf(b).setAttribute('numbered', false as unknown as string)
    const first = Y.encodeStateAsUpdate(b, sv)
    expect(checkUpdate(first, server, encoding)).toBeNull()
    Y.applyUpdate(server, first)
    Y.applyUpdate(a, first)
    // A deletes the first article; the server collects what was inside it.
    const svA = Y.encodeStateVector(a)
    treaty(a).delete(1, 1)
    const deletion = Y.encodeStateAsUpdate(a, svA)
    expect(checkUpdate(deletion, server, encoding)).toBeNull()
    Y.applyUpdate(server, deletion)
    // B, offline, types in that article's paragraph and changes its attribute.
    const svB = Y.encodeStateVector(b)
    ;(paragraphOf(b).get(0) as Y.XmlText).insert(0, 'Offline ')
    paragraphOf(b).setAttribute('numbered', true as unknown as string)
    ;(treaty(b).get(1) as Y.XmlElement).setAttribute('suffix', 'bis')
    const offline = Y.encodeStateAsUpdate(b, svB)
    expect(checkUpdate(offline, server, encoding)).toBeNull()
    expect(structureChange(offline, server)).toBeNull()
    Y.applyUpdate(server, offline)
    Y.applyUpdate(b, Y.encodeStateAsUpdate(server, Y.encodeStateVector(b)))
    Y.applyUpdate(a, Y.encodeStateAsUpdate(server, Y.encodeStateVector(a)))
    expect(server.store.pendingStructs).toBeNull()
    for (const peer of [a, b]) {
      expect(Y.equalSnapshots(Y.snapshot(peer), Y.snapshot(server))).toBe(true)
      expect(peer.getXmlFragment('treaty').toString()).toBe(server.getXmlFragment('treaty').toString())
    }
    expect(server.getXmlFragment('treaty').toString()).not.toContain('Offline')
  })

  test('an update that only deletes, from a client that garbage-collects', () => {
    expect(check((d) => treaty(d).delete(0, 2), { gcClient: true })).toBeNull()
  })

  test('an update whose parents the server has not seen yet is let through (Yjs keeps it pending)', () => {
    const server = new Y.Doc({ gc: false })
    Y.applyUpdate(server, seedState(smallTreaty()))
    const client = new Y.Doc()
    Y.applyUpdate(client, Y.encodeStateAsUpdate(server))
    const sv0 = Y.encodeStateVector(client)
    const paragraph = new Y.XmlElement('paragraph')
    treaty(client).insert(1, [paragraph])
    const sv1 = Y.encodeStateVector(client)
    const text = new Y.XmlText()
    paragraph.insert(0, [text])
    text.insert(0, 'later')
    // Only the second half: its parent (the paragraph) is in the first half the server lacks.
    expect(checkUpdate(Y.encodeStateAsUpdate(client, sv1), server, encoding)).toBeNull()
    expect(checkUpdate(Y.encodeStateAsUpdate(client, sv0), server, encoding)).toBeNull()
  })
})

describe('checkUpdate refuses', () => {
  test.each<[string, (d: Y.Doc) => void, RegExp]>([
    ['a node the schema lacks', (d) => treaty(d).insert(0, [new Y.XmlElement('script')]), /node "script"/],
    ['a second root type', (d) => d.getMap('meta').set('x', 1), /root type "meta"/],
    ['text directly in the fragment', (d) => d.getXmlFragment('treaty').insert(0, [new Y.XmlText('loose')]), /text where the schema allows none \(in the treaty fragment\)/],
    ['plain values in a node\'s content', (d) => (treaty(d) as unknown as Y.Array<unknown>).insert(0, [42]), /plain values/],
    ['a Y.Map inside the treaty', (d) => (treaty(d) as unknown as Y.Array<unknown>).insert(0, [new Y.Map()]), /YMap/],
    ['formatting for a mark the schema lacks', (d) => titleText(d).format(0, 2, { bold: {} }), /not a mark/],
    ['an embed in text', (d) => titleText(d).insertEmbed(0, { image: 'x' }), /ContentEmbed/],
    ['a subdocument', (d) => (treaty(d) as unknown as Y.Array<unknown>).insert(0, [new Y.Doc()]), /ContentDoc/],
    ['a node inside text', (d) => titleText(d).insertEmbed(0, new Y.XmlElement('paragraph') as unknown as object), /inside text/],
    ['a paragraph directly in the fragment', (d) => d.getXmlFragment('treaty').insert(1, [new Y.XmlElement('paragraph')]), /"paragraph" where the schema never allows one \(in the treaty fragment\)/],
    ['an article inside a paragraph', (d) => ((treaty(d).get(1) as Y.XmlElement).get(0) as Y.XmlElement).insert(0, [new Y.XmlElement('article')]), /"article" where the schema never allows one \(in a paragraph\)/],
    ['text directly in an article', (d) => (treaty(d).get(1) as Y.XmlElement).insert(0, [new Y.XmlText('loose')]), /text where the schema allows none \(in an article\)/],
    ['an attribute value the schema refuses', (d) => ((treaty(d).get(1) as Y.XmlElement).get(0) as Y.XmlElement).setAttribute('level', 99 as unknown as string), /attribute "level" of paragraph/],
    ['a suffix that is not one', (d) => (treaty(d).get(1) as Y.XmlElement).setAttribute('suffix', 'hexies'), /attribute "suffix" of article/],
    ['an attribute the node type does not have', (d) => (treaty(d).get(1) as Y.XmlElement).setAttribute('onclick', 'alert(1)'), /attribute "onclick" that an article does not have/],
    ['__proto__ as an attribute name', (d) => (treaty(d).get(1) as Y.XmlElement).setAttribute('__proto__', { level: 99 } as unknown as string), /attribute "__proto__" that an article does not have/],
    ['a huge refused value, reported short', (d) => (treaty(d).get(1) as Y.XmlElement).setAttribute('suffix', 'x'.repeat(100_000)), /^(?!.{2000})/s],
  ])('%s', (_name, edit, message) => {
    expect(check(edit)).toMatch(message)
  })

  test('bytes that do not decode, and an empty update', () => {
    const server = new Y.Doc({ gc: false })
    expect(checkUpdate(new Uint8Array([1, 2, 3, 4, 5]), server, encoding)).toMatch(/does not decode/)
    expect(checkUpdate(new Uint8Array(0), server, encoding)).toMatch(/empty/)
  })
})

describe('checkUpdate and the ad referendum mark', () => {
  /** Adds a bracket with one alternative to the first paragraph, with `adRef` set to `value`. */
  const withBracket = (value: unknown) => (d: Y.Doc) => {
    const paragraph = (treaty(d).get(1) as Y.XmlElement).get(0) as Y.XmlElement
    const bracket = new Y.XmlElement('bracket')
    const alternative = new Y.XmlElement('alternative')
    alternative.insert(0, [new Y.XmlText('x')])
    bracket.insert(0, [alternative])
    bracket.setAttribute('adRef', value as string)
    paragraph.insert(0, [bracket])
  }

  test('accepts adRef true or false on a bracket', () => {
    expect(check(withBracket(true))).toBeNull()
    expect(check(withBracket(false))).toBeNull()
  })

  test('refuses any other value', () => {
    expect(check(withBracket('true'))).toMatch(/attribute "adRef" of bracket .*adRef must be true or false/)
  })
})
