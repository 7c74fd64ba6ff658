/**
 * The planner view's panel as DOM built from plain values: the list of grids outside the
 * band, the selected grid's tools (split, cut, brush, merge, balance), the split preview,
 * the draft with its validation and publishing, the versions, and the legend. Nothing here
 * holds state or talks to the server or the map; `view.ts` passes what to show and what to
 * do on a click.
 */
import type { Draft, DraftSummary, Fit, GridVersionInfo, OutOfBandAnswer, SplitPreview, Validation } from '../../api/types';
import { formatNumber, formatTime, sayDefect, t, type MessageKey } from '../../i18n';
import { fitSwatch } from '../../map/plan';
import { dateField } from '../../ui/date';
import { field, h, notice } from '../../ui/dom';
import type { LegendGroup } from '../../ui/legend';
import { fitBadge, partRows, problemList } from './parts';
import { BAND_LIMIT, retiredGroups, type BandCheck, type Brush, type PublishSummary } from './state';

/** A message worded when shown, so it follows a language switch. */
export type Message = { kind: 'error' | 'success' | 'info' | 'loading'; text: () => string };

export const say = (m: Message | null): HTMLElement | null => (m ? notice(m.kind, m.text()) : null);

/** Grids listed at most; the rest are counted. */
const LIST_LIMIT = 60;

/** The band's fields (300–500 households to start) and how many parts a split makes. */
export function bandControls(): { minInput: HTMLInputElement; maxInput: HTMLInputElement; bySelect: HTMLSelectElement; kSelect: HTMLSelectElement } {
  return {
    minInput: h('input', { type: 'number', min: 1, step: 1, value: '300' }),
    maxInput: h('input', { type: 'number', min: 1, step: 1, value: '500' }),
    bySelect: h(
      'select',
      {},
      h('option', { value: 'households', i18n: 'plan.byHouseholds' }),
      h('option', { value: 'population', i18n: 'plan.byPopulation' }),
    ),
    kSelect: h(
      'select',
      {},
      h('option', { value: '', i18n: 'plan.kAuto' }),
      [2, 3, 4, 5, 6].map((k) => h('option', { value: String(k), text: String(k) })),
    ),
  };
}

/** What is wrong with a band the form refused, in words (`min`/`max` as typed). */
export function bandProblem(band: Extract<BandCheck, { ok: false }>, min: string, max: string): Message {
  return band.problem === 'inverted'
    ? { kind: 'error', text: () => t('plan.bandInverted', { min, max }) }
    : {
        kind: 'error',
        text: () => t('plan.bandNumber', { field: t(band.field === 'min' ? 'plan.min' : 'plan.max'), limit: formatNumber(BAND_LIMIT) }),
      };
}

/** The grids outside the band, over first, each a button that selects it. */
export function bandContent(
  band: OutOfBandAnswer | null,
  message: Message | null,
  selected: string | null,
  onSelect: (code: string) => void,
  drafted: ReadonlySet<string> = new Set(),
): (Node | Node[] | null)[] {
  if (!band) return [say(message)];
  // The list is of the grids in force; those the open draft already redraws say so.
  const rows = band.grids.slice(0, LIST_LIMIT).map((g) =>
    h(
      'button',
      {
        type: 'button',
        class: `band-row${g.code === selected ? ' selected' : ''}${drafted.has(g.code) ? ' drafted' : ''}`,
        'data-code': g.code,
        on: { click: () => onSelect(g.code) },
      },
      h('span', { class: 'band-name' }, g.name, h('small', { text: g.code })),
      h('span', { class: 'band-value', text: formatNumber(g.value) }),
      drafted.has(g.code) ? h('span', { class: 'fit fit-drafted', i18n: 'plan.inDraft' }) : fitBadge(g.fit),
    ),
  );
  const overDrafted = band.grids.filter((g) => g.fit === 'over' && drafted.has(g.code)).length;
  return [
    say(message),
    h('p', {
      class: 'count',
      text:
        t('plan.bandCount', { over: formatNumber(band.over), under: formatNumber(band.count - band.over), min: band.band.min, max: band.band.max }) +
        (overDrafted ? t('plan.bandDrafted', { n: formatNumber(overDrafted), left: formatNumber(band.over - overDrafted) }) : ''),
    }),
    rows.length ? rows : notice('empty', t('plan.noneOut')),
    band.grids.length > LIST_LIMIT ? h('p', { class: 'hint', text: t('plan.more', { n: band.grids.length - LIST_LIMIT }) }) : null,
  ];
}

