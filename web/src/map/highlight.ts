/**
 * The grid a person is looking at: its outline drawn bold above every other layer, from the
 * polygon the API gave (`/api/grids?level=3` or `/api/grids/{code}`), and the camera fitted to it.
 */
import type * as maplibregl from 'maplibre-gl';
import type { GeoJSONSource } from 'maplibre-gl';
import type { Feature, MultiPolygon, Polygon } from '../api/types';
import { bboxOf, EMPTY_COLLECTION } from './geometry';

const SOURCE = 'selected-grid';
export const HIGHLIGHT_COLOUR = '#dd6b20';

export interface Highlight {
  /** Any grid-shaped feature: a live grid, a grid's detail, a draft's or a preview's grid. */
  show(grid: Feature<Polygon | MultiPolygon, unknown>, opts?: { fly?: boolean; padding?: number }): void;
  clear(): void;
}

export function addHighlight(map: maplibregl.Map): Highlight {
  map.addSource(SOURCE, { type: 'geojson', data: EMPTY_COLLECTION });
  map.addLayer({
    id: 'selected-grid-fill',
    type: 'fill',
    source: SOURCE,
    paint: { 'fill-color': HIGHLIGHT_COLOUR, 'fill-opacity': 0.06 },
  });
  map.addLayer({
    id: 'selected-grid-halo',
    type: 'line',
    source: SOURCE,
    layout: { 'line-join': 'round' },
    paint: { 'line-color': '#ffffff', 'line-width': 6, 'line-opacity': 0.8 },
  });
  map.addLayer({
    id: 'selected-grid-line',
    type: 'line',
    source: SOURCE,
    layout: { 'line-join': 'round' },
    paint: { 'line-color': HIGHLIGHT_COLOUR, 'line-width': 3 },
  });
  return {
    show(grid, opts = {}) {
      void map.getSource<GeoJSONSource>(SOURCE)?.setData(grid);
      const b = bboxOf([grid.geometry]);
      if (!b) return;
      const fit = { padding: opts.padding ?? 40, maxZoom: 17 };
      if (opts.fly === false) map.fitBounds(b, { ...fit, animate: false });
      else map.fitBounds(b, { ...fit, duration: 800 });
    },
    clear() {
      void map.getSource<GeoJSONSource>(SOURCE)?.setData(EMPTY_COLLECTION);
    },
  };
}
