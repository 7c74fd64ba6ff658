/**
 * The grid officer's view (phone first): choose one's level-3 grid, see it outlined with its
 * compounds and buildings, its open incidents listed; tap the map to report an incident there;
 * type coordinates from a phone app (GCJ-02, BD-09, WGS84) to see where they land.
 */
import { api } from '../../api/client';
import { CATEGORIES, CRSES, type Category, type Crs } from '../../api/codes';
import type { GridFeature, Incident, LocateAnswer } from '../../api/types';
import { formatDay, t } from '../../i18n';
import { Latest } from '../../lib/latest';
import type { Session } from '../../api/session';
import { readStored, writeStored } from '../../lib/stored';
import { pageParams, saveToUrl } from '../../lib/url';
import { styleReady } from '../../map/base';
import { bboxOf, bboxPad } from '../../map/geometry';
import { codeSelect, field, fill, h, notice } from '../../ui/dom';
import { renderLegend } from '../../ui/legend';
import type { Shell } from '../../ui/shell';
import { errorText, MapStatus, placesStatus, startMap } from '../common';
import { officerMap } from './map';
import {
  incidentsContent,
  LIST_STEP,
  legendGroups,
  locateContent,
  reportPlaceContent,
  say,
  summaryContent,
  type DraftReport,
  type Message,
} from './panel';
import { exactGrid, filed, fromParams, matchingGrids, redrawnAs, toQuery, typedPoint, type Redrawn } from './state';

/** Where the officer's grid is remembered between visits (on this device). */
const MY_GRID_KEY = 'gridd.officer.grid';

/** How many of a grid's newest incidents are read to find its open ones. */
const INCIDENT_PAGE = 500;