/** What the selected grid's box shows. */
export interface GridBoxView {
  selected: string | null;
  name: string;
  households: number | undefined;
  busy: boolean;
  /** Points of a cut drawn so far (null: not cutting). */
  cutPoints: number | null;
  brush: Brush | null;
  mergeCodes: readonly string[];
}

export interface GridActions {
  preview: () => void;
  split: () => void;
  toggleCut: () => void;
  toggleBrush: () => void;
  applyBrush: () => void;
  addToMerge: () => void;
  merge: () => void;
  balance: () => void;
}

/** The selected grid with its tools. */
export function gridContent(v: GridBoxView, on: GridActions): (Node | null)[] {
  if (!v.selected) return [h('h3', { i18n: 'plan.gridTitle' }), notice('info', t('plan.pickGrid'))];
  const { busy, brush } = v;
  return [
    h('h3', { text: v.name }),
    h('p', { class: 'grid-code', text: `${t('common.code')} ${v.selected}` }),
    v.households !== undefined ? h('p', { text: t('plan.gridLoad', { households: formatNumber(v.households) }) }) : null,
    h(
      'div',
      { class: 'button-row' },
      h('button', { type: 'button', class: 'secondary', id: 'plan-preview-button', i18n: 'plan.preview', on: { click: on.preview } }),
      h('button', { type: 'button', class: 'primary', id: 'plan-apply', i18n: 'plan.applySplit', disabled: busy, on: { click: on.split } }),
      h('button', {
        type: 'button',
        class: 'secondary',
        id: 'plan-cut',
        i18n: v.cutPoints !== null ? 'plan.cutCancel' : 'plan.cut',
        disabled: busy,
        on: { click: on.toggleCut },
      }),
    ),
    v.cutPoints !== null ? notice('info', t('plan.cutHint', { n: v.cutPoints })) : null,
    h(
      'div',
      { class: 'button-row' },
      h('button', {
        type: 'button',
        class: 'secondary',
        id: 'plan-brush',
        i18n: brush ? 'plan.brushCancel' : 'plan.brush',
        disabled: busy,
        on: { click: on.toggleBrush },
      }),
      brush
        ? h('button', {
            type: 'button',
            class: 'primary',
            id: 'plan-brush-apply',
            text: t('plan.brushApply', { n: brush.units.length, to: brush.to ?? '—' }),
            disabled: busy || !brush.units.length || !brush.to,
            on: { click: on.applyBrush },
          })
        : null,
    ),
    brush ? notice('info', t('plan.brushHint')) : null,
    h(
      'div',
      { class: 'merge-box' },
      h('p', { class: 'hint', text: t('plan.mergeHint', { n: v.mergeCodes.length }) }),
      v.mergeCodes.length ? h('p', { class: 'merge-codes', id: 'merge-codes', text: v.mergeCodes.join(' + ') }) : null,
      h(
        'div',
        { class: 'button-row' },
        h('button', { type: 'button', class: 'secondary', id: 'merge-add', i18n: 'plan.mergeAdd', on: { click: on.addToMerge } }),
        h('button', { type: 'button', class: 'secondary', id: 'merge-apply', i18n: 'plan.mergeApply', disabled: v.mergeCodes.length < 2 || busy, on: { click: on.merge } }),
        h('button', {
          type: 'button',
          class: 'secondary',
          id: 'balance-apply',
          i18n: 'plan.balance',
          i18nTitle: 'plan.balanceTitle',
          disabled: v.mergeCodes.length !== 2 || busy,
          on: { click: on.balance },
        }),
      ),
    ),
  ];
}

