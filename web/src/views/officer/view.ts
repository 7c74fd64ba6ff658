/**
 * The grid officer's view (phone first): choose one's level-3 grid, see it outlined with its
 * compounds and buildings, its open incidents listed; tap the map to report an incident there;
 * type coordinates from a phone app (GCJ-02, BD-09, WGS84) to see where they land.
 */
import * as maplibregl from 'maplibre-gl';
import { api } from '../../api/client';
import { CATEGORIES, CRSES, PARTY_ORGS, type Category, type Crs } from '../../api/codes';
import type { BuildingRef, CompoundRef, GridFeature, Incident, LocateAnswer } from '../../api/types';
import {
  categoryName,
  formatNumber,
  formatTime,
  partyName,
  statusName,
  t,
  type MessageKey,
  type Params,
} from '../../i18n';
import { styleReady } from '../../map/base';
import { addHighlight, HIGHLIGHT_COLOUR } from '../../map/highlight';
import { addIncidents, INCIDENT_COLOUR } from '../../map/incidents';
import { addPlaces, BUILDING_CLASSES, PARTY_COLOURS } from '../../map/places';
import { codeSelect, field, fill, h, notice, type NoticeKind } from '../../ui/dom';
import { renderLegend } from '../../ui/legend';
import type { Shell } from '../../ui/shell';
import { errorText, MapStatus, placesStatus, startMap } from '../common';
import { Latest } from '../../lib/latest';
import { pageParams, saveToUrl } from '../../lib/url';
import { fromParams, level3, toQuery } from './state';

/** A message kept as its key, so it is re-said in the other language after the switch. */
interface Message {
  kind: NoticeKind;
  key: MessageKey;
  params?: Params;
  /** Already-worded text (an error from the server), used instead of the key when present. */
  text?: string;
}

const say = (m: Message | null): HTMLElement | null => (m ? notice(m.kind, m.text ?? t(m.key, m.params)) : null);

/** How many of a grid's newest incidents are read to find its open ones. */
const INCIDENT_PAGE = 500;

/** The compound under a point, in words (an id the engine does not know shows as itself). */
function compoundLine(c: CompoundRef): string {
  return t('officer.locateCompound', { name: c.name ?? c.id, party: c.party_org ? partyName(c.party_org) : '—' });
}

/** The building under a point, in words. */
function buildingLine(b: BuildingRef): string {
  return t('officer.locateBuilding', {
    address: b.address ?? b.id,
    households: b.households === undefined ? '—' : formatNumber(b.households),
  });
}


