import { useEffect, useState } from 'react'
import type { Awareness } from 'y-protocols/awareness'
import { useI18n } from '../i18n/I18n'
import type { MessageKey } from '../i18n/catalogue'

export interface Person {
  clientId: number
  name: string
  color: string
  /** "France", "FR", or the role ("Facilitator") when the person is not a delegation. */
  what: string | null
  role: string | null
  state: string | null
  self: boolean
}

const ROLES = new Set(['secretariat', 'facilitator', 'delegation', 'observer'])

/**
 * The people in the document's awareness. Each `user` field is written by the server from the
 * participant's record (`{name, color, role, state, stateName, participant}`), so a name and a
 * State here are what the invitation says, not what a client claims.
 */
export function people(awareness: Pick<Awareness, 'getStates' | 'clientID'>, roleName: (role: string) => string = (r) => r): Person[] {
  const out: Person[] = []
  awareness.getStates().forEach((state, clientId) => {
    const user = (state as { user?: Record<string, unknown> }).user
    if (!user || typeof user.name !== 'string') return
    const color = typeof user.color === 'string' && /^#[0-9a-f]{6}$/i.test(user.color) ? user.color : '#6b7280'
    const role = typeof user.role === 'string' && ROLES.has(user.role) ? user.role : null
    const stateCode = typeof user.state === 'string' && user.state ? user.state : null
    const stateName = typeof user.stateName === 'string' && user.stateName ? user.stateName : null
    const what = stateName ?? stateCode ?? (role ? roleName(role) : null)
    out.push({ clientId, name: user.name.slice(0, 80), color, what, role, state: stateCode, self: clientId === awareness.clientID })
  })
  // Yourself first, then the others by name: a stable order that does not jump as cursors move.
  return out.sort((a, b) => Number(b.self) - Number(a.self) || a.name.localeCompare(b.name) || a.clientId - b.clientId)
}

/**
 * Who has the document open: a chip per person in their cursor colour, with their State or
 * role. This person is shown by the role badge beside it; `showSelf` adds them here too.
 */
export function PresenceList({ awareness, showSelf = false }: { awareness: Awareness; showSelf?: boolean }) {
  const { t } = useI18n()
  const roleName = (r: string) => t(`role.${r}` as MessageKey)
  const [list, setList] = useState<Person[]>(() => people(awareness, roleName))
  useEffect(() => {
    let key = ''
    const update = () => {
      const next = people(awareness, roleName)
      // Awareness changes with every cursor move; re-render only when the people change.
      const nextKey = next.map((p) => `${p.clientId}:${p.name}:${p.color}:${p.what}`).join('|')
      if (nextKey !== key) {
        key = nextKey
        setList(next)
      }
    }
    update()
    awareness.on('change', update)
    return () => awareness.off('change', update)
  }, [awareness, t])

  const others = showSelf ? list : list.filter((p) => !p.self)
  const shown = others.slice(0, 6)
  const hidden = others.length - shown.length
  return (
    <ul className="presence" aria-label={t('presence.label')} data-count={list.length} data-testid="presence">
      {shown.map((p) => {
        const label = p.what ? t('presence.who', { name: p.name, what: p.what }) : p.name
        return (
          <li
            key={p.clientId}
            className={p.self ? 'person self' : 'person'}
            style={{ ['--person-color' as string]: p.color }}
            title={p.self ? t('presence.you', { name: label }) : label}
            data-testid="person"
            data-role={p.role ?? ''}
            data-state={p.state ?? ''}
            data-self={p.self}
          >
            <span className="person-chip">
              <span className="person-initial" aria-hidden="true">
                {initial(p.name)}
              </span>
              <span className="person-name">{p.self ? t('presence.you', { name: p.name }) : p.name}</span>
              {p.what && <span className="person-what">{p.state ?? p.what}</span>}
            </span>
          </li>
        )
      })}
      {hidden > 0 && <li className="person more">{t('presence.others', { count: hidden })}</li>}
    </ul>
  )
}

function initial(name: string): string {
  return [...name.trim()][0]?.toUpperCase() ?? '?'
}
