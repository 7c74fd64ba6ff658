/**
 * 考核指标, the loop's KPIs for street leaders, communities and the dispatch centre: the KPI
 * table per grid of a level or per department (sortable, as CSV), trend charts (ECharts),
 * and on the map the overdue heat — where open cases are past their due time. A grid's row
 * leads to its open and overdue cases.
 */
import { api, kpiCsvUrl } from '../../api/client';
import type { Level } from '../../api/codes';
import type { KpiAnswer, KpiQuery, KpiRow } from '../../api/types';
import { formatNumber, formatPercent, t } from '../../i18n';
import { Latest } from '../../lib/latest';
import { pageParams, readers, saveToUrl } from '../../lib/url';
import { styleReady } from '../../map/base';
import { addDensity } from '../../map/density';
import { bboxOf, bboxPad } from '../../map/geometry';
import { dateField, dateInput } from '../../ui/date';
import { field, fill, h, notice } from '../../ui/dom';
import type { Shell } from '../../ui/shell';
import { errorText, MapStatus, startMap } from '../common';
import { figure, isRate, KPI_COLUMNS, sortRows, type KpiColumn } from './table';

type Group = 'l1' | 'l2' | 'l3' | 'department';
const GROUPS: Group[] = ['l3', 'l2', 'l1', 'department'];

function queryOf(group: Group, from: string, to: string): KpiQuery {
  const range = { from: from || undefined, to: to || undefined };
  if (group === 'department') return { by: 'department', ...range };
  return { by: 'grid', level: Number(group.slice(1)) as Level, ...range };
}

