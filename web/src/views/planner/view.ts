/**
 * The planner's view: level-3 grids outside the household band (listed and tinted on the
 * map); a grid's auto-split previewed with each part's load, compactness and units, and why
 * a part misses the band; drafts (split, merge neighbours, undo, redo) that leave the live
 * grids alone; validation of the whole city with the draft applied; publishing a new version
 * from a date; and the history of versions.
 */
import * as maplibregl from 'maplibre-gl';
import { api, gridTilesUrl } from '../../api/client';
import type { Draft, DraftRef, Fit, GridVersionInfo, OutOfBandAnswer, SplitPreview, Validation } from '../../api/types';
import { formatNumber, formatTime, sayDefect, t, type MessageKey } from '../../i18n';
import { addGridHitLayer, GRID_HIT_LAYER, gridSourceId, styleReady } from '../../map/base';
import { addHighlight } from '../../map/highlight';
import { addPlaces } from '../../map/places';
import { addPlanLayers, FIT_COLOURS } from '../../map/plan';
import { fitBadge, partRows, problemList } from './parts';
import { field, fill, h, notice } from '../../ui/dom';
import { renderLegend } from '../../ui/legend';
import type { Shell } from '../../ui/shell';
import { errorText, MapStatus, placesStatus, startMap } from '../common';
import { pageParams, saveToUrl } from '../../lib/url';
import { fromParams, toQuery } from './state';

type Message = { kind: 'error' | 'success' | 'info' | 'loading'; text: () => string };

const LIST_LIMIT = 60;

