import { memo, useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react'
import type { Node as PMNode } from 'prosemirror-model'
import { formatVariantCount, type NavigatorGroup, type NavigatorLinkedSet } from '../editor/bracketSummary'
import { BracketSummaryTracker, type ShownSummary } from '../editor/BracketSummaryTracker'
import type { EditorController } from '../editor/EditorController'
import { selectGroup } from '../editor/navigatorCommands'
import { useI18n } from '../i18n/I18n'

/**
 * The summary, kept by a tracker that follows the document when the controller notifies (once
 * per animation frame at most): typing outside the groups only maps its positions, anything
 * else has it recomputed when the page is idle. The panel is mounted only while open, so a
 * closed navigator costs the keystroke nothing.
 */
function useBracketSummary(controller: EditorController): { tracker: BracketSummaryTracker; shown: ShownSummary | null } {
  const [tracker] = useState(() => {
    const t = new BracketSummaryTracker()
    t.update(controller.view?.state.doc ?? null)
    return t
  })
  useEffect(() => {
    const follow = () => tracker.update(controller.view?.state.doc ?? null)
    follow()
    const unsubscribe = controller.subscribe(follow)
    return () => {
      unsubscribe()
      tracker.destroy()
    }
  }, [controller, tracker])
  const shown = useSyncExternalStore(tracker.subscribe, tracker.getShown)
  return { tracker, shown }
}

/**
 * The bracket navigator: what is still open, the linked sets to resolve in one step (with the
 * near-duplicates a chair should look at), and every open group by article, each one a click
 * away in the text. Deciding — keep an alternative, choose across a linked set, mark ad ref,
 * normalise a near-duplicate — is the facilitators' and goes through the server, which records
 * it in the audit log; the result reaches every editor like any edit.
 */
export interface BracketActions {
  onResolveGroup: (pos: number, choice: number | null) => Promise<unknown>
  onResolveSet: (key: string, choose: string) => Promise<unknown>
  onAdRef: (pos: number, adRef: boolean) => Promise<unknown>
  onNormalise: (pos: number) => Promise<unknown>
}

export function BracketPanel({ controller, facilitator, onClose, ...actions }: { controller: EditorController; facilitator: boolean; onClose: () => void } & BracketActions) {
  const { t, lang } = useI18n()
  const { tracker, shown } = useBracketSummary(controller)
  // While the list is being brought up to date after a change, it takes no clicks (see BracketSummaryTracker).
  const stale = useSyncExternalStore(tracker.subscribe, tracker.isStale)
  const summary = shown?.summary ?? null
  const [busy, setBusy] = useState(false)
  // The list's groups in order: an item names its group by its index here, so that an item that
  // did not change keeps its rendering when a new summary comes (positions all move after an edit).
  const groups = useMemo(() => summary?.units.flatMap((u) => u.groups) ?? [], [summary])
  const latest = useRef({ shown, groups, busy, actions })
  latest.current = { shown, groups, busy, actions }

  // Positions in the list belong to the document it was made from; the tracker maps them through
  // typing, and after any other change (until the list has caught up) a click does nothing
  // rather than hit another group.
  const now = useCallback(
    (from: PMNode, pos: number): number | null => {
      const view = controller.view
      return view ? tracker.positionIn(view.state.doc, from, pos) : null
    },
    [controller, tracker],
  )
  const showAt = useCallback(
    (from: PMNode, pos: number) => {
      const view = controller.view
      const at = now(from, pos)
      if (!view || at === null) return
      // Selection only: it works in a read-only text too.
      selectGroup(at)(view.state, view.dispatch)
      view.focus()
    },
    [controller, now],
  )
  const send = useCallback((action: () => Promise<unknown>) => {
    if (latest.current.busy) return
    latest.current.busy = true
    setBusy(true)
    void action().finally(() => setBusy(false))
  }, [])
  /** The group at `index` of the list, where it is in the document now. */
  const groupNow = useCallback(
    (index: number): { pos: number; group: NavigatorGroup } | null => {
      const { shown: s, groups: list } = latest.current
      const group = list[index]
      const pos = s && group ? now(s.doc, group.pos) : null
      return pos === null ? null : { pos, group }
    },
    [now],
  )
  const showGroup = useCallback(
    (index: number) => {
      const { shown: s, groups: list } = latest.current
      if (s && list[index]) showAt(s.doc, list[index].pos)
    },
    [showAt],
  )
  const act = useMemo<ItemActions>(
    () => ({
      resolveGroup: (index, choice) => {
        const g = groupNow(index)
        if (g) send(() => latest.current.actions.onResolveGroup(g.pos, choice))
      },
      adRef: (index, on) => {
        const g = groupNow(index)
        if (g) send(() => latest.current.actions.onAdRef(g.pos, on))
      },
    }),
    [groupNow, send],
  )
  const doc = shown?.doc
  const resolveSet = (key: string, choose: string) => {
    const view = controller.view
    if (view && doc && tracker.describes(view.state.doc, doc)) send(() => actions.onResolveSet(key, choose))
  }
  const normalise = (pos: number) => {
    const at = doc ? now(doc, pos) : null
    if (at !== null) send(() => actions.onNormalise(at))
  }
  const show = (pos: number) => doc && showAt(doc, pos)
  const alt = useCallback((text: string) => text || t('brackets.empty'), [t])
  const flagged = useMemo(() => new Set(summary?.linkedSets.flatMap((set) => set.nearDuplicates.map((n) => n.key))), [summary])
  const decide = facilitator
  let index = 0

  return (
    <aside className="bracket-panel" aria-label={t('brackets.label')} data-testid="bracket-panel" aria-busy={busy || stale}>
      <header className="bp-header">
        <h2>
          <span className="bp-mark" aria-hidden="true">
            [ ]
          </span>{' '}
          {t('brackets.title')}
        </h2>
        <button type="button" className="bp-close" title={t('brackets.close')} aria-label={t('brackets.close')} onClick={onClose}>
          ×
        </button>
      </header>
      {summary && (
        <div className="bp-body" inert={stale} data-stale={stale}>
          <dl className="bp-stats" data-testid="bracket-stats">
            <Stat label={t('brackets.openGroups')} value={summary.openGroups} name="open" />
            <Stat label={t('brackets.placeholders')} value={summary.placeholders} name="placeholders" />
            <Stat label={t('brackets.optionGroups')} value={summary.optionGroups} name="options" />
            <div className="bp-stat" data-stat="variants" title={t('brackets.variants.title', { count: summary.variants.toString() })}>
              <dt>{t('brackets.variants')}</dt>
              <dd>
                <VariantCount n={summary.variants} locale={lang === 'zh' ? 'zh-CN' : 'en'} />
              </dd>
            </div>
          </dl>

          {summary.openGroups + summary.placeholders === 0 && <p className="bp-none">{t('brackets.none')}</p>}
          {!decide && summary.openGroups > 0 && <p className="bp-hint">{t('brackets.facilitatorsDecide')}</p>}

          {summary.linkedSets.length > 0 && (
            <section className="bp-section" aria-labelledby="bp-linked">
              <h3 id="bp-linked">{t('brackets.linkedSets')}</h3>
              <p className="bp-hint">{t('brackets.linkedSets.hint')}</p>
              {summary.linkedSets.map((set) => (
                <LinkedSetCard key={set.key} set={set} decide={decide} busy={busy} resolveSet={resolveSet} normalise={normalise} onShow={show} alt={alt} />
              ))}
            </section>
          )}

          {summary.units.length > 0 && (
            <section className="bp-section" aria-labelledby="bp-groups">
              <h3 id="bp-groups">{t('brackets.groups')}</h3>
              {summary.units.map((unit) => (
                <div key={unit.label} className="bp-unit" data-unit={unit.label}>
                  <h4>
                    {unit.label} <span className="bp-count">{t('brackets.inUnit', { count: unit.groups.filter((g) => !g.placeholder).length })}</span>
                  </h4>
                  <ul className="bp-groups">
                    {unit.groups.map((g, i) => (
                      <GroupItem key={i} index={index++} group={g} flagged={flagged.has(g.key)} decide={decide} busy={busy} act={act} onShow={showGroup} alt={alt} />
                    ))}
                  </ul>
                </div>
              ))}
            </section>
          )}
        </div>
      )}
    </aside>
  )
}

function Stat({ label, value, name }: { label: string; value: number; name: string }) {
  return (
    <div className="bp-stat" data-stat={name} data-zero={value === 0}>
      <dt>{label}</dt>
      <dd>{value.toLocaleString()}</dd>
    </div>
  )
}

function VariantCount({ n, locale }: { n: bigint; locale: string }) {
  const f = formatVariantCount(n, locale)
  if ('exact' in f) return <>{f.exact}</>
  const { mantissa, exponent } = f.approx
  return (
    <>
      ≈ {mantissa === '1' ? '' : `${mantissa} × `}10<sup>{exponent}</sup>
    </>
  )
}

/** What an item of the list can do; it names its group by its index in the list. */
interface ItemActions {
  resolveGroup: (index: number, choice: number | null) => void
  adRef: (index: number, on: boolean) => void
}

interface ItemProps {
  /** Whether this person decides (a facilitator): the buttons that change the text are shown only then. */
  decide: boolean
  busy: boolean
  alt: (text: string) => string
}

const keepFocus = (e: { preventDefault: () => void }) => e.preventDefault()

function LinkedSetCard({
  set,
  decide,
  busy,
  resolveSet,
  normalise,
  onShow,
  alt,
}: ItemProps & { set: NavigatorLinkedSet; resolveSet: (key: string, choose: string) => void; normalise: (pos: number) => void; onShow: (pos: number) => void }) {
  const { t } = useI18n()
  return (
    <div className="bp-set" data-testid="linked-set" data-count={set.count}>
      <div className="bp-set-head">
        <span className="bp-notation">
          {set.alternatives.map((a, i) => (
            <span key={i} className={`bp-alt bp-alt-${i % 2 ? 'b' : 'a'}`}>
              [{a}]
            </span>
          ))}
        </span>
        <span className="bp-times">× {set.count}</span>
      </div>
      {decide && (
        <div className="bp-choices">
          {set.alternatives.map((a, i) => (
            <button
              key={i}
              type="button"
              className="bp-choose"
              disabled={busy}
              data-testid="choose-everywhere"
              title={t('brackets.chooseEverywhere.title', { text: alt(a), count: set.count })}
              onMouseDown={keepFocus}
              onClick={() => resolveSet(set.key, a)}
            >
              {t('brackets.chooseEverywhere', { text: alt(a), count: set.count })}
            </button>
          ))}
        </div>
      )}
      {set.nearDuplicates.map((near) => (
        <div key={near.key} className="bp-near" role="note" data-testid="near-duplicate">
          <p className="bp-near-title">
            <span className="bp-warn-icon" aria-hidden="true">
              !
            </span>
            {t('brackets.nearDuplicate', { notation: near.alternatives.map((a) => `[${a}]`).join('') })}
          </p>
          <p className="bp-near-reason">{near.reason}</p>
          <p className="bp-hint">{t('brackets.nearDuplicate.hint')}</p>
          <ul>
            {near.members.map((m) => (
              <li key={m.pos}>
                <button type="button" className="bp-show" title={t('brackets.show.title')} onMouseDown={keepFocus} onClick={() => onShow(m.pos)}>
                  {t('brackets.show')}: {m.location}
                </button>
                {decide && near.suggestion && (
                  <button
                    type="button"
                    className="bp-normalise"
                    disabled={busy}
                    data-testid="normalise"
                    title={t('brackets.normalise.title', { suggestion: near.suggestion })}
                    onMouseDown={keepFocus}
                    onClick={() => normalise(m.pos)}
                  >
                    {t('brackets.normalise', { suggestion: near.suggestion })}
                  </button>
                )}
              </li>
            ))}
          </ul>
        </div>
      ))}
    </div>
  )
}

type GroupItemProps = ItemProps & { index: number; group: NavigatorGroup; flagged: boolean; act: ItemActions; onShow: (index: number) => void }

/** Whether two items would render the same: everything but the group's position (which every edit before it moves). */
function sameItem(a: GroupItemProps, b: GroupItemProps): boolean {
  const x = a.group
  const y = b.group
  return (
    a.index === b.index &&
    a.flagged === b.flagged &&
    a.decide === b.decide &&
    a.busy === b.busy &&
    a.act === b.act &&
    a.onShow === b.onShow &&
    a.alt === b.alt &&
    x.location === y.location &&
    x.notation === y.notation &&
    x.placeholder === y.placeholder &&
    x.depth === y.depth &&
    x.key === y.key &&
    x.adRef === y.adRef &&
    x.alternatives.length === y.alternatives.length &&
    x.alternatives.every((text, i) => text === y.alternatives[i])
  )
}

const GroupItem = memo(function GroupItem({ index, group, flagged, decide, busy, act, onShow, alt }: GroupItemProps) {
  const { t } = useI18n()
  const droppable = group.alternatives.length === 1 || group.alternatives.includes('')
  return (
    <li
      className="bp-group"
      data-testid={group.placeholder ? 'placeholder' : 'open-group'}
      data-depth={group.depth}
      data-ad-ref={group.adRef}
      style={{ marginInlineStart: `${(group.depth - 1) * 1.25}em` }}
    >
      <button type="button" className="bp-locate" title={t('brackets.show.title')} onMouseDown={keepFocus} onClick={() => onShow(index)}>
        <span className="bp-location">{group.location}</span>
        <span className="bp-notation">{group.notation}</span>
        {group.adRef && (
          <span className="bp-adref" data-testid="ad-ref-tag">
            {t('brackets.adRef.tag')}
          </span>
        )}
        {flagged && (
          <span className="bp-flag" data-testid="near-duplicate-flag">
            <span className="bp-warn-icon" aria-hidden="true">
              !
            </span>
            {t('brackets.flagged')}
          </span>
        )}
      </button>
      {group.placeholder ? (
        <p className="bp-hint">{t('brackets.placeholder')}</p>
      ) : (
        decide && (
          <div className="bp-actions">
            {group.alternatives.map((a, i) => (
              <button
                key={i}
                type="button"
                className="bp-keep"
                disabled={busy}
                data-testid="keep-alternative"
                data-index={i}
                title={t('brackets.keep.title')}
                onMouseDown={keepFocus}
                onClick={() => act.resolveGroup(index, i)}
              >
                {t('brackets.keep', { text: alt(a) })}
              </button>
            ))}
            {droppable && (
              <button type="button" className="bp-drop" disabled={busy} data-testid="drop-group" title={t('brackets.drop.title')} onMouseDown={keepFocus} onClick={() => act.resolveGroup(index, null)}>
                {t('brackets.drop')}
              </button>
            )}
            <button
              type="button"
              className="bp-adref-toggle"
              disabled={busy}
              aria-pressed={group.adRef}
              data-testid="ad-ref-toggle"
              title={t('brackets.adRef.title')}
              onMouseDown={keepFocus}
              onClick={() => act.adRef(index, !group.adRef)}
            >
              {t('brackets.adRef')}
            </button>
          </div>
        )
      )}
    </li>
  )
}, sameItem)
