/**
 * The leader view's panel as DOM built from plain values: the grid's detail, the table of
 * grids (sortable, paged) and the density legend's classes. Nothing here holds state or
 * talks to the server or the map; `view.ts` passes what to show and what to do on a click.
 */
import { STATUSES } from '../../api/codes';
import type { GridDetail, GridStats, Officer } from '../../api/types';
import { formatNumber, formatPercent, statusName, t, type MessageKey } from '../../i18n';
import { classColours, type DensityScale } from '../../map/density';
import { METRICS, type Metric } from '../../map/metrics';
import { h, notice } from '../../ui/dom';
import { PAGE, sortRows } from './state';

/** Table columns: the figure, how it is shown, and which way "worst first" sorts it. */
export const COLUMNS: {
  key: keyof GridStats;
  label: MessageKey;
  /** A shorter header where the figure's name is long (the full name is the tooltip). */
  short?: MessageKey;
  show: (r: GridStats) => string;
  desc: boolean;
}[] = [
  { key: 'name', label: 'metric.name', show: (r) => r.name, desc: false },
  { key: 'incidents', label: 'metric.incidents', show: (r) => formatNumber(r.incidents), desc: true },
  { key: 'open', label: 'metric.open', show: (r) => formatNumber(r.open), desc: true },
  {
    key: 'per_1000_households',
    label: 'metric.per_1000_households',
    short: 'col.per_1000_households',
    show: (r) => formatNumber(r.per_1000_households, 1),
    desc: true,
  },
  { key: 'households', label: 'metric.households', show: (r) => formatNumber(r.households), desc: true },
  { key: 'officers', label: 'metric.officers', show: (r) => formatNumber(r.officers), desc: false },
  {
    key: 'households_per_officer',
    label: 'metric.households_per_officer',
    short: 'col.households_per_officer',
    show: (r) => (r.vacant ? t('legend.vacantYes') : formatNumber(r.households_per_officer)),
    desc: true,
  },
  { key: 'gi_star', label: 'metric.gi_star', short: 'col.gi_star', show: (r) => formatNumber(r.gi_star, 2), desc: true },
  { key: 'reach_share', label: 'metric.reach_share', short: 'col.reach_share', show: (r) => formatPercent(r.reach_share), desc: false },
];

const ROLES = ['grid_head', 'full_time', 'part_time', 'instructor', 'building_head'] as const;

/** An officer's role in the interface language (the server's Chinese name for an unknown one). */
function roleName(o: Officer): string {
  const role = ROLES.find((r) => r === o.role);
  return role ? t(`role.${role}`) : (o.role_zh ?? o.role);
}

/** The detail box's content for the selected grid (or why there is none yet). */
export function detailContent(
  selectedCode: string | null,
  detail: GridDetail | null,
  detailError: string | null,
  rows: readonly GridStats[],
): Node[] {
  if (!selectedCode) return [notice('info', t('leader.clickGrid'))];
  if (detailError) return [notice('error', detailError)];
  if (!detail || detail.properties.code !== selectedCode) return [notice('loading', t('leader.detailLoading'))];
  const p = detail.properties;
  const row = rows.find((r) => r.code === p.code);
  const byStatus = STATUSES.filter((s) => p.incidents.by_status[s]).map(
    (s) => `${statusName(s)} ${formatNumber(p.incidents.by_status[s])}`,
  );
  const kv = (label: string, value: string | Node | null) =>
    value === null ? [] : [h('dt', {}, label), h('dd', {}, value)];
  return [
    h('div', { class: 'grid-name' }, p.name),
    h('div', { class: 'grid-code' }, `${t('common.code')} ${p.code} · ${t(`level.${p.level}`)}`),
    h(
      'dl',
      { class: 'kv' },
      kv(t('common.households'), formatNumber(p.households)),
      kv(t('common.population'), formatNumber(p.population)),
      kv(
        t('metric.incidents'),
        t('leader.detailIncidents', { total: formatNumber(p.incidents.total), open: formatNumber(p.incidents.open) }),
      ),
      byStatus.length ? kv('', h('span', { class: 'muted' }, byStatus.join(' · '))) : [],
      row ? kv(t('metric.per_1000_households'), formatNumber(row.per_1000_households, 1)) : [],
      row ? kv(t('metric.gi_star'), formatNumber(row.gi_star, 2)) : [],
      row ? kv(t('metric.reach_share'), formatPercent(row.reach_share)) : [],
      kv(
        t('metric.households_per_officer'),
        p.households_per_officer === null
          ? h('span', { class: 'badge badge-warn' }, t('leader.detailNoOfficer'))
          : formatNumber(p.households_per_officer),
      ),
      kv(
        t('leader.detailOfficers'),
        p.officer_list.length
          ? h(
              'ul',
              { class: 'officers' },
              p.officer_list.map((o) =>
                h(
                  'li',
                  {},
                  `${o.name} · ${roleName(o)}`,
                  // A whole number (the leader of the grid sees it) can be called from here.
                  o.phone ? ' · ' : null,
                  o.phone && !o.phone.includes('*') ? h('a', { href: `tel:${o.phone}`, class: 'tel', text: o.phone }) : (o.phone ?? null),
                ),
              ),
            )
          : t('common.none'),
      ),
    ),
  ];
}

