import { useCallback, useEffect, useState } from 'react'
import { listDocuments, time, type DocumentListing } from '../api'
import { tokens } from '../auth/tokens'
import { useI18n } from '../i18n/I18n'
import type { MessageKey } from '../i18n/catalogue'
import { documentHref, followLink } from '../route'
import { AppBar } from './AppBar'
import { NewDocument } from './NewDocument'

type ListState = { status: 'loading' } | { status: 'failed'; message: string } | ({ status: 'ready' } & DocumentListing)

/**
 * The documents this browser's invitations open (each token asked separately, the lists
 * merged), newest first. Only the secretariat creates documents.
 */
export function DocumentsPage() {
  const { t, lang } = useI18n()
  const [list, setList] = useState<ListState>({ status: 'loading' })
  const hasTokens = tokens.all().length > 0
  const secretariat = tokens.secretariat() !== null

  const load = useCallback(() => {
    setList({ status: 'loading' })
    listDocuments()
      .then((listing) => {
        // A revoked token is forgotten once the person has been told.
        for (const entry of listing.rejected) tokens.remove(entry.token)
        setList({ status: 'ready', ...listing })
      })
      .catch((e: Error) => setList({ status: 'failed', message: e.message }))
  }, [])
  useEffect(load, [load])
  useEffect(() => {
    document.title = `${t('documents.title')} · ${t('app.name')}`
  }, [t])

  const dateFormat = new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' })

  return (
    <div className="page">
      <AppBar>
        <span className="app-bar-title">{t('documents.title')}</span>
      </AppBar>
      <main className="documents">
        <section className="card" aria-labelledby="documents-heading" data-testid="documents">
          <h1 id="documents-heading">{t('documents.title')}</h1>
          {!hasTokens && (
            <p className="muted" data-testid="no-invitations">
              {t('documents.noInvitations')}
            </p>
          )}
          {list.status === 'loading' && hasTokens && <p className="muted">{t('documents.loading')}</p>}
          {list.status === 'failed' && (
            <p className="error" role="alert">
              {t('documents.loadFailed', { message: list.message })}{' '}
              <button type="button" className="link" onClick={load}>
                {t('documents.retry')}
              </button>
            </p>
          )}
          {list.status === 'ready' && list.rejected.length > 0 && (
            <p className="error" role="alert" data-testid="rejected-tokens">
              {t('documents.rejected', { names: list.rejected.map((e) => e.participant.name).join(', ') })}
            </p>
          )}
          {list.status === 'ready' && list.failed.length > 0 && (
            <p className="error" role="alert">
              {t('documents.loadFailed', { message: list.failed.map((f) => f.message).join('; ') })}{' '}
              <button type="button" className="link" onClick={load}>
                {t('documents.retry')}
              </button>
            </p>
          )}
          {list.status === 'ready' && hasTokens && list.documents.length === 0 && <p className="muted">{secretariat ? t('documents.empty') : t('documents.emptyInvited')}</p>}
          {list.status === 'ready' && list.documents.length > 0 && (
            <ul className="document-list">
              {list.documents.map((d) => (
                <li key={d.id}>
                  <a href={documentHref(d.id)} onClick={followLink({ name: 'document', id: d.id })} data-document-id={d.id} data-role={d.role}>
                    <span className="document-title">{d.title || t('editor.untitled')}</span>
                    {d.role && <span className="document-role">{t(`role.${d.role}` as MessageKey)}</span>}
                    <span className="document-updated">{t('documents.updated', { when: formatTime(dateFormat, d.updated) })}</span>
                  </a>
                </li>
              ))}
            </ul>
          )}
        </section>
        {secretariat && <NewDocument />}
      </main>
    </div>
  )
}

function formatTime(format: Intl.DateTimeFormat, value: string | number): string {
  const ms = time(value)
  return ms ? format.format(ms) : String(value)
}
