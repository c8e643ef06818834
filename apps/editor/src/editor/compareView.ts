import type { BlockComparison, Comparison, ComparisonSummary, UnitComparison } from '@accord/compare'

/*
 * What the compare view shows of a comparison (`GET …/compare`): the summary's figures, and the
 * units (title, preamble, each article) with their blocks, all of them or only what changed.
 */

/** The summary's figures, in the order the view lists them (zero ones included: a chair reads "0 brackets resolved" too). */
export const SUMMARY_FIGURES = [
  'bracketsResolved',
  'bracketsOpened',
  'bracketsChanged',
  'amendmentsAccepted',
  'articlesAdded',
  'articlesRemoved',
  'paragraphsChanged',
  'paragraphsAdded',
  'paragraphsRemoved',
] as const satisfies readonly (keyof ComparisonSummary)[]
export type SummaryFigure = (typeof SUMMARY_FIGURES)[number]

export function summaryFigures(s: ComparisonSummary): { key: SummaryFigure; value: number; detail: string[] }[] {
  const details: Partial<Record<SummaryFigure, string[]>> = {
    bracketsOpened: s.opened.map((g) => `${g.location}: ${g.alternatives.map((a) => `[${a}]`).join('')}`),
    bracketsResolved: s.resolved.map((g) => `${g.location}: ${g.alternatives.map((a) => `[${a}]`).join('')}`),
    bracketsChanged: s.changed.map((g) => `${g.location}: ${g.before.map((a) => `[${a}]`).join('')} → ${g.after.map((a) => `[${a}]`).join('')}`),
    articlesAdded: s.addedArticles,
    articlesRemoved: s.removedArticles,
  }
  return SUMMARY_FIGURES.map((key) => ({ key, value: s[key] ?? 0, detail: details[key] ?? [] }))
}

export interface ShownUnit {
  unit: UnitComparison
  blocks: BlockComparison[]
}

/** The units and blocks shown: everything, or only units and blocks that changed (with the count of units left out). */
export function visibleUnits(c: Comparison, changedOnly: boolean): { units: ShownUnit[]; hidden: number } {
  const units = c.units
    .filter((u) => !changedOnly || u.status !== 'same')
    .map((unit) => ({ unit, blocks: unit.blocks.filter((b) => !changedOnly || b.status !== 'same') }))
  return { units, hidden: c.units.length - units.length }
}

/** A unit's heading: its label in the later text, and the earlier one when it moved ("第五条 (was 第四条)"). */
export function unitHeading(u: UnitComparison): { label: string; was: string | null } {
  const label = u.label ?? u.location
  return { label, was: u.beforeLabel && u.label && u.beforeLabel !== u.label ? u.beforeLabel : null }
}
