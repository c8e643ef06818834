import { describe, expect, it } from 'vitest'
import { documentHref, hrefOf, parseRoute, tokenInFragment } from './route'

describe('parseRoute', () => {
  it('reads path and hash routes', () => {
    expect(parseRoute({ hash: '', pathname: '/d/abc' })).toEqual({ name: 'document', id: 'abc' })
    expect(parseRoute({ hash: '', pathname: '/d/x%20y' })).toEqual({ name: 'document', id: 'x y' })
    expect(parseRoute({ hash: '#/d/abc', pathname: '/' })).toEqual({ name: 'document', id: 'abc' })
    expect(parseRoute({ hash: '', pathname: '/' })).toEqual({ name: 'documents' })
    expect(parseRoute({ hash: '', pathname: documentHref('a/b') })).toEqual({ name: 'document', id: 'a/b' })
  })

  it('reads an invitation link: /join#token=…', () => {
    const token = 'acc_' + 'A'.repeat(43)
    expect(parseRoute({ hash: `#token=${token}`, pathname: '/join' })).toEqual({ name: 'join', token })
    expect(parseRoute({ hash: `#x=1&token=${token}`, pathname: '/join/' })).toEqual({ name: 'join', token })
    expect(parseRoute({ hash: '', pathname: '/join' })).toEqual({ name: 'join', token: null })
    expect(parseRoute({ hash: '#token=', pathname: '/join' })).toEqual({ name: 'join', token: null })
    expect(parseRoute({ hash: `#token=${token}`, pathname: '/joined' })).toEqual({ name: 'documents' })
  })

  it('never writes the token back into an address', () => {
    expect(hrefOf({ name: 'join', token: 'acc_secret' })).toBe('/join')
  })
})

describe('tokenInFragment', () => {
  it('decodes the fragment like a query string', () => {
    expect(tokenInFragment('#token=acc_a-b_c')).toBe('acc_a-b_c')
    expect(tokenInFragment('#token=%20acc_x%20')).toBe('acc_x')
    expect(tokenInFragment('#/d/abc')).toBeNull()
  })
})
