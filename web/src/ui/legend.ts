/**
 * The map legend: a box over the map's corner holding a title and colour swatches per group.
 * It folds (a `<details>`): open on a wide screen, closed on a phone, where the map is small.
 */
import type { LegendItem } from '../map/choropleth';
import { t } from '../i18n';
import { h, fill } from './dom';

export interface LegendGroup {
  title: string;
  items: LegendItem[];
  /** A swatch drawn as a dot or a line instead of a box. */
  shape?: 'dot' | 'line';
}

const wide = () => window.matchMedia('(min-width: 760px)').matches;

export function renderLegend(el: HTMLElement, groups: LegendGroup[], note?: string): void {
  el.hidden = false;
  // Keep the person's own choice to fold or unfold across re-renders.
  const previous = el.querySelector('details');
  const open = previous ? previous.open : wide();
  fill(
    el,
    h(
      'details',
      { open },
      h('summary', { class: 'legend-summary' }, t('legend.title')),
      groups.flatMap((g) => [
        g.title ? h('div', { class: 'legend-title' }, g.title) : null,
        h(
          'ul',
          { class: 'legend-items' },
          g.items.map((i) =>
            h(
              'li',
              {},
              h('span', {
                class: g.shape ? `swatch ${g.shape}` : 'swatch',
                style: g.shape === 'line' ? `border-color:${i.colour}` : `background:${i.colour}`,
              }),
              h('span', {}, i.label),
            ),
          ),
        ),
      ]),
      note ? h('div', { class: 'legend-note' }, note) : null,
    ),
  );
}
