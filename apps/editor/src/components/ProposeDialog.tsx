import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react'
import { outline } from '@accord/schema'
import type { Node as PMNode } from 'prosemirror-model'
import type { EditorView } from 'prosemirror-view'
import { proposeAmendment, type AmendmentKind, type TargetSpec } from '../api'
import type { DocumentAccess } from '../auth/access'
import { stateLabel } from '../auth/roles'
import { structuralTarget, targetFromSelection } from '../editor/amendmentTarget'
import { useI18n } from '../i18n/I18n'
import type { MessageKey } from '../i18n/catalogue'
import { errorText } from './errorText'

const TEXT_KINDS = ['replace', 'delete', 'insertAfter'] as const
const STRUCTURAL_KINDS = ['addParagraph', 'addArticle', 'deleteParagraph', 'deleteArticle'] as const
type TextKind = (typeof TEXT_KINDS)[number]
type StructuralKind = (typeof STRUCTURAL_KINDS)[number]

/** What the proposal is made on: the document and the selection when the dialog opened. */
export interface ProposalBasis {
  doc: PMNode
  from: number
  to: number
}

/**
 * The selection a proposal is made on: the browser's when it is a range inside the text (a
 * read-only text still lets a delegate select, but ProseMirror does not follow the selection
 * of a text that is not editable), else the editor's.
 */
export function proposalBasis(view: EditorView): ProposalBasis {
  const doc = view.state.doc
  const dom = view.dom.ownerDocument.getSelection()
  if (dom && !dom.isCollapsed && dom.anchorNode && dom.focusNode && view.dom.contains(dom.anchorNode) && view.dom.contains(dom.focusNode)) {
    try {
      const a = view.posAtDOM(dom.anchorNode, dom.anchorOffset)
      const b = view.posAtDOM(dom.focusNode, dom.focusOffset)
      if (a !== b) return { doc, from: Math.min(a, b), to: Math.max(a, b) }
    } catch {
      // A selection in a widget or a decoration: the editor's selection is used.
    }
  }
  return { doc, from: view.state.selection.from, to: view.state.selection.to }
}

/**
 * A delegation proposes an amendment in its State's name (the State comes from its token):
 * on the selected text — replace it, delete it, insert after it — or on the paragraph or
 * article at the cursor. The target is computed here from the selection and the derived
 * numbering; the server checks it again and its refusal is shown as it says it.
 */
