import { treatySchema } from '@accord/schema'
import { treatyBuilders } from '@accord/schema/test-builders'
import type { Node as PMNode } from 'prosemirror-model'
import { EditorState, type Transaction } from 'prosemirror-state'
import { inflateRawSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  AMENDMENTS_ROOT,
  AmendmentError,
  compileAmendments,
  compileRoomAmendments,
  cosponsorAmendment,
  decideAmendment,
  getAmendment,
  listAmendments,
  proposeAmendment,
  updateAmendment,
  withdrawAmendment,
} from './amendments'
import { publicEntry, readAudit, type Actor, type RoomLike } from './audit'
import { listBrackets, resolve } from './brackets'
import { checkUpdate, treatyEncoding } from './checkUpdate'
import type { Connection } from './Room'
import { mulberry32, waitFor } from './testing'
import { blockStarting, editOn, memoryRooms, peerDoc, peerOf, roomWith, sampleDoc, type TestRoom } from './testRooms'
import { newServerYDoc, seedState } from './treatyDoc'

const chair: Actor = { participant: 'p_chair', name: 'Chair', role: 'facilitator', state: null }
const france: Actor = { participant: 'p_fr', name: 'Marie Dupont', role: 'delegation', state: 'FR' }
const france2: Actor = { participant: 'p_fr2', name: 'Jean Martin', role: 'delegation', state: 'FR' }
const brazil: Actor = { participant: 'p_br', name: 'Ana Souza', role: 'delegation', state: 'BR' }
const china: Actor = { participant: 'p_cn', name: 'Li Wei', role: 'delegation', state: 'CN' }
const observer: Actor = { participant: 'p_obs', name: 'Observer', role: 'observer', state: null }

/** The position right before the first occurrence of `text` in a text node of `doc` (plus `offset`). */
function posOf(doc: PMNode, text: string, offset = 0): number {
  let found = -1
  doc.descendants((node, pos) => {
    if (found >= 0) return false
    if (node.isText) {
      const i = node.text!.indexOf(text)
      if (i >= 0) found = pos + i + offset
    }
    return true
  })
  if (found < 0) throw new Error(`"${text}" is not in one text node of the document`)
  return found
}

function amendmentError(f: () => unknown): AmendmentError {
  try {
    f()
  } catch (error) {
    if (error instanceof AmendmentError) return error
    throw error
  }
  throw new Error('expected an AmendmentError')
}

// Article 4, paragraph 1 of the sample: 本[议定书][协议]应当签署并对不扩散条约任何缔约国开放供签署。本[议定书][协议]应经过批准。
const ART4_P1 = '本议定书协议应当签署'
const QUOTE = '对不扩散条约任何缔约国开放供签署'
const replaceInArticle4 = { kind: 'replace', target: { article: 4, paragraph: 1, quote: QUOTE }, text: '对所有国家开放供签署', justification: 'Universality.' }

