/**
 * 案件处置: the cases waiting on the signed-in person — the dispatcher's queue, a department's
 * inbox, a grid officer's on-site checks — each opened to its state, due time and history,
 * with a button for every action the server says the person may take now (and the fields
 * that action needs). The map shows where the open case is.
 */
import * as maplibregl from 'maplibre-gl';
import { api } from '../../api/client';
import { SATISFACTIONS, type Action } from '../../api/codes';
import type { Case, CaseStep, DepartmentInfo, Incident, NearbyCase } from '../../api/types';
import { actionName, categoryName, formatTime, statusName, t } from '../../i18n';
import { styleReady } from '../../map/base';
import { codeSelect, field, fill, h, notice } from '../../ui/dom';
import type { Shell } from '../../ui/shell';
import { errorText, MapStatus, startMap } from '../common';

export async function casesView(shell: Shell): Promise<void> {
  const status = new MapStatus(shell.mapStatus);
  let list: Incident[] = [];
  let listError: string | null = null;
  let open: Case | null = null;
  let message: { kind: 'success' | 'error'; text: string } | null = null;
  let departments: DepartmentInfo[] = [];

  // Which list: what waits on me (待办), what I reported (我的上报), or — from the KPI table —
  // a grid's open cases (only the overdue ones with `overdue=1`).
  const params = new URLSearchParams(window.location.search);
  const grid = params.get('grid');
  const overdueOnly = params.get('overdue') === '1';
  type ListMode = 'todo' | 'mine' | 'grid';
  let mode: ListMode = grid ? 'grid' : params.get('list') === 'mine' ? 'mine' : 'todo';
  const modes: ListMode[] = grid ? ['grid', 'todo', 'mine'] : ['todo', 'mine'];
  const modeButtons = modes.map((m) =>
    h('button', {
      type: 'button',
      class: 'seg',
      'data-list': m,
      i18n: m === 'grid' ? (overdueOnly ? 'cases.gridOverdue' : 'cases.gridOpen') : m === 'mine' ? 'cases.mine' : 'cases.todo',
      on: {
        click: () => {
          mode = m;
          void loadList();
        },
      },
    }),
  );
  const listBox = h('ul', { class: 'case-list', id: 'case-list' });
  const detail = h('section', { class: 'case-detail', id: 'case-detail' });
  const refresh = h('button', { type: 'button', class: 'secondary', id: 'cases-refresh', i18n: 'cases.refresh' });
  fill(
    shell.panel,
    h(
      'div',
      { class: 'section' },
      h('h2', { i18n: 'cases.title' }),
      h('div', { class: 'segmented', role: 'group' }, modeButtons),
      refresh,
      listBox,
    ),
    h('div', { class: 'section' }, detail),
  );

  const map = startMap(shell, status, render);
  const marker = new maplibregl.Marker({ color: '#c53030' });

  function renderList(): void {
    if (listError) {
      fill(listBox, h('li', {}, notice('error', listError)));
      return;
    }
    if (list.length === 0) {
      const empty = mode === 'mine' ? 'cases.emptyMine' : mode === 'grid' ? 'cases.emptyGrid' : 'cases.empty';
      fill(listBox, h('li', {}, notice('empty', t(empty))));
      return;
    }
    fill(
      listBox,
      list.map((i) =>
        h(
          'li',
          {},
          h(
            'button',
            {
              type: 'button',
              class: open?.id === i.id ? 'case-item active' : 'case-item',
              'data-id': i.id,
              on: { click: () => void show(i.id) },
            },
            h('strong', {}, t('cases.item', { id: i.id, category: categoryName(i.category) })),
            h('span', { class: 'case-meta' }, `${statusName(i.status)} · ${formatTime(i.reported_at)}`),
          ),
        ),
      ),
    );
  }

  /** The inputs an action needs, read when its button is pressed. */
  const note = h('textarea', { rows: 2, id: 'case-note' });
  const department = h('select', { id: 'case-department' });
  const days = h('input', { type: 'number', min: '1', max: '30', value: '2', id: 'case-days' });
  const duplicateOf = h('input', { type: 'number', min: '1', id: 'case-duplicate-of' });
  const satisfaction = codeSelect(SATISFACTIONS, (s) => `satisfaction.${s}`);
  // Open cases of the same category within 250 m: what the dispatcher checks before
  // registering (one click fills the duplicate's number).
  const duplicatesBox = h('div', { class: 'possible-duplicates', id: 'possible-duplicates' });
  let nearby: NearbyCase[] = [];

  /** Grey pins for the possible duplicates, numbered, beside the red pin of the open case. */
  let nearbyMarkers: maplibregl.Marker[] = [];
  function renderNearby(): void {
    const others = nearby.filter((n) => n.id !== open?.id);
    for (const m of nearbyMarkers) m.remove();
    nearbyMarkers = others.map((n) =>
      new maplibregl.Marker({ color: '#718096', scale: 0.8 })
        .setLngLat(n.wgs84)
        .setPopup(new maplibregl.Popup({ offset: 20 }).setText(`#${n.id}`))
        .addTo(map),
    );
    for (const [i, m] of nearbyMarkers.entries()) m.getElement().dataset.duplicate = String(others[i].id);
    if (others.length === 0) return fill(duplicatesBox, h('p', { class: 'hint', i18n: 'cases.noNearby' }));
    fill(
      duplicatesBox,
      h('p', { class: 'hint', i18n: 'cases.nearby' }),
      h(
        'ul',
        {},
        others.map((n) =>
          h(
            'li',
            {},
            h(
              'button',
              {
                type: 'button',
                class: 'link',
                'data-duplicate': n.id,
                on: {
                  click: () => {
                    duplicateOf.value = String(n.id);
                  },
                },
              },
              t('cases.nearbyItem', { id: n.id, metres: Math.round(n.distance_m), status: statusName(n.status) }),
            ),
          ),
        ),
      ),
    );
  }

  function extraFields(actions: readonly string[]): HTMLElement[] {
    const out: HTMLElement[] = [field('cases.note', note, 'case-note')];
    if (actions.includes('dispatch')) {
      fill(
        department,
        departments.map((d) => h('option', { value: d.name }, d.name)),
      );
      const takes = departments.find((d) => open && d.categories.includes(open.category));
      if (takes) department.value = takes.name;
      out.push(field('cases.department', department, 'case-department'));
    }
    if (actions.includes('approve_extension')) out.push(field('cases.days', days, 'case-days'));
    if (actions.includes('duplicate')) {
      out.push(field('cases.duplicateOf', duplicateOf, 'case-duplicate-of'));
      out.push(duplicatesBox);
    }
    if (actions.includes('evaluate')) out.push(field('cases.satisfaction', satisfaction, 'case-satisfaction'));
    return out;
  }

  function renderDetail(): void {
    if (!open) {
      fill(detail, message ? notice(message.kind, message.text) : null, notice('info', t('cases.pick')));
      return;
    }
    const c = open;
    const actions = c.actions as Action[];
    fill(
      detail,
      message ? notice(message.kind, message.text) : null,
      h('h3', {}, t('cases.item', { id: c.id, category: categoryName(c.category) })),
      h('p', { class: 'case-description' }, c.description),
      h(
        'dl',
        { class: 'case-facts' },
        h('dt', { i18n: 'cases.status' }),
        h('dd', { id: 'case-status' }, statusName(c.status)),
        h('dt', { i18n: 'cases.department' }),
        h('dd', {}, c.department ?? '—'),
        h('dt', { i18n: 'cases.due' }),
        h(
          'dd',
          {},
          c.due_at ? formatTime(c.due_at) : '—',
          c.overdue ? h('span', { class: 'badge badge-danger' }, t('cases.overdue')) : null,
          c.due_soon ? h('span', { class: 'badge badge-warning', id: 'case-due-soon' }, t('cases.dueSoon')) : null,
          c.supervised ? h('span', { class: 'badge' }, t('cases.supervised')) : null,
        ),
      ),
      actions.length ? extraFields(actions) : notice('info', t('cases.noActions')),
      h(
        'div',
        { class: 'case-actions' },
        actions.map((a) =>
          h('button', { type: 'button', class: 'primary', 'data-action': a, on: { click: () => void act(a) } }, actionName(a)),
        ),
      ),
      h('h4', { i18n: 'cases.history' }),
      h(
        'ol',
        { class: 'case-history', id: 'case-history' },
        c.history.map((e) =>
          h(
            'li',
            {},
            t('cases.historyLine', {
              time: formatTime(e.at),
              actor: e.actor,
              action: actionName(e.action as Action),
              from: statusName(e.from_status),
              to: statusName(e.to_status),
            }),
            e.note ? h('div', { class: 'case-note' }, e.note) : null,
          ),
        ),
      ),
    );
  }

  function render(): void {
    renderList();
    renderDetail();
  }

  async function loadList(): Promise<void> {
    for (const b of modeButtons) {
      const on = b.dataset.list === mode;
      b.classList.toggle('active', on);
      b.setAttribute('aria-pressed', String(on));
    }
    try {
      const got = mode === 'grid' && grid ? api.gridCases(grid, overdueOnly) : mode === 'mine' ? api.myReports() : api.myCases();
      list = (await got).features.map((f) => f.properties);
      listError = null;
    } catch (e) {
      listError = errorText(e);
    }
    renderList();
  }

  async function show(id: number): Promise<void> {
    message = null;
    try {
      open = await api.case(id);
      nearby = [];
      if (open.actions.includes('duplicate')) {
        nearby = (await api.nearby(open.wgs84, open.category).catch(() => ({ cases: [] }))).cases;
      }
      renderNearby();
      marker.setLngLat(open.wgs84).addTo(map);
      map.jumpTo({ center: open.wgs84, zoom: Math.max(map.getZoom(), 16) });
    } catch (e) {
      message = { kind: 'error', text: errorText(e) };
    }
    render();
  }

  async function act(action: Action): Promise<void> {
    if (!open) return;
    const step: CaseStep = { action, version: open.version, note: note.value.trim() || undefined };
    if (action === 'dispatch' && department.value) step.department = department.value;
    if (action === 'approve_extension') step.days = Number(days.value) || undefined;
    if (action === 'duplicate') step.duplicate_of = Number(duplicateOf.value) || undefined;
    if (action === 'evaluate') step.satisfaction = satisfaction.value as CaseStep['satisfaction'];
    try {
      open = await api.step(open.id, step);
      note.value = '';
      message = { kind: 'success', text: t('cases.done', { action: actionName(action) }) };
    } catch (e) {
      message = { kind: 'error', text: errorText(e) };
    }
    await loadList();
    renderDetail();
  }

  refresh.addEventListener('click', () => void loadList());
  await styleReady(map);
  departments = (await api.departments().catch(() => ({ departments: [] }))).departments;
  await loadList();
  const wanted = Number(new URLSearchParams(window.location.search).get('case'));
  if (wanted > 0) await show(wanted);
  else renderDetail();
}
