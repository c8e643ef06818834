import { useEffect, useState } from 'react'
import type { Awareness } from 'y-protocols/awareness'
import { useI18n } from '../i18n/I18n'

interface Person {
  clientId: number
  name: string
  color: string
  self: boolean
}

function people(awareness: Awareness): Person[] {
  const out: Person[] = []
  awareness.getStates().forEach((state, clientId) => {
    const user = (state as { user?: { name?: unknown; color?: unknown } }).user
    if (!user || typeof user.name !== 'string') return
    const color = typeof user.color === 'string' && /^#[0-9a-f]{6}$/i.test(user.color) ? user.color : '#6b7280'
    out.push({ clientId, name: user.name.slice(0, 80), color, self: clientId === awareness.clientID })
  })
  // Yourself first, then the others by name: a stable order that does not jump as cursors move.
  return out.sort((a, b) => Number(b.self) - Number(a.self) || a.name.localeCompare(b.name) || a.clientId - b.clientId)
}

/** Who else has the document open: a chip per person in their cursor colour. Click yours to change your name. */
export function PresenceList({ awareness, onRename }: { awareness: Awareness; onRename: () => void }) {
  const { t } = useI18n()
  const [list, setList] = useState<Person[]>(() => people(awareness))
  useEffect(() => {
    let key = ''
    const update = () => {
      const next = people(awareness)
      // Awareness changes with every cursor move; re-render only when the people change.
      const nextKey = next.map((p) => `${p.clientId}:${p.name}:${p.color}`).join('|')
      if (nextKey !== key) {
        key = nextKey
        setList(next)
      }
    }
    update()
    awareness.on('change', update)
    return () => awareness.off('change', update)
  }, [awareness])

  const shown = list.slice(0, 6)
  const hidden = list.length - shown.length
  return (
    <ul className="presence" aria-label={t('presence.label')} data-count={list.length}>
      {shown.map((p) => (
        <li key={p.clientId} className={p.self ? 'person self' : 'person'} style={{ ['--person-color' as string]: p.color }} title={p.self ? t('presence.you', { name: p.name }) : p.name}>
          {p.self ? (
            <button type="button" className="person-chip" onClick={onRename} title={t('name.change')}>
              <span className="person-initial" aria-hidden="true">
                {initial(p.name)}
              </span>
              <span className="person-name">{t('presence.you', { name: p.name })}</span>
            </button>
          ) : (
            <span className="person-chip">
              <span className="person-initial" aria-hidden="true">
                {initial(p.name)}
              </span>
              <span className="person-name">{p.name}</span>
            </span>
          )}
        </li>
      ))}
      {hidden > 0 && <li className="person more">{t('presence.others', { count: hidden })}</li>}
    </ul>
  )
}

function initial(name: string): string {
  return [...name.trim()][0]?.toUpperCase() ?? '?'
}
