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
  // A fit asked for while the map is too small to hold the padding (a phone's layout not yet
  // settled) would be dropped by MapLibre; it waits for the map's first usable size instead.
  let waiting: (() => void) | null = null;
  const roomy = (padding: number) => {
    const c = map.getContainer();
    return c.clientWidth > 2 * padding + 16 && c.clientHeight > 2 * padding + 16;
  };
  // A jump to a grid that something else undoes before the map first settles (a late resize,
  // a fit dropped for want of room) is made again then, unless the person moved the map.
  const keepFit = (b: [number, number, number, number], fit: { padding: number; maxZoom: number }) => {
    const zoom = map.getZoom();
    let touched = false;
    const touch = (e: { originalEvent?: unknown }) => {
      if (e.originalEvent) touched = true;
    };
    map.on('movestart', touch);
    map.once('idle', () => {
      map.off('movestart', touch);
      const centre: [number, number] = [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2];
      const lost = !map.getBounds().contains(centre) || map.getZoom() < zoom - 1;
      if (!touched && lost && roomy(fit.padding)) map.fitBounds(b, { ...fit, animate: false });
    });
  };
  return {
    show(grid, opts = {}) {
      void map.getSource<GeoJSONSource>(SOURCE)?.setData(grid);
      const b = bboxOf([grid.geometry]);
      if (!b) return;
      const fit = { padding: opts.padding ?? 40, maxZoom: 17 };
      if (waiting) map.off('resize', waiting);
      waiting = null;
      const now = () => {
        if (opts.fly === false) map.fitBounds(b, { ...fit, animate: false });
        else map.fitBounds(b, { ...fit, duration: 800 });
      };
      if (roomy(fit.padding)) {
        now();
        if (opts.fly === false) keepFit(b, fit);
        return;
      }
      const later = () => {
        if (!roomy(fit.padding)) return;
        map.off('resize', later);
        waiting = null;
        map.fitBounds(b, { ...fit, animate: false });
      };
      waiting = later;
      map.on('resize', later);
    },
    clear() {
      void map.getSource<GeoJSONSource>(SOURCE)?.setData(EMPTY_COLLECTION);
    },
  };
}
