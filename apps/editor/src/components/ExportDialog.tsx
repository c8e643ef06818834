import { useEffect, useRef, useState, type FormEvent } from 'react'
import { Selection, TextSelection } from 'prosemirror-state'
import { openItems, type OpenItem } from '@accord/treaty-io'
import { commandMeta } from '@accord/commands'
import type { Node as PMNode } from 'prosemirror-model'
import { fetchExport } from '../api'
import type { EditorController } from '../editor/EditorController'
import { useI18n } from '../i18n/I18n'
import type { MessageKey } from '../i18n/catalogue'

export const EXPORT_DIALOG_FORMATS = ['docx', 'pdf', 'akn', 'html', 'text', 'md'] as const
export type DialogFormat = (typeof EXPORT_DIALOG_FORMATS)[number]
export type Mode = 'clean' | 'negotiating'

/** An open item as the dialog lists it; `pos` is absent when only the server knew of it. */
type Shown = Pick<OpenItem, 'kind' | 'location' | 'text'> & { pos?: number }

/**
 * Something else to export than the live document: a saved revision (its own export URL, and
 * its text for the local clean check, whose open items cannot be shown in the live text).
 */
export interface ExportSource {
  name: string
  fetch: (format: DialogFormat, mode: Mode) => Promise<Response>
  doc: PMNode | null
}

/**
 * Chooses a format and a mode and downloads the export from the server. A clean export is
 * checked here first (the same `openItems` the server runs): when anything is still open the
 * dialog says so, lists each item with its location, and offers to show it in the text.
 */
export function ExportDialog({ docId, controller, source, onClose }: { docId: string; controller: EditorController; source?: ExportSource; onClose: () => void }) {
  const { t } = useI18n()
  const [format, setFormat] = useState<DialogFormat>('docx')
  const [mode, setMode] = useState<Mode>('clean')
  const [open, setOpen] = useState<Shown[] | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const first = useRef<HTMLSelectElement>(null)
  useEffect(() => first.current?.focus(), [])

  const show = (item: Shown) => {
    const view = controller.view
    if (!view || item.pos === undefined || item.pos > view.state.doc.content.size) return
    const doc = view.state.doc
    const node = doc.nodeAt(item.pos)
    const selection = node?.isInline ? TextSelection.create(doc, item.pos, item.pos + node.nodeSize) : Selection.near(doc.resolve(item.pos + 1))
    view.dispatch(view.state.tr.setSelection(selection).setMeta(commandMeta, 'showOpenItem').scrollIntoView())
    view.focus()
    onClose()
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setError(null)
    setOpen(null)
    const doc = source ? source.doc : controller.view?.state.doc
    if (mode === 'clean' && doc) {
      const items = openItems(doc)
      if (items.length) {
        // A revision's positions are not the live text's: its items are listed without "Show".
        setOpen(source ? items.map(({ kind, location, text }) => ({ kind, location, text })) : items)
        return
      }
    }
    setBusy(true)
    try {
      const res = source ? await source.fetch(format, mode) : await fetchExport(docId, format, mode)
      if (res.status === 409) {
        // Someone bracketed something since this browser last heard: the server's list wins.
        const body = (await res.json().catch(() => null)) as { error?: { open?: Shown[] } } | null
        setOpen(body?.error?.open ?? [])
        return
      }
      if (!res.ok) {
        const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null
        throw new Error(body?.error?.message ?? t('error.status', { status: res.status }))
      }
      download(await res.blob(), fileName(res.headers.get('content-disposition')) ?? `treaty.${format}`)
      onClose()
    } catch (err) {
      setError(t('export.failed', { message: (err as Error).message }))
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="modal-backdrop" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <form className="modal export-dialog" role="dialog" aria-modal="true" aria-labelledby="export-title" onSubmit={submit} data-testid="export-dialog">
        <h2 id="export-title">{source ? t('export.titleOf', { name: source.name }) : t('export.title')}</h2>
        <label className="field">
          <span>{t('export.format')}</span>
          <select ref={first} value={format} onChange={(e) => setFormat(e.target.value as DialogFormat)} data-testid="export-format">
            {EXPORT_DIALOG_FORMATS.map((f) => (
              <option key={f} value={f}>
                {t(`export.format.${f}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <fieldset className="field">
          <legend>{t('export.mode')}</legend>
          {(['clean', 'negotiating'] as const).map((m) => (
            <label key={m} className="radio">
              <input type="radio" name="export-mode" value={m} checked={mode === m} onChange={() => setMode(m)} />
              {t(`export.mode.${m}` as MessageKey)}
            </label>
          ))}
        </fieldset>
        {open && (
          <div className="export-refused" role="alert" data-testid="export-refused">
            <p>{open.length === 1 ? t('export.refusedOne') : t('export.refused', { count: open.length })}</p>
            <ul className="open-items">
              {open.map((item, i) => (
                <li key={i}>
                  <span className="open-location">{item.location}</span> <span className="open-text">{item.text}</span>
                  {item.pos !== undefined && (
                    <button type="button" className="link" onClick={() => show(item)}>
                      {t('export.show')}
                    </button>
                  )}
                </li>
              ))}
            </ul>
            <p className="muted">{t('export.refusedHint')}</p>
          </div>
        )}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="actions">
          <button type="button" onClick={onClose}>
            {t('new.cancel')}
          </button>
          {open && open[0]?.pos !== undefined && (
            <button type="button" onClick={() => show(open[0])} data-testid="export-show-first">
              {t('export.showFirst')}
            </button>
          )}
          <button type="submit" className="primary" disabled={busy} data-testid="export-submit">
            {busy ? t('export.exporting') : t('export.submit')}
          </button>
        </div>
      </form>
    </div>
  )
}

/** The name the server suggests (`filename*` first, for a Chinese title). */
function fileName(disposition: string | null): string | null {
  if (!disposition) return null
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition)
  if (star) {
    try {
      return decodeURIComponent(star[1])
    } catch {
      /* fall through to the ASCII name */
    }
  }
  return /filename="([^"]+)"/i.exec(disposition)?.[1] ?? null
}

function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
