/**
 * The street leader's view: where incidents cluster (density tiles) under filters of
 * category, status, channel and dates; the same grids as choropleths of their figures; a
 * sortable table of grids linked to the map; a grid's detail on click.
 */
import { api } from '../../api/client';
import { CATEGORIES, CHANNELS, STATUS_FILTERS, STATUSES, type Category, type Channel, type Level, type StatusFilter } from '../../api/codes';
import type { GridDetail, GridStats, IncidentFilter, Officer } from '../../api/types';
import {
  formatNumber,
  formatPercent,
  statusName,
  t,
  type MessageKey,
} from '../../i18n';
import { addGridHitLayer, GRID_HIT_LAYER, styleReady } from '../../map/base';
import { addChoropleth, CHOROPLETH_LAYER, metricStyle, METRICS, type Metric } from '../../map/choropleth';
import { addDensity, classColours, type Breaks } from '../../map/density';
import { addHighlight } from '../../map/highlight';
import { codeSelect, field, fill, h, notice } from '../../ui/dom';
import { renderLegend } from '../../ui/legend';
import type { Shell } from '../../ui/shell';
import { errorText, MapStatus, startMap } from '../common';
import { Latest } from '../../lib/latest';
import { pageParams, saveToUrl } from '../../lib/url';
import { fromParams, nextSort, PAGE, sortRows, toQuery, type Mode } from './state';


