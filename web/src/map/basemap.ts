/**
 * A third-party raster basemap (天地图, a city's own WMTS, a GCJ-02 provider) drawn under all
 * of our layers, just above the plain background. The templates come from the server, which
 * has already turned WMTS URLs into `{z}/{x}/{y}` ones and refused what cannot be drawn.
 */
import type * as maplibregl from 'maplibre-gl';
import { ROAD_LAYERS } from './base';

const SOURCE = 'basemap';
const LAYER = 'basemap';

/** Shows the tiles of `templates` under our data, or removes the basemap when `null`. */
export function showBasemap(map: maplibregl.Map, templates: string[] | null, attribution?: string | null): void {
  if (map.getLayer(LAYER)) map.removeLayer(LAYER);
  if (map.getSource(SOURCE)) map.removeSource(SOURCE);
  const on = Boolean(templates && templates.length > 0);
  // The provider draws its own roads; ours would run beside them (or a few hundred metres off).
  for (const id of ROAD_LAYERS) {
    if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', on ? 'none' : 'visible');
  }
  if (!templates || !on) return;
  map.addSource(SOURCE, {
    type: 'raster',
    tiles: templates,
    tileSize: 256,
    maxzoom: 18,
    attribution: attribution ?? undefined,
  });
  // Right above the background: every layer of ours stays on top of the pictures.
  const layers = map.getStyle().layers;
  const above = layers.findIndex((l) => l.id === 'background');
  map.addLayer(
    { id: LAYER, type: 'raster', source: SOURCE, paint: { 'raster-opacity': 0.9 } },
    layers[above + 1]?.id,
  );
}

/** Whether a basemap is on the map. */
export function hasBasemap(map: maplibregl.Map): boolean {
  return Boolean(map.getLayer(LAYER));
}
