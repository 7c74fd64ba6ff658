/**
 * The KPI table's columns and order (pure): which figure each column shows, how it is
 * formatted, and how rows sort (missing rates last either way).
 */
import type { KpiRow } from '../../api/types';

export type KpiColumn =
  | 'reported'
  | 'registration_rate'
  | 'accurate_dispatch_rate'
  | 'on_time_handling_rate'
  | 'closing_rate'
  | 'on_time_closing_rate'
  | 'rework_rate'
  | 'overdue'
  | 'mean_handling_hours'
  | 'satisfaction_rate';

export const KPI_COLUMNS: KpiColumn[] = [
  'reported',
  'registration_rate',
  'accurate_dispatch_rate',
  'on_time_handling_rate',
  'closing_rate',
  'on_time_closing_rate',
  'rework_rate',
  'overdue',
  'mean_handling_hours',
  'satisfaction_rate',
];

/** A column's figure in a row: a count, a rate (0–1) or hours; `null` when undefined. */
export function figure(r: KpiRow, c: KpiColumn): number | null {
  if (c === 'reported' || c === 'overdue') return r.counts[c] ?? null;
  return r.rates[c] ?? null;
}

/** Whether a column is a share shown as a percentage. */
export function isRate(c: KpiColumn): boolean {
  return c.endsWith('_rate');
}

/** Rows ordered by a column, then by key. */
export function sortRows(rows: KpiRow[], c: KpiColumn, desc: boolean): KpiRow[] {
  return [...rows].sort((a, b) => {
    const va = figure(a, c);
    const vb = figure(b, c);
    if (va === null && vb === null) return a.key.localeCompare(b.key);
    if (va === null) return 1;
    if (vb === null) return -1;
    return (desc ? vb - va : va - vb) || a.key.localeCompare(b.key);
  });
}