describe('proposing', () => {
  it('records a delegation’s proposal in its own State’s name, in the server-only root, with one update and an audit entry', () => {
    const room = roomWith(sampleDoc())
    const result = proposeAmendment(room, france, replaceInArticle4)
    expect(result.id).toMatch(/^m_[A-Za-z0-9_-]{12}$/)
    expect(result.warning).toBeNull()
    expect(room.updates).toHaveLength(1)
    const { amendments } = listAmendments(room)
    expect(amendments).toHaveLength(1)
    const [a] = amendments
    expect(a).toMatchObject({
      id: result.id,
      number: 1,
      state: 'FR',
      kind: 'replace',
      target: { article: 4, paragraph: 1, quote: QUOTE, location: 'Article 4, paragraph 1' },
      text: '对所有国家开放供签署',
      justification: 'Universality.',
      status: 'open',
      cosponsors: [],
      author: { participant: 'p_fr', name: 'Marie Dupont' },
      base: { revision: null, auditSeq: 0 },
      decision: null,
      located: { article: 4, paragraph: 1, preamble: null, location: 'Article 4, paragraph 1', quote: QUOTE, found: true, changed: false },
    })
    expect(a.created).toBe(a.updated)
    expect(JSON.stringify(a)).not.toMatch(/anchor|elements/)
    expect(room.doc.getMap(AMENDMENTS_ROOT).size).toBe(1)
    const [entry] = readAudit(room.doc)
    expect(publicEntry(entry)).toMatchObject({ action: 'amendment-propose', amendment: result.id, actor: { state: 'FR' }, detail: expect.stringContaining('Article 4, paragraph 1') })
    // The text did not change.
    expect(room.read().toJSON()).toEqual(sampleDoc().toJSON())
  })

  it('records the revision it was made on when the caller names one', () => {
    const room = roomWith(sampleDoc())
    const { id } = proposeAmendment(room, france, replaceInArticle4, { revision: 'Rev.1' })
    expect(getAmendment(room, id).base).toEqual({ revision: 'Rev.1', auditSeq: 0 })
  })

  it('takes the State from the actor, never from the body', () => {
    const room = roomWith(sampleDoc())
    expect(amendmentError(() => proposeAmendment(room, france, { ...replaceInArticle4, state: 'BR' }))).toMatchObject({ status: 400 })
    proposeAmendment(room, france, replaceInArticle4)
    expect(listAmendments(room).amendments[0].state).toBe('FR')
  })

  it('refuses anybody but a delegation with 403', () => {
    const room = roomWith(sampleDoc())
    for (const actor of [chair, observer, { ...france, state: null }]) {
      expect(amendmentError(() => proposeAmendment(room, actor, replaceInArticle4))).toMatchObject({ status: 403, code: 'forbidden' })
    }
    expect(room.updates).toHaveLength(0)
  })

  it('answers 422 for a quote that is not in that paragraph, saying where it looked', () => {
    const room = roomWith(sampleDoc())
    const error = amendmentError(() => proposeAmendment(room, france, { ...replaceInArticle4, target: { article: 4, paragraph: 2, quote: QUOTE } }))
    expect(error).toMatchObject({ status: 422, code: 'quote-not-found' })
    expect(error.message).toBe(`"${QUOTE}" is not in Article 4, paragraph 2; copy the text exactly as it stands there (brackets as [A][B]), and check the article and paragraph numbers`)
    expect(amendmentError(() => proposeAmendment(room, france, { ...replaceInArticle4, target: { article: 4, paragraph: 9, quote: QUOTE } }))).toMatchObject({
      status: 422,
      message: expect.stringContaining('Article 4 has 7 numbered paragraphs'),
    })
    expect(amendmentError(() => proposeAmendment(room, france, { ...replaceInArticle4, target: { article: 9, paragraph: 1, quote: QUOTE } })).message).toMatch(/no Article 9/)
    expect(amendmentError(() => proposeAmendment(room, france, { ...replaceInArticle4, target: { preamble: 12, quote: QUOTE } })).message).toMatch(/preamble has 11 paragraphs/)
    expect(room.updates).toHaveLength(0)
  })

  it('refuses malformed bodies with 400', () => {
    const room = roomWith(sampleDoc())
    const bodies: unknown[] = [
      null,
      [],
      'x',
      { ...replaceInArticle4, kind: 'rewrite' },
      { ...replaceInArticle4, target: { article: 4, paragraph: 1 } },
      { ...replaceInArticle4, target: { article: 4, paragraph: 1, quote: '' } },
      { ...replaceInArticle4, target: { article: '4', paragraph: 1, quote: QUOTE } },
      { ...replaceInArticle4, target: { article: 0, paragraph: 1, quote: QUOTE } },
      { ...replaceInArticle4, target: { article: 4, preamble: 1, quote: QUOTE } },
      { ...replaceInArticle4, text: '' },
      { ...replaceInArticle4, text: 3 },
      { ...replaceInArticle4, justification: ['x'] },
      { kind: 'delete', target: { article: 4, paragraph: 1, quote: QUOTE }, text: 'x' },
      { kind: 'deleteParagraph', target: { article: 4 } },
      { kind: 'deleteArticle', target: { article: 4, paragraph: 1 } },
    ]
    for (const body of bodies) expect(amendmentError(() => proposeAmendment(room, france, body)), JSON.stringify(body)).toMatchObject({ status: 400, code: 'bad-request' })
    expect(amendmentError(() => proposeAmendment(room, france, { ...replaceInArticle4, text: 'line\nbreak' }))).toMatchObject({ status: 422, code: 'not-inline' })
    expect(amendmentError(() => proposeAmendment(room, france, { ...replaceInArticle4, text: '[unclosed' }))).toMatchObject({ status: 422, code: 'unbalanced-brackets' })
    expect(room.updates).toHaveLength(0)
  })

  it('finds a quote written with brackets in notation, or as the editor copies it, and a quote in the preamble', () => {
    const room = roomWith(sampleDoc())
    const a = proposeAmendment(room, france, { kind: 'replace', target: { article: 4, paragraph: 1, quote: '本[议定书][协议]应当签署' }, text: '本议定书应当签署' })
    expect(a.located).toMatchObject({ found: true, quote: '本[议定书][协议]应当签署', location: 'Article 4, paragraph 1' })
    const b = proposeAmendment(room, france, { kind: 'delete', target: { article: 4, paragraph: 1, quote: '议定书协议应当' } })
    expect(b.located).toMatchObject({ found: true, quote: '[议定书][协议]应当' })
    const c = proposeAmendment(room, brazil, { kind: 'insertAfter', target: { preamble: 3, quote: '促进和平利用核能方面的国际合作' }, text: '，包括技术转让' })
    expect(c.located).toMatchObject({ found: true, preamble: 3, article: null, location: 'Preamble, paragraph 3' })
    // Inside one alternative.
    const d = proposeAmendment(room, china, { kind: 'replace', target: { article: 4, paragraph: 2, quote: '议定' }, text: '公约' })
    expect(d.located).toMatchObject({ found: true, quote: '议定' })
    // A bracket cut in the middle is not a passage.
    expect(amendmentError(() => proposeAmendment(room, china, { kind: 'delete', target: { article: 4, paragraph: 2, quote: '议定书][协' } }))).toMatchObject({ status: 422 })
  })

  it('takes the first of several occurrences and says so; target.occurrence picks another', () => {
    const room = roomWith(sampleDoc())
    // Article 4, paragraph 3: 本[议定书][协议]无限期有效，只要不扩散条约有效，本[议定书][协议]即有效。
    const first = proposeAmendment(room, france, { kind: 'delete', target: { article: 4, paragraph: 3, quote: '有效' } })
    expect(first.warning).toMatch(/occurs 3 times in Article 4, paragraph 3; the amendment applies to the first/)
    const second = proposeAmendment(room, france, { kind: 'delete', target: { article: 4, paragraph: 3, quote: '有效', occurrence: 2 } })
    expect(second.warning).toBeNull()
    expect(amendmentError(() => proposeAmendment(room, france, { kind: 'delete', target: { article: 4, paragraph: 3, quote: '有效', occurrence: 4 } })).message).toMatch(/occurs 3 times/)
    const decided = decideAmendment(room, chair, second.id, { decision: 'accept' })
    expect(decided.amendment.status).toBe('accepted')
    expect(blockStarting(room.read(), '本议定书协议无限期').node.textContent).toBe('本议定书协议无限期有效，只要不扩散条约，本议定书协议即有效。')
  })
})

