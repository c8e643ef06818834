import type { DocumentAccess } from '../auth/access'
import { stateLabel } from '../auth/roles'
import { useI18n } from '../i18n/I18n'
import type { MessageKey } from '../i18n/catalogue'

/** Who this person is here, in the app bar: "Marie Dupont · France (delegation)", "Chair · Facilitator". */
export function RoleBadge({ access }: { access: DocumentAccess }) {
  const { t } = useI18n()
  const p = access.participant
  const state = stateLabel(p)
  const role = t(`role.${p.role === 'secretariat' ? 'secretariat' : access.role}` as MessageKey)
  return (
    <span className="my-role" data-testid="my-role" data-role={access.role} data-state={p.state ?? ''} title={t('role.you', { name: p.name, role })}>
      <span className="my-role-name">{p.name}</span>
      <span className="my-role-what">{state ? t('role.delegationOf', { state }) : role}</span>
    </span>
  )
}
