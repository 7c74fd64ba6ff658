/**
 * Pieces of the planner's panel: a grid's fit to the band as a badge, a table of proposed
 * grids (code, households, who would serve it, compactness, fit) and the list of reasons a
 * plan gives.
 */
import type { Fit, ServerMessage } from '../../api/types';
import { formatNumber, say, type MessageKey } from '../../i18n';
import { h } from '../../ui/dom';

export function fitBadge(fit: Fit): HTMLElement {
  return h('span', { class: `fit fit-${fit}`, i18n: `plan.fit.${fit}` as MessageKey });
}

/** A proposed grid's row: a preview's part, or a draft's grid with who would serve it. */
interface PartRow {
  code: string;
  name?: string;
  households: number;
  fit: Fit;
  polsby_popper: number;
  officers?: number;
  staff?: readonly { name: string }[];
  staffed?: boolean;
}

/** Who would serve a draft grid: names (or 空缺 in red), and the button that changes them. */
function staffCell(p: PartRow, onStaff?: (code: string, name: string) => void): HTMLElement {
  if (p.officers === undefined) return h('td', { text: '—' });
  const names = (p.staff ?? []).map((o) => o.name).join('、');
  return h(
    'td',
    { class: 'staff-cell' },
    p.officers === 0 ? h('span', { class: 'vacant', i18n: 'plan.vacant' }) : null,
    names ? h('span', { class: 'staff-names', text: names }) : null,
    p.staffed ? h('small', { class: 'staffed', i18n: 'plan.staffedMark' }) : null,
    onStaff
      ? h('button', {
          type: 'button',
          class: 'link',
          'data-action': 'staff',
          i18n: 'plan.staffButton',
          on: { click: () => onStaff(p.code, p.name ?? p.code) },
        })
      : null,
  );
}

export function partRows(features: { properties: PartRow }[], onStaff?: (code: string, name: string) => void): HTMLElement {
  return h(
    'table',
    { class: 'parts', id: 'plan-parts' },
    h('thead', {}, h('tr', {}, h('th', { i18n: 'common.code' }), h('th', { i18n: 'common.households' }), h('th', { i18n: 'common.officers' }), h('th', { i18n: 'plan.compactness' }), h('th', {}))),
    h(
      'tbody',
      {},
      features.map((f) =>
        h(
          'tr',
          { 'data-code': f.properties.code },
          h('td', { text: f.properties.code }),
          h('td', { text: formatNumber(f.properties.households) }),
          // A preview has no officers yet (they move with a publish); a draft grid has them.
          staffCell(f.properties, onStaff),
          h('td', { text: formatNumber(f.properties.polsby_popper, 2) }),
          h('td', {}, fitBadge(f.properties.fit)),
        ),
      ),
    ),
  );
}

/** Why a plan misses the band, in the user's language (the server's codes with params), or
 * the server's English sentences when it sent no codes. */
export function problemList(problems: string[] | undefined, reasons?: ServerMessage[]): HTMLElement | null {
  const lines = reasons?.length ? reasons.map(say) : (problems ?? []);
  return lines.length ? h('ul', { class: 'problems', id: 'plan-problems' }, lines.map((p) => h('li', { text: p }))) : null;
}