describe('anchoring under concurrent edits', () => {
  function proposed() {
    const room = roomWith(sampleDoc())
    const peer = peerOf(room)
    const { id } = proposeAmendment(room, france, replaceInArticle4)
    return { room, peer, id, located: () => getAmendment(room, id).located }
  }

  it('follows its text while a peer types before it, right at its edges and after it', () => {
    const { peer, located } = proposed()
    // Right before the first character and right after the last: outside the quote.
    editOn(peer, (state) => state.tr.insertText('甲', posOf(state.doc, QUOTE)))
    editOn(peer, (state) => state.tr.insertText('乙', posOf(state.doc, QUOTE, QUOTE.length)))
    expect(located()).toMatchObject({ found: true, quote: QUOTE, changed: false, location: 'Article 4, paragraph 1' })
    // Earlier in the paragraph, later in the paragraph, and a new paragraph before it in the article.
    editOn(peer, (state) => state.tr.insertText('丙', posOf(state.doc, '应当签署')))
    editOn(peer, (state) => state.tr.insertText('丁', posOf(state.doc, '应经过批准')))
    editOn(peer, (state) => {
      const para = blockStarting(state.doc, '本议定书协议丙应当')
      return state.tr.insert(para.pos, treatySchema.nodes.paragraph.create(null, treatySchema.text('新的第一款。')))
    })
    expect(located()).toMatchObject({ found: true, quote: QUOTE, changed: false, article: 4, paragraph: 2, location: 'Article 4, paragraph 2' })
    const text = blockStarting(peerDoc(peer), '本议定书协议丙应当签署').node.textContent
    expect(text).toContain(`甲${QUOTE}乙`)
  })

  it('includes what is typed inside it, next to its first and last characters', () => {
    const { peer, located } = proposed()
    editOn(peer, (state) => state.tr.insertText('X', posOf(state.doc, QUOTE, 1)))
    editOn(peer, (state) => state.tr.insertText('Y', posOf(state.doc, '供签署。') + 2))
    expect(located()).toMatchObject({ found: true, quote: '对X不扩散条约任何缔约国开放供签Y署', changed: true })
  })

  it('keeps its text when the first or last characters only are deleted', () => {
    const { peer, located } = proposed()
    editOn(peer, (state) => {
      const at = posOf(state.doc, QUOTE)
      return state.tr.delete(at, at + 1)
    })
    editOn(peer, (state) => {
      const at = posOf(state.doc, '供签署。')
      return state.tr.delete(at + 2, at + 3)
    })
    expect(located()).toMatchObject({ found: true, quote: '不扩散条约任何缔约国开放供签', changed: true })
  })

  it('reads the new text when it was rewritten inside but its first and last characters stand', () => {
    const { peer, located } = proposed()
    editOn(peer, (state) => {
      const at = posOf(state.doc, QUOTE)
      return state.tr.insertText('对所有国家开放供签署', at, at + QUOTE.length)
    })
    expect(located()).toMatchObject({ found: true, quote: '对所有国家开放供签署', changed: true })
  })

  it('says its text was deleted, and does not drift, when the quote is deleted or replaced', () => {
    const { room, peer, id, located } = proposed()
    editOn(peer, (state) => {
      const at = posOf(state.doc, QUOTE)
      return state.tr.insertText('向各国开放', at, at + QUOTE.length)
    })
    expect(located()).toMatchObject({ found: false, quote: null, location: 'Article 4, paragraph 1 (the quoted text has been deleted)' })
    const error = amendmentError(() => decideAmendment(room, chair, id, { decision: 'accept' }))
    expect(error).toMatchObject({ status: 409, code: 'target-deleted' })
    expect(error.message).toMatch(/has been deleted since it was proposed/)
  })

  it('follows its text through edits made concurrently offline by a peer that had not seen the proposal', () => {
    const room = roomWith(sampleDoc())
    const offline = new Y.Doc()
    Y.applyUpdate(offline, Y.encodeStateAsUpdate(room.doc))
    editOn(offline, (state) => state.tr.insertText('甲', posOf(state.doc, QUOTE)))
    editOn(offline, (state) => state.tr.insertText('乙', posOf(state.doc, QUOTE, 5)))
    editOn(offline, (state) => state.tr.insertText('丙', posOf(state.doc, '供签署。', 3)))
    const { id } = proposeAmendment(room, france, replaceInArticle4)
    Y.applyUpdate(room.doc, Y.encodeStateAsUpdate(offline, Y.encodeStateVector(room.doc)))
    Y.applyUpdate(offline, Y.encodeStateAsUpdate(room.doc, Y.encodeStateVector(offline)))
    expect(getAmendment(room, id).located).toMatchObject({ found: true, quote: '对不扩散条乙约任何缔约国开放供签署', changed: true })
    expect(peerDoc(offline).textContent).toContain('甲对不扩散条乙约任何缔约国开放供签署丙。')
    expect(decideAmendment(room, chair, id, { decision: 'accept' }).amendment.status).toBe('accepted')
    expect(blockStarting(room.read(), '本议定书协议应当').node.textContent).toContain('甲对所有国家开放供签署丙。')
  })

  it('says so when the whole paragraph is deleted', () => {
    const { peer, located } = proposed()
    editOn(peer, (state) => {
      const para = blockStarting(state.doc, ART4_P1)
      return state.tr.delete(para.pos, para.pos + para.node.nodeSize)
    })
    expect(located()).toMatchObject({ found: false })
  })

  it('survives the resolution of a bracket before it in its paragraph (y-prosemirror rewrites the text after it)', () => {
    const { room, located } = proposed()
    const { sets } = listBrackets(room)
    resolve(room, chair, { set: sets[0].id, choose: '议定书' })
    expect(located()).toMatchObject({ found: true, quote: QUOTE, changed: false, location: 'Article 4, paragraph 1' })
  })

  it('stays attached in random runs of typing before, inside and after it', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const random = mulberry32(seed)
      const { peer, located } = proposed()
      let expected = QUOTE
      for (let step = 0; step < 12; step++) {
        const where = random()
        const ch = String.fromCharCode(0x4e00 + Math.floor(random() * 100))
        const offset = where < 0.3 ? 0 : where < 0.6 ? 1 + Math.floor(random() * (expected.length - 1)) : expected.length
        editOn(peer, (state) => state.tr.insertText(ch, posOf(state.doc, expected, offset)))
        if (offset > 0 && offset < expected.length) expected = expected.slice(0, offset) + ch + expected.slice(offset)
      }
      expect(located(), `seed ${seed}`).toMatchObject({ found: true, quote: expected })
    }
  })
})

