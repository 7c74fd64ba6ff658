/**
 * The street leader's view: where incidents cluster (density tiles) under filters of
 * category, status, channel and dates; the same grids as choropleths of their figures; a
 * sortable table of grids linked to the map; a grid's detail on click. This file holds the
 * view's state and behaviour; `state.ts` its pure parts, `panel.ts` its DOM, `map.ts` its
 * layers.
 */
import { api } from '../../api/client';
import { CATEGORIES, CHANNELS, STATUS_FILTERS, type Category, type Channel, type Level, type StatusFilter } from '../../api/codes';
import type { GridDetail, GridStats, IncidentFilter } from '../../api/types';
import { formatDay, formatNumber, t } from '../../i18n';
import { Latest } from '../../lib/latest';
import { pageParams, saveToUrl } from '../../lib/url';
import { styleReady } from '../../map/base';
import { metricStyle, METRICS, type Metric } from '../../map/choropleth';
import { sameClasses, type DensityScale } from '../../map/density';
import { dateField, dateInput } from '../../ui/date';
import { codeSelect, field, fill, h, notice } from '../../ui/dom';
import { renderLegend } from '../../ui/legend';
import type { Shell } from '../../ui/shell';
import { errorText, MapStatus, startMap } from '../common';
import { leaderMap } from './map';
import { densityLegendItems, detailContent, helpFor, hoverLines, tableContent } from './panel';
import { fromParams, nextSort, outsideData, PAGE, PRESETS, presetRange, selectionAtLevel, toQuery, type Mode } from './state';

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
  let scale: DensityScale | null = null;
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
  const fromInput = dateInput();
  // The overdue heat (超期): only open cases past their due time, on the density map.
  const overdueBox = h('input', { type: 'checkbox', id: 'filter-overdue' });
  overdueBox.checked = filter.overdue === true;
  const toInput = dateInput();
  const presetButtons = PRESETS.map((p) =>
    h('button', {
      type: 'button',
      class: 'secondary',
      'data-preset': p,
      i18n: `leader.preset.${p}`,
      on: {
        click: () => {
          const r = presetRange(p, new Date());
          fromInput.value = r.from;
          toInput.value = r.to;
          applyFilters();
        },
      },
    }),
  );
  /** What the data holds ("数据截至 …"), and whether the range chosen finds nothing because of it. */
  const dataNote = h('div', { class: 'data-note', id: 'data-note' });
  let dataSpan: { from: string | null; until: string | null } = { from: null, until: null };
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
  const metricHelp = h('p', { class: 'hint metric-help', id: 'metric-help' });
  const choroplethControls = h(
    'div',
    { id: 'choropleth-controls' },
    // One per line: the figures' names are long (每名网格员服务户数) and must not be cut off.
    field('leader.metric', metricSelect, 'metric-select'),
    field('leader.level', levelSelect, 'level-select'),
    metricHelp,
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
        dateField('leader.from', fromInput, 'filter-from'),
        dateField('leader.to', toInput, 'filter-to'),
        h('div', { class: 'presets button-row', role: 'group', i18nAriaLabel: 'leader.presets' }, presetButtons),
        dataNote,
        h('label', { class: 'check', for: 'filter-overdue' }, overdueBox, h('span', { i18n: 'leader.overdue' })),
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
    metricHelp.textContent = helpFor(metric);
  }

  function renderLegendBox(): void {
    if (mode === 'density') {
      const items = densityLegendItems(scale);
      const cell = scale ? t('leader.densityCell', { m: formatNumber(Math.round(scale.cellM)) }) : '';
      renderLegend(
        shell.legend,
        [{ title: t('leader.densityLegend'), items }],
        [cell, densityEmpty ? t('leader.densityEmpty') : ''].filter(Boolean).join(' '),
      );
    } else {
      // Classes taken from the figures themselves say so: they move as the figures do.
      const note = metric === 'per_1000_households' ? t('legend.quantiles') : undefined;
      renderLegend(shell.legend, [{ title: t(`metric.${metric}`), items: metricStyle(metric, rows).legend() }], note);
    }
  }

  function renderDetail(): void {
    fill(detailBox, ...detailContent(selectedCode, detail, detailError, rows));
  }

  function renderTable(): void {
    const { count, children } = tableContent(
      { rows, loading: rowsLoading, error: rowsError, sortKey, sortDesc, shown, selectedCode },
      {
        sort(key, worstFirstDesc) {
          ({ key: sortKey, desc: sortDesc } = nextSort({ key: sortKey, desc: sortDesc }, key, worstFirstDesc));
          renderTable();
        },
        select: (code) => void selectGrid(code),
        more() {
          shown += PAGE;
          renderTable();
        },
      },
    );
    tableHead.textContent = count;
    fill(tableBox, ...children);
  }

  function renderDataNote(): void {
    const outside = outsideData(filter, dataSpan);
    const until = dataSpan.until ? formatDay(dataSpan.until) : null;
    fill(
      dataNote,
      until ? h('p', { class: 'hint', text: t('leader.dataUntil', { day: until }) }) : null,
      outside && until
        ? notice('empty', t(outside === 'after' ? 'leader.rangeAfterData' : 'leader.rangeBeforeData', { day: until, first: dataSpan.from ? formatDay(dataSpan.from) : '' }))
        : null,
    );
  }

  function renderAll(): void {
    renderDataNote();
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
    if (got.kind === 'done') dataSpan = { from: got.value.data_from, until: got.value.data_until };
    renderDataNote();
    rowsError = got.kind === 'failed' ? errorText(got.error) : null;
    rowsLoading = false;
    shown = PAGE;
    restyle();
    renderTable();
    renderDetail();
  }
  const statsLoad = loadStats();

  await styleReady(map);
  const layers = leaderMap(map, { mode, level, filter });

  function restyle(): void {
    if (mode === 'choropleth') layers.setColour(metricStyle(metric, rows).colour);
    renderLegendBox();
  }

  function setMode(m: Mode): void {
    mode = m;
    layers.setMode(mode);
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
    filter.overdue = overdueBox.checked || undefined;
    layers.setFilter(level, filter);
    saveUrl();
    void loadStats();
  }

  function resetFilters(): void {
    for (const el of [categorySelect, statusSelect, channelSelect, fromInput, toInput]) el.value = '';
    overdueBox.checked = false;
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
      layers.show(got.value, fly);
    } else {
      detailError = errorText(got.error);
    }
    renderDetail();
  }

  layers.onBreaks((next, empty) => {
    const changed =
      empty !== densityEmpty ||
      !scale ||
      Math.round(next.cellM) !== Math.round(scale.cellM) ||
      !sameClasses(next.classes, scale.classes);
    scale = next;
    densityEmpty = empty;
    if (changed) renderLegendBox();
  });
  for (const el of [categorySelect, statusSelect, channelSelect, fromInput, toInput, overdueBox]) {
    el.addEventListener('change', applyFilters);
  }
  metricSelect.addEventListener('change', () => {
    metric = metricSelect.value as Metric;
    saveUrl();
    renderMode();
    restyle();
  });
  levelSelect.addEventListener('change', () => {
    level = Number(levelSelect.value) as Level;
    layers.setLevel(level, filter);
    // The detail and the map follow the level: a coarser one shows the grid holding the
    // selected one; a finer one leaves nothing selected (and the map where it is).
    const next = selectionAtLevel(selectedCode, level);
    if (next && next !== selectedCode) void selectGrid(next);
    else if (!next && selectedCode) {
      selectedCode = null;
      detail = null;
      detailError = null;
      layers.clearSelection();
      renderDetail();
    }
    saveUrl();
    void loadStats();
  });
  layers.onPick((code) => void selectGrid(code));
  // A tooltip over the map: the grid under the pointer, its incidents and the figure shown.
  const tooltip = h('div', { class: 'map-tooltip', id: 'map-tooltip', role: 'tooltip', hidden: true });
  shell.mapContainer.parentElement?.append(tooltip);
  layers.onHover((code, at) => {
    const row = code ? rows.find((r) => r.code === code) : undefined;
    tooltip.hidden = !row;
    if (!row) return;
    fill(tooltip, ...hoverLines(row, mode === 'choropleth' ? metric : null).map((line, i) => h(i ? 'div' : 'strong', { text: line })));
    tooltip.style.left = `${at.x + 14}px`;
    tooltip.style.top = `${at.y + 14}px`;
  });

  setMode(mode);
  await statsLoad;
  if (selectedCode) void selectGrid(selectedCode, false);
}
