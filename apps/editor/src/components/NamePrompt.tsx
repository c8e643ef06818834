import { useEffect, useRef, useState, type FormEvent } from 'react'
import { useI18n } from '../i18n/I18n'

/** Asks for the name the others will see beside this person's cursor. */
export function NamePrompt({ initial = '', onSave, onCancel }: { initial?: string; onSave: (name: string) => void; onCancel?: () => void }) {
  const { t } = useI18n()
  const [name, setName] = useState(initial)
  const input = useRef<HTMLInputElement>(null)
  useEffect(() => input.current?.focus(), [])
  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (name.trim()) onSave(name)
  }
  return (
    <div className="modal-backdrop" onKeyDown={(e) => e.key === 'Escape' && onCancel?.()}>
      <form className="modal" role="dialog" aria-modal="true" aria-labelledby="name-title" onSubmit={submit}>
        <h2 id="name-title">{t('name.title')}</h2>
        <p className="muted">{t('name.prompt')}</p>
        <input ref={input} className="text-input" value={name} onChange={(e) => setName(e.target.value)} placeholder={t('name.placeholder')} maxLength={80} aria-label={t('name.title')} />
        <div className="actions">
          {onCancel && (
            <button type="button" onClick={onCancel}>
              {t('new.cancel')}
            </button>
          )}
          <button type="submit" className="primary" disabled={!name.trim()}>
            {t('name.save')}
          </button>
        </div>
      </form>
    </div>
  )
}
