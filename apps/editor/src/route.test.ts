import { describe, expect, it } from 'vitest'
import { documentHref, parseRoute } from './route'

describe('parseRoute', () => {
  it('reads path and hash routes', () => {
    expect(parseRoute({ hash: '', pathname: '/d/abc' })).toEqual({ name: 'document', id: 'abc' })
    expect(parseRoute({ hash: '', pathname: '/d/x%20y' })).toEqual({ name: 'document', id: 'x y' })
    expect(parseRoute({ hash: '#/d/abc', pathname: '/' })).toEqual({ name: 'document', id: 'abc' })
    expect(parseRoute({ hash: '', pathname: '/' })).toEqual({ name: 'documents' })
    expect(parseRoute({ hash: '', pathname: documentHref('a/b') })).toEqual({ name: 'document', id: 'a/b' })
  })
})
