import { useMemo, useState } from 'react'
import type { Node as PMNode } from 'prosemirror-model'
import { summarizeBrackets } from '../editor/bracketSummary'
import { selectGroupTr } from '../editor/bracketNav'
import type { EditorController } from '../editor/EditorController'
import { cleanPreview, variantPreview } from '../editor/preview'
import { useI18n } from '../i18n/I18n'
import { Selection, TextSelection } from 'prosemirror-state'
import { commandMeta } from '@accord/commands'

type Tab = 'clean' | 'variant'

/**
 * Reading the text as it would be: the clean export now (or where the open items are), and a
 * variant with alternatives picked tentatively per group. Nothing here changes the document;
 * the preview is of the text as it was when the dialog opened (or last refreshed).
 */
export function PreviewDialog({ controller, onClose }: { controller: EditorController; onClose: () => void }) {
  const { t } = useI18n()
  const [doc, setDoc] = useState<PMNode | null>(() => controller.view?.state.doc ?? null)
  const [tab, setTab] = useState<Tab>('clean')
  const [choices, setChoices] = useState<Map<number, number | null>>(new Map())
  const refresh = () => {
    setDoc(controller.view?.state.doc ?? null)
    setChoices(new Map())
  }

  const clean = useMemo(() => (doc ? cleanPreview(doc) : null), [doc])
  const groups = useMemo(() => (doc ? summarizeBrackets(doc).units.flatMap((u) => u.groups.filter((g) => !g.placeholder)) : []), [doc])
  const variant = useMemo(() => (doc ? variantPreview(doc, choices) : null), [doc, choices])

  const show = (pos: number) => {
    const view = controller.view
    if (!view || view.state.doc !== doc) return
    const tr = selectGroupTr(view.state, pos)
    if (tr) view.dispatch(tr)
    else {
      const node = view.state.doc.nodeAt(pos)
      const selection = node?.isInline ? TextSelection.create(view.state.doc, pos, pos + node.nodeSize) : Selection.near(view.state.doc.resolve(pos + 1))
      view.dispatch(view.state.tr.setSelection(selection).setMeta(commandMeta, 'showOpenItem').scrollIntoView())
    }
    view.focus()
    onClose()
  }

  const choose = (pos: number, value: string) => {
    const next = new Map(choices)
    if (value === 'open') next.delete(pos)
    else next.set(pos, value === 'drop' ? null : Number(value))
    setChoices(next)
  }

  return (
    <div className="modal-backdrop" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <div className="modal preview-dialog" role="dialog" aria-modal="true" aria-labelledby="preview-title" data-testid="preview-dialog">
        <div className="preview-head">
          <h2 id="preview-title">{t('preview.title')}</h2>
          <div className="segmented" role="tablist">
            <button type="button" role="tab" aria-selected={tab === 'clean'} aria-pressed={tab === 'clean'} onClick={() => setTab('clean')} data-testid="preview-tab-clean">
              {t('preview.clean')}
            </button>
            <button type="button" role="tab" aria-selected={tab === 'variant'} aria-pressed={tab === 'variant'} onClick={() => setTab('variant')} data-testid="preview-tab-variant">
              {t('preview.variant')}
            </button>
          </div>
          <button type="button" onClick={refresh} title={t('preview.refresh.title')}>
            {t('preview.refresh')}
          </button>
        </div>

        {tab === 'clean' && clean && !clean.ok && (
          <div className="export-refused" data-testid="clean-preview-open">
            <p>{clean.open.length === 1 ? t('export.refusedOne') : t('export.refused', { count: clean.open.length })}</p>
            <ul className="open-items">
              {clean.open.map((item, i) => (
                <li key={i}>
                  <span className="open-location">{item.location}</span> <span className="open-text">{item.text}</span>{' '}
                  <button type="button" className="link" onClick={() => show(item.pos)}>
                    {t('export.show')}
                  </button>
                </li>
              ))}
            </ul>
          </div>
        )}
        {tab === 'clean' && clean?.ok && (
          <pre className="preview-text" data-testid="clean-preview-text">
            {clean.text}
          </pre>
        )}

        {tab === 'variant' && (
          <div className="variant-preview">
            <p className="muted small">{t('preview.variant.hint')}</p>
            {groups.length === 0 && <p className="muted">{t('brackets.none')}</p>}
            <ul className="variant-choices" data-testid="variant-choices">
              {groups.map((g) => (
                <li key={g.pos} style={{ marginInlineStart: `${(g.depth - 1) * 1.25}em` }}>
                  <label>
                    <span className="bp-location">{g.location}</span> <span className="bp-notation">{g.notation}</span>{' '}
                    <select value={choices.has(g.pos) ? String(choices.get(g.pos) ?? 'drop') : 'open'} onChange={(e) => choose(g.pos, e.target.value)} data-testid="variant-choice" data-pos={g.pos}>
                      <option value="open">{t('preview.leaveOpen')}</option>
                      {g.alternatives.map((a, i) => (
                        <option key={i} value={i}>
                          {a || t('brackets.empty')}
                        </option>
                      ))}
                      <option value="drop">{t('brackets.drop')}</option>
                    </select>
                  </label>
                </li>
              ))}
            </ul>
            {variant && (
              <>
                <p className="small" data-testid="variant-status" data-clean={variant.clean}>
                  {variant.clean ? t('preview.variant.clean') : t('preview.variant.open', { count: variant.open })}
                </p>
                <pre className="preview-text" data-testid="variant-preview-text">
                  {variant.text}
                </pre>
              </>
            )}
          </div>
        )}

        <div className="actions">
          <button type="button" onClick={onClose} data-testid="preview-close">
            {t('help.close')}
          </button>
        </div>
      </div>
    </div>
  )
}