describe('who may change an amendment', () => {
  it('lets its own State (any of its delegates) edit it while open, and nobody else', () => {
    const room = roomWith(sampleDoc())
    const { id } = proposeAmendment(room, france, replaceInArticle4)
    const edited = updateAmendment(room, france2, id, { text: '对所有国家开放', justification: 'Universality, again.' })
    expect(edited).toMatchObject({ text: '对所有国家开放', justification: 'Universality, again.', status: 'open', author: { participant: 'p_fr' } })
    expect(edited.updated >= edited.created).toBe(true)
    const refused = amendmentError(() => updateAmendment(room, brazil, id, { text: 'x' }))
    expect(refused).toMatchObject({ status: 403, code: 'not-your-amendment' })
    expect(refused.message).toMatch(/is FR's; only its own State may edit it \(you are BR\)/)
    for (const actor of [chair, observer]) expect(amendmentError(() => updateAmendment(room, actor, id, { text: 'x' }))).toMatchObject({ status: 403 })
    expect(amendmentError(() => updateAmendment(room, france, id, {}))).toMatchObject({ status: 400 })
    expect(amendmentError(() => updateAmendment(room, france, id, { quote: 'x' }))).toMatchObject({ status: 400 })
    expect(amendmentError(() => updateAmendment(room, france, 'm_nothing', { text: 'x' }))).toMatchObject({ status: 404 })
    expect(readAudit(room.doc).map((e) => e.action)).toEqual(['amendment-propose', 'amendment-update'])
  })

  it('lets only its own State withdraw it, once', () => {
    const room = roomWith(sampleDoc())
    const { id } = proposeAmendment(room, france, replaceInArticle4)
    expect(amendmentError(() => withdrawAmendment(room, brazil, id))).toMatchObject({ status: 403, code: 'not-your-amendment' })
    expect(amendmentError(() => withdrawAmendment(room, chair, id))).toMatchObject({ status: 403 })
    expect(withdrawAmendment(room, france2, id).status).toBe('withdrawn')
    expect(amendmentError(() => withdrawAmendment(room, france, id))).toMatchObject({ status: 409, code: 'not-open' })
    expect(amendmentError(() => updateAmendment(room, france, id, { text: 'x' }))).toMatchObject({ status: 409 })
    expect(amendmentError(() => decideAmendment(room, chair, id, { decision: 'accept' }))).toMatchObject({ status: 409 })
  })

  it('lets other States co-sponsor it (idempotently), but not its own, and not after the decision', () => {
    const room = roomWith(sampleDoc())
    const { id } = proposeAmendment(room, france, replaceInArticle4)
    const own = amendmentError(() => cosponsorAmendment(room, france2, id))
    expect(own).toMatchObject({ status: 403, code: 'own-amendment' })
    expect(own.message).toMatch(/cannot co-sponsor its own/)
    expect(amendmentError(() => cosponsorAmendment(room, chair, id))).toMatchObject({ status: 403 })
    expect(cosponsorAmendment(room, brazil, id).cosponsors).toEqual(['BR'])
    const before = room.updates.length
    expect(cosponsorAmendment(room, brazil, id).cosponsors).toEqual(['BR'])
    expect(room.updates.length).toBe(before)
    expect(cosponsorAmendment(room, china, id).cosponsors).toEqual(['BR', 'CN'])
    decideAmendment(room, chair, id, { decision: 'reject' })
    const late = { ...china, participant: 'p_de', state: 'DE' }
    expect(amendmentError(() => cosponsorAmendment(room, late, id))).toMatchObject({ status: 409, code: 'not-open' })
    // Co-sponsoring again after the decision is still a no-op, not an error.
    expect(cosponsorAmendment(room, brazil, id).cosponsors).toEqual(['BR', 'CN'])
  })

  it('cannot be written by a client: an update to the amendments root is refused like any root but the treaty', () => {
    const room = roomWith(sampleDoc())
    const { id } = proposeAmendment(room, france, replaceInArticle4)
    const forger = new Y.Doc()
    Y.applyUpdate(forger, Y.encodeStateAsUpdate(room.doc))
    let update: Uint8Array | null = null
    forger.on('update', (u: Uint8Array) => (update = u))
    const map = forger.getMap<Record<string, unknown>>(AMENDMENTS_ROOT)
    forger.transact(() => map.set(id, { ...map.get(id)!, state: 'BR', status: 'accepted' }))
    expect(update).not.toBeNull()
    expect(checkUpdate(update!, room.doc, treatyEncoding(treatySchema))).toMatch(/writes to a root type "amendments"/)
  })
})

describe('the facilitator’s decision', () => {
  const original = () => sampleDoc()
  /** The sample with `edit` applied, as the expected document. */
  const expectedWith = (edit: (state: EditorState) => Transaction) => edit(EditorState.create({ schema: treatySchema, doc: original() })).doc

  function check(room: TestRoom, peer: Y.Doc, expected: PMNode) {
    expect(room.read().toJSON()).toEqual(expected.toJSON())
    const fromPeer = peerDoc(peer)
    fromPeer.check()
    expect(fromPeer.toJSON()).toEqual(expected.toJSON())
  }

  it('accepts a replacement: the wording becomes the text, with its audit entry, in one update', () => {
    const room = roomWith(original())
    const peer = peerOf(room)
    const { id } = proposeAmendment(room, france, replaceInArticle4)
    room.updates.length = 0
    const result = decideAmendment(room, chair, id, { decision: 'accept' })
    expect(room.updates).toHaveLength(1)
    expect(result.amendment).toMatchObject({ status: 'accepted', decision: { decision: 'accept', by: { participant: 'p_chair' }, entry: result.entry, group: null } })
    expect(result.amendment.located).toMatchObject({ found: true, quote: '对所有国家开放供签署', changed: false })
    check(room, peer, expectedWith((s) => s.tr.insertText('对所有国家开放供签署', posOf(s.doc, QUOTE), posOf(s.doc, QUOTE, QUOTE.length))))
    const entry = readAudit(room.doc).at(-1)!
    expect(publicEntry(entry)).toMatchObject({ id: result.entry, action: 'amendment-accept', amendment: id, actor: { role: 'facilitator' }, detail: expect.stringMatching(/^Accepted amendment 1 of FR: replace/) })
    expect(amendmentError(() => decideAmendment(room, chair, id, { decision: 'reject' }))).toMatchObject({ status: 409, code: 'not-open' })
  })

  it('accepts a deletion and an insertion', () => {
    const room = roomWith(original())
    const peer = peerOf(room)
    const del = proposeAmendment(room, france, { kind: 'delete', target: { article: 4, paragraph: 1, quote: '并对不扩散条约任何缔约国开放供签署' } })
    const ins = proposeAmendment(room, brazil, { kind: 'insertAfter', target: { article: 4, paragraph: 7, quote: '运作情况' }, text: '、执行情况' })
    decideAmendment(room, chair, del.id, { decision: 'accept' })
    decideAmendment(room, chair, ins.id, { decision: 'accept' })
    check(
      room,
      peer,
      expectedWith((s) => {
        const tr = s.tr
        const at = posOf(s.doc, '运作情况', 4)
        tr.insertText('、执行情况', at)
        const from = posOf(s.doc, '并对不扩散条约任何缔约国开放供签署')
        return tr.delete(from, from + '并对不扩散条约任何缔约国开放供签署'.length)
      }),
    )
  })

  it('rejects: only the status and the audit log change', () => {
    const room = roomWith(original())
    const { id } = proposeAmendment(room, france, replaceInArticle4)
    room.updates.length = 0
    const result = decideAmendment(room, chair, id, { decision: 'reject' })
    expect(room.updates).toHaveLength(1)
    expect(result.amendment.status).toBe('rejected')
    expect(room.read().toJSON()).toEqual(original().toJSON())
    expect(readAudit(room.doc).at(-1)).toMatchObject({ action: 'amendment-reject', amendment: id })
  })

  it('refuses anybody but a facilitator, and bad decisions', () => {
    const room = roomWith(original())
    const { id } = proposeAmendment(room, france, replaceInArticle4)
    for (const actor of [france, brazil, observer]) expect(amendmentError(() => decideAmendment(room, actor, id, { decision: 'accept' }))).toMatchObject({ status: 403 })
    expect(amendmentError(() => decideAmendment(room, chair, id, { decision: 'approve' }))).toMatchObject({ status: 400 })
    expect(amendmentError(() => decideAmendment(room, chair, 'm_x', { decision: 'accept' }))).toMatchObject({ status: 404 })
    const secretariat: Actor = { participant: 'p_sec', name: 'Secretariat', role: 'secretariat', state: null }
    expect(decideAmendment(room, secretariat, id, { decision: 'reject' }).amendment.status).toBe('rejected')
  })

  it('brackets a replacement: original and proposal become one group, the proposal carrying its sponsors', () => {
    const room = roomWith(original())
    const peer = peerOf(room)
    const { id } = proposeAmendment(room, france, replaceInArticle4)
    cosponsorAmendment(room, brazil, id)
    room.updates.length = 0
    const result = decideAmendment(room, chair, id, { decision: 'bracket' })
    expect(room.updates).toHaveLength(1)
    const { bracket, alternative } = treatySchema.nodes
    check(
      room,
      peer,
      expectedWith((s) => {
        const from = posOf(s.doc, QUOTE)
        const group = bracket.create(null, [alternative.create(null, treatySchema.text(QUOTE)), alternative.create({ sponsors: ['FR', 'BR'] }, treatySchema.text('对所有国家开放供签署'))])
        return s.tr.replaceWith(from, from + QUOTE.length, group)
      }),
    )
    expect(result.group).toMatch(/^g\d+\.\d+$/)
    const listed = listBrackets(room).groups.find((g) => g.id === result.group)!
    expect(listed).toMatchObject({ alternatives: [QUOTE, '对所有国家开放供签署'], location: 'Article 4, paragraph 1', set: null })
    expect(result.amendment).toMatchObject({ status: 'bracketed', decision: { decision: 'bracket', group: result.group } })
    expect(result.amendment.located).toMatchObject({ found: true, quote: `[${QUOTE}][对所有国家开放供签署]` })
    expect(readAudit(room.doc).at(-1)).toMatchObject({ action: 'amendment-bracket', amendment: id, groups: [{ id: result.group, alternatives: [QUOTE, '对所有国家开放供签署'] }] })
  })

  it('brackets a deletion as [quote] and an insertion as quote[text]', () => {
    const room = roomWith(original())
    const peer = peerOf(room)
    const del = proposeAmendment(room, france, { kind: 'delete', target: { article: 4, paragraph: 7, quote: '和效力' } })
    const ins = proposeAmendment(room, brazil, { kind: 'insertAfter', target: { article: 4, paragraph: 4, quote: '作出保留' }, text: '或解释性声明' })
    decideAmendment(room, chair, del.id, { decision: 'bracket' })
    decideAmendment(room, chair, ins.id, { decision: 'bracket' })
    const { bracket, alternative } = treatySchema.nodes
    check(
      room,
      peer,
      expectedWith((s) => {
        const tr = s.tr
        const from = posOf(s.doc, '和效力')
        tr.replaceWith(from, from + 3, bracket.create(null, alternative.create(null, treatySchema.text('和效力'))))
        const at = posOf(s.doc, '作出保留', 4)
        return tr.insert(at, bracket.create(null, alternative.create({ sponsors: ['BR'] }, treatySchema.text('或解释性声明'))))
      }),
    )
  })

  it('keeps other open amendments of the paragraph attached when it writes a bracket there', () => {
    const room = roomWith(original())
    const first = proposeAmendment(room, france, { kind: 'replace', target: { article: 4, paragraph: 1, quote: '应当签署' }, text: '应签署' })
    const second = proposeAmendment(room, brazil, replaceInArticle4)
    const third = proposeAmendment(room, china, { kind: 'delete', target: { article: 4, paragraph: 1, quote: '应经过批准' } })
    const overlapping = proposeAmendment(room, china, { kind: 'replace', target: { article: 4, paragraph: 1, quote: '签署并对' }, text: '签署，并对' })
    decideAmendment(room, chair, first.id, { decision: 'bracket' })
    const located = (id: string) => getAmendment(room, id).located
    expect(located(second.id)).toMatchObject({ found: true, quote: QUOTE })
    expect(located(third.id)).toMatchObject({ found: true, quote: '应经过批准' })
    // Its quote straddled the bracketed text: that text is now an alternative, so it is gone from where it was quoted.
    expect(located(overlapping.id).found).toBe(false)
    decideAmendment(room, chair, second.id, { decision: 'accept' })
    decideAmendment(room, chair, third.id, { decision: 'accept' })
    expect(blockStarting(room.read(), '本议定书协议').node.textContent).toBeTruthy()
    expect(room.read().textContent).toContain('应当签署应签署并对所有国家开放供签署。本议定书协议。')
  })

  it('the e2e path: a delegation proposes a replacement in Article 4, another co-sponsors, the facilitator brackets it, then resolves it', () => {
    const room = roomWith(original())
    const peer = peerOf(room)
    const { id } = proposeAmendment(room, france, { kind: 'replace', target: { article: 4, paragraph: 1, quote: '应当签署并对不扩散条约任何缔约国开放供签署' }, text: '应对所有国家开放供签署', justification: 'Open the Protocol to all States.' })
    expect(cosponsorAmendment(room, brazil, id).cosponsors).toEqual(['BR'])
    const { group } = decideAmendment(room, chair, id, { decision: 'bracket' })
    const listed = listBrackets(room).groups.find((g) => g.id === group)!
    expect(listed.alternatives).toEqual(['应当签署并对不扩散条约任何缔约国开放供签署', '应对所有国家开放供签署'])
    // Typing elsewhere meanwhile does not disturb the group.
    editOn(peer, (state) => state.tr.insertText('草案', posOf(state.doc, '不得对本')))
    expect(resolve(room, chair, { group: group!, choose: '应对所有国家开放供签署' })).toMatchObject({ resolved: 1 })
    const text = blockStarting(room.read(), '本议定书协议应对').node.textContent
    expect(text).toBe('本议定书协议应对所有国家开放供签署。本议定书协议应经过批准。')
    peerDoc(peer).check()
    expect(peerDoc(peer).toJSON()).toEqual(room.read().toJSON())
    expect(listAmendments(room, { status: 'bracketed' }).amendments.map((a) => a.id)).toEqual([id])
    expect(readAudit(room.doc).map((e) => e.action)).toEqual(['amendment-propose', 'amendment-cosponsor', 'amendment-bracket', 'resolve'])
  })
})

describe('new and deleted paragraphs and articles', () => {
  it('adds a paragraph after a numbered paragraph, and at the end of an article, and a recital', () => {
    const room = roomWith(sampleDoc())
    const peer = peerOf(room)
    const after = proposeAmendment(room, france, { kind: 'addParagraph', target: { article: 4, paragraph: 2 }, text: '本议定书协议对加入国自其交存加入书之日起生效。' })
    expect(after.located).toMatchObject({ found: true, article: 4, paragraph: 2 })
    const atEnd = proposeAmendment(room, brazil, { kind: 'addParagraph', target: { article: 5 }, text: '新的一款。' })
    const recital = proposeAmendment(room, china, { kind: 'addParagraph', target: { preamble: 2 }, text: '注意到各国的关切，' })
    decideAmendment(room, chair, after.id, { decision: 'accept' })
    decideAmendment(room, chair, atEnd.id, { decision: 'accept' })
    decideAmendment(room, chair, recital.id, { decision: 'bracket' })
    const doc = room.read()
    doc.check()
    const article4 = doc.firstChild!.child(5)
    expect(article4.type.name).toBe('article')
    expect(article4.child(2).textContent).toBe('本议定书协议对加入国自其交存加入书之日起生效。')
    expect(article4.childCount).toBe(8)
    expect(doc.firstChild!.child(6).lastChild!.textContent).toBe('新的一款。')
    const preamble = doc.firstChild!.child(1)
    expect(preamble.child(2).type.name).toBe('recital')
    expect(preamble.child(2).firstChild!.type.name).toBe('bracket')
    expect(preamble.child(2).firstChild!.firstChild!.attrs.sponsors).toEqual(['CN'])
    expect(peerDoc(peer).toJSON()).toEqual(doc.toJSON())
  })

  it('deletes a paragraph and an article, and says so when the target is gone', () => {
    const room = roomWith(sampleDoc())
    const peer = peerOf(room)
    const para = proposeAmendment(room, france, { kind: 'deleteParagraph', target: { article: 4, paragraph: 4 } })
    const article = proposeAmendment(room, brazil, { kind: 'deleteArticle', target: { article: 5 } })
    const bracketed = proposeAmendment(room, china, { kind: 'deleteParagraph', target: { article: 4, paragraph: 5 } })
    expect(amendmentError(() => decideAmendment(room, chair, article.id, { decision: 'bracket' }))).toMatchObject({ status: 422, code: 'cannot-bracket' })
    decideAmendment(room, chair, para.id, { decision: 'accept' })
    decideAmendment(room, chair, article.id, { decision: 'accept' })
    decideAmendment(room, chair, bracketed.id, { decision: 'bracket' })
    const doc = room.read()
    doc.check()
    expect(doc.textContent).not.toContain('不得对本')
    expect(doc.textContent).not.toContain('关于建立无核武器区')
    expect(doc.firstChild!.childCount).toBe(sampleDoc().firstChild!.childCount - 1)
    expect(blockStarting(doc, '缔约国提议').node.firstChild!.type.name).toBe('bracket')
    expect(peerDoc(peer).toJSON()).toEqual(doc.toJSON())
    // A second proposal on the deleted article now finds nothing.
    const late = proposeAmendment(room, china, { kind: 'deleteParagraph', target: { article: 4, paragraph: 1 } })
    editOn(peer, (state) => {
      const p = blockStarting(state.doc, '本议定书协议应当')
      return state.tr.delete(p.pos, p.pos + p.node.nodeSize)
    })
    expect(getAmendment(room, late.id).located).toMatchObject({ found: false, location: expect.stringMatching(/deleted/) })
    expect(amendmentError(() => decideAmendment(room, chair, late.id, { decision: 'accept' }))).toMatchObject({ status: 409, code: 'target-deleted' })
  })

  it('adds an article after another, one paragraph per line', () => {
    const room = roomWith(sampleDoc())
    const { id } = proposeAmendment(room, france, { kind: 'addArticle', target: { article: 3 }, text: '第一款。\n\n第二款。' })
    decideAmendment(room, chair, id, { decision: 'accept' })
    const doc = room.read()
    const added = doc.firstChild!.child(5)
    expect(added.type.name).toBe('article')
    expect(added.childCount).toBe(2)
    expect(added.textContent).toBe('第一款。第二款。')
    expect(getAmendment(room, id).located).toMatchObject({ found: true, location: 'Article 3' })
  })
})

describe('listing and the compilation', () => {
  function withSeveral() {
    const room = roomWith(sampleDoc())
    const a = proposeAmendment(room, france, replaceInArticle4)
    const b = proposeAmendment(room, brazil, { kind: 'insertAfter', target: { preamble: 3, quote: '促进和平利用核能方面的国际合作' }, text: '，包括技术转让', justification: 'Technology <transfer> & "cooperation".' })
    const c = proposeAmendment(room, france, { kind: 'delete', target: { article: 1, paragraph: 2, quote: '单独或集体地' } })
    cosponsorAmendment(room, china, a.id)
    withdrawAmendment(room, france, c.id)
    return { room, ids: [a.id, b.id, c.id] }
  }

  it('filters by State, status and article', () => {
    const { room, ids } = withSeveral()
    expect(listAmendments(room).amendments.map((a) => a.id)).toEqual(ids)
    expect(listAmendments(room, { state: 'fr' }).amendments.map((a) => a.id)).toEqual([ids[0], ids[2]])
    expect(listAmendments(room, { status: 'open' }).amendments.map((a) => a.id)).toEqual([ids[0], ids[1]])
    expect(listAmendments(room, { article: '4' }).amendments.map((a) => a.id)).toEqual([ids[0]])
    expect(listAmendments(room, { state: 'FR', status: 'withdrawn', article: 1 }).amendments.map((a) => a.id)).toEqual([ids[2]])
    expect(amendmentError(() => listAmendments(room, { status: 'pending' }))).toMatchObject({ status: 400 })
    expect(amendmentError(() => listAmendments(room, { article: 'four' }))).toMatchObject({ status: 400 })
  })

  it('compiles by State and by article, in text and escaped HTML', async () => {
    const { room } = withSeveral()
    const { amendments } = listAmendments(room)
    const doc = room.read()
    const byState = compileAmendments(doc, amendments, { format: 'text', by: 'state', date: '2026-11-24T10:00:00Z' })
    expect(byState).toContain('Compilation of amendments')
    expect(byState).toContain('2026-11-24')
    const order = ['Brazil (BR)', 'France (FR)'].map((h) => byState.indexOf(h))
    expect(order.every((i) => i > 0)).toBe(true)
    expect(order[0]).toBeLessThan(order[1])
    expect(byState).toContain('Amendment 1 (FR) — Replace')
    expect(byState).toContain(`Text: ${QUOTE}`)
    expect(byState).toContain('Proposal: replace with “对所有国家开放供签署”')
    expect(byState).toContain('Co-sponsors: China (CN)')
    expect(byState).toContain('Status: Withdrawn')
    const byArticle = compileAmendments(doc, amendments, { format: 'text', by: 'article' })
    const sections = ['Preamble', 'Article 1', 'Article 4'].map((h) => byArticle.indexOf(`\n${h}\n`))
    expect(sections.every((i) => i > 0)).toBe(true)
    expect([...sections].sort((x, y) => x - y)).toEqual(sections)
    expect(byArticle).toContain('Proposed by: France (FR), China (CN)')
    const html = compileAmendments(doc, amendments, { format: 'html', by: 'article' })
    expect(html).toMatch(/^<!DOCTYPE html>/)
    expect(html).toContain('Technology &lt;transfer&gt; &amp; &quot;cooperation&quot;.')
    expect(html).not.toContain('<transfer>')
    expect(html).toContain('<h2>Article 4</h2>')
    expect(html).toContain('@media print')
    const served = await compileRoomAmendments(room, { format: 'text', by: 'state', state: 'BR' })
    expect(served.contentType).toBe('text/plain; charset=utf-8')
    expect(served.body).toContain('Brazil (BR)')
    expect(served.body).not.toContain('France (FR)')
    expect(amendmentError(() => compileRoomAmendments(room, { format: 'pdf' }))).toMatchObject({ status: 400 })
    expect(compileAmendments(doc, [], { format: 'text', by: 'state' })).toContain('No amendments.')
  })

  it('compiles in Word by State and by article: a .docx with the same headings and fields as the text', async () => {
    const { room } = withSeveral()
    for (const by of ['state', 'article'] as const) {
      const served = await compileRoomAmendments(room, { format: 'docx', by })
      expect(served.contentType).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document')
      expect(served.extension).toBe('docx')
      if (typeof served.body === 'string') throw new Error('expected the bytes of a .docx')
      expect(zipEntry(served.body, '[Content_Types].xml')).toContain('wordprocessingml.document.main+xml')
      const texts = [...zipEntry(served.body, 'word/document.xml').matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1])
      const text = (await compileRoomAmendments(room, { format: 'text', by })).body as string
      const headings = by === 'state' ? ['Brazil (BR)', 'France (FR)'] : ['Preamble', 'Article 1', 'Article 4']
      expect(texts.filter((t) => headings.includes(t))).toEqual(headings)
      for (const line of text.split('\n').filter((l) => l.startsWith('  '))) {
        const [label, value] = line.trim().split(/: (.*)/)
        expect(texts).toContain(label)
        expect(texts).toContain(value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;'))
      }
    }
  })
})

/** One file of a zip (a .docx), read with node:zlib: the central directory gives its offset, its local header where the data starts. */
function zipEntry(zip: Uint8Array, name: string): string {
  const buf = Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength)
  const end = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
  expect(end, 'a zip has an end of central directory record').toBeGreaterThan(0)
  let at = buf.readUInt32LE(end + 16)
  for (let i = 0; i < buf.readUInt16LE(end + 10); i++) {
    expect(buf.readUInt32LE(at), 'a central directory entry').toBe(0x02014b50)
    const [method, size, nameLength, extra, comment, local] = [buf.readUInt16LE(at + 10), buf.readUInt32LE(at + 20), buf.readUInt16LE(at + 28), buf.readUInt16LE(at + 30), buf.readUInt16LE(at + 32), buf.readUInt32LE(at + 42)]
    if (buf.toString('utf8', at + 46, at + 46 + nameLength) === name) {
      const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28)
      const data = buf.subarray(start, start + size)
      return (method === 8 ? inflateRawSync(data) : data).toString('utf8')
    }
    at += 46 + nameLength + extra + comment
  }
  throw new Error(`${name} is not in the zip`)
}

