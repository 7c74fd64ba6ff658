/**
 * The street leader's view as plain data: what the URL keeps (mode, figure, level, filters,
 * selected grid), how it is read back (anything unknown falls back to the default) and
 * written (defaults left out), and the table's pure transitions (sorting, paging).
 */
import { CATEGORIES, CHANNELS, STATUS_FILTERS, type Category, type Channel, type Level, type StatusFilter } from '../../api/codes';
import type { GridStats, IncidentFilter } from '../../api/types';
import { readers } from '../../lib/url';
import { METRICS, type Metric } from '../../map/metrics';

export type Mode = 'density' | 'choropleth';

/** What a shared or reloaded leader URL restores. */
export interface LeaderUrlState {
  mode: Mode;
  metric: Metric;
  level: Level;
  filter: IncidentFilter;
  grid: string | null;
}

/** Table rows shown at first, and added by "show more". */
export const PAGE = 100;

export function fromParams(params: URLSearchParams): LeaderUrlState {
  return {
    mode: params.get('mode') === 'choropleth' ? 'choropleth' : 'density',
    metric: readers.oneOf(params, 'metric', METRICS) || 'per_1000_households',
    level: readers.int(params, 'level', 1, 3, 3) as Level,
    filter: {
      category: readers.oneOf<Category>(params, 'category', CATEGORIES),
      status: readers.oneOf<StatusFilter>(params, 'status', STATUS_FILTERS),
      channel: readers.oneOf<Channel>(params, 'channel', CHANNELS),
      from: readers.date(params, 'from'),
      to: readers.date(params, 'to'),
      overdue: params.get('overdue') === 'true' || undefined,
    },
    grid: readers.text(params, 'grid'),
  };
}

/** The query parameters of a state; defaults are empty, so they are left out of the URL. */
export function toQuery(s: LeaderUrlState): Record<string, string> {
  return {
    mode: s.mode === 'density' ? '' : s.mode,
    metric: s.mode === 'choropleth' ? s.metric : '',
    level: s.level === 3 ? '' : String(s.level),
    grid: s.grid ?? '',
    category: s.filter.category ?? '',
    status: s.filter.status ?? '',
    channel: s.filter.channel ?? '',
    from: s.filter.from ?? '',
    to: s.filter.to ?? '',
    overdue: s.filter.overdue ? 'true' : '',
  };
}

/** Orders two rows by a column; missing figures (no officer, no Gi*) go last either way. */
export function compare(a: GridStats, b: GridStats, key: keyof GridStats, desc: boolean): number {
  const va = a[key];
  const vb = b[key];
  if (va === null && vb === null) return a.code.localeCompare(b.code);
  if (va === null) return 1;
  if (vb === null) return -1;
  let c: number;
  if (typeof va === 'string' && typeof vb === 'string') c = va.localeCompare(vb, 'zh-CN');
  else c = Number(va) - Number(vb);
  return (desc ? -c : c) || a.code.localeCompare(b.code);
}

/** The rows sorted by a column (a new array). */
export function sortRows(rows: readonly GridStats[], key: keyof GridStats, desc: boolean): GridStats[] {
  return [...rows].sort((a, b) => compare(a, b, key, desc));
}

/** The sort after a click on a column header: the same column flips, a new one starts worst first. */
export function nextSort(
  current: { key: keyof GridStats; desc: boolean },
  clicked: keyof GridStats,
  worstFirstDesc: boolean,
): { key: keyof GridStats; desc: boolean } {
  return current.key === clicked ? { key: clicked, desc: !current.desc } : { key: clicked, desc: worstFirstDesc };
}

/** The quick date ranges a leader picks most. */
export const PRESETS = ['last7', 'thisMonth', 'lastMonth'] as const;
export type Preset = (typeof PRESETS)[number];

/** A day as the filters hold it (YYYY-MM-DD, the local calendar). */
export function isoDay(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** The range a preset means on `today`: the last seven days with today, this month so far,
 * or the whole of last month. */
export function presetRange(preset: Preset, today: Date): { from: string; to: string } {
  const y = today.getFullYear();
  const m = today.getMonth();
  switch (preset) {
    case 'last7':
      return { from: isoDay(new Date(y, m, today.getDate() - 6)), to: isoDay(today) };
    case 'thisMonth':
      return { from: isoDay(new Date(y, m, 1)), to: isoDay(today) };
    case 'lastMonth':
      return { from: isoDay(new Date(y, m - 1, 1)), to: isoDay(new Date(y, m, 0)) };
  }
}

/** Whether a chosen range lies wholly after the last report or before the first (days compared). */
export function outsideData(range: { from?: string; to?: string }, data: { from: string | null; until: string | null }): 'after' | 'before' | null {
  if (data.until && range.from && range.from > data.until.slice(0, 10)) return 'after';
  if (data.from && range.to && range.to < data.from.slice(0, 10)) return 'before';
  return null;
}

/**
 * The grid to show once the level changes: the selected grid's own ancestor at a coarser
 * level (a level-3 grid's street when 一级 is chosen), none at a finer one (which of its
 * children is not known), the grid itself at its own level.
 */
export function selectionAtLevel(code: string | null, level: 1 | 2 | 3): string | null {
  if (!code) return null;
  const own = (code.length - 6) / 3;
  if (level > own) return null;
  return code.slice(0, 6 + 3 * level);
}
