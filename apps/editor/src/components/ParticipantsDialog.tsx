import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react'
import { invite, listParticipants, revoke, type Invitation, type ParticipantStatus } from '../api'
import type { DocumentAccess } from '../auth/access'
import { isFacilitator, stateLabel } from '../auth/roles'
import { useI18n } from '../i18n/I18n'
import type { MessageKey } from '../i18n/catalogue'
import { InvitationLink } from './InvitationLink'

type InviteRole = 'facilitator' | 'delegation' | 'observer'
type ListState = { status: 'loading' } | { status: 'failed'; message: string } | { status: 'ready'; participants: ParticipantStatus[] }

/** ISO 3166-1 alpha-2, as the server expects a delegation's State. */
export function isStateCode(code: string): boolean {
  return /^[A-Za-z]{2}$/.test(code.trim())
}

/**
 * Who takes part in this document: everyone sees the list (role, State, online); facilitators
 * also invite (role + name + State → a link to hand over) and revoke (after a confirmation;
 * the person's open connections close at once).
 */
export function ParticipantsDialog({ docId, access, openDrafting, onClose }: { docId: string; access: DocumentAccess; openDrafting: boolean; onClose: () => void }) {
  const { t } = useI18n()
  const facilitator = isFacilitator(access.role)
  const [list, setList] = useState<ListState>({ status: 'loading' })
  const [confirming, setConfirming] = useState<string | null>(null)
  const [actionError, setActionError] = useState<string | null>(null)
  const closeButton = useRef<HTMLButtonElement>(null)

  const load = useCallback(() => {
    listParticipants(docId)
      .then((participants) => setList({ status: 'ready', participants }))
      .catch((e: Error) => setList({ status: 'failed', message: e.message }))
  }, [docId])
  useEffect(() => {
    load()
    closeButton.current?.focus()
    // Online counts change as people come and go: refresh while the dialog is open.
    const timer = setInterval(load, 10_000)
    return () => clearInterval(timer)
  }, [load])

  const doRevoke = async (p: ParticipantStatus) => {
    setActionError(null)
    try {
      await revoke(docId, p.id)
      setConfirming(null)
      load()
    } catch (e) {
      setActionError(t('participants.revokeFailed', { name: p.name, message: (e as Error).message }))
    }
  }

  const roleText = (p: ParticipantStatus) => {
    const state = stateLabel(p)
    return state ? t('role.delegationOf', { state }) : t(`role.${p.role}` as MessageKey)
  }

  return (
    <div className="modal-backdrop" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <div className="modal participants-dialog" role="dialog" aria-modal="true" aria-labelledby="participants-title" data-testid="participants-dialog">
        <h2 id="participants-title">{t('participants.title')}</h2>
        <p className="muted small">{openDrafting ? t('participants.draftingOn') : t('participants.draftingOff')}</p>
        {list.status === 'loading' && <p className="muted">{t('participants.loading')}</p>}
        {list.status === 'failed' && (
          <p className="error" role="alert">
            {t('participants.loadFailed', { message: list.message })}
          </p>
        )}
        {list.status === 'ready' && (
          <ul className="participant-list" data-testid="participant-list">
            {list.participants.map((p) => (
              <li key={p.id} data-testid="participant" data-participant-id={p.id} data-role={p.role} data-state={p.state ?? ''} data-online={p.online > 0} data-revoked={!!p.revoked} data-confirming={confirming === p.id}>
                <span className="participant-online" aria-hidden="true" />
                <span className="participant-name">
                  {p.name}
                  {p.id === access.participant.id && <span className="muted"> {t('participants.you')}</span>}
                </span>
                <span className="participant-role">{roleText(p)}</span>
                <span className="participant-status muted small">{p.revoked ? t('participants.revoked') : p.online > 0 ? t('participants.online', { count: p.online }) : t('participants.offline')}</span>
                {facilitator && !p.revoked && p.id !== access.participant.id && p.role !== 'secretariat' && (
                  <span className="participant-actions">
                    {confirming === p.id ? (
                      <>
                        <span className="small">{t('participants.revokeConfirm', { name: p.name })}</span>{' '}
                        <button type="button" className="danger" onClick={() => void doRevoke(p)} data-testid="revoke-confirm">
                          {t('participants.revokeYes')}
                        </button>{' '}
                        <button type="button" onClick={() => setConfirming(null)}>
                          {t('new.cancel')}
                        </button>
                      </>
                    ) : (
                      <button type="button" onClick={() => setConfirming(p.id)} data-testid="revoke">
                        {t('participants.revoke')}
                      </button>
                    )}
                  </span>
                )}
              </li>
            ))}
          </ul>
        )}
        {actionError && (
          <p className="error" role="alert">
            {actionError}
          </p>
        )}
        {facilitator && <InviteForm docId={docId} onInvited={load} />}
        <div className="actions">
          <button ref={closeButton} type="button" onClick={onClose} data-testid="participants-close">
            {t('help.close')}
          </button>
        </div>
      </div>
    </div>
  )
}

function InviteForm({ docId, onInvited }: { docId: string; onInvited: () => void }) {
  const { t } = useI18n()
  const [role, setRole] = useState<InviteRole>('delegation')
  const [name, setName] = useState('')
  const [state, setState] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [made, setMade] = useState<Invitation | null>(null)

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setError(null)
    if (!name.trim()) return setError(t('invite.needName'))
    if (role === 'delegation' && !isStateCode(state)) return setError(t('invite.needState'))
    setBusy(true)
    try {
      const invitation = await invite(docId, { role, name, state: role === 'delegation' ? state : undefined })
      setMade(invitation)
      setName('')
      setState('')
      onInvited()
    } catch (err) {
      setError(t('invite.failed', { message: (err as Error).message }))
    } finally {
      setBusy(false)
    }
  }

  return (
    <form className="invite-form" onSubmit={submit} data-testid="invite-form">
      <h3>{t('invite.title')}</h3>
      <div className="invite-fields">
        <label className="field">
          <span>{t('invite.role')}</span>
          <select value={role} onChange={(e) => setRole(e.target.value as InviteRole)} data-testid="invite-role">
            <option value="delegation">{t('role.delegation')}</option>
            <option value="observer">{t('role.observer')}</option>
            <option value="facilitator">{t('role.facilitator')}</option>
          </select>
        </label>
        <label className="field">
          <span>{t('invite.name')}</span>
          <input className="text-input" value={name} onChange={(e) => setName(e.target.value)} maxLength={80} placeholder={t('invite.namePlaceholder')} data-testid="invite-name" />
        </label>
        {role === 'delegation' && (
          <label className="field">
            <span>{t('invite.state')}</span>
            <input
              className="text-input state-code"
              value={state}
              onChange={(e) => setState(e.target.value.toUpperCase())}
              maxLength={2}
              placeholder="FR"
              title={t('invite.stateHint')}
              data-testid="invite-state"
            />
          </label>
        )}
        <button type="submit" className="primary" disabled={busy} data-testid="invite-submit">
          {busy ? t('invite.inviting') : t('invite.submit')}
        </button>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {made && (
        <div className="invite-made" data-testid="invite-made">
          <p>{t('invite.made', { name: made.participant.name })}</p>
          <InvitationLink link={made.link} />
        </div>
      )}
    </form>
  )
}
