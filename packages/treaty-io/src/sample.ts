import { readFileSync } from 'node:fs'

/** The built-in example: the draft protocol annexed to a 2005 NPT Review Conference working paper (Chinese). */
export const SAMPLE_TREATY_URL = new URL('../samples/npt-2005-security-assurances-protocol.zh.txt', import.meta.url)

export function sampleTreatyText(): string {
  return readFileSync(SAMPLE_TREATY_URL, 'utf8')
}