export async function kpisView(shell: Shell): Promise<void> {
  const status = new MapStatus(shell.mapStatus);
  const params = pageParams();
  let group: Group = readers.oneOf<Group>(params, 'by', GROUPS) || 'l3';
  let sortKey: KpiColumn = 'overdue';
  let sortDesc = true;
  let answer: KpiAnswer | null = null;
  let failure: string | null = null;

  const groupSelect = h('select', {}, GROUPS.map((g) => h('option', { value: g, i18n: `kpis.by.${g}` })));
  groupSelect.value = group;
  const fromInput = dateInput(readers.date(params, 'from'));
  const toInput = dateInput(readers.date(params, 'to'));
  const csv = h('a', { class: 'button secondary', id: 'kpi-csv', i18n: 'kpis.csv', download: 'kpis.csv' });
  const tableBox = h('div', { class: 'table-wrap', id: 'kpi-table' });
  const chartBoxes = {
    weekly: h('div', { class: 'chart', id: 'chart-weekly' }),
    monthly: h('div', { class: 'chart', id: 'chart-monthly' }),
    departments: h('div', { class: 'chart', id: 'chart-departments' }),
  };
  fill(
    shell.panel,
    h(
      'div',
      { class: 'section' },
      h('h2', { i18n: 'kpis.title' }),
      h('p', { class: 'hint', i18n: 'kpis.overdueLayer' }),
      h('div', { class: 'filter-grid' }, field('kpis.group', groupSelect, 'kpi-group'), dateField('leader.from', fromInput, 'kpi-from'), dateField('leader.to', toInput, 'kpi-to')),
      h('div', { class: 'actions' }, csv),
    ),
    h(
      'div',
      { class: 'section', id: 'kpi-trends' },
      h('h2', { i18n: 'kpis.trends' }),
      h('h3', { i18n: 'kpis.weekly' }),
      chartBoxes.weekly,
      h('h3', { i18n: 'kpis.monthly' }),
      chartBoxes.monthly,
      h('h3', { i18n: 'kpis.departments' }),
      chartBoxes.departments,
    ),
  );
  fill(shell.aux, h('div', { class: 'section' }, h('h2', { i18n: 'kpis.table' }), tableBox));

  const cell = (r: KpiRow, c: KpiColumn): string => {
    const v = figure(r, c);
    if (isRate(c)) return formatPercent(v);
    return formatNumber(v, c === 'mean_handling_hours' ? 1 : 0);
  };

  function renderTable(): void {
    if (failure) return fill(tableBox, notice('error', failure));
    if (!answer) return fill(tableBox, notice('empty', t('kpis.loading')));
    if (answer.rows.length === 0) return fill(tableBox, notice('empty', t('kpis.empty')));
    const head = h(
      'tr',
      {},
      h('th', { i18n: group === 'department' ? 'kpis.department' : 'kpis.grid' }),
      KPI_COLUMNS.map((c) =>
        h(
          'th',
          { class: c === sortKey ? 'sorted' : '' },
          h('button', { type: 'button', class: 'sort', 'data-column': c, on: { click: () => sortBy(c) } }, t(`kpis.col.${c}`), c === sortKey ? (sortDesc ? ' ▼' : ' ▲') : ''),
        ),
      ),
      group === 'department' ? null : h('th', {}),
    );
    const line = (r: KpiRow, total = false) =>
      h(
        'tr',
        { class: total ? 'total' : '', 'data-key': r.key },
        h('td', {}, total ? t('kpis.total') : r.name),
        KPI_COLUMNS.map((c) => h('td', { class: c === 'overdue' && (r.counts.overdue ?? 0) > 0 ? 'num warn' : 'num' }, cell(r, c))),
        group === 'department'
          ? null
          : h('td', {}, total ? '' : h('a', { href: `/cases?grid=${encodeURIComponent(r.key)}&overdue=1`, class: 'open-cases', i18n: 'kpis.openCases' })),
      );
    fill(
      tableBox,
      h('table', { class: 'grid-table kpi-table' }, h('thead', {}, head), h('tbody', {}, sortRows(answer.rows, sortKey, sortDesc).map((r) => line(r)), line(answer.total, true))),
    );
  }

  function sortBy(c: KpiColumn): void {
    sortDesc = c === sortKey ? !sortDesc : true;
    sortKey = c;
    renderTable();
  }

  const tableRequest = new Latest();
  async function loadTable(): Promise<void> {
    const q = queryOf(group, fromInput.value, toInput.value);
    csv.setAttribute('href', kpiCsvUrl(q));
    saveToUrl({ by: group === 'l3' ? '' : group, from: fromInput.value, to: toInput.value });
    answer = null;
    failure = null;
    renderTable();
    const got = await tableRequest.run((signal) => api.kpis(q, signal));
    if (got.kind === 'superseded') return;
    if (got.kind === 'done') answer = got.value;
    else failure = errorText(got.error);
    renderTable();
  }

  const trendRequest = new Latest();
  async function loadTrends(): Promise<void> {
    const range = { from: fromInput.value || undefined, to: toInput.value || undefined };
    const got = await trendRequest.run((signal) =>
      Promise.all([
        api.kpis({ by: 'week', ...range }, signal),
        api.kpis({ by: 'month', ...range }, signal),
        api.kpis({ by: 'department', ...range }, signal),
        import('./charts'),
      ]),
    );
    if (got.kind === 'superseded') return;
    if (got.kind === 'failed') {
      fill(chartBoxes.weekly, notice('error', errorText(got.error)));
      return;
    }
    const [weeks, months, departments, charts] = got.value;
    charts.drawTrends(chartBoxes, { weeks: weeks.rows, months: months.rows, departments: departments.rows });
    document.getElementById('kpi-trends')?.setAttribute('data-drawn', 'true');
  }

  groupSelect.addEventListener('change', () => {
    group = groupSelect.value as Group;
    void loadTable();
  });
  for (const input of [fromInput, toInput]) {
    input.addEventListener('change', () => {
      void loadTable();
      void loadTrends();
    });
  }

  const map = startMap(shell, status, () => {
    renderTable();
    void loadTrends();
  });
  void loadTable();
  void loadTrends();
  await styleReady(map);
  addDensity(map, { overdue: true });
  // A street's or community's own grids, not the whole county: the map opens on them.
  const grids = await api.grids(3).catch(() => null);
  const box = grids && grids.features.length < SCOPE_MAX ? bboxOf(grids.features.map((g) => g.geometry)) : null;
  if (box) map.fitBounds(bboxPad(box, 0.05), { animate: false });
}

/** Fewer level-3 grids than this in the caller's scope (a street, a community): the map fits them. */
const SCOPE_MAX = 300;