describe('a treaty built by hand', () => {
  const { doc, treaty, art, p, br, alt } = treatyBuilders

  it('quotes a whole bracket at the start of a paragraph and brackets around it (nesting)', () => {
    const room = roomWith(doc(treaty(art(p(br(alt('Each'), alt('Every')), ' Party shall report.')))))
    const peer = peerOf(room)
    const { id, located } = proposeAmendment(room, france, { kind: 'replace', target: { article: 1, paragraph: 1, quote: '[Each][Every] Party' }, text: 'All Parties' })
    expect(located).toMatchObject({ found: true, quote: '[Each][Every] Party' })
    // Typing right before the quote, at the very start of the paragraph, stays outside it.
    editOn(peer, (state) => state.tr.insertText('1. ', 3))
    expect(getAmendment(room, id).located).toMatchObject({ found: true, quote: '[Each][Every] Party' })
    decideAmendment(room, chair, id, { decision: 'bracket' })
    const expected = doc(treaty(art(p('1. ', br(alt(br(alt('Each'), alt('Every')), ' Party'), alt('All Parties')), ' shall report.'))))
    const sponsors = room.read().firstChild!.firstChild!.firstChild!.child(1).child(1).attrs.sponsors
    expect(sponsors).toEqual(['FR'])
    const read = room.read()
    read.check()
    expect(read.textContent).toBe(expected.textContent)
    expect(peerDoc(peer).toJSON()).toEqual(read.toJSON())
  })
})