export async function officerView(shell: Shell): Promise<void> {
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
  let draft: { lng: number; lat: number; where?: LocateAnswer; whereError?: string } | null = null;
  let reportMessage: Message | null = null;
  let submitting = false;
  let locateMessage: Message | null = null;
  let located: LocateAnswer | null = null;

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
    const q = search.value.trim().toLowerCase();
    const shown = grids.filter(
      (g) => !q || g.properties.name.toLowerCase().includes(q) || g.properties.code.includes(q),
    );
    fill(
      gridSelect,
      h('option', { value: '' }, t('officer.pickPrompt')),
      shown.map((g) =>
        h('option', { value: g.properties.code }, `${g.properties.name} · ${g.properties.code}`),
      ),
    );
    gridSelect.value = selected && shown.includes(selected) ? selected.properties.code : '';
    gridSelect.disabled = grids.length === 0;
    fill(
      gridsNote,
      say(gridsMessage),
      q && shown.length === 0 ? notice('empty', t('officer.noMatch', { query: search.value.trim() })) : null,
    );
  }

  function renderSummary(): void {
    if (!selected) {
      fill(summary);
      return;
    }
    const p = selected.properties;
    fill(
      summary,
      h('div', { class: 'grid-name' }, p.name),
      h('div', { class: 'grid-code' }, `${t('common.code')} ${p.code}`),
      h(
        'div',
        { class: 'grid-figures' },
        t('officer.gridSummary', {
          households: formatNumber(p.households),
          population: formatNumber(p.population),
          officers: formatNumber(p.officers),
        }),
      ),
      p.officers === 0 ? h('div', { class: 'badge badge-warn' }, t('officer.vacant')) : null,
    );
  }

  const showIncident = (i: Incident) => map.flyTo({ center: i.wgs84, zoom: Math.max(map.getZoom(), 17) });

  function renderIncidents(): void {
    if (!selected) {
      fill(incidentsHead);
      fill(incidentList, notice('info', t('officer.incidentsPick')));
      return;
    }
    const total = Math.max(openTotal ?? 0, incidents.length);
    incidentsHead.textContent = incidentsMessage ? '' : t('officer.incidentsCount', { count: formatNumber(total) });
    if (incidentsMessage) {
      fill(incidentList, say(incidentsMessage));
      return;
    }
    if (incidents.length === 0 && total === 0) {
      fill(incidentList, notice('empty', t('officer.incidentsEmpty')));
      return;
    }
    fill(
      incidentList,
      total > incidents.length
        ? notice('info', t('officer.incidentsPartial', { shown: incidents.length, newest: INCIDENT_PAGE }))
        : null,
      h(
        'ul',
        {},
        incidents.map((i) =>
          h(
            'li',
            {
              class: i.id === latestId ? 'incident latest' : 'incident',
              'data-id': String(i.id),
              tabindex: '0',
              on: {
                click: () => showIncident(i),
                keydown: (e) => {
                  if (e.key === 'Enter') showIncident(i);
                },
              },
            },
            h(
              'div',
              { class: 'incident-head' },
              h('span', { class: 'incident-category' }, categoryName(i.category)),
              h('span', { class: `status status-${i.status}` }, statusName(i.status)),
            ),
            i.description ? h('div', { class: 'incident-desc' }, i.description) : null,
            h('div', { class: 'incident-meta' }, `#${i.id} · ${formatTime(i.reported_at)}`),
          ),
        ),
      ),
    );
  }

  function renderReport(): void {
    reportBox.hidden = draft !== null;
    fill(reportBox, notice('info', t('officer.tapToReport')));
    reportForm.hidden = draft === null;
    submitButton.textContent = submitting ? t('officer.submitting') : t('officer.submit');
    submitButton.disabled = submitting;
    if (draft) {
      const code = draft.where ? level3(draft.where.grids) : undefined;
      fill(
        reportPlace,
        h('div', {}, t('officer.reportAt', { lng: draft.lng.toFixed(6), lat: draft.lat.toFixed(6) })),
        draft.whereError
          ? notice('error', draft.whereError)
          : draft.where
            ? [
                h(
                  'div',
                  { class: code ? 'will-go' : 'will-go outside' },
                  code ? t('officer.reportWillGo', { grid: gridName(code) }) : t('officer.reportOutside'),
                ),
                draft.where.compound ? h('div', {}, compoundLine(draft.where.compound)) : null,
                draft.where.building ? h('div', {}, buildingLine(draft.where.building)) : null,
              ]
            : notice('loading', t('officer.locating')),
      );
    }
    fill(reportNote, say(reportMessage));
  }

  function renderLocate(): void {
    locateButton.textContent = t('officer.locate');
    if (!located) {
      fill(locateResult, say(locateMessage));
      return;
    }
    const r = located;
    const codes = [...r.grids].sort((a, b) => a.level - b.level).map((g) => g.code);
    const finest = level3(r.grids);
    fill(
      locateResult,
      h(
        'ul',
        { class: 'facts' },
        h('li', {}, t('officer.locateWgs84', { lng: r.wgs84[0].toFixed(6), lat: r.wgs84[1].toFixed(6) })),
        h(
          'li',
          { class: 'locate-grids', 'data-grid': finest ?? '' },
          codes.length ? t('officer.locateGrids', { grids: codes.join(' › ') }) : t('officer.locateNoGrid'),
        ),
        finest ? h('li', {}, gridName(finest)) : null,
        h(
          'li',
          {},
          r.compound ? compoundLine(r.compound) : t('officer.locateNoCompound'),
        ),
        r.building ? h('li', {}, buildingLine(r.building))
          : null,
      ),
    );
  }

  function renderLegendBox(): void {
    renderLegend(shell.legend, [
      {
        title: t('officer.legendCompounds'),
        items: PARTY_ORGS.map((p) => ({ colour: PARTY_COLOURS[p], label: partyName(p) })),
      },
      {
        title: t('officer.legendBuildings'),
        items: BUILDING_CLASSES.map((c, i) => ({
          colour: c.colour,
          label:
            i === BUILDING_CLASSES.length - 1
              ? t('legend.over', { value: c.from })
              : t('legend.range', { from: c.from, to: BUILDING_CLASSES[i + 1].from - 1 }),
        })),
      },
      { title: '', shape: 'dot', items: [{ colour: INCIDENT_COLOUR, label: t('officer.legendIncidents') }] },
      { title: '', shape: 'line', items: [{ colour: HIGHLIGHT_COLOUR, label: t('officer.legendGrid') }] },
    ]);
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
  addPlaces(map, placesStatus(status));
  const highlight = addHighlight(map);
  const incidentLayer = addIncidents(map);
  const draftMarker = new maplibregl.Marker({ color: '#1a202c', draggable: true });
  const locateMarker = new maplibregl.Marker({ color: '#2b6cb0' });

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
    incidentLayer.set(incidents, latestId);
    renderIncidents();
  }

  function select(code: string, fly = true): void {
    const g = grids.find((f) => f.properties.code === code) ?? null;
    selected = g;
    latestId = undefined;
    openTotal = null;
    saveToUrl(toQuery({ grid: g ? code : null }));
    if (g) {
      highlight.show(g, { fly, padding: 32 });
      void loadIncidents();
    } else {
      highlight.clear();
      incidents = [];
      incidentLayer.set([]);
    }
    renderGridOptions();
    renderSummary();
    renderIncidents();
  }

  const locateRequest = new Latest();
  async function placeDraft(lng: number, lat: number): Promise<void> {
    draft = { lng, lat };
    reportMessage = null;
    draftMarker.setLngLat([lng, lat]).addTo(map);
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
    draftMarker.remove();
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
      const code = level3(created.grids);
      if (!code) {
        reportMessage = { kind: 'success', key: 'officer.reportedOutside', params: { id: created.id } };
      } else if (selected && !code.startsWith(selected.properties.code)) {
        reportMessage = { kind: 'success', key: 'officer.reportedElsewhere', params: { grid: gridName(code) } };
      } else {
        reportMessage = { kind: 'success', key: 'officer.reported', params: { id: created.id, grid: gridName(code) } };
      }
      if (selected && code?.startsWith(selected.properties.code)) {
        latestId = created.id;
        incidents = [created, ...incidents.filter((i) => i.id !== created.id)];
        if (openTotal !== null) openTotal += 1;
        incidentLayer.set(incidents, latestId);
        renderIncidents();
      }
      draft = null;
      draftMarker.remove();
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
    const lng = Number(lngInput.value.trim());
    const lat = Number(latInput.value.trim());
    located = null;
    if (!lngInput.value.trim() || !latInput.value.trim() || !Number.isFinite(lng) || !Number.isFinite(lat)) {
      locateMessage = { kind: 'error', key: 'officer.locateBad' };
      renderLocate();
      return;
    }
    locateMessage = { kind: 'loading', key: 'officer.locating' };
    locateButton.disabled = true;
    renderLocate();
    try {
      located = await api.locate(lng, lat, crsSelect.value as Crs);
      locateMessage = null;
      locateMarker.setLngLat(located.wgs84).addTo(map);
      map.flyTo({ center: located.wgs84, zoom: Math.max(map.getZoom(), 16) });
    } catch (e) {
      locateMessage = { kind: 'error', key: 'common.error', text: errorText(e) };
    } finally {
      locateButton.disabled = false;
    }
    renderLocate();
  }

  search.addEventListener('input', renderGridOptions);
  gridSelect.addEventListener('change', () => select(gridSelect.value));
  reportForm.addEventListener('submit', (e) => {
    e.preventDefault();
    void submitReport();
  });
  map.on('click', (e) => void placeDraft(e.lngLat.lng, e.lngLat.lat));
  draftMarker.on('dragend', () => {
    const p = draftMarker.getLngLat();
    void placeDraft(p.lng, p.lat);
  });

  await gridsLoad;
  renderGridOptions();
  renderSummary();
  const wanted = fromParams(params).grid;
  if (wanted && grids.some((g) => g.properties.code === wanted)) select(wanted, false);
  else renderIncidents();
}