export async function officerView(shell: Shell, session?: Session): Promise<void> {
  const status = new MapStatus(shell.mapStatus);
  const params = pageParams();

  // ---- state
  let grids: GridFeature[] = [];
  let gridsMessage: Message | null = { kind: 'loading', key: 'officer.gridsLoading' };
  let selected: GridFeature | null = null;
  let incidents: Incident[] = [];
  let incidentsMessage: Message | null = null;
  let latestId: number | undefined;
  /** Open incidents in the grid in all (the list holds those among the newest it read). */
  let openTotal: number | null = null;
  let draft: DraftReport | null = null;
  let reportMessage: Message | null = null;
  let submitting = false;
  let locateMessage: Message | null = null;
  let located: LocateAnswer | null = null;
  /** A bookmarked grid that a version redrew: what replaced it (shown until a grid is chosen). */
  let redrawn: { code: string; what: Redrawn } | null = null;
  /** The incident chosen in the list, how many are listed, and the list's category. */
  let chosenId: number | undefined;
  let shown = LIST_STEP;
  let listCategory = '';

  const gridName = (code: string): string => {
    const g = grids.find((f) => f.properties.code === code);
    return g ? t('officer.gridWithCode', { name: g.properties.name, code }) : code;
  };

  // ---- panel skeleton (static labels carry data-i18n; dynamic parts are re-rendered)
  const search = h('input', {
    type: 'search',
    i18nPlaceholder: 'officer.searchGrid',
    i18nAriaLabel: 'officer.searchGrid',
    autocomplete: 'off',
  });
  const gridSelect = h('select', { class: 'grid-select' });
  const gridsNote = h('div', { class: 'grids-note' });
  const summary = h('div', { class: 'grid-summary', id: 'grid-summary' });
  const reportBox = h('div', { class: 'report', id: 'report' });
  const incidentsHead = h('span', { class: 'count', id: 'incidents-count' });
  const incidentList = h('div', { class: 'incident-list', id: 'incidents' });

  const lngInput = h('input', { type: 'text', inputmode: 'decimal', autocomplete: 'off' });
  const latInput = h('input', { type: 'text', inputmode: 'decimal', autocomplete: 'off' });
  const crsSelect = codeSelect(CRSES, (c) => `crs.${c}` as const);
  crsSelect.value = 'gcj02';
  const locateButton = h('button', { type: 'submit', class: 'primary', i18n: 'officer.locate' });
  const locateResult = h('div', { class: 'locate-result', id: 'locate-result' });

  const categorySelect = h(
    'select',
    { required: true },
    h('option', { value: '', i18n: 'officer.pickCategory' }),
    (['c', 'e'] as const).map((group) =>
      h(
        'optgroup',
        { 'data-i18n-label': `categoryGroup.${group}`, label: t(`categoryGroup.${group}`) },
        CATEGORIES.filter((c) => c.startsWith(`${group}_`)).map((c) =>
          h('option', { value: c, i18n: `category.${c}` }),
        ),
      ),
    ),
  );
  const description = h('textarea', { rows: 2, maxlength: 500, i18nPlaceholder: 'officer.descriptionPlaceholder' });
  const reportPlace = h('div', { class: 'report-place', id: 'report-place' });
  const reportNote = h('div', { class: 'report-note', id: 'report-note' });
  const submitButton = h('button', { type: 'submit', class: 'primary', id: 'report-submit' });
  const reportForm = h(
    'form',
    { class: 'report-form', id: 'report-form', hidden: true, novalidate: true },
    h('h3', { i18n: 'officer.reportTitle' }),
    reportPlace,
    field('officer.category', categorySelect, 'report-category'),
    field('officer.description', description, 'report-description'),
    h(
      'div',
      { class: 'actions' },
      submitButton,
      h('button', { type: 'button', class: 'secondary', i18n: 'common.cancel', on: { click: () => cancelDraft() } }),
    ),
  );

  fill(
    shell.panel,
    h(
      'div',
      { class: 'section' },
      h('h2', { i18n: 'officer.title' }),
      field('officer.pickGrid', gridSelect, 'grid-select'),
      search,
      gridsNote,
      summary,
    ),
    h('div', { class: 'section' }, reportBox, reportForm, reportNote),
    h(
      'div',
      { class: 'section' },
      h('h2', {}, h('span', { i18n: 'officer.incidentsTitle' }), ' ', incidentsHead),
      incidentList,
    ),
    h(
      'form',
      {
        class: 'section locate',
        id: 'locate-form',
        novalidate: true,
        on: {
          submit: (e) => {
            e.preventDefault();
            void locate();
          },
        },
      },
      h('h2', { i18n: 'officer.locateTitle' }),
      h('p', { class: 'hint', i18n: 'officer.locateHint' }),
      h(
        'div',
        { class: 'row' },
        field('officer.lng', lngInput, 'locate-lng'),
        field('officer.lat', latInput, 'locate-lat'),
      ),
      field('officer.crs', crsSelect, 'locate-crs'),
      h('div', { class: 'actions' }, locateButton),
      locateResult,
    ),
  );

  // ---- rendering of the dynamic parts
  function renderGridOptions(): void {
    const shown = matchingGrids(grids, search.value);
    fill(
      gridSelect,
      h('option', { value: '' }, t('officer.pickPrompt')),
      shown.map((g) => h('option', { value: g.properties.code }, `${g.properties.name} · ${g.properties.code}`)),
    );
    gridSelect.value = selected && shown.includes(selected) ? selected.properties.code : '';
    gridSelect.disabled = grids.length === 0;
    const q = search.value.trim();
    fill(
      gridsNote,
      say(gridsMessage),
      q && shown.length === 0 ? notice('empty', t('officer.noMatch', { query: q })) : null,
      q && shown.length > 0 ? h('p', { class: 'hint', id: 'grid-matches', text: t('officer.matchCount', { n: shown.length }) }) : null,
      redrawn ? redrawnNotice(redrawn.code, redrawn.what) : null,
    );
  }

  /** The grid a bookmark named was redrawn: when, and the grids to choose instead. */
  function redrawnNotice(code: string, what: Redrawn): HTMLElement {
    return h(
      'div',
      { class: 'notice notice-info redrawn', id: 'grid-redrawn', role: 'status' },
      h('p', { text: t('officer.gridRedrawn', { code, day: formatDay(what.validFrom), version: what.version }) }),
      what.replacements.length
        ? h(
            'div',
            { class: 'button-row' },
            what.replacements.map((c) => h('button', { type: 'button', class: 'secondary', 'data-code': c, text: gridName(c), on: { click: () => select(c) } })),
          )
        : h('p', { text: t('officer.gridRedrawnNone') }),
    );
  }

  function renderSummary(): void {
    fill(summary, ...summaryContent(selected));
  }

  function renderIncidents(): void {
    const { count, children } = incidentsContent(
      { selected: selected !== null, incidents, openTotal, message: incidentsMessage, latestId, page: INCIDENT_PAGE, chosenId, shown, category: listCategory },
      {
        show: (i) => {
          chosenId = i.id;
          layers.setIncidents(incidents, latestId, chosenId);
          layers.flyToIncident(i);
          renderIncidents();
        },
        more: () => {
          shown += LIST_STEP;
          renderIncidents();
        },
        category: (c) => {
          listCategory = c;
          shown = LIST_STEP;
          renderIncidents();
        },
      },
    );
    incidentsHead.textContent = count;
    fill(incidentList, ...children);
  }

  function renderReport(): void {
    reportBox.hidden = draft !== null;
    fill(
      reportBox,
      notice('info', t('officer.tapToReport')),
      h('button', { type: 'button', class: 'secondary', id: 'report-here', text: t('officer.reportHere'), on: { click: reportHere } }),
    );
    reportForm.hidden = draft === null;
    submitButton.textContent = submitting ? t('officer.submitting') : t('officer.submit');
    submitButton.disabled = submitting;
    if (draft) fill(reportPlace, ...reportPlaceContent(draft, gridName, selected?.properties.code ?? null));
    fill(reportNote, say(reportMessage));
  }

  function renderLocate(): void {
    locateButton.textContent = t('officer.locate');
    fill(locateResult, located ? locateContent(located, gridName) : say(locateMessage));
  }

  function renderLegendBox(): void {
    renderLegend(shell.legend, legendGroups());
  }

  function renderAll(): void {
    renderGridOptions();
    renderSummary();
    renderIncidents();
    renderReport();
    renderLocate();
    renderLegendBox();
    status.render();
  }

  // ---- the map
  const map = startMap(shell, status, renderAll);

  const gridsLoad = api.grids(3).then(
    (fc) => {
      grids = fc.features.sort((a, b) => a.properties.code.localeCompare(b.properties.code));
      gridsMessage = null;
    },
    (e) => {
      gridsMessage = { kind: 'error', key: 'common.error', text: errorText(e) };
    },
  );

  await styleReady(map);
  const layers = officerMap(map, placesStatus(status));

  // ---- behaviour
  const incidentsRequest = new Latest();
  async function loadIncidents(): Promise<void> {
    if (!selected) return;
    const code = selected.properties.code;
    incidentsMessage = { kind: 'loading', key: 'officer.incidentsLoading' };
    renderIncidents();
    // The newest open incidents; the grid's own figures say how many are open in all.
    const got = await incidentsRequest.run((signal) =>
      Promise.all([api.incidents(code, { limit: INCIDENT_PAGE, status: 'open' }, signal), api.grid(code, signal)]),
    );
    if (got.kind === 'superseded') return;
    if (got.kind === 'done') {
      const [fc, detail] = got.value;
      incidents = fc.features.map((f) => f.properties);
      openTotal = detail.properties.incidents.open;
      incidentsMessage = null;
    } else {
      incidents = [];
      openTotal = null;
      incidentsMessage = { kind: 'error', key: 'common.error', text: errorText(got.error) };
    }
    layers.setIncidents(incidents, latestId, chosenId);
    renderIncidents();
  }

  function select(code: string, fly = true): void {
    const g = grids.find((f) => f.properties.code === code) ?? null;
    if (g) redrawn = null;
    selected = g;
    latestId = undefined;
    chosenId = undefined;
    shown = LIST_STEP;
    listCategory = '';
    openTotal = null;
    saveToUrl(toQuery({ grid: g ? code : null }));
    writeStored(MY_GRID_KEY, g ? code : null);
    if (g) {
      layers.showGrid(g, fly);
      void loadIncidents();
    } else {
      layers.clearGrid();
      incidents = [];
      layers.setIncidents([]);
    }
    renderGridOptions();
    renderSummary();
    renderIncidents();
  }

  const locateRequest = new Latest();
  async function placeDraft(lng: number, lat: number): Promise<void> {
    draft = { lng, lat };
    reportMessage = null;
    layers.placeDraft([lng, lat]);
    renderReport();
    // On a phone the form is below the map: bring it into sight.
    reportForm.scrollIntoView({ block: 'nearest' });
    const got = await locateRequest.run((signal) => api.locate(lng, lat, 'wgs84', signal));
    if (got.kind === 'superseded' || !draft) return;
    if (got.kind === 'done') draft.where = got.value;
    else draft.whereError = errorText(got.error);
    renderReport();
  }

  function cancelDraft(): void {
    draft = null;
    layers.removeDraft();
    renderReport();
  }

  async function submitReport(): Promise<void> {
    if (!draft || submitting) return;
    const category = categorySelect.value as Category | '';
    if (!category) {
      reportMessage = { kind: 'error', key: 'officer.needCategory' };
      renderReport();
      categorySelect.focus();
      return;
    }
    if (!description.value.trim()) {
      reportMessage = { kind: 'error', key: 'officer.needDescription' };
      renderReport();
      description.focus();
      return;
    }
    submitting = true;
    reportMessage = null;
    renderReport();
    try {
      const created = await api.report({
        lng: draft.lng,
        lat: draft.lat,
        category,
        description: description.value.trim() || undefined,
        channel: 'patrol',
      });
      const where = filed(created.grids, selected?.properties.code ?? null);
      if (where.kind === 'outside') {
        reportMessage = { kind: 'success', key: 'officer.reportedOutside', params: { id: created.id } };
      } else if (where.kind === 'elsewhere') {
        reportMessage = { kind: 'success', key: 'officer.reportedElsewhere', params: { grid: gridName(where.grid) } };
      } else {
        reportMessage = { kind: 'success', key: 'officer.reported', params: { id: created.id, grid: gridName(where.grid) } };
      }
      if (where.kind === 'here') {
        latestId = created.id;
        incidents = [created, ...incidents.filter((i) => i.id !== created.id)];
        if (openTotal !== null) openTotal += 1;
        layers.setIncidents(incidents, latestId, chosenId);
        renderIncidents();
      }
      draft = null;
      layers.removeDraft();
      description.value = '';
      categorySelect.value = '';
    } catch (e) {
      reportMessage = { kind: 'error', key: 'common.error', text: errorText(e) };
    } finally {
      submitting = false;
      renderReport();
    }
  }

  async function locate(): Promise<void> {
    const point = typedPoint(lngInput.value, latInput.value);
    located = null;
    if (!point) {
      locateMessage = { kind: 'error', key: 'officer.locateBad' };
      renderLocate();
      return;
    }
    locateMessage = { kind: 'loading', key: 'officer.locating' };
    locateButton.disabled = true;
    renderLocate();
    try {
      located = await api.locate(point[0], point[1], crsSelect.value as Crs);
      locateMessage = null;
      layers.showLocated(located.wgs84);
    } catch (e) {
      locateMessage = { kind: 'error', key: 'common.error', text: errorText(e) };
    } finally {
      locateButton.disabled = false;
    }
    renderLocate();
  }

  /** Where the device says it is (WGS84, as the browser gives it): a report placed there. */
  function reportHere(): void {
    if (!('geolocation' in navigator)) {
      reportMessage = { kind: 'error', key: 'officer.noPosition' };
      renderReport();
      return;
    }
    reportMessage = { kind: 'loading', key: 'officer.findingPosition' };
    renderReport();
    navigator.geolocation.getCurrentPosition(
      (p) => {
        reportMessage = null;
        layers.showLocated([p.coords.longitude, p.coords.latitude]);
        void placeDraft(p.coords.longitude, p.coords.latitude);
      },
      () => {
        reportMessage = { kind: 'error', key: 'officer.noPosition' };
        renderReport();
      },
      { enableHighAccuracy: true, timeout: 15_000 },
    );
  }

  search.addEventListener('input', () => {
    renderGridOptions();
    // The exact name (or code) typed picks that grid.
    const exact = exactGrid(grids, search.value);
    if (exact && exact !== selected) select(exact.properties.code);
  });
  gridSelect.addEventListener('change', () => select(gridSelect.value));
  reportForm.addEventListener('submit', (e) => {
    e.preventDefault();
    void submitReport();
  });
  layers.onPoint((lng, lat) => void placeDraft(lng, lat));

  await gridsLoad;
  renderGridOptions();
  renderSummary();
  // The grid asked for in the address, else the one remembered on this device, else the first
  // grid the login's officer serves.
  const own = session?.officer_grids.find((c) => grids.some((g) => g.properties.code === c)) ?? null;
  const wanted = fromParams(params).grid ?? readStored(MY_GRID_KEY) ?? own;
  if (wanted && grids.some((g) => g.properties.code === wanted)) select(wanted, false);
  else {
    // A grid no longer in force (a bookmark from before a redraw): say what replaced it.
    if (wanted && grids.length) {
      const versions = await api.versions().then((v) => v.versions, () => []);
      const what = redrawnAs(wanted, versions, new Set(grids.map((g) => g.properties.code)));
      if (what) {
        redrawn = { code: wanted, what };
        renderGridOptions();
      }
    }
    renderIncidents();
    // An officer's own patch (a few grids, not a whole county): the map opens on it.
    const patch = grids.length > 0 && grids.length <= PATCH_MAX ? bboxOf(grids.map((g) => g.geometry)) : null;
    if (patch) map.fitBounds(bboxPad(patch, 0.1), { animate: false });
  }
}

/** Most grids the officer view treats as one person's patch to open the map on. */
const PATCH_MAX = 30;