export function ProposeDialog({ docId, access, basis, onClose, onProposed }: { docId: string; access: DocumentAccess; basis: ProposalBasis; onClose: () => void; onProposed: (id: string, warning: string | null) => void }) {
  const { t } = useI18n()
  const blocks = useMemo(() => outline(basis.doc), [basis.doc])
  const selection = useMemo(() => targetFromSelection(basis.doc, basis.from, basis.to, blocks), [basis, blocks])
  const structural = useMemo(() => {
    const out = {} as Record<StructuralKind, ReturnType<typeof structuralTarget>>
    for (const k of STRUCTURAL_KINDS) out[k] = structuralTarget(basis.doc, basis.from, k, blocks)
    return out
  }, [basis, blocks])
  const [kind, setKind] = useState<AmendmentKind>(selection.ok ? 'replace' : 'addParagraph')
  const [text, setText] = useState('')
  const [justification, setJustification] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const first = useRef<HTMLTextAreaElement>(null)
  useEffect(() => first.current?.focus(), [kind])

  const isText = (TEXT_KINDS as readonly string[]).includes(kind)
  const current = isText ? selection : structural[kind as StructuralKind]
  const needsText = kind === 'replace' || kind === 'insertAfter' || kind === 'addParagraph' || kind === 'addArticle'
  const problem = current.ok ? null : current.problem

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setError(null)
    if (!current.ok) return
    if (needsText && !text.trim()) {
      setError(t('propose.needText'))
      return
    }
    const target: TargetSpec = current.target
    setBusy(true)
    try {
      const result = await proposeAmendment(docId, { kind, target, text: needsText ? text.trim() : '', justification: justification.trim() })
      onProposed(result.id, result.warning ?? null)
      onClose()
    } catch (err) {
      setError(t('propose.failed', { message: errorText(t, err) }))
    } finally {
      setBusy(false)
    }
  }

  const kindOption = (k: AmendmentKind, enabled: boolean) => (
    <label key={k} className="radio" data-disabled={!enabled}>
      <input type="radio" name="propose-kind" value={k} checked={kind === k} disabled={!enabled} onChange={() => setKind(k)} data-testid={`propose-kind-${k}`} />
      {t(`amend.kind.${k}` as MessageKey)}
    </label>
  )
  const problemText = (p: { ok: false; problem: string; location?: string }) => t(`propose.problem.${p.problem}` as MessageKey, { location: p.location ?? '' })
  const state = stateLabel(access.participant) ?? access.participant.state ?? ''

  return (
    <div className="modal-backdrop" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <form className="modal propose-dialog" role="dialog" aria-modal="true" aria-labelledby="propose-title" onSubmit={submit} data-testid="propose-dialog">
        <h2 id="propose-title">{t('propose.title')}</h2>
        <p className="muted small">{t('propose.as', { state: access.participant.state ? `${state} (${access.participant.state})` : state })}</p>
        <fieldset className="field propose-kinds">
          <legend>{t('propose.kind')}</legend>
          <div className="propose-kind-group">
            <span className="small muted">{t('propose.textKinds')}</span>
            {TEXT_KINDS.map((k: TextKind) => kindOption(k, selection.ok))}
          </div>
          <div className="propose-kind-group">
            <span className="small muted">{t('propose.structuralKinds')}</span>
            {STRUCTURAL_KINDS.map((k) => kindOption(k, structural[k].ok))}
          </div>
        </fieldset>
        {!selection.ok && !isText && (
          <p className="muted small propose-hint" data-testid="propose-selection-hint" data-problem={selection.problem}>
            {problemText(selection)}
          </p>
        )}
        {current.ok ? (
          <dl className="propose-target">
            <dt>{t('propose.where')}</dt>
            <dd data-testid="propose-location">{current.location}</dd>
            {isText && selection.ok && (
              <>
                <dt>{t('propose.quote')}</dt>
                <dd className="propose-quote" data-testid="propose-quote">
                  {selection.quote}
                </dd>
              </>
            )}
          </dl>
        ) : (
          <p className="error" role="alert" data-testid="propose-problem" data-problem={problem}>
            {problemText(current)}
          </p>
        )}
        {needsText && (
          <label className="field">
            <span>{kind === 'insertAfter' ? t('propose.textInsert') : kind === 'addParagraph' || kind === 'addArticle' ? t('propose.textParagraphs') : t('propose.text')}</span>
            <textarea ref={first} className="text-input" rows={kind === 'addArticle' || kind === 'addParagraph' ? 4 : 2} value={text} onChange={(e) => setText(e.target.value)} data-testid="propose-text" />
          </label>
        )}
        <label className="field">
          <span>{t('propose.justification')}</span>
          <textarea
            ref={needsText ? undefined : first}
            className="text-input"
            rows={2}
            value={justification}
            placeholder={t('propose.justificationPlaceholder')}
            onChange={(e) => setJustification(e.target.value)}
            data-testid="propose-justification"
          />
        </label>
        {error && (
          <p className="error" role="alert" data-testid="propose-error">
            {error}
          </p>
        )}
        <div className="actions">
          <button type="button" onClick={onClose}>
            {t('new.cancel')}
          </button>
          <button type="submit" className="primary" disabled={busy || !current.ok} data-testid="propose-submit">
            {busy ? t('propose.submitting') : t('propose.submit')}
          </button>
        </div>
      </form>
    </div>
  )
}
