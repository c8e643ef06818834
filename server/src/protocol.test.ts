import { describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import {
  decodeAwarenessUpdate,
  decodeMessage,
  encodeAwareness,
  encodeAwarenessUpdate,
  encodeQueryAwareness,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeUpdate,
  ProtocolError,
} from './protocol'

const update = (() => {
  const doc = new Y.Doc()
  doc.getXmlFragment('treaty').insert(0, [new Y.XmlElement('treaty')])
  return Y.encodeStateAsUpdate(doc)
})()

describe('decodeMessage', () => {
  test('round-trips every client message', () => {
    const sv = Y.encodeStateVector(new Y.Doc())
    expect(decodeMessage(encodeSyncStep1(sv))).toEqual({ type: 'sync-step-1', stateVector: sv })
    expect(decodeMessage(encodeSyncStep2(update))).toEqual({ type: 'sync-step-2', update })
    expect(decodeMessage(encodeUpdate(update))).toEqual({ type: 'update', update })
    expect(decodeMessage(encodeAwareness(new Uint8Array([0])))).toEqual({ type: 'awareness', update: new Uint8Array([0]) })
    expect(decodeMessage(encodeQueryAwareness())).toEqual({ type: 'query-awareness' })
  })

  test.each([
    ['empty', new Uint8Array(0), /empty message/],
    ['unknown type', new Uint8Array([7]), /unknown message type 7/],
    ['unknown sync type', new Uint8Array([0, 5, 0]), /unknown sync message type 5/],
    ['auth from a client', new Uint8Array([2, 0, 0]), /auth messages/],
    ['truncated payload', encodeUpdate(update).slice(0, 5), /truncated/],
    ['length past the end', new Uint8Array([0, 2, 100, 1, 2]), /truncated/],
    ['varint out of range', new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), /malformed|truncated/],
    ['trailing bytes', new Uint8Array([...encodeUpdate(update), 0]), /unexpected bytes/],
    ['bad state vector', new Uint8Array([0, 0, 3, 5, 1, 0xff]), /state vector/],
  ])('%s is a ProtocolError', (_name, bytes, message) => {
    expect(() => decodeMessage(bytes)).toThrow(ProtocolError)
    expect(() => decodeMessage(bytes)).toThrow(message)
  })
})

describe('awareness updates', () => {
  test('round-trip, including a departure (null state)', () => {
    const entries = [
      { clientID: 12, clock: 3, state: { user: { name: '中国', color: '#c33' } } },
      { clientID: 99, clock: 1, state: null },
    ]
    expect(decodeAwarenessUpdate(encodeAwarenessUpdate(entries))).toEqual(entries)
  })

  test('a state that is not JSON, or bytes past the end, are refused before anything applies', () => {
    const good = encodeAwarenessUpdate([{ clientID: 1, clock: 1, state: {} }])
    const notJSON = good.slice()
    notJSON[notJSON.length - 1] = '{'.charCodeAt(0)
    expect(() => decodeAwarenessUpdate(notJSON)).toThrow(/not JSON/)
    expect(() => decodeAwarenessUpdate(good.slice(0, -1))).toThrow(ProtocolError)
    expect(() => decodeAwarenessUpdate(new Uint8Array([...good, 1]))).toThrow(/unexpected bytes/)
  })
})
