import { useEffect, useRef, useState } from 'react'
import { fromTreatyJSON, treatySchema } from '@accord/schema'
import type { Node as PMNode } from 'prosemirror-model'
import { EditorState } from 'prosemirror-state'
import { EditorView } from 'prosemirror-view'
import { getRevision, type Revision } from '../api'
import { numberingPlugin } from '../editor/numberingPlugin'
import { useI18n } from '../i18n/I18n'
import { errorText } from './errorText'

/** A read-only view of a treaty document: the editor's schema and derived numbering, no collaboration, no editing. */
export function mountReadOnly(place: HTMLElement, doc: PMNode, label: string): EditorView {
  const state = EditorState.create({ schema: treatySchema, doc, plugins: [numberingPlugin()] })
  return new EditorView(place, { state, editable: () => false, attributes: { 'aria-label': label, class: 'treaty-editor revision-text', 'data-editable': 'false' } })
}

type Loaded = { status: 'loading' } | { status: 'failed'; message: string } | { status: 'ready'; doc: PMNode; revision: Revision }

/** A revision, read-only, as it was saved (`GET …/revisions/:rid`), with its export. */
export function RevisionDialog({ docId, revision, onExport, onClose }: { docId: string; revision: Revision; onExport: (revision: Revision, doc: PMNode | null) => void; onClose: () => void }) {
  const { t, lang } = useI18n()
  const [loaded, setLoaded] = useState<Loaded>({ status: 'loading' })
  const mount = useRef<HTMLDivElement>(null)

  useEffect(() => {
    let live = true
    getRevision(docId, revision.id)
      .then(({ revision: info, file }) => live && setLoaded({ status: 'ready', doc: fromTreatyJSON(file), revision: info }))
      .catch((e: unknown) => live && setLoaded({ status: 'failed', message: errorText(t, e) }))
    return () => {
      live = false
    }
  }, [docId, revision.id])

  useEffect(() => {
    if (loaded.status !== 'ready' || !mount.current) return
    const view = mountReadOnly(mount.current, loaded.doc, loaded.revision.name)
    return () => view.destroy()
  }, [loaded])

  const name = revision.number === 0 ? t('rev.initial') : revision.name
  const created = Date.parse(revision.created)
  const when = Number.isFinite(created) ? new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' }).format(created) : revision.created

  return (
    <div className="modal-backdrop" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <div className="modal wide-dialog revision-dialog" role="dialog" aria-modal="true" aria-labelledby="revision-title" data-testid="revision-dialog" data-name={revision.name}>
        <div className="preview-head">
          <h2 id="revision-title">{name}</h2>
          <p className="muted small" data-testid="revision-read-only">
            {t('rev.readOnly', { name, when })}
          </p>
        </div>
        {loaded.status === 'loading' && <p className="muted">{t('rev.loadingText')}</p>}
        {loaded.status === 'failed' && (
          <p className="error" role="alert">
            {loaded.message}
          </p>
        )}
        <div className="paper revision-paper">
          <div ref={mount} className="paper-text" data-testid="revision-text" />
        </div>
        <div className="actions">
          <button type="button" onClick={() => onExport(revision, loaded.status === 'ready' ? loaded.doc : null)} data-testid="revision-dialog-export">
            {t('rev.export')}
          </button>
          <button type="button" onClick={onClose} data-testid="revision-close">
            {t('help.close')}
          </button>
        </div>
      </div>
    </div>
  )
}