/** What the table shows: rows, how they are sorted and how many, which one is selected. */
export interface TableView {
  rows: readonly GridStats[];
  loading: boolean;
  error: string | null;
  sortKey: keyof GridStats;
  sortDesc: boolean;
  shown: number;
  selectedCode: string | null;
}

/** What a click in the table asks for. */
export interface TableActions {
  sort(key: keyof GridStats, worstFirstDesc: boolean): void;
  select(code: string): void;
  more(): void;
}

/** The table's count line and content. */
export function tableContent(v: TableView, on: TableActions): { count: string; children: (Node | null)[] } {
  if (v.loading && v.rows.length === 0) return { count: '', children: [notice('loading', t('leader.tableLoading'))] };
  if (v.error) return { count: '', children: [notice('error', v.error)] };
  if (v.rows.length === 0) return { count: '', children: [notice('empty', t('leader.tableEmpty'))] };
  const col = COLUMNS.find((c) => c.key === v.sortKey) ?? COLUMNS[1];
  const sorted = sortRows(v.rows, col.key, v.sortDesc);
  const visible = sorted.slice(0, v.shown);
  return {
    count: t('leader.tableCount', { count: formatNumber(v.rows.length) }),
    children: [
      v.loading ? notice('loading', t('leader.tableLoading')) : null,
      h(
        'table',
        { class: 'grid-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            COLUMNS.map((c) =>
              h(
                'th',
                {
                  scope: 'col',
                  class: c.key === 'name' ? 'name' : 'num',
                  'aria-sort': c.key === v.sortKey ? (v.sortDesc ? 'descending' : 'ascending') : 'none',
                },
                h(
                  'button',
                  {
                    type: 'button',
                    'data-sort': String(c.key),
                    title: [t(c.label), helpFor(String(c.key)), t('leader.sortBy', { column: t(c.short ?? c.label) })].filter(Boolean).join(' · '),
                    on: {
                      click: () => on.sort(c.key, c.desc),
                    },
                  },
                  t(c.short ?? c.label),
                  c.key === v.sortKey ? h('span', { class: 'arrow', 'aria-hidden': 'true' }, v.sortDesc ? ' ▼' : ' ▲') : null,
                ),
              ),
            ),
          ),
        ),
        h(
          'tbody',
          {},
          visible.map((r) =>
            h(
              'tr',
              {
                'data-code': r.code,
                class: [r.code === v.selectedCode ? 'selected' : '', r.vacant ? 'vacant' : ''].join(' ').trim(),
                tabindex: '0',
                on: {
                  click: () => on.select(r.code),
                  keydown: (e) => {
                    if (e.key === 'Enter') on.select(r.code);
                  },
                },
              },
              COLUMNS.map((c) =>
                h(
                  'td',
                  { class: c.key === 'name' ? 'name' : 'num' },
                  c.key === 'name' ? [h('span', { title: r.code }, r.name), h('span', { class: 'code' }, r.code)] : c.show(r),
                ),
              ),
            ),
          ),
        ),
      ),
      sorted.length > v.shown
        ? h(
            'button',
            {
              type: 'button',
              class: 'secondary more',
              on: {
                click: () => on.more(),
              },
            },
            t('leader.showMore', { count: Math.min(PAGE, sorted.length - v.shown) }),
          )
        : null,
    ],
  };
}

/** The density legend's classes, in incidents per km² (the fixed classes at this zoom). */
export function densityLegendItems(scale: DensityScale | null): { colour: string; label: string }[] {
  const classes = scale?.classes.length ? scale.classes : [{ count: 1, perKm2: 0 }];
  const colours = classColours(classes);
  return classes.map((c, i, all) => {
    const next = all[i + 1];
    return {
      colour: colours[i],
      label: !next
        ? t('legend.over', { value: formatNumber(c.perKm2) })
        : c.perKm2 === 0
          ? t('legend.densityBelow', { value: formatNumber(next.perKm2) })
          : t('legend.range', { from: formatNumber(c.perKm2), to: formatNumber(next.perKm2) }),
    };
  });
}

/** What a figure means, in one line (empty for figures that need none). */
export function helpFor(key: string): string {
  return (METRICS as readonly string[]).includes(key) ? t(`help.${key as Metric}`) : '';
}

/**
 * What the map's tooltip says of the grid under the pointer: its name, its incidents and open
 * ones, and the figure the choropleth shows (when it shows one).
 */
export function hoverLines(row: GridStats, metric: Metric | null): string[] {
  const lines = [row.name, t('leader.hoverIncidents', { incidents: formatNumber(row.incidents), open: formatNumber(row.open) })];
  const column = metric ? COLUMNS.find((c) => c.key === metric) : undefined;
  if (column) lines.push(`${t(column.label)}：${column.show(row)}`);
  return lines;
}
