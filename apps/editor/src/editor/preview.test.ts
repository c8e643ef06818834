import { treatySchema as s } from '@accord/schema'
import type { Node as PMNode } from 'prosemirror-model'
import { describe, expect, it } from 'vitest'
import { cleanPreview, variantPreview } from './preview'

const alt = (text: string) => s.node('alternative', null, text ? [s.text(text)] : [])
const bracket = (...alts: string[]) => s.node('bracket', null, alts.map(alt))
const doc = (...content: (string | PMNode)[]) =>
  s.node('doc', null, [s.node('treaty', { lang: 'en' }, [s.node('article', null, [s.node('paragraph', null, content.map((c) => (typeof c === 'string' ? s.text(c) : c)))])])])

const d = doc('This ', bracket('Protocol', 'Agreement'), ' shall ', bracket('apply'), '.')
const positions: number[] = []
d.descendants((node, pos) => {
  if (node.type.name === 'bracket') positions.push(pos)
})

describe('previews', () => {
  it('lists what stops the clean text', () => {
    const p = cleanPreview(d)
    expect(p.ok).toBe(false)
    if (!p.ok) expect(p.open.map((o) => o.text)).toEqual(['[Protocol][Agreement]', '[apply]'])
  })
  it('reads a variant without changing the document', () => {
    const partial = variantPreview(d, new Map([[positions[0], 1]]))
    expect(partial).toMatchObject({ clean: false, open: 1 })
    expect(partial.text).toContain('This Agreement shall [apply].')
    const full = variantPreview(d, new Map([[positions[0], 0], [positions[1], null]]))
    expect(full.clean).toBe(true)
    expect(full.text).toContain('This Protocol shall .')
    expect(cleanPreview(d).ok).toBe(false)
  })
})
