import fs from 'node:fs'
import path from 'node:path'
import type { Access } from './Access'
import type { Logger } from './log'

/** The file under the data directory that keeps the links printed at start (the tokens exist nowhere else). */
export const START_LINKS_FILE = 'start-links.json'

export interface StartLinks {
  /** A secretariat link: create documents and invite from the editor. */
  secretariat: string
  /** The sample treaty's participants, when there is a sample. */
  sample?: { docId: string; facilitator: string; delegations: { state: string; name: string; link: string }[]; observer: string }
}

/** The States the sample's delegation links are made for (the sample is about the nuclear-weapon States' security assurances). */
const SAMPLE_STATES: readonly { state: string; name: string }[] = [
  { state: 'CN', name: 'China' },
  { state: 'FR', name: 'France' },
  { state: 'US', name: 'United States' },
  { state: 'BR', name: 'Brazil' },
  { state: 'ZA', name: 'South Africa' },
]

interface Stored {
  secretariat?: { token: string }
  sample?: { docId: string; facilitator: string; delegations: { state: string; name: string; token: string }[]; observer: string }
}

/**
 * The links `npm start` prints: a secretariat link, and for the sample treaty a facilitator,
 * delegations of a few States and an observer. Tokens are kept only as hashes in the database,
 * so the links themselves are kept in a file of the data directory (readable by its owner only:
 * whoever can read that directory can read the whole negotiating text anyway) and made once;
 * a link whose participant was revoked is made anew.
 */
export function ensureStartLinks(options: { access: Access; dataDir: string; sampleId: string | undefined; logger: Logger }): StartLinks {
  const { access, dataDir, sampleId } = options
  const file = path.join(dataDir, START_LINKS_FILE)
  let stored: Stored = {}
  try {
    stored = JSON.parse(fs.readFileSync(file, 'utf8')) as Stored
  } catch {
    stored = {}
  }
  const valid = (token: string | undefined, docId: string | null): boolean => {
    if (!token) return false
    const p = access.participants.byToken(token)
    return !!p && p.revoked === null && p.docId === docId
  }
  let changed = false
  if (!valid(stored.secretariat?.token, null)) {
    stored.secretariat = { token: access.participants.invite({ docId: null, role: 'secretariat', name: 'Secretariat' }).token }
    changed = true
  }
  if (sampleId) {
    const sample = stored.sample
    const ok =
      sample &&
      sample.docId === sampleId &&
      valid(sample.facilitator, sampleId) &&
      valid(sample.observer, sampleId) &&
      sample.delegations.every((d) => valid(d.token, sampleId))
    if (!ok) {
      const invite = (role: string, name: string, state?: string) => access.participants.invite({ docId: sampleId, role, name, state }).token
      stored.sample = {
        docId: sampleId,
        facilitator: invite('facilitator', 'Chair'),
        delegations: SAMPLE_STATES.map(({ state, name }) => ({ state, name, token: invite('delegation', name, state) })),
        observer: invite('observer', 'Observer'),
      }
      changed = true
    }
  } else if (stored.sample) {
    delete stored.sample
    changed = true
  }
  if (changed) {
    try {
      fs.writeFileSync(file, JSON.stringify(stored, null, 2) + '\n', { mode: 0o600 })
    } catch (error) {
      options.logger.warn('could not keep the start links; they will be made anew at the next start', { file, error })
    }
  }
  const links: StartLinks = { secretariat: access.link(stored.secretariat!.token) }
  if (stored.sample) {
    links.sample = {
      docId: stored.sample.docId,
      facilitator: access.link(stored.sample.facilitator),
      delegations: stored.sample.delegations.map((d) => ({ state: d.state, name: d.name, link: access.link(d.token) })),
      observer: access.link(stored.sample.observer),
    }
  }
  return links
}
