/**
 * Choosing the officers of a grid a draft creates: the officers of its community listed with
 * the grids they serve now, those who would serve it ticked; saved as an edit of the draft
 * (undone like any other), or put back to the default (the old grid's officers go to its part
 * with the most households). Holds which grid is open and what was ticked; the view passes the
 * draft in and gets the saved draft back through `save`.
 */
import { api } from '../../api/client';
import type { Draft, DraftRef, DraftStaff } from '../../api/types';
import { t, type MessageKey } from '../../i18n';
import { fill, h, notice } from '../../ui/dom';
import { errorText } from '../common';

/** Runs an edit of the draft the way the view runs every edit (busy, saved, redrawn). */
export type SaveEdit = (run: (d: DraftRef) => Promise<Draft>, done: () => string) => Promise<void>;

export interface StaffEditor {
  /** The editor's box, empty while closed; the view places it in the draft box. */
  element: HTMLElement;
  /** Opens the editor for new grid `code` of draft `draftId`. */
  open: (draftId: number, code: string, name: string) => Promise<void>;
  close: () => void;
}

export function staffEditor(save: SaveEdit): StaffEditor {
  const element = h('div', { class: 'staff-editor', id: 'staff-editor' });
  let open: {
    code: string;
    name: string;
    staff: DraftStaff | null;
    /** Names of the community's grids in force, to say which grids a candidate serves. */
    names: Map<string, string>;
    ticked: Set<string>;
    error: string | null;
  } | null = null;

  function render(): void {
    if (!open) {
      fill(element);
      return;
    }
    const { staff, ticked, error, code, name, names } = open;
    fill(
      element,
      h('h3', { text: t('plan.staffTitle', { name, code }) }),
      h('p', { class: 'hint', i18n: 'plan.staffHint' }),
      error ? notice('error', error) : null,
      !staff && !error ? notice('loading', t('common.loading')) : null,
      staff
        ? staff.candidates.length
          ? h(
              'ul',
              { class: 'staff-candidates' },
              staff.candidates.map((o) =>
                h(
                  'li',
                  {},
                  h(
                    'label',
                    {},
                    h('input', {
                      type: 'checkbox',
                      value: o.id,
                      checked: ticked.has(o.id),
                      on: { change: (e) => tick(o.id, (e.target as HTMLInputElement).checked) },
                    }),
                    h('span', { class: 'staff-name', text: o.name }),
                    h('small', { text: ` ${t(`role.${o.role}` as MessageKey)} · ${t('plan.staffServes', { grids: o.grids.map((g) => names.get(g) ?? g).join('、') })}` }),
                  ),
                ),
              ),
            )
          : notice('empty', t('plan.staffNoCandidates'))
        : null,
      h(
        'div',
        { class: 'button-row' },
        h('button', { type: 'button', class: 'primary', id: 'staff-save', i18n: 'plan.staffSave', disabled: !staff, on: { click: () => void commit([...ticked]) } }),
        staff?.staffed
          ? h('button', { type: 'button', class: 'secondary', id: 'staff-default', i18n: 'plan.staffDefault', on: { click: () => void commit([]) } })
          : null,
        h('button', { type: 'button', class: 'secondary', id: 'staff-cancel', i18n: 'plan.renameCancel', on: { click: close } }),
      ),
    );
  }

  function tick(id: string, on: boolean): void {
    if (!open) return;
    if (on) open.ticked.add(id);
    else open.ticked.delete(id);
  }

  async function commit(officers: string[]): Promise<void> {
    if (!open) return;
    const { code, name } = open;
    open = null;
    render();
    await save(
      (d) => api.staffInDraft(d, code, officers),
      () => (officers.length ? t('plan.staffSaved', { name, n: officers.length }) : t('plan.staffReset', { name })),
    );
  }

  function close(): void {
    open = null;
    render();
  }

  return {
    element,
    close,
    async open(draftId, code, name) {
      open = { code, name, staff: null, names: new Map(), ticked: new Set(), error: null };
      render();
      element.scrollIntoView({ block: 'nearest' });
      try {
        const [staff, grids] = await Promise.all([api.draftStaff(draftId, code), api.grids(3, undefined, code.slice(0, 12))]);
        if (open?.code !== code) return;
        open.staff = staff;
        open.names = new Map(grids.features.map((f) => [f.properties.code, f.properties.name]));
        open.ticked = new Set(staff.staff.map((o) => o.id));
      } catch (e) {
        if (open?.code !== code) return;
        open.error = errorText(e);
      }
      render();
    },
  };
}