/** A split preview: its parts and why any misses the band. */
export function previewContent(preview: SplitPreview | null, message: Message | null): (Node | null)[] {
  return [
    say(message),
    preview ? h('p', { class: 'hint', text: t('plan.previewOf', { k: preview.k }) }) : null,
    preview ? partRows(preview.parts.features) : null,
    preview ? problemList(preview.problems, preview.reasons) : null,
  ];
}

/** What the draft box shows, and the inputs it holds. */
export interface DraftBoxView {
  draft: Draft | null;
  message: Message | null;
  validation: Validation | null;
  busy: boolean;
  draftName: HTMLInputElement;
  publishFrom: HTMLInputElement;
  /** What publishing would change, while the planner is asked to confirm (else null). */
  summary: PublishSummary | null;
  /** Names of grids, where known, to show the retired ones by. */
  names: ReadonlyMap<string, string>;
  /** The drafts kept on the server, to resume or delete when none is open. */
  drafts: readonly DraftSummary[];
  /** The draft whose deletion waits for a second click, if any. */
  deleting: number | null;
  /** Whether the open draft's name is being edited, in `renameInput`. */
  renaming: boolean;
  renameInput: HTMLInputElement;
  /** The box where a new grid's officers are chosen (empty while closed). */
  staffBox: HTMLElement;
}

export interface DraftActions {
  create: () => void;
  undo: () => void;
  redo: () => void;
  validate: () => void;
  /** Shows what publishing would change (validating first). */
  publish: () => void;
  confirmPublish: () => void;
  cancelPublish: () => void;
  resume: (id: number) => void;
  /** Asks to delete a draft (first click), deletes it (second), or (null) takes it back. */
  remove: (id: number | null) => void;
  startRename: () => void;
  rename: () => void;
  cancelRename: () => void;
  /** Leaves the draft (kept on the server) for the list of drafts. */
  close: () => void;
  /** Opens the choice of officers for new grid `code`. */
  staff: (code: string, name: string) => void;
}