describe('through a real Room', () => {
  it('stores and broadcasts each action as one update, and a reloaded document has the same amendments', async () => {
    const { storage, writer, rooms, close } = memoryRooms()
    try {
      await storage.create('amendments01', 'Sample', seedState(sampleDoc()))
      const sent: Uint8Array[] = []
      const conn: Connection = { send: (m) => void sent.push(m), close: () => {} }
      const room = (await rooms.attach('amendments01', conn))!
      await writer.flush()
      sent.length = 0
      const { id } = proposeAmendment(room, france, replaceInArticle4)
      cosponsorAmendment(room, brazil, id)
      const { group } = decideAmendment(room, chair, id, { decision: 'bracket' })
      await writer.flush()
      await waitFor(() => sent.length >= 3, 'the broadcasts')
      expect(sent).toHaveLength(3)
      const stored = (await storage.load('amendments01'))!
      const reloaded = newServerYDoc()
      for (const u of stored.updates) Y.applyUpdate(reloaded, u)
      const again: RoomLike = { doc: reloaded, transact: (actor, change) => reloaded.transact(() => change(reloaded), `server:${actor}`) }
      expect(listAmendments(again)).toEqual(listAmendments(room))
      expect(listBrackets(again).groups.some((g) => g.id === group)).toBe(true)
    } finally {
      await close()
    }
  })
})