export async function plannerView(shell: Shell): Promise<void> {
  const status = new MapStatus(shell.mapStatus);
  const params = pageParams();

  // ---- state
  let band: OutOfBandAnswer | null = null;
  let bandMessage: Message | null = { kind: 'loading', text: () => t('common.loading') };
  const initial = fromParams(params);
  let selected: string | null = initial.grid;
  /** Name and households of the selected grid, from its detail. */
  let selectedInfo: { name: string; households: number } | null = null;
  let preview: SplitPreview | null = null;
  let previewMessage: Message | null = null;
  let draft: Draft | null = null;
  let draftMessage: Message | null = null;
  let validation: Validation | null = null;
  let versions: GridVersionInfo[] = [];
  let mergeCodes: string[] = [];
  /** While drawing a cut: the points clicked so far (two make the line). */
  let cutPoints: [number, number][] | null = null;
  /** While brushing: the buildings picked in the selected grid, and the neighbour they go to. */
  let brush: { units: string[]; to: string | null } | null = null;
  let busy = false;

  // ---- controls
  const minInput = h('input', { type: 'number', min: 1, step: 1, value: '300' });
  const maxInput = h('input', { type: 'number', min: 1, step: 1, value: '500' });
  const bySelect = h(
    'select',
    {},
    h('option', { value: 'households', i18n: 'plan.byHouseholds' }),
    h('option', { value: 'population', i18n: 'plan.byPopulation' }),
  );
  const bandList = h('div', { class: 'band-list', id: 'band-list' });
  const gridBox = h('div', { class: 'plan-grid', id: 'plan-grid' });
  const kSelect = h(
    'select',
    {},
    h('option', { value: '', i18n: 'plan.kAuto' }),
    [2, 3, 4, 5, 6].map((k) => h('option', { value: String(k), text: String(k) })),
  );
  const previewBox = h('div', { class: 'plan-preview', id: 'plan-preview' });
  const draftBox = h('div', { class: 'plan-draft', id: 'plan-draft' });
  const draftName = h('input', { type: 'text', i18nPlaceholder: 'plan.draftNamePlaceholder', maxlength: 60 });
  const publishFrom = h('input', { type: 'date' });
  const versionsBox = h('div', { class: 'plan-versions', id: 'plan-versions' });

  const options = () => ({
    k: kSelect.value ? Number(kSelect.value) : undefined,
    min: Number(minInput.value) || undefined,
    max: Number(maxInput.value) || undefined,
    by: bySelect.value,
  });

  fill(
    shell.panel,
    h(
      'div',
      { class: 'section' },
      h('h2', { i18n: 'plan.title' }),
      h('p', { class: 'hint', i18n: 'plan.intro' }),
      h(
        'form',
        { class: 'band-form', on: { submit: (e) => (e.preventDefault(), void loadBand()) } },
        h('div', { class: 'filter-grid' }, field('plan.min', minInput, 'band-min'), field('plan.max', maxInput, 'band-max')),
        field('plan.by', bySelect, 'band-by'),
        h('button', { type: 'submit', class: 'secondary', id: 'band-apply', i18n: 'plan.findGrids' }),
      ),
      bandList,
      h('button', { type: 'button', class: 'primary', id: 'plan-fix-all', i18n: 'plan.fixAll', on: { click: () => void fixAll() } }),
    ),
    h('div', { class: 'section' }, gridBox, field('plan.k', kSelect, 'plan-k'), previewBox),
    h('div', { class: 'section' }, draftBox),
    h('div', { class: 'section' }, h('h2', { i18n: 'plan.versions' }), versionsBox),
  );

  // ---- rendering
  const say = (m: Message | null) => (m ? notice(m.kind, m.text()) : null);

  function renderBand(): void {
    if (!band) {
      fill(bandList, say(bandMessage));
      return;
    }
    const b = band;
    const rows = b.grids.slice(0, LIST_LIMIT).map((g) =>
      h(
        'button',
        {
          type: 'button',
          class: `band-row${g.code === selected ? ' selected' : ''}`,
          'data-code': g.code,
          on: { click: () => void select(g.code) },
        },
        h('span', { class: 'band-name' }, g.name, h('small', { text: g.code })),
        h('span', { class: 'band-value', text: formatNumber(g.value) }),
        fitBadge(g.fit),
      ),
    );
    fill(
      bandList,
      say(bandMessage),
      h('p', { class: 'count', text: t('plan.bandCount', { over: formatNumber(b.over), under: formatNumber(b.count - b.over), min: b.band.min, max: b.band.max }) }),
      rows.length ? rows : notice('empty', t('plan.noneOut')),
      b.grids.length > LIST_LIMIT ? h('p', { class: 'hint', text: t('plan.more', { n: b.grids.length - LIST_LIMIT }) }) : null,
    );
  }

  function renderGrid(): void {
    if (!selected) {
      fill(gridBox, h('h3', { i18n: 'plan.gridTitle' }), notice('info', t('plan.pickGrid')));
      return;
    }
    const row = band?.grids.find((g) => g.code === selected);
    const changed = draft?.grids.features.find((f) => f.properties.code === selected);
    const name = row?.name ?? changed?.properties.name ?? selectedInfo?.name ?? selected;
    const households = row?.households ?? changed?.properties.households ?? selectedInfo?.households;
    fill(
      gridBox,
      h('h3', { text: name }),
      h('p', { class: 'grid-code', text: `${t('common.code')} ${selected}` }),
      households !== undefined ? h('p', { text: t('plan.gridLoad', { households: formatNumber(households) }) }) : null,
      h(
        'div',
        { class: 'button-row' },
        h('button', { type: 'button', class: 'secondary', id: 'plan-preview-button', i18n: 'plan.preview', on: { click: () => void runPreview() } }),
        h('button', { type: 'button', class: 'primary', id: 'plan-apply', i18n: 'plan.applySplit', disabled: busy, on: { click: () => void applySplit() } }),
        h('button', {
          type: 'button',
          class: 'secondary',
          id: 'plan-cut',
          i18n: cutPoints ? 'plan.cutCancel' : 'plan.cut',
          disabled: busy,
          on: { click: () => toggleCut() },
        }),
      ),
      cutPoints ? notice('info', t('plan.cutHint', { n: cutPoints.length })) : null,
      h(
        'div',
        { class: 'button-row' },
        h('button', {
          type: 'button',
          class: 'secondary',
          id: 'plan-brush',
          i18n: brush ? 'plan.brushCancel' : 'plan.brush',
          disabled: busy,
          on: { click: () => toggleBrush() },
        }),
        brush
          ? h('button', {
              type: 'button',
              class: 'primary',
              id: 'plan-brush-apply',
              text: t('plan.brushApply', { n: brush.units.length, to: brush.to ?? '—' }),
              disabled: busy || !brush.units.length || !brush.to,
              on: { click: () => void applyBrush() },
            })
          : null,
      ),
      brush ? notice('info', t('plan.brushHint')) : null,
      h(
        'div',
        { class: 'merge-box' },
        h('p', { class: 'hint', text: t('plan.mergeHint', { n: mergeCodes.length }) }),
        mergeCodes.length ? h('p', { class: 'merge-codes', id: 'merge-codes', text: mergeCodes.join(' + ') }) : null,
        h(
          'div',
          { class: 'button-row' },
          h('button', { type: 'button', class: 'secondary', id: 'merge-add', i18n: 'plan.mergeAdd', on: { click: () => addToMerge() } }),
          h('button', { type: 'button', class: 'secondary', id: 'merge-apply', i18n: 'plan.mergeApply', disabled: mergeCodes.length < 2 || busy, on: { click: () => void applyMerge() } }),
          h('button', { type: 'button', class: 'secondary', id: 'balance-apply', i18n: 'plan.balance', i18nTitle: 'plan.balanceTitle', disabled: mergeCodes.length !== 2 || busy, on: { click: () => void applyBalance() } }),
        ),
      ),
    );
  }

  function renderPreview(): void {
    fill(
      previewBox,
      say(previewMessage),
      preview ? h('p', { class: 'hint', text: t('plan.previewOf', { k: preview.k }) }) : null,
      preview ? partRows(preview.parts.features) : null,
      preview ? problemList(preview.problems, preview.reasons) : null,
    );
  }

  function renderDraft(): void {
    const head = h('h2', { i18n: 'plan.draftTitle' });
    if (!draft) {
      fill(
        draftBox,
        head,
        say(draftMessage),
        h('p', { class: 'hint', i18n: 'plan.noDraft' }),
        field('plan.draftName', draftName, 'draft-name'),
        h('button', { type: 'button', class: 'secondary', id: 'draft-new', i18n: 'plan.newDraft', on: { click: () => void newDraft() } }),
      );
      return;
    }
    const d = draft;
    fill(
      draftBox,
      head,
      h('p', { class: 'draft-name', id: 'draft-current', text: t('plan.draftSummary', { name: d.name, ops: d.cursor, version: d.base_version }) }),
      d.stale ? notice('error', d.stale) : null,
      say(draftMessage),
      h(
        'div',
        { class: 'button-row' },
        h('button', { type: 'button', class: 'secondary', id: 'draft-undo', i18n: 'plan.undo', disabled: !d.can_undo || busy, on: { click: () => void step('undo') } }),
        h('button', { type: 'button', class: 'secondary', id: 'draft-redo', i18n: 'plan.redo', disabled: !d.can_redo || busy, on: { click: () => void step('redo') } }),
      ),
      d.retired.length ? h('p', { class: 'hint', text: t('plan.retires', { codes: d.retired.join('、') }) }) : h('p', { class: 'hint', i18n: 'plan.noChanges' }),
      d.grids.features.length ? partRows(d.grids.features) : null,
      problemList(d.problems, d.reasons),
      h('button', { type: 'button', class: 'secondary', id: 'draft-validate', i18n: 'plan.validate', disabled: busy, on: { click: () => void runValidate() } }),
      validation
        ? h(
            'div',
            { id: 'draft-validation' },
            notice(validation.valid ? 'success' : 'error', validation.valid ? t('plan.valid', { warnings: validation.warnings.length }) : t('plan.invalid', { n: validation.errors.length })),
            validation.errors.length ? h('ul', { class: 'problems' }, validation.errors.slice(0, 10).map((e) => h('li', { text: sayDefect(e) }))) : null,
          )
        : null,
      field('plan.validFrom', publishFrom, 'publish-from'),
      h('button', { type: 'button', class: 'primary', id: 'draft-publish', i18n: 'plan.publish', disabled: busy || !d.retired.length, on: { click: () => void runPublish() } }),
    );
  }

  function renderVersions(): void {
    fill(
      versionsBox,
      h(
        'ol',
        { class: 'versions', reversed: true },
        [...versions].reverse().map((v) =>
          h(
            'li',
            { 'data-version': String(v.version) },
            h('strong', { text: t('plan.versionLabel', { v: v.version }) }),
            ` ${v.version === 1 ? t('plan.imported') : v.note} · ${
              new Date(v.valid_from).getTime() <= 0 ? t('plan.sinceStart') : t('plan.validFromShort', { when: formatTime(v.valid_from) })
            }`,
            v.created.length ? h('small', { text: ` ${t('plan.versionChange', { retired: v.retired.length, created: v.created.length })}` }) : null,
          ),
        ),
      ),
    );
  }

  function renderLegendBox(): void {
    renderLegend(shell.legend, [
      {
        title: t('plan.legendTitle'),
        items: (['over', 'under', 'within'] as Fit[]).map((f) => ({ colour: FIT_COLOURS[f], label: t(`plan.fit.${f}` as MessageKey) })),
      },
    ]);
  }

  function renderAll(): void {
    renderBand();
    renderGrid();
    renderPreview();
    renderDraft();
    renderVersions();
    renderLegendBox();
    status.render();
  }

  // ---- the map
  const map = startMap(shell, status, renderAll);
  await styleReady(map);
  // Compounds and buildings close up: the units a split keeps whole.
  addPlaces(map, placesStatus(status));
  const layers = addPlanLayers(map);
  const highlight = addHighlight(map);
  addGridHitLayer(map);

  function showProposed(): void {
    const features = [...(draft?.grids.features ?? []), ...(preview?.parts.features ?? [])];
    layers.setProposed(features);
    layers.setRetired(draft?.retired ?? []);
    // A grid being redrawn shows its proposal, not its band tint.
    const hidden = new Set([...(draft?.retired ?? []), ...(preview ? [preview.code] : [])]);
    const codes = (fit: Fit) => (band?.grids ?? []).filter((g) => g.fit === fit && !hidden.has(g.code)).map((g) => g.code);
    layers.setBand(codes('over'), codes('under'));
  }

  function saveUrl(): void {
    saveToUrl(toQuery({ grid: selected, draft: draft ? draft.id : null }));
  }

  // ---- behaviour
  async function loadBand(): Promise<void> {
    bandMessage = { kind: 'loading', text: () => t('common.loading') };
    renderBand();
    try {
      band = await api.oversized(Number(minInput.value) || 300, Number(maxInput.value) || 500, bySelect.value);
      bandMessage = null;
      showProposed();
    } catch (e) {
      band = null;
      bandMessage = { kind: 'error', text: () => errorText(e) };
    }
    renderBand();
    renderGrid();
  }

  async function select(code: string): Promise<void> {
    selected = code;
    selectedInfo = null;
    preview = null;
    previewMessage = null;
    saveUrl();
    renderAll();
    showProposed();
    const inDraft = draft?.grids.features.find((f) => f.properties.code === code);
    if (inDraft) {
      highlight.show(inDraft);
      return;
    }
    try {
      const d = await api.grid(code);
      if (selected !== code) return;
      selectedInfo = { name: d.properties.name, households: d.properties.households };
      highlight.show(d);
      renderGrid();
    } catch (e) {
      previewMessage = { kind: 'error', text: () => errorText(e) };
      renderPreview();
    }
  }

  async function runPreview(): Promise<void> {
    if (!selected) return;
    previewMessage = { kind: 'loading', text: () => t('plan.previewing') };
    renderPreview();
    try {
      preview = await api.previewSplit(selected, options());
      previewMessage = null;
    } catch (e) {
      preview = null;
      previewMessage = { kind: 'error', text: () => errorText(e) };
    }
    renderPreview();
    showProposed();
  }

  async function withDraft(run: (d: DraftRef) => Promise<Draft>, done?: () => string): Promise<void> {
    busy = true;
    renderAll();
    try {
      if (!draft) draft = await api.createDraft(draftName.value.trim());
      draft = await run(draft);
      draftMessage = done ? { kind: 'success', text: done } : null;
      validation = null;
    } catch (e) {
      draftMessage = { kind: 'error', text: () => errorText(e) };
    }
    busy = false;
    preview = null;
    saveUrl();
    renderAll();
    showProposed();
  }

  async function newDraft(): Promise<void> {
    await withDraft((d) => api.draft(d.id), () => t('plan.draftCreated'));
  }

  async function applySplit(): Promise<void> {
    if (!selected) return;
    const code = selected;
    await withDraft((d) => api.splitInDraft(d, code, options()), () => t('plan.splitApplied', { code }));
  }

  async function fixAll(): Promise<void> {
    const o = options();
    await withDraft(
      (d) => api.fixAll(d, o),
      () => {
        const f = draft?.fixed;
        return f
          ? t('plan.fixedAll', { split: f.split, paired: f.paired, unfixed: f.unfixed.length })
          : t('plan.noChanges');
      },
    );
  }

  // Buildings picked by the brush, outlined.
  map.addLayer({
    id: 'brushed',
    type: 'line',
    source: 'buildings',
    filter: ['in', ['get', 'id'], ['literal', []]],
    paint: { 'line-color': '#dd6b20', 'line-width': 3 },
  });
  function showBrush(): void {
    map.setFilter('brushed', ['in', ['get', 'id'], ['literal', brush?.units ?? []]]);
  }
  function toggleBrush(): void {
    brush = brush ? null : { units: [], to: null };
    cutPoints = null;
    showBrush();
    renderGrid();
  }
  function brushAt(point: maplibregl.Point): void {
    if (!brush || !selected) return;
    const b = map.queryRenderedFeatures([point.x, point.y], { layers: ['building-fill'] })[0]?.properties;
    if (b && b.grid === selected && typeof b.id === 'string') {
      const id = b.id;
      brush.units = brush.units.includes(id) ? brush.units.filter((u) => u !== id) : [...brush.units, id];
    } else {
      const code: unknown = map.queryRenderedFeatures([point.x, point.y], { layers: [GRID_HIT_LAYER] })[0]?.properties.code;
      if (typeof code === 'string' && code !== selected) brush.to = code;
    }
    showBrush();
    renderGrid();
  }
  async function applyBrush(): Promise<void> {
    if (!brush?.to || !selected) return;
    const { units, to } = brush;
    const from = selected;
    brush = null;
    showBrush();
    await withDraft((d) => api.moveInDraft(d, from, to, units), () => t('plan.moved', { n: units.length, to }));
  }

  const cutMarker = new maplibregl.Marker({ color: '#1a202c' });
  function toggleCut(): void {
    cutPoints = cutPoints ? null : [];
    brush = null;
    showBrush();
    cutMarker.remove();
    renderGrid();
  }

  async function cutAt(lng: number, lat: number): Promise<void> {
    if (!cutPoints || !selected) return;
    cutPoints = [...cutPoints, [lng, lat]];
    if (cutPoints.length === 1) {
      cutMarker.setLngLat([lng, lat]).addTo(map);
      renderGrid();
      return;
    }
    const line = cutPoints;
    const code = selected;
    cutPoints = null;
    cutMarker.remove();
    await withDraft((d) => api.cutInDraft(d, code, line), () => t('plan.cutDone', { code }));
  }

  function addToMerge(): void {
    if (selected && !mergeCodes.includes(selected)) mergeCodes = [...mergeCodes, selected];
    renderGrid();
  }

  async function applyMerge(): Promise<void> {
    const codes = mergeCodes;
    await withDraft((d) => api.mergeInDraft(d, codes), () => t('plan.merged', { n: codes.length }));
    if (draftMessage?.kind === 'success') mergeCodes = [];
    renderGrid();
  }

  async function applyBalance(): Promise<void> {
    const [a, b] = mergeCodes;
    if (!a || !b) return;
    await withDraft((d) => api.balanceInDraft(d, [a, b]), () => t('plan.balanced', { a, b }));
    if (draftMessage?.kind === 'success') mergeCodes = [];
    renderGrid();
  }

  async function step(which: 'undo' | 'redo'): Promise<void> {
    await withDraft((d) => (which === 'undo' ? api.undo(d) : api.redo(d)));
  }

  async function runValidate(): Promise<void> {
    if (!draft) return;
    busy = true;
    renderDraft();
    try {
      validation = await api.validateDraft(draft.id);
      draftMessage = null;
    } catch (e) {
      draftMessage = { kind: 'error', text: () => errorText(e) };
    }
    busy = false;
    renderDraft();
  }

  async function runPublish(): Promise<void> {
    if (!draft) return;
    busy = true;
    renderDraft();
    try {
      const p = await api.publish(draft, publishFrom.value, draft.name);
      draftMessage = { kind: 'success', text: () => t('plan.published', { version: p.version, created: p.created.length }) };
      draft = null;
      validation = null;
      selected = p.created[0] ?? null;
      // New boundaries: ask for the grid tiles again rather than from the browser's cache.
      const source = map.getSource<maplibregl.VectorTileSource>(gridSourceId(3));
      source?.setTiles([`${gridTilesUrl(3)}&v=${p.version}`]);
      versions = (await api.versions()).versions;
      await loadBand();
    } catch (e) {
      draftMessage = { kind: 'error', text: () => errorText(e) };
    }
    busy = false;
    saveUrl();
    renderAll();
    showProposed();
  }

  map.on('click', (e) => {
    if (cutPoints) {
      void cutAt(e.lngLat.lng, e.lngLat.lat);
      return;
    }
    if (brush) {
      brushAt(e.point);
      return;
    }
    const hit = map.queryRenderedFeatures([e.point.x, e.point.y], { layers: ['plan-proposed-fill', GRID_HIT_LAYER] });
    const code: unknown = hit.find((f) => f.layer.id === 'plan-proposed-fill')?.properties.code ?? hit[0]?.properties.code;
    if (typeof code === 'string') void select(code);
  });
  map.on('mousemove', (e) => {
    const hit = map.queryRenderedFeatures([e.point.x, e.point.y], { layers: [GRID_HIT_LAYER] });
    map.getCanvas().style.cursor = hit.length ? 'pointer' : '';
  });

  // ---- start
  const draftId = initial.draft;
  await Promise.all([
    loadBand(),
    api.versions().then((v) => (versions = v.versions), () => undefined),
    draftId
      ? api.draft(draftId).then(
          (d) => (draft = d),
          () => undefined,
        )
      : Promise.resolve(),
  ]);
  renderAll();
  showProposed();
  if (selected) void select(selected);
}
