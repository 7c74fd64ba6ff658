/**
 * Incident density from `/tiles/density` (layer `density`: square cells with `count`). A cell
 * is 8–16 px at every zoom, so counts shrink as one zooms in; the colour classes follow the
 * counts in view (recomputed when the map settles) and the legend shows them.
 */
import type * as maplibregl from 'maplibre-gl';
import type { VectorTileSource } from 'maplibre-gl';
import { densityTilesUrl } from '../api/client';
import type { IncidentFilter } from '../api/types';
import { BELOW_OUTLINES } from './base';

export const DENSITY_SOURCE = 'density';
export const DENSITY_LAYER = 'density-fill';

/** Light yellow to dark red (ColorBrewer YlOrRd, 6 classes). */
export const DENSITY_COLOURS = ['#ffffb2', '#fed976', '#feb24c', '#fd8d3c', '#f03b20', '#bd0026'];

/** Lower bounds of the classes: the first is always 1 (empty cells are not in the tile). */
export type Breaks = number[];

const NICE = [1, 2, 2.5, 5, 10];

function nice(v: number): number {
  if (v <= 1) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  const m = v / p;
  const n = NICE.find((x) => x >= m) ?? 10;
  return Math.round(n * p);
}

/**
 * Class breaks for the counts in view: 1, then nice round numbers spread over the upper range
 * (by quantiles of the non-empty cells, so one hot cell does not wash out the rest).
 */
export function densityBreaks(counts: number[]): Breaks {
  const sorted = counts.filter((c) => c > 0).sort((a, b) => a - b);
  if (sorted.length === 0) return [1];
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  const breaks = [1];
  for (const p of [0.4, 0.6, 0.8, 0.9, 0.97]) {
    const b = nice(q(p));
    if (b > breaks[breaks.length - 1]) breaks.push(b);
  }
  return breaks;
}

/** The colour of each class for a set of breaks (the darkest colour always means "most"). */
export function classColours(breaks: Breaks): string[] {
  return DENSITY_COLOURS.slice(DENSITY_COLOURS.length - breaks.length);
}

function colourExpression(breaks: Breaks): maplibregl.ExpressionSpecification | string {
  const colours = classColours(breaks);
  if (breaks.length === 1) return colours[0];
  const stops = breaks.slice(1).flatMap((b, i) => [b, colours[i + 1]]);
  return ['step', ['get', 'count'], colours[0], ...stops];
}

export interface Density {
  setFilter(f: IncidentFilter): void;
  setVisible(on: boolean): void;
  /** Called with the current breaks and whether anything is in view, when the map settles. */
  onBreaks(fn: (breaks: Breaks, empty: boolean) => void): void;
}

export function addDensity(map: maplibregl.Map, filter: IncidentFilter): Density {
  map.addSource(DENSITY_SOURCE, {
    type: 'vector',
    tiles: [densityTilesUrl(filter)],
    minzoom: 0,
    // Cells are binned per tile on the server: a tile per zoom keeps cells the same size on screen.
    maxzoom: 18,
  });
  let breaks: Breaks = [1, 5, 10, 20, 50, 100];
  map.addLayer(
    {
      id: DENSITY_LAYER,
      type: 'fill',
      source: DENSITY_SOURCE,
      'source-layer': 'density',
      paint: { 'fill-color': colourExpression(breaks), 'fill-opacity': 0.8, 'fill-antialias': false },
    },
    BELOW_OUTLINES,
  );
  const listeners: ((b: Breaks, empty: boolean) => void)[] = [];
  map.on('idle', () => {
    if (map.getLayoutProperty(DENSITY_LAYER, 'visibility') === 'none') return;
    const counts = map
      .querySourceFeatures(DENSITY_SOURCE, { sourceLayer: 'density' })
      .map((f) => Number(f.properties?.count ?? 0));
    const next = densityBreaks(counts);
    const changed = next.length !== breaks.length || next.some((b, i) => b !== breaks[i]);
    if (changed) {
      breaks = next;
      map.setPaintProperty(DENSITY_LAYER, 'fill-color', colourExpression(breaks));
    }
    for (const fn of listeners) fn(breaks, counts.length === 0);
  });
  return {
    setFilter(f) {
      map.getSource<VectorTileSource>(DENSITY_SOURCE)?.setTiles([densityTilesUrl(f)]);
    },
    setVisible(on) {
      map.setLayoutProperty(DENSITY_LAYER, 'visibility', on ? 'visible' : 'none');
    },
    onBreaks(fn) {
      listeners.push(fn);
    },
  };
}
