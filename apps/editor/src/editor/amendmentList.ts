import type { Amendment, AmendmentStatus } from '../api'
import type { DocumentRole } from '../auth/roles'
import type { Translate } from '../i18n/catalogue'
import type { MessageKey } from '../i18n/catalogue'

/*
 * The amendments list: where each one applies (now, else when proposed), the filters the panel
 * offers (State, article, status) and what each person may do with each amendment — a mirror
 * of the server's rules (server/src/amendments.ts), which the server enforces whatever the
 * interface offers.
 */

/** Where an amendment is, for filtering and sorting: `article:N`, `preamble`, or `other`. */
export type PlaceKey = `article:${number}` | 'preamble' | 'other'

/** Where the amendment applies now (its `located`), else where it was proposed. */
export function placeOfAmendment(a: Pick<Amendment, 'target' | 'located'>): { article: number | null; preamble: number | null; paragraph: number | null } {
  const l = a.located
  if (l?.found) return { article: l.article, preamble: l.preamble, paragraph: l.paragraph }
  return { article: a.target.article ?? null, preamble: a.target.preamble ?? null, paragraph: a.target.paragraph ?? null }
}

export function placeKey(a: Pick<Amendment, 'target' | 'located'>): PlaceKey {
  const p = placeOfAmendment(a)
  if (p.preamble !== null) return 'preamble'
  if (p.article !== null) return `article:${p.article}`
  return 'other'
}

export interface AmendmentFilters {
  /** A State code: proposed or co-sponsored by it. */
  state?: string
  status?: AmendmentStatus
  place?: PlaceKey
}

/** The amendments that pass the filters, in order of proposal. A State filter keeps those the State proposed or co-sponsors. */
export function filterAmendments<A extends Pick<Amendment, 'state' | 'cosponsors' | 'status' | 'target' | 'located' | 'number'>>(list: readonly A[], f: AmendmentFilters): A[] {
  return list
    .filter((a) => !f.state || a.state === f.state || a.cosponsors.includes(f.state))
    .filter((a) => !f.status || a.status === f.status)
    .filter((a) => !f.place || placeKey(a) === f.place)
    .sort((x, y) => x.number - y.number)
}

/** The choices each filter offers, from the amendments there are (States by code, places in text order). */
export function filterOptions(list: readonly Pick<Amendment, 'state' | 'cosponsors' | 'target' | 'located'>[]): { states: string[]; places: PlaceKey[] } {
  const states = new Set<string>()
  const places = new Set<PlaceKey>()
  for (const a of list) {
    states.add(a.state)
    for (const c of a.cosponsors) states.add(c)
    places.add(placeKey(a))
  }
  const order = (k: PlaceKey) => (k === 'preamble' ? -1 : k === 'other' ? Number.MAX_SAFE_INTEGER : Number(k.slice('article:'.length)))
  return { states: [...states].sort(), places: [...places].sort((a, b) => order(a) - order(b)) }
}

/** Who is looking: the role in this document and, for a delegation, its State. */
export interface Viewer {
  role: DocumentRole
  state: string | null
}

export interface AmendmentActions {
  edit: boolean
  withdraw: boolean
  cosponsor: boolean
  decide: boolean
}

/** What `viewer` may do with `a` (only open amendments can be acted on). */
export function actionsFor(viewer: Viewer, a: Pick<Amendment, 'state' | 'cosponsors' | 'status'>): AmendmentActions {
  const open = a.status === 'open'
  const delegation = viewer.role === 'delegation' && !!viewer.state
  const own = delegation && viewer.state === a.state
  return {
    edit: open && own,
    withdraw: open && own,
    cosponsor: open && delegation && !own && !a.cosponsors.includes(viewer.state!),
    decide: open && viewer.role === 'facilitator',
  }
}

/** "FR" or "FR with CN, BR": the sponsoring States as the text's tooltips name them. */
export function sponsorsText(t: Translate, a: Pick<Amendment, 'state' | 'cosponsors'>): string {
  return a.cosponsors.length ? t('amend.states.with', { state: a.state, cosponsors: a.cosponsors.join(', ') }) : a.state
}

/** One sentence for an amendment: who proposes what (the widget's tooltip). */
export function describeAmendment(t: Translate, a: Pick<Amendment, 'state' | 'cosponsors' | 'kind' | 'text'>): string {
  return t(`amend.describe.${a.kind}` as MessageKey, { states: sponsorsText(t, a), text: a.text })
}

/** The widget's short mark for a kind. */
export function kindMark(kind: Amendment['kind']): string {
  switch (kind) {
    case 'replace':
      return '→'
    case 'insertAfter':
    case 'addParagraph':
    case 'addArticle':
      return '+'
    default:
      return '⌫'
  }
}
