import { useCallback, useEffect, useState } from 'react'
import { listDocuments, type DocumentSummary } from '../api'
import { useI18n } from '../i18n/I18n'
import { documentHref, followLink } from '../route'
import { AppBar } from './AppBar'
import { NewDocument } from './NewDocument'

type ListState = { status: 'loading' } | { status: 'failed'; message: string } | { status: 'ready'; documents: DocumentSummary[] }

/** The list of documents on this server, newest first, and the ways to make a new one. */
export function DocumentsPage() {
  const { t, lang } = useI18n()
  const [list, setList] = useState<ListState>({ status: 'loading' })

  const load = useCallback(() => {
    setList({ status: 'loading' })
    listDocuments()
      .then((documents) => setList({ status: 'ready', documents: [...documents].sort((a, b) => time(b.updated) - time(a.updated)) }))
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
        <section className="card" aria-labelledby="documents-heading">
          <h1 id="documents-heading">{t('documents.title')}</h1>
          {list.status === 'loading' && <p className="muted">{t('documents.loading')}</p>}
          {list.status === 'failed' && (
            <p className="error" role="alert">
              {t('documents.loadFailed', { message: list.message })}{' '}
              <button type="button" className="link" onClick={load}>
                {t('documents.retry')}
              </button>
            </p>
          )}
          {list.status === 'ready' && list.documents.length === 0 && <p className="muted">{t('documents.empty')}</p>}
          {list.status === 'ready' && list.documents.length > 0 && (
            <ul className="document-list">
              {list.documents.map((d) => (
                <li key={d.id}>
                  <a href={documentHref(d.id)} onClick={followLink({ name: 'document', id: d.id })} data-document-id={d.id}>
                    <span className="document-title">{d.title || t('editor.untitled')}</span>
                    <span className="document-updated">{t('documents.updated', { when: formatTime(dateFormat, d.updated) })}</span>
                  </a>
                </li>
              ))}
            </ul>
          )}
        </section>
        <NewDocument />
      </main>
    </div>
  )
}

function time(value: string | number): number {
  const ms = typeof value === 'number' ? value : Date.parse(value)
  return Number.isFinite(ms) ? ms : 0
}

function formatTime(format: Intl.DateTimeFormat, value: string | number): string {
  const ms = time(value)
  return ms ? format.format(ms) : String(value)
}
