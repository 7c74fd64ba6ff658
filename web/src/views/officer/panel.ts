/**
 * The officer view's panel as DOM built from plain values: messages kept as keys (so they are
 * re-said after a language switch), the chosen grid's summary, the open-incident list, where a
 * tapped report would go, what typed coordinates locate, and the legend's groups.
 */
import type { BuildingRef, CompoundRef, GridFeature, Incident, LocateAnswer } from '../../api/types';
import { PARTY_ORGS } from '../../api/codes';
import { categoryName, formatNumber, formatTime, partyName, statusName, t, type MessageKey, type Params } from '../../i18n';
import { HIGHLIGHT_COLOUR } from '../../map/highlight';
import { INCIDENT_COLOUR } from '../../map/incidents';
import { BUILDING_CLASSES, PARTY_COLOURS } from '../../map/places';
import { h, notice, type NoticeKind } from '../../ui/dom';
import type { LegendGroup } from '../../ui/legend';
import { level3 } from './state';

/** A message kept as its key, so it is re-said in the other language after the switch. */
export interface Message {
  kind: NoticeKind;
  key: MessageKey;
  params?: Params;
  /** Already-worded text (an error from the server), used instead of the key when present. */
  text?: string;
}

export const say = (m: Message | null): HTMLElement | null => (m ? notice(m.kind, m.text ?? t(m.key, m.params)) : null);

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

/** The chosen grid's name, code, figures and vacancy. */
export function summaryContent(selected: GridFeature | null): (Node | null)[] {
  if (!selected) return [];
  const p = selected.properties;
  return [
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
  ];
}

/** What the incident list shows. */
export interface IncidentsView {
  selected: boolean;
  incidents: readonly Incident[];
  /** Open incidents in the grid in all (the list holds the newest `page` read). */
  openTotal: number | null;
  message: Message | null;
  latestId: number | undefined;
  page: number;
  /** The one chosen in the list (ringed on the map). */
  chosenId?: number;
  /** How many of the list are shown (the rest behind 显示更多). */
  shown: number;
  /** Only incidents of this category ('' for all). */
  category: string;
}

/** Incidents listed at a time. */
export const LIST_STEP = 20;

export interface IncidentListActions {
  show: (i: Incident) => void;
  more: () => void;
  category: (c: string) => void;
}

/** The list's count line and content: a category filter, the first `shown`, and more on request. */
export function incidentsContent(v: IncidentsView, on: IncidentListActions): { count: string; children: (Node | null)[] } {
  if (!v.selected) return { count: '', children: [notice('info', t('officer.incidentsPick'))] };
  const total = Math.max(v.openTotal ?? 0, v.incidents.length);
  if (v.message) return { count: '', children: [say(v.message)] };
  const count = t('officer.incidentsCount', { count: formatNumber(total) });
  if (v.incidents.length === 0 && total === 0) return { count, children: [notice('empty', t('officer.incidentsEmpty'))] };
  const of = new Map<string, number>();
  for (const i of v.incidents) of.set(i.category, (of.get(i.category) ?? 0) + 1);
  const picked = v.category ? v.incidents.filter((i) => i.category === v.category) : v.incidents;
  const listed = picked.slice(0, v.shown);
  const filter = h(
    'select',
    { id: 'incident-category', 'aria-label': t('officer.filterCategory'), on: { change: (e) => on.category((e.target as HTMLSelectElement).value) } },
    h('option', { value: '', text: t('officer.allCategories', { n: formatNumber(v.incidents.length) }) }),
    [...of.entries()].map(([c, n]) => h('option', { value: c, text: `${categoryName(c as Incident['category'])}（${formatNumber(n)}）` })),
  );
  filter.value = v.category;
  return {
    count,
    children: [
      total > v.incidents.length ? notice('info', t('officer.incidentsPartial', { shown: v.incidents.length, newest: v.page })) : null,
      v.incidents.length > LIST_STEP ? filter : null,
      h(
        'ul',
        {},
        listed.map((i) =>
          h(
            'li',
            {
              class: `incident${i.id === v.latestId ? ' latest' : ''}${i.id === v.chosenId ? ' chosen' : ''}`,
              'data-id': String(i.id),
              'aria-current': i.id === v.chosenId ? 'true' : null,
              tabindex: '0',
              on: {
                click: () => on.show(i),
                keydown: (e) => {
                  if (e.key === 'Enter') on.show(i);
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
      picked.length > listed.length
        ? h('button', {
            type: 'button',
            class: 'secondary more',
            id: 'incidents-more',
            text: t('officer.showMore', { n: formatNumber(Math.min(LIST_STEP, picked.length - listed.length)), left: formatNumber(picked.length - listed.length) }),
            on: { click: on.more },
          })
        : null,
    ],
  };
}

/** A report being placed: where it is, and (once located) where it would go. */
export interface DraftReport {
  lng: number;
  lat: number;
  where?: LocateAnswer;
  whereError?: string;
}

/** Where a tapped report is and would go (warned when that is not the officer's grid `mine`). */
export function reportPlaceContent(draft: DraftReport, gridName: (code: string) => string, mine: string | null): (Node | Node[] | null)[] {
  const code = draft.where ? level3(draft.where.grids) : undefined;
  const elsewhere = code !== undefined && mine !== null && !code.startsWith(mine);
  return [
    h('div', {}, t('officer.reportAt', { lng: draft.lng.toFixed(6), lat: draft.lat.toFixed(6) })),
    draft.whereError
      ? notice('error', draft.whereError)
      : draft.where
        ? [
            h(
              'div',
              { class: !code ? 'will-go outside' : elsewhere ? 'will-go elsewhere' : 'will-go', role: elsewhere ? 'alert' : null },
              !code
                ? t('officer.reportOutside')
                : elsewhere
                  ? t('officer.reportElsewhereWarn', { grid: gridName(code) })
                  : t('officer.reportWillGo', { grid: gridName(code) }),
            ),
            ...(draft.where.compound ? [h('div', {}, compoundLine(draft.where.compound))] : []),
            ...(draft.where.building ? [h('div', {}, buildingLine(draft.where.building))] : []),
          ]
        : notice('loading', t('officer.locating')),
  ];
}

/** What typed coordinates located: the WGS84 point, its grids, compound and building. */
export function locateContent(r: LocateAnswer, gridName: (code: string) => string): HTMLElement {
  const codes = [...r.grids].sort((a, b) => a.level - b.level).map((g) => g.code);
  const finest = level3(r.grids);
  return h(
    'ul',
    { class: 'facts' },
    h('li', {}, t('officer.locateWgs84', { lng: r.wgs84[0].toFixed(6), lat: r.wgs84[1].toFixed(6) })),
    h(
      'li',
      { class: 'locate-grids', 'data-grid': finest ?? '' },
      codes.length ? t('officer.locateGrids', { grids: codes.join(' › ') }) : t('officer.locateNoGrid'),
    ),
    finest ? h('li', {}, gridName(finest)) : null,
    h('li', {}, r.compound ? compoundLine(r.compound) : t('officer.locateNoCompound')),
    r.building ? h('li', {}, buildingLine(r.building)) : null,
  );
}

/** The legend: party organisation of compounds, households of buildings, incidents, the grid. */
export function legendGroups(): LegendGroup[] {
  return [
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
  ];
}