/** Table columns: the figure, how it is shown, and which way "worst first" sorts it. */
const COLUMNS: {
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


export async function leaderView(shell: Shell): Promise<void> {
  const status = new MapStatus(shell.mapStatus);
  // ---- state (kept in the URL, so a view can be shared or reloaded)
  const initial = fromParams(pageParams());
  let mode: Mode = initial.mode;
  let metric: Metric = initial.metric;
  let level: Level = initial.level;
  const filter: IncidentFilter = initial.filter;
  let rows: GridStats[] = [];
  let rowsError: string | null = null;
  let rowsLoading = true;
  let sortKey: keyof GridStats = 'incidents';
  let sortDesc = true;
  let shown = PAGE;
  let breaks: Breaks = [];
  let densityEmpty = false;
  let selectedCode: string | null = initial.grid;
  let detail: GridDetail | null = null;
  let detailError: string | null = null;

  function saveUrl(): void {
    saveToUrl(toQuery({ mode, metric, level, filter, grid: selectedCode }));
  }


  // ---- controls
  const modeButtons = (['density', 'choropleth'] as Mode[]).map((m) =>
    h('button', {
      type: 'button',
      class: 'seg',
      'data-mode': m,
      i18n: m === 'density' ? 'leader.modeDensity' : 'leader.modeChoropleth',
      on: { click: () => setMode(m) },
    }),
  );
  const categorySelect = codeSelect(CATEGORIES, (c) => `category.${c}` as const, 'common.all');
  const statusSelect = codeSelect(STATUS_FILTERS, (s) => `status.${s}` as const, 'common.all');
  const channelSelect = codeSelect(CHANNELS, (c) => `channel.${c}` as const, 'common.all');
  const fromInput = h('input', { type: 'date' });
  const toInput = h('input', { type: 'date' });
  categorySelect.value = filter.category ?? '';
  statusSelect.value = filter.status ?? '';
  channelSelect.value = filter.channel ?? '';
  fromInput.value = filter.from ?? '';
  toInput.value = filter.to ?? '';
  const metricSelect = codeSelect(METRICS, (m) => `metric.${m}` as const);
  metricSelect.value = metric;
  const levelSelect = h(
    'select',
    {},
    ([1, 2, 3] as Level[]).map((l) => h('option', { value: String(l), i18n: `level.${l}` })),
  );
  levelSelect.value = String(level);
  const choroplethControls = h(
    'div',
    { class: 'row', id: 'choropleth-controls' },
    field('leader.metric', metricSelect, 'metric-select'),
    field('leader.level', levelSelect, 'level-select'),
  );
  const detailBox = h('div', { class: 'grid-detail', id: 'grid-detail' });
  const tableHead = h('span', { class: 'count', id: 'table-count' });
  const tableBox = h('div', { class: 'table-wrap', id: 'grid-table' });

  fill(
    shell.panel,
    h(
      'div',
      { class: 'section' },
      h('h2', { i18n: 'leader.title' }),
      h('div', { class: 'segmented', role: 'group', i18nAriaLabel: 'leader.mode' }, modeButtons),
      choroplethControls,
    ),
    h(
      'details',
      { class: 'section filters', open: true },
      h('summary', { i18n: 'leader.filters' }),
      h(
        'div',
        { class: 'filter-grid' },
        field('leader.category', categorySelect, 'filter-category'),
        field('leader.status', statusSelect, 'filter-status'),
        field('leader.channel', channelSelect, 'filter-channel'),
        field('leader.from', fromInput, 'filter-from'),
        field('leader.to', toInput, 'filter-to'),
      ),
      h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary', i18n: 'leader.reset', on: { click: () => resetFilters() } })),
    ),
    h('div', { class: 'section' }, detailBox),
  );
  fill(shell.aux, h('div', { class: 'section' }, h('h2', {}, h('span', { i18n: 'leader.table' }), ' ', tableHead), tableBox));

  // ---- rendering
  function renderMode(): void {
    for (const b of modeButtons) {
      const on = b.dataset.mode === mode;
      b.classList.toggle('active', on);
      b.setAttribute('aria-pressed', String(on));
    }
    choroplethControls.hidden = mode !== 'choropleth';
  }

  function renderLegendBox(): void {
    if (mode === 'density') {
      const colours = classColours(breaks.length ? breaks : [1]);
      const items = (breaks.length ? breaks : [1]).map((b, i, all) => ({
        colour: colours[i],
        label:
          i === all.length - 1
            ? t('legend.over', { value: formatNumber(b) })
            : all[i + 1] - 1 === b
              ? formatNumber(b)
              : t('legend.range', { from: formatNumber(b), to: formatNumber(all[i + 1] - 1) }),
      }));
      renderLegend(
        shell.legend,
        [{ title: t('leader.densityLegend'), items }],
        densityEmpty ? t('leader.densityEmpty') : undefined,
      );
    } else {
      renderLegend(shell.legend, [{ title: t(`metric.${metric}`), items: metricStyle(metric, rows).legend() }]);
    }
  }

  function renderDetail(): void {
    if (!selectedCode) {
      fill(detailBox, notice('info', t('leader.clickGrid')));
      return;
    }
    if (detailError) {
      fill(detailBox, notice('error', detailError));
      return;
    }
    if (!detail || detail.properties.code !== selectedCode) {
      fill(detailBox, notice('loading', t('leader.detailLoading')));
      return;
    }
    const p = detail.properties;
    const row = rows.find((r) => r.code === p.code);
    const byStatus = STATUSES.filter((s) => p.incidents.by_status[s]).map(
      (s) => `${statusName(s)} ${formatNumber(p.incidents.by_status[s])}`,
    );
    const kv = (label: string, value: string | Node | null) =>
      value === null ? [] : [h('dt', {}, label), h('dd', {}, value)];
    fill(
      detailBox,
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
                  h('li', {}, `${o.name} · ${roleName(o)}${o.phone ? ` · ${o.phone}` : ''}`),
                ),
              )
            : t('common.none'),
        ),
      ),
    );
  }

  function renderTable(): void {
    if (rowsLoading && rows.length === 0) {
      tableHead.textContent = '';
      fill(tableBox, notice('loading', t('leader.tableLoading')));
      return;
    }
    if (rowsError) {
      tableHead.textContent = '';
      fill(tableBox, notice('error', rowsError));
      return;
    }
    if (rows.length === 0) {
      tableHead.textContent = '';
      fill(tableBox, notice('empty', t('leader.tableEmpty')));
      return;
    }
    tableHead.textContent = t('leader.tableCount', { count: formatNumber(rows.length) });
    const col = COLUMNS.find((c) => c.key === sortKey) ?? COLUMNS[1];
    const sorted = sortRows(rows, col.key, sortDesc);
    const visible = sorted.slice(0, shown);
    fill(
      tableBox,
      rowsLoading ? notice('loading', t('leader.tableLoading')) : null,
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
                  'aria-sort': c.key === sortKey ? (sortDesc ? 'descending' : 'ascending') : 'none',
                },
                h(
                  'button',
                  {
                    type: 'button',
                    'data-sort': String(c.key),
                    title: `${t(c.label)} · ${t('leader.sortBy', { column: t(c.short ?? c.label) })}`,
                    on: {
                      click: () => {
                        ({ key: sortKey, desc: sortDesc } = nextSort({ key: sortKey, desc: sortDesc }, c.key, c.desc));
                        renderTable();
                      },
                    },
                  },
                  t(c.short ?? c.label),
                  c.key === sortKey ? h('span', { class: 'arrow', 'aria-hidden': 'true' }, sortDesc ? ' ▼' : ' ▲') : null,
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
                class: [r.code === selectedCode ? 'selected' : '', r.vacant ? 'vacant' : ''].join(' ').trim(),
                tabindex: '0',
                on: {
                  click: () => void selectGrid(r.code),
                  keydown: (e) => {
                    if (e.key === 'Enter') void selectGrid(r.code);
                  },
                },
              },
              COLUMNS.map((c) =>
                h(
                  'td',
                  { class: c.key === 'name' ? 'name' : 'num' },
                  c.key === 'name' ? [h('div', {}, r.name), h('div', { class: 'code' }, r.code)] : c.show(r),
                ),
              ),
            ),
          ),
        ),
      ),
      sorted.length > shown
        ? h(
            'button',
            {
              type: 'button',
              class: 'secondary more',
              on: {
                click: () => {
                  shown += PAGE;
                  renderTable();
                },
              },
            },
            t('leader.showMore', { count: Math.min(PAGE, sorted.length - shown) }),
          )
        : null,
    );
  }

  function renderAll(): void {
    renderMode();
    renderLegendBox();
    renderDetail();
    renderTable();
    status.render();
  }

  // ---- the map
  const map = startMap(shell, status, renderAll);

  const statsRequest = new Latest();
  async function loadStats(): Promise<void> {
    rowsLoading = true;
    rowsError = null;
    renderTable();
    const got = await statsRequest.run((signal) => api.stats(level, filter, signal));
    if (got.kind === 'superseded') return;
    rows = got.kind === 'done' ? got.value.grids : [];
    rowsError = got.kind === 'failed' ? errorText(got.error) : null;
    rowsLoading = false;
    shown = PAGE;
    restyle();
    renderTable();
    renderDetail();
  }
  const statsLoad = loadStats();

  await styleReady(map);
  const density = addDensity(map, filter);
  const choropleth = addChoropleth(map, level, filter);
  const highlight = addHighlight(map);
  addGridHitLayer(map);

  function restyle(): void {
    if (mode === 'choropleth') choropleth.setStyle(metricStyle(metric, rows).colour);
    renderLegendBox();
  }

  function setMode(m: Mode): void {
    mode = m;
    density.setVisible(mode === 'density');
    choropleth.setVisible(mode === 'choropleth');
    saveUrl();
    renderMode();
    restyle();
  }

  function applyFilters(): void {
    filter.category = categorySelect.value as Category | '';
    filter.status = statusSelect.value as StatusFilter | '';
    filter.channel = channelSelect.value as Channel | '';
    filter.from = fromInput.value;
    filter.to = toInput.value;
    density.setFilter(filter);
    choropleth.setQuery(level, filter);
    saveUrl();
    void loadStats();
  }

  function resetFilters(): void {
    for (const el of [categorySelect, statusSelect, channelSelect, fromInput, toInput]) el.value = '';
    applyFilters();
  }

  const detailRequest = new Latest();
  async function selectGrid(code: string, fly = true): Promise<void> {
    selectedCode = code;
    detailError = null;
    saveUrl();
    renderDetail();
    renderTable();
    const got = await detailRequest.run((signal) => api.grid(code, signal));
    if (got.kind === 'superseded') return;
    if (got.kind === 'done') {
      detail = got.value;
      highlight.show(got.value, { fly, padding: 48 });
    } else {
      detailError = errorText(got.error);
    }
    renderDetail();
  }

  density.onBreaks((b, empty) => {
    if (mode !== 'density') return;
    const changed = empty !== densityEmpty || b.length !== breaks.length || b.some((x, i) => x !== breaks[i]);
    breaks = b;
    densityEmpty = empty;
    if (changed) renderLegendBox();
  });
  for (const el of [categorySelect, statusSelect, channelSelect, fromInput, toInput]) {
    el.addEventListener('change', applyFilters);
  }
  metricSelect.addEventListener('change', () => {
    metric = metricSelect.value as Metric;
    saveUrl();
    restyle();
  });
  levelSelect.addEventListener('change', () => {
    level = Number(levelSelect.value) as Level;
    choropleth.setQuery(level, filter);
    saveUrl();
    void loadStats();
  });
  // The grid under the pointer: of the shown figures' level, else of level 3.
  const gridAt = (point: { x: number; y: number }): string | undefined => {
    const layers = mode === 'choropleth' ? [CHOROPLETH_LAYER] : [GRID_HIT_LAYER];
    const code: unknown = map.queryRenderedFeatures([point.x, point.y], { layers })[0]?.properties.code;
    return typeof code === 'string' ? code : undefined;
  };
  map.on('click', (e) => {
    const code = gridAt(e.point);
    if (code) void selectGrid(code);
  });
  map.on('mousemove', (e) => {
    map.getCanvas().style.cursor = gridAt(e.point) ? 'pointer' : '';
  });

  setMode(mode);
  await statsLoad;
  if (selectedCode) void selectGrid(selectedCode, false);
}