/** The draft: its changes, undo/redo, validation and publishing (or how to start one). */
export function draftContent(v: DraftBoxView, on: DraftActions): (Node | null)[] {
  const head = h('h2', { i18n: 'plan.draftTitle' });
  if (!v.draft) {
    return [
      head,
      say(v.message),
      v.drafts.length ? savedDrafts(v.drafts, v.deleting, v.busy, on) : null,
      h('p', { class: 'hint', i18n: v.drafts.length ? 'plan.orNewDraft' : 'plan.noDraft' }),
      field('plan.draftName', v.draftName, 'draft-name'),
      h('button', { type: 'button', class: 'secondary', id: 'draft-new', i18n: 'plan.newDraft', on: { click: on.create } }),
    ];
  }
  const { draft: d, busy, validation } = v;
  return [
    head,
    v.renaming
      ? h(
          'form',
          { class: 'rename-form', on: { submit: (e) => (e.preventDefault(), on.rename()) } },
          field('plan.draftName', v.renameInput, 'draft-rename-input'),
          h(
            'div',
            { class: 'button-row' },
            h('button', { type: 'submit', class: 'primary', id: 'draft-rename-save', i18n: 'plan.renameSave', disabled: busy }),
            h('button', { type: 'button', class: 'secondary', i18n: 'plan.renameCancel', on: { click: on.cancelRename } }),
          ),
        )
      : h('p', { class: 'draft-name', id: 'draft-current', text: t('plan.draftSummary', { name: d.name, ops: d.cursor, version: d.base_version }) }),
    v.renaming
      ? null
      : h(
          'div',
          { class: 'button-row' },
          h('button', { type: 'button', class: 'secondary', id: 'draft-rename', i18n: 'plan.rename', disabled: busy, on: { click: on.startRename } }),
          h('button', { type: 'button', class: 'secondary', id: 'draft-close', i18n: 'plan.closeDraft', disabled: busy, on: { click: on.close } }),
        ),
    d.stale ? notice('error', d.stale) : null,
    say(v.message),
    h(
      'div',
      { class: 'button-row' },
      h('button', { type: 'button', class: 'secondary', id: 'draft-undo', i18n: 'plan.undo', disabled: !d.can_undo || busy, on: { click: on.undo } }),
      h('button', { type: 'button', class: 'secondary', id: 'draft-redo', i18n: 'plan.redo', disabled: !d.can_redo || busy, on: { click: on.redo } }),
    ),
    d.retired.length ? retiredList(d.retired, v.names) : h('p', { class: 'hint', i18n: 'plan.noChanges' }),
    d.grids.features.length ? partRows(d.grids.features, busy ? undefined : on.staff) : null,
    v.staffBox,
    problemList(d.problems, d.reasons),
    h('button', { type: 'button', class: 'secondary', id: 'draft-validate', i18n: 'plan.validate', disabled: busy, on: { click: on.validate } }),
    validation
      ? h(
          'div',
          { id: 'draft-validation' },
          notice(
            validation.valid ? 'success' : 'error',
            validation.valid ? t('plan.valid', { warnings: validation.warnings.length }) : t('plan.invalid', { n: validation.errors.length }),
          ),
          validation.errors.length ? h('ul', { class: 'problems' }, validation.errors.slice(0, 10).map((e) => h('li', { text: sayDefect(e) }))) : null,
          validation.warnings.length
            ? h(
                'details',
                { id: 'draft-warnings' },
                h('summary', { text: t('plan.warningsShow', { n: validation.warnings.length }) }),
                h('ul', { class: 'problems' }, validation.warnings.slice(0, WARNINGS_SHOWN).map((w) => h('li', { text: sayDefect(w) }))),
                validation.warnings.length > WARNINGS_SHOWN
                  ? h('p', { class: 'hint', text: t('plan.more', { n: validation.warnings.length - WARNINGS_SHOWN }) })
                  : null,
              )
            : null,
        )
      : null,
    dateField('plan.validFrom', v.publishFrom, 'publish-from'),
    v.summary
      ? summaryContent(v.summary, v.publishFrom.value, validation, busy, on)
      : h('button', { type: 'button', class: 'primary', id: 'draft-publish', i18n: 'plan.publish', disabled: busy || !d.retired.length, on: { click: on.publish } }),
  ];
}

/** The drafts kept on the server: each resumed or deleted (deleting asks twice). */
function savedDrafts(drafts: readonly DraftSummary[], deleting: number | null, busy: boolean, on: DraftActions): HTMLElement {
  return h(
    'div',
    { class: 'draft-list', id: 'draft-list' },
    h('h3', { i18n: 'plan.savedDrafts' }),
    drafts.map((d) =>
      h(
        'div',
        { class: 'draft-row', 'data-id': String(d.id) },
        h(
          'span',
          { class: 'draft-row-name' },
          d.name,
          h('small', { text: t('plan.draftRowInfo', { ops: d.operations, version: d.base_version, when: formatTime(d.updated_at) }) }),
        ),
        deleting === d.id
          ? [
              h('button', { type: 'button', class: 'primary danger', 'data-action': 'delete-confirm', i18n: 'plan.deleteConfirm', disabled: busy, on: { click: () => on.remove(d.id) } }),
              h('button', { type: 'button', class: 'secondary', 'data-action': 'delete-cancel', i18n: 'plan.renameCancel', on: { click: () => on.remove(null) } }),
            ]
          : [
              h('button', { type: 'button', class: 'secondary', 'data-action': 'resume', i18n: 'plan.resume', disabled: busy, on: { click: () => on.resume(d.id) } }),
              h('button', { type: 'button', class: 'secondary', 'data-action': 'delete', i18n: 'plan.deleteDraft', disabled: busy, on: { click: () => on.remove(d.id) } }),
            ],
      ),
    ),
  );
}

