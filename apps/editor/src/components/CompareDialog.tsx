import { useEffect, useState } from 'react'
import type { BlockComparison } from '@accord/compare'
import { compareRevisions, type RevisionComparison } from '../api'
import { summaryFigures, unitHeading, visibleUnits } from '../editor/compareView'
import { useI18n } from '../i18n/I18n'
import type { MessageKey } from '../i18n/catalogue'
import { errorText } from './errorText'

type Loaded = { status: 'loading' } | { status: 'failed'; message: string } | { status: 'ready'; result: RevisionComparison }

/**
 * Two versions side by side in one text: per article, the words added (underlined, green) and
 * deleted (struck through, red), with the summary a chair reads out — brackets opened and
 * resolved, amendments accepted, articles added or removed, paragraphs changed.
 */
export function CompareDialog({ docId, from, to, onClose }: { docId: string; from: string; to: string; onClose: () => void }) {
  const { t } = useI18n()
  const [loaded, setLoaded] = useState<Loaded>({ status: 'loading' })
  const [changedOnly, setChangedOnly] = useState(true)

  useEffect(() => {
    let live = true
    setLoaded({ status: 'loading' })
    compareRevisions(docId, from, to)
      .then((result) => live && setLoaded({ status: 'ready', result }))
      .catch((e: unknown) => live && setLoaded({ status: 'failed', message: errorText(t, e) }))
    return () => {
      live = false
    }
  }, [docId, from, to])

  const sideName = (v: RevisionComparison['from']) => (v.id === 'current' ? t('rev.current') : v.number === 0 ? t('rev.initial') : v.name)
  const result = loaded.status === 'ready' ? loaded.result : null
  const shown = result ? visibleUnits(result.comparison, changedOnly) : null

  return (
    <div className="modal-backdrop" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <div className="modal wide-dialog compare-dialog" role="dialog" aria-modal="true" aria-labelledby="compare-title" data-testid="compare-dialog" data-identical={result?.comparison.identical}>
        <div className="preview-head">
          <h2 id="compare-title">{result ? t('cmp.title', { from: sideName(result.from), to: sideName(result.to) }) : t('rev.compare')}</h2>
          <label className="checkbox small">
            <input type="checkbox" checked={changedOnly} onChange={(e) => setChangedOnly(e.target.checked)} data-testid="compare-changed-only" /> {t('cmp.changedOnly')}
          </label>
        </div>
        {loaded.status === 'loading' && <p className="muted">{t('cmp.loading')}</p>}
        {loaded.status === 'failed' && (
          <p className="error" role="alert" data-testid="compare-error">
            {t('cmp.failed', { message: loaded.message })}
          </p>
        )}
        {result && shown && (
          <div className="compare-body">
            <section className="compare-summary" aria-label={t('cmp.summary')} data-testid="compare-summary">
              <dl>
                {summaryFigures(result.comparison.summary).map((f) => (
                  <div key={f.key} className="compare-figure" data-stat={f.key} data-value={f.value} data-zero={f.value === 0} title={f.detail.join('\n') || undefined}>
                    <dt>{t(`cmp.stat.${f.key}` as MessageKey)}</dt>
                    <dd>{f.value}</dd>
                  </div>
                ))}
              </dl>
              <p className="muted small">{t('cmp.legend')}</p>
            </section>
            {result.comparison.identical && <p className="bp-none">{t('cmp.identical')}</p>}
            {shown.units.map(({ unit, blocks }, i) => {
              const heading = unitHeading(unit)
              return (
                <section key={i} className={`compare-unit unit-${unit.status}`} data-testid="compare-unit" data-label={heading.label} data-status={unit.status}>
                  <h3>
                    {unit.kind === 'title' ? t('cmp.title.unit') : heading.label}
                    {heading.was && <span className="muted small"> ({t('cmp.was', { label: heading.was })})</span>}
                    {unit.status !== 'same' && <span className={`compare-status status-${unit.status}`}> {t(`cmp.status.${unit.status}` as MessageKey)}</span>}
                  </h3>
                  {blocks.map((b, k) => (
                    <CompareBlock key={k} block={b} />
                  ))}
                </section>
              )
            })}
            {changedOnly && shown.hidden > 0 && <p className="muted small">{t('cmp.unchangedHidden', { count: shown.hidden })}</p>}
          </div>
        )}
        <div className="actions">
          <button type="button" onClick={onClose} data-testid="compare-close">
            {t('help.close')}
          </button>
        </div>
      </div>
    </div>
  )
}

function CompareBlock({ block }: { block: BlockComparison }) {
  const { t } = useI18n()
  return (
    <p className={`compare-block block-${block.status} ${block.kind}`} title={block.location} data-testid="compare-block" data-status={block.status} data-location={block.location}>
      {block.label && <span className="compare-num">{block.label} </span>}
      {block.status === 'added' || block.status === 'removed' ? (
        <span className={`compare-whole whole-${block.status}`} aria-label={t(`cmp.status.${block.status}` as MessageKey)}>
          {block.status === 'added' ? <ins>{block.after}</ins> : <del>{block.before}</del>}
        </span>
      ) : (
        block.segments.map((s, i) => (s.kind === 'same' ? <span key={i}>{s.text}</span> : s.kind === 'added' ? <ins key={i}>{s.text}</ins> : <del key={i}>{s.text}</del>))
      )}
    </p>
  )
}
