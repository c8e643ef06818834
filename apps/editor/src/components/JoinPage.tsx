import { useEffect, useRef, useState } from 'react'
import { join, type JoinResult } from '../auth/access'
import { useI18n } from '../i18n/I18n'
import { forgetFragment, navigate } from '../route'
import { AppBar } from './AppBar'

type Phase = { status: 'checking' } | { status: 'missing' } | Extract<JoinResult, { status: 'rejected' | 'failed' }>

/**
 * The invitation link's page, `/join#token=…`: asks the server whose token it is, keeps it in
 * this browser, takes it out of the address bar, and opens the document (or, for the
 * secretariat, the list of documents).
 */
export function JoinPage({ token }: { token: string | null }) {
  const { t } = useI18n()
  const [phase, setPhase] = useState<Phase>(token ? { status: 'checking' } : { status: 'missing' })
  const started = useRef(false)
  useEffect(() => {
    document.title = `${t('join.title')} · ${t('app.name')}`
  }, [t])
  useEffect(() => {
    // The token must not stay in the address bar, the history or a bookmark, whatever happens next.
    forgetFragment()
    // StrictMode runs effects twice in development: join once.
    if (!token || started.current) return
    started.current = true
    void join(token).then((result) => {
      if (result.status === 'document') navigate({ name: 'document', id: result.docId }, { replace: true })
      else if (result.status === 'documents') navigate({ name: 'documents' }, { replace: true })
      else setPhase(result)
    })
  }, [token])

  return (
    <div className="page">
      <AppBar>
        <span className="app-bar-title">{t('join.title')}</span>
      </AppBar>
      <main className="documents">
        <section className="card" data-testid="join-page" data-status={phase.status}>
          <h1>{t('join.title')}</h1>
          {phase.status === 'checking' && <p className="muted">{t('join.checking')}</p>}
          {phase.status === 'missing' && (
            <p className="error" role="alert">
              {t('join.missing')}
            </p>
          )}
          {phase.status === 'rejected' && (
            <p className="error" role="alert" data-testid="join-rejected">
              {t('join.rejected', { message: phase.message })}
            </p>
          )}
          {phase.status === 'failed' && (
            <p className="error" role="alert">
              {t('join.failed', { message: phase.message })}
            </p>
          )}
        </section>
      </main>
    </div>
  )
}