/** Warnings listed at most under a validation. */
const WARNINGS_SHOWN = 100;

/** The grids a draft retires, by community, with their names where known. */
function retiredList(codes: readonly string[], names: ReadonlyMap<string, string>): HTMLElement {
  return h(
    'details',
    { class: 'retired', id: 'draft-retired' },
    h('summary', { text: t('plan.retiresCount', { n: codes.length }) }),
    retiredGroups(codes, names).map((g) =>
      h(
        'p',
        { class: 'retired-group' },
        h('strong', { text: `${g.group}：` }),
        g.grids.map((x) => x.name ?? x.code).join('、'),
      ),
    ),
  );
}

/** What publishing would change, with the buttons that publish or go back. */
function summaryContent(
  s: PublishSummary,
  from: string,
  validation: Validation | null,
  busy: boolean,
  on: DraftActions,
): HTMLElement {
  const blocked = !validation || !validation.valid;
  return h(
    'div',
    { class: 'publish-summary', id: 'publish-summary', role: 'region', 'aria-labelledby': 'publish-summary-title' },
    h('h3', { id: 'publish-summary-title', i18n: 'plan.summaryTitle' }),
    h(
      'ul',
      {},
      h('li', { text: t('plan.summaryGrids', { retired: s.retired, created: s.created }) }),
      h('li', { text: t('plan.summaryOfficers', { n: s.officersServing }) + (s.staffed ? t('plan.summaryStaffed', { n: s.staffed }) : '') }),
      h('li', {
        class: s.vacant.length ? 'warn' : '',
        text: s.vacant.length ? t('plan.summaryVacant', { n: s.vacant.length, codes: s.vacant.join('、') }) : t('plan.summaryNoVacant'),
      }),
      s.unplaced.length ? h('li', { class: 'warn', text: t('plan.summaryUnplaced', { n: s.unplaced.length, names: s.unplaced.join('、') }) }) : null,
      h('li', {
        class: s.straddling.length ? 'warn' : '',
        text: s.straddling.length
          ? t('plan.summaryStraddling', { n: s.straddling.length, names: s.straddling.slice(0, 10).join('、') })
          : t('plan.summaryNoStraddling'),
      }),
      h('li', { text: from ? t('plan.summaryFrom', { date: from }) : t('plan.summaryNow') }),
    ),
    blocked ? notice('error', t('plan.summaryBlocked')) : null,
    h(
      'div',
      { class: 'button-row' },
      h('button', { type: 'button', class: 'primary', id: 'publish-confirm', i18n: 'plan.confirmPublish', disabled: busy || blocked, on: { click: on.confirmPublish } }),
      h('button', { type: 'button', class: 'secondary', id: 'publish-cancel', i18n: 'plan.backToDraft', disabled: busy, on: { click: on.cancelPublish } }),
    ),
  );
}

/** The published versions, newest first; the newest (if it changed grids) can be undone in a draft. */
export function versionsContent(versions: readonly GridVersionInfo[], busy: boolean, onUndo: (version: number) => void): HTMLElement {
  const newest = versions[versions.length - 1];
  return h(
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
        v === newest && v.version > 1 && v.created.length
          ? h('button', {
              type: 'button',
              class: 'secondary version-undo',
              id: 'version-undo',
              text: t('plan.undoVersion', { v: v.version }),
              title: t('plan.undoVersionTitle'),
              disabled: busy,
              on: { click: () => onUndo(v.version) },
            })
          : null,
      ),
    ),
  );
}

/** The legend: how grids sit against the band. */
export function legendGroups(): LegendGroup[] {
  return [
    {
      title: t('plan.legendTitle'),
      items: (['over', 'under', 'within'] as Fit[]).map((f) => ({ colour: fitSwatch(f), label: t(`plan.fit.${f}` as MessageKey) })),
    },
  ];
}
