import { mulberry32 } from '@accord/testing'

/**
 * A seeded generator of realistic negotiating texts: a preamble of recitals, articles with
 * numbered paragraphs and lettered sub-paragraphs, bracket groups with alternatives, nested
 * brackets, a linked set repeated through the text, drafting notes, and (English) options.
 * The same seed gives the same text.
 */

/** mulberry32 (@accord/testing); seed 0 starts as seed 1, as these texts always did. */
export function seededRandom(seed: number): () => number {
  return mulberry32(seed >>> 0 || 1)
}

const WORDS = 'the Parties shall take appropriate measures to ensure that implementation of this Agreement is consistent with obligations under international law including cooperation capacity-building technology transfer finance adaptation mitigation developing country developed resources support assessment transparency reporting'.split(' ')

export interface GeneratedTreaty {
  text: string
  articles: number
  groups: number
}

/** Generates an English treaty of about `targetChars` characters. */
export function generateTreaty(targetChars: number, seed = 1): GeneratedTreaty {
  const rnd = seededRandom(seed)
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)]
  const words = (n: number) => Array.from({ length: n }, () => pick(WORDS)).join(' ')
  let groups = 0
  const bracketed = (depth = 0): string => {
    groups++
    const r = rnd()
    if (r < 0.3) return '[Protocol][Agreement]' // the linked set
    if (r < 0.5) return `[${words(3)}][${words(2)}]`
    if (r < 0.6 && depth < 3) return `[${words(2)} ${bracketed(depth + 1)} ${words(1)}]`
    if (r < 0.7) return `[${words(2)}] [or] [${words(2)}]`
    return `[${words(4)}]`
  }
  const sentence = () => {
    let s = words(6 + Math.floor(rnd() * 10))
    if (rnd() < 0.6) s += ' ' + bracketed()
    s += ' ' + words(4 + Math.floor(rnd() * 8))
    return s[0].toUpperCase() + s.slice(1)
  }
  const out: string[] = ['Draft [Protocol][Agreement] on cooperation', 'Preamble', 'The Parties to this [Protocol][Agreement],']
  groups += 2
  for (let i = 1; i <= 9; i++) out.push(`Recalling ${sentence()},${rnd() < 0.3 ? ' (Source: decision 1/CP.21)' : ''}`)
  out.push('Have agreed as follows:')
  let articles = 0
  let size = out.join('\n\n').length
  while (size < targetChars) {
    articles++
    const lines = [`Article ${articles}`]
    const paragraphs = 1 + Math.floor(rnd() * 5)
    for (let p = 1; p <= paragraphs; p++) {
      lines.push(`${p}. ${sentence()}.${rnd() < 0.1 ? ' (Source: A/CONF.232/2023/4)' : ''}`)
      if (rnd() < 0.3) for (let l = 0; l < 3; l++) lines.push(`(${'abc'[l]}) ${sentence()};`)
    }
    const chunk = lines.join('\n\n')
    out.push(chunk)
    size += chunk.length + 2
  }
  return { text: out.join('\n\n') + '\n', articles, groups }
}
