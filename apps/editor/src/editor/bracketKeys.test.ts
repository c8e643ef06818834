import { describe, expect, it } from 'vitest'
import { bracketKeyOf } from './bracketKeys'

const key = (key: string, code: string, mods: Partial<Record<'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey', boolean>> = {}) => ({ key, code, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods })

describe('bracketKeyOf', () => {
  it('reads the navigation, choice and reopen keys', () => {
    expect(bracketKeyOf(key('ArrowDown', 'ArrowDown', { altKey: true }), false)).toEqual({ kind: 'next' })
    expect(bracketKeyOf(key('ArrowUp', 'ArrowUp', { altKey: true }), false)).toEqual({ kind: 'previous' })
    expect(bracketKeyOf(key('2', 'Digit2', { altKey: true }), false)).toEqual({ kind: 'choose', index: 1 })
    expect(bracketKeyOf(key('™', 'Digit2', { altKey: true }), true)).toEqual({ kind: 'choose', index: 1 })
    expect(bracketKeyOf(key('0', 'Digit0', { altKey: true }), false)).toEqual({ kind: 'drop' })
    expect(bracketKeyOf(key('z', 'KeyZ', { altKey: true, ctrlKey: true }), false)).toEqual({ kind: 'reopenLast' })
    expect(bracketKeyOf(key('Ω', 'KeyZ', { altKey: true, metaKey: true }), true)).toEqual({ kind: 'reopenLast' })
    expect(bracketKeyOf(key('r', 'KeyR', { altKey: true }), false)).toEqual({ kind: 'adRef' })
  })
  it('reads real KeyboardEvent-like objects whose fields are prototype getters', () => {
    class FakeEvent {
      get key() {
        return 'z'
      }
      get code() {
        return 'KeyZ'
      }
      get ctrlKey() {
        return true
      }
      get altKey() {
        return true
      }
      get metaKey() {
        return false
      }
      get shiftKey() {
        return false
      }
    }
    expect(bracketKeyOf(new FakeEvent(), false)).toEqual({ kind: 'reopenLast' })
  })
  it('leaves typing alone', () => {
    expect(bracketKeyOf(key('2', 'Digit2'), false)).toBeNull()
    expect(bracketKeyOf(key('2', 'Digit2', { ctrlKey: true }), false)).toBeNull()
    expect(bracketKeyOf(key('z', 'KeyZ', { ctrlKey: true }), false)).toBeNull()
  })
})
