import { useRef, useState, type FormEvent } from 'react'
import { createDocument, type ImportWarning, type Invitation } from '../api'
import { useI18n } from '../i18n/I18n'
import { navigate } from '../route'
import { lineRange } from '../textPosition'
import { BLANK_TREATY } from '../templates'
import { InvitationLink } from './InvitationLink'

type Phase =
  | { status: 'idle' }
  | { status: 'busy' }
  | { status: 'failed'; message: string }
  /** Imported: with warnings to look at, or with the first facilitator's link to hand over (or both). */
  | { status: 'created'; id: string; warnings: ImportWarning[]; facilitator?: Invitation }

/**
 * Creating a document: paste a treaty text (the server's importer reads it), or start from a
 * blank English or Chinese treaty. A clean import opens the document at once; an import with
 * warnings lists them with their line and column first, so the person knows where to look.
 * Only the secretariat creates documents; naming the first facilitator invites them at once
 * and shows their link (the secretariat sends it; it is shown once).
 */
export function NewDocument() {
  const { t } = useI18n()
  const [text, setText] = useState('')
  const [phase, setPhase] = useState<Phase>({ status: 'idle' })
  const textarea = useRef<HTMLTextAreaElement>(null)
  const [imported, setImported] = useState('')
  const [facilitator, setFacilitator] = useState('')

  /** Selects the rest of the warned line in the pasted text, so the person sees the place. */
  const showInText = (w: ImportWarning) => {
    const el = textarea.current
    if (!el || w.line === undefined || imported !== text) return
    const range = lineRange(text, w.line, w.column ?? 1)
    if (!range) return
    el.focus()
    el.setSelectionRange(range[0], range[1])
    // Scroll the textarea so that the line is in view: lines before it times the line height.
    const lineHeight = parseFloat(getComputedStyle(el).lineHeight) || 20
    el.scrollTop = Math.max(0, (w.line - 3) * lineHeight)
  }

  const create = async (source: string) => {
    setPhase({ status: 'busy' })
    try {
      setImported(source)
      const created = await createDocument(source, facilitator)
      if (created.warnings.length || created.facilitator) setPhase({ status: 'created', id: created.id, warnings: created.warnings, facilitator: created.facilitator })
      else navigate({ name: 'document', id: created.id })
    } catch (e) {
      setPhase({ status: 'failed', message: (e as Error).message })
    }
  }

  const onImport = (e: FormEvent) => {
    e.preventDefault()
    if (!text.trim()) {
      setPhase({ status: 'failed', message: t('new.empty') })
      return
    }
    void create(text)
  }

  const busy = phase.status === 'busy'

  return (
    <section className="card new-document" aria-labelledby="new-heading">
      <h2 id="new-heading">{t('new.title')}</h2>
      <label className="field-label" htmlFor="first-facilitator">
        {t('new.facilitator')}
      </label>
      <p className="muted small">{t('new.facilitatorHint')}</p>
      <input
        id="first-facilitator"
        className="text-input"
        value={facilitator}
        onChange={(e) => setFacilitator(e.target.value)}
        placeholder={t('new.facilitatorPlaceholder')}
        maxLength={80}
        data-testid="new-facilitator"
      />
      <form onSubmit={onImport}>
        <label htmlFor="import-text" className="field-label">
          {t('new.paste')}
        </label>
        <p className="muted small">{t('new.pasteHint')}</p>
        <textarea
          ref={textarea}
          id="import-text"
          className="import-text"
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder={t('new.pastePlaceholder')}
          rows={10}
          spellCheck={false}
        />
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? t('new.importing') : t('new.import')}
          </button>
        </div>
      </form>
      <div className="blank">
        <span className="field-label">{t('new.blank')}</span>
        <div className="actions">
          <button type="button" disabled={busy} onClick={() => void create(BLANK_TREATY.en)}>
            {t('new.blankEnglish')}
          </button>
          <button type="button" disabled={busy} onClick={() => void create(BLANK_TREATY.zh)} lang="zh">
            {t('new.blankChinese')}
          </button>
        </div>
      </div>
      {phase.status === 'failed' && (
        <p className="error" role="alert">
          {t('new.failed', { message: phase.message })}
        </p>
      )}
      {phase.status === 'created' && phase.facilitator && (
        <div className="created" data-testid="new-created">
          <p>{t('new.facilitatorLink', { name: phase.facilitator.participant.name })}</p>
          <InvitationLink link={phase.facilitator.link} />
        </div>
      )}
      {phase.status === 'created' && phase.warnings.length === 0 && (
        <div className="actions">
          <button type="button" className="primary" onClick={() => navigate({ name: 'document', id: phase.id })}>
            {t('new.open')}
          </button>
        </div>
      )}
      {phase.status === 'created' && phase.warnings.length > 0 && (
        <div className="warnings" role="alert">
          <p>{phase.warnings.length === 1 ? t('new.warningsOne') : t('new.warnings', { count: phase.warnings.length })}</p>
          <ol>
            {phase.warnings.map((w, i) => (
              <li key={i}>
                {w.line !== undefined && (
                  <button type="button" className="where link" onClick={() => showInText(w)} disabled={imported !== text}>
                    {t('new.warningAt', { line: w.line, column: w.column ?? 1 })}
                  </button>
                )}{' '}
                {w.message}
              </li>
            ))}
          </ol>
          <button type="button" className="primary" onClick={() => navigate({ name: 'document', id: phase.id })}>
            {t('new.openAnyway')}
          </button>
        </div>
      )}
    </section>
  )
}

