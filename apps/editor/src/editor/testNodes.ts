import { treatySchema } from '@accord/schema'
import type { Node as PMNode } from 'prosemirror-model'

/** Small treaty builders for the editor's tests: `treaty(article(para('text', bracket('a', 'b'))))`. */
const s = treatySchema
export const alt = (text: string): PMNode => s.node('alternative', null, text ? [s.text(text)] : [])
export const bracket = (...alts: string[]): PMNode => s.node('bracket', null, alts.map(alt))
export const para = (...content: (string | PMNode)[]): PMNode => s.node('paragraph', { level: 0 }, content.map((c) => (typeof c === 'string' ? s.text(c) : c)))
export const article = (...paras: PMNode[]): PMNode => s.node('article', null, paras)
export const treaty = (...children: PMNode[]): PMNode => s.node('doc', null, [s.node('treaty', { lang: 'en' }, children)])
