/**
 * Pieces of the planner's panel: a grid's fit to the band as a badge, a table of proposed
 * grids (code, households, compactness, fit) and the list of reasons a plan gives.
 */
import type { Fit, ServerMessage } from '../../api/types';
import { formatNumber, say, type MessageKey } from '../../i18n';
import { h } from '../../ui/dom';

export function fitBadge(fit: Fit): HTMLElement {
  return h('span', { class: `fit fit-${fit}`, i18n: `plan.fit.${fit}` as MessageKey });
}

export function partRows(
  features: { properties: { code: string; households: number; fit: Fit; polsby_popper: number; officers?: number } }[],
): HTMLElement {
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
          {},
          h('td', { text: f.properties.code }),
          h('td', { text: formatNumber(f.properties.households) }),
          // A preview has no officers yet (they move with a publish); a draft grid has them.
          h('td', { text: f.properties.officers === undefined ? '—' : formatNumber(f.properties.officers) }),
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
