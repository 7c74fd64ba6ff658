/**
 * The planner's view: level-3 grids outside the household band (listed and tinted on the
 * map); a grid's auto-split previewed with each part's load, compactness and units, and why
 * a part misses the band; drafts (split, merge neighbours, undo, redo) that leave the live
 * grids alone; validation of the whole city with the draft applied; publishing a new version
 * from a date; and the history of versions.
 */
import { api } from '../../api/client';
import type { Draft, DraftRef, GridVersionInfo, OutOfBandAnswer, SplitPreview, Validation } from '../../api/types';
import { t } from '../../i18n';
import { pageParams, saveToUrl } from '../../lib/url';
import { styleReady } from '../../map/base';
import { dateInput } from '../../ui/date';
import { field, fill, h } from '../../ui/dom';
import { renderLegend } from '../../ui/legend';
import type { Shell } from '../../ui/shell';
import { errorText, MapStatus, placesStatus, startMap } from '../common';
import { plannerMap } from './map';
import { bandContent, bandControls, bandProblem, draftContent, gridContent, legendGroups, previewContent, say, versionsContent, type Message } from './panel';
import { DraftShelf } from './shelf';
import { staffEditor } from './staffing';
import { bandTints, fromParams, publishSummary, readBand, toggleUnit, toQuery, withMergeCode, type Brush } from './state';

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
  /** Whether the planner has asked to publish and is shown what it would change. */
  let confirming = false;
  let versions: GridVersionInfo[] = [];
  let mergeCodes: string[] = [];
  /** While drawing a cut: the points clicked so far (two make the line). */
  let cutPoints: [number, number][] | null = null;
  /** While brushing: the buildings picked in the selected grid, and the neighbour they go to. */
  let brush: Brush | null = null;
  let busy = false;
  /** What is wrong with the band as typed (shown under its fields). */
  let bandFormMessage: Message | null = null;

  // ---- controls
  const { minInput, maxInput, bySelect, kSelect } = bandControls();
  const bandList = h('div', { class: 'band-list', id: 'band-list' });
  const bandFormNote = h('div', { id: 'band-form-message', role: 'alert' });
  const gridBox = h('div', { class: 'plan-grid', id: 'plan-grid' });
  const previewBox = h('div', { class: 'plan-preview', id: 'plan-preview' });
  const draftBox = h('div', { class: 'plan-draft', id: 'plan-draft' });
  const draftName = h('input', { type: 'text', i18nPlaceholder: 'plan.draftNamePlaceholder', maxlength: 60 });
  const publishFrom = dateInput();
  const versionsBox = h('div', { class: 'plan-versions', id: 'plan-versions' });
  const staffing = staffEditor((run, done) => withDraft(run, done));
  const shelf = new DraftShelf({
    draft: () => draft,
    setDraft: (d) => (draft = d),
    say: (m) => (draftMessage = m),
    inBox: (work) => inDraftBox(work),
    render: () => renderDraft(),
  });

  /** The band as typed, or null after saying in the form what is wrong with it. */
  function checkedBand(): { min: number; max: number } | null {
    // A number field holding letters reads as empty; its raw text is not exposed.
    const band = readBand(minInput.value, maxInput.value);
    for (const input of [minInput, maxInput]) input.removeAttribute('aria-invalid');
    if (band.ok) {
      bandFormMessage = null;
      return band;
    }
    (band.field === 'min' ? minInput : maxInput).setAttribute('aria-invalid', 'true');
    bandFormMessage = bandProblem(band, minInput.value.trim(), maxInput.value.trim());
    return null;
  }

  /** What the split tools send: the band checked first (null when it is not usable). */
  const options = () => {
    const band = checkedBand();
    renderBandForm();
    return band
      ? { k: kSelect.value ? Number(kSelect.value) : undefined, min: band.min, max: band.max, by: bySelect.value }
      : null;
  };

  fill(
    shell.panel,
    h(
      'div',
      { class: 'section' },
      h('h2', { i18n: 'plan.title' }),
      h('p', { class: 'hint', i18n: 'plan.intro' }),
      h(
        'form',
        { class: 'band-form', novalidate: true, on: { submit: (e) => (e.preventDefault(), void loadBand()) } },
        h('div', { class: 'filter-grid' }, field('plan.min', minInput, 'band-min'), field('plan.max', maxInput, 'band-max')),
        field('plan.by', bySelect, 'band-by'),
        bandFormNote,
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
  function renderBandForm(): void {
    fill(bandFormNote, say(bandFormMessage));
  }

  function renderBand(): void {
    fill(bandList, ...bandContent(band, bandMessage, selected, (code) => void select(code), new Set(draft?.retired ?? [])));
  }

  function renderGrid(): void {
    const row = band?.grids.find((g) => g.code === selected);
    const changed = draft?.grids.features.find((f) => f.properties.code === selected);
    fill(
      gridBox,
      ...gridContent(
        {
          selected,
          name: row?.name ?? changed?.properties.name ?? selectedInfo?.name ?? selected ?? '',
          households: row?.households ?? changed?.properties.households ?? selectedInfo?.households,
          busy,
          cutPoints: cutPoints ? cutPoints.length : null,
          brush,
          mergeCodes,
        },
        {
          preview: () => void runPreview(),
          split: () => void applySplit(),
          toggleCut,
          toggleBrush,
          applyBrush: () => void applyBrush(),
          addToMerge,
          merge: () => void applyMerge(),
          balance: () => void applyBalance(),
        },
      ),
    );
  }

  function renderPreview(): void {
    fill(previewBox, ...previewContent(preview, previewMessage));
  }

  function renderDraft(): void {
    fill(
      draftBox,
      ...draftContent(
        {
          draft,
          message: draftMessage,
          validation,
          busy,
          draftName,
          publishFrom,
          summary: draft && confirming && validation ? publishSummary(draft, validation.warnings) : null,
          names: new Map((band?.grids ?? []).map((g) => [g.code, g.name])),
          drafts: shelf.drafts,
          deleting: shelf.deleting,
          renaming: shelf.renaming,
          renameInput: shelf.renameInput,
          staffBox: staffing.element,
        },
        {
          create: () => void newDraft(),
          undo: () => void step('undo'),
          redo: () => void step('redo'),
          validate: () => void runValidate(),
          publish: () => void askPublish(),
          confirmPublish: () => void runPublish(),
          cancelPublish: () => {
            confirming = false;
            renderDraft();
          },
          resume: (id) => void resume(id),
          remove: (id) => void shelf.remove(id),
          startRename: () => shelf.startRename(),
          rename: () => void shelf.rename(),
          cancelRename: () => shelf.cancelRename(),
          close: () => void closeDraft(),
          staff: (code, name) => {
            if (draft) void staffing.open(draft.id, code, name);
          },
        },
      ),
    );
  }

  function renderVersions(): void {
    fill(versionsBox, versionsContent(versions, busy, (v) => void undoVersion(v)));
  }

  function renderLegendBox(): void {
    renderLegend(shell.legend, legendGroups());
  }

  function renderAll(): void {
    renderBandForm();
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
  const layers = plannerMap(map, placesStatus(status));

  function showProposed(): void {
    const features = [...(draft?.grids.features ?? []), ...(preview?.parts.features ?? [])];
    // A grid being redrawn shows its proposal, not its band tint.
    const hidden = [...(draft?.retired ?? []), ...(preview ? [preview.code] : [])];
    layers.show(features, draft?.retired ?? [], bandTints(band?.grids ?? [], hidden));
  }

  function saveUrl(): void {
    saveToUrl(toQuery({ grid: selected, draft: draft ? draft.id : null }));
  }

  // ---- behaviour
  async function loadBand(): Promise<void> {
    const asked = checkedBand();
    renderBandForm();
    if (!asked) return;
    bandMessage = { kind: 'loading', text: () => t('common.loading') };
    renderBand();
    try {
      band = await api.oversized(asked.min, asked.max, bySelect.value);
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
      layers.outline(inDraft);
      return;
    }
    try {
      const d = await api.grid(code);
      if (selected !== code) return;
      selectedInfo = { name: d.properties.name, households: d.properties.households };
      layers.outline(d);
      renderGrid();
    } catch (e) {
      previewMessage = { kind: 'error', text: () => errorText(e) };
      renderPreview();
    }
  }

  async function runPreview(): Promise<void> {
    if (!selected) return;
    const o = options();
    if (!o) return;
    previewMessage = { kind: 'loading', text: () => t('plan.previewing') };
    renderPreview();
    try {
      preview = await api.previewSplit(selected, o);
      previewMessage = null;
    } catch (e) {
      preview = null;
      previewMessage = { kind: 'error', text: () => errorText(e) };
    }
    renderPreview();
    showProposed();
  }

  async function withDraft(run: (d: DraftRef) => Promise<Draft>, done?: () => string): Promise<void> {
    staffing.close();
    busy = true;
    renderAll();
    try {
      if (!draft) {
        draft = await api.createDraft(draftName.value.trim());
        draftName.value = '';
      }
      draft = await run(draft);
      draftMessage = done ? { kind: 'success', text: done } : null;
      validation = null;
      confirming = false;
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
    const o = options();
    if (!o) return;
    await withDraft((d) => api.splitInDraft(d, code, o), () => t('plan.splitApplied', { code }));
  }

  async function fixAll(): Promise<void> {
    const o = options();
    if (!o) return;
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

  function showBrush(): void {
    layers.setBrushed(brush?.units ?? []);
  }
  function toggleBrush(): void {
    brush = brush ? null : { units: [], to: null };
    cutPoints = null;
    showBrush();
    renderGrid();
  }
  function brushAt(point: Parameters<typeof layers.gridAt>[0]): void {
    if (!brush || !selected) return;
    const id = layers.buildingAt(point, selected);
    if (id) {
      brush = toggleUnit(brush, id);
    } else {
      const code = layers.gridAt(point, false);
      if (code && code !== selected) brush = { ...brush, to: code };
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

  function toggleCut(): void {
    cutPoints = cutPoints ? null : [];
    brush = null;
    showBrush();
    layers.setCutStart(null);
    renderGrid();
  }

  async function cutAt(lng: number, lat: number): Promise<void> {
    if (!cutPoints || !selected) return;
    cutPoints = [...cutPoints, [lng, lat]];
    if (cutPoints.length === 1) {
      layers.setCutStart([lng, lat]);
      renderGrid();
      return;
    }
    const line = cutPoints;
    const code = selected;
    cutPoints = null;
    layers.setCutStart(null);
    await withDraft((d) => api.cutInDraft(d, code, line), () => t('plan.cutDone', { code }));
  }

  function addToMerge(): void {
    mergeCodes = withMergeCode(mergeCodes, selected);
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

  /** A published version undone in the open draft (or a new one): reviewed, then published. */
  async function undoVersion(version: number): Promise<void> {
    if (!draft && !draftName.value.trim()) draftName.value = t('plan.undoVersionDraft', { v: version });
    await withDraft((d) => api.restoreInDraft(d, version), () => t('plan.versionUndone', { v: version }));
  }

  async function step(which: 'undo' | 'redo'): Promise<void> {
    await withDraft((d) => (which === 'undo' ? api.undo(d) : api.redo(d)));
  }

  /** Runs `work` on the draft box with its buttons held, an error said in the box. */
  async function inDraftBox(work: () => Promise<void>): Promise<void> {
    busy = true;
    renderDraft();
    try {
      await work();
    } catch (e) {
      draftMessage = { kind: 'error', text: () => errorText(e) };
    }
    busy = false;
    renderDraft();
  }

  async function runValidate(): Promise<void> {
    const d = draft;
    if (!d) return;
    await inDraftBox(async () => {
      validation = await api.validateDraft(d.id);
      draftMessage = null;
    });
  }

  /** Opens a kept draft where it was left. */
  async function resume(id: number): Promise<void> {
    staffing.close();
    await inDraftBox(async () => {
      draft = await api.draft(id);
      draftMessage = null;
      validation = null;
      confirming = false;
    });
    saveUrl();
    renderAll();
    showProposed();
  }

  async function closeDraft(): Promise<void> {
    staffing.close();
    draft = null;
    draftMessage = null;
    validation = null;
    confirming = false;
    shelf.renaming = false;
    await shelf.load();
    saveUrl();
    renderAll();
    showProposed();
  }

  /** Validates the draft as it is now and shows what publishing it would change. */
  async function askPublish(): Promise<void> {
    await runValidate();
    confirming = validation !== null;
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
      confirming = false;
      selected = p.created[0] ?? null;
      // New boundaries: ask for the grid tiles again rather than from the browser's cache.
      layers.reloadGrids(p.version);
      versions = (await api.versions()).versions;
      await Promise.all([loadBand(), shelf.load()]);
    } catch (e) {
      draftMessage = { kind: 'error', text: () => errorText(e) };
    }
    busy = false;
    saveUrl();
    renderAll();
    showProposed();
  }

  layers.onClick(({ lngLat, point }) => {
    if (cutPoints) {
      void cutAt(lngLat[0], lngLat[1]);
      return;
    }
    if (brush) {
      brushAt(point);
      return;
    }
    const code = layers.gridAt(point, true);
    if (code) void select(code);
  });

  // ---- start
  const draftId = initial.draft;
  await Promise.all([
    loadBand(),
    shelf.load(),
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
