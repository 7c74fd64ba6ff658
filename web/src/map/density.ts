/**
 * Incident density from `/tiles/density` (layer `density`: square cells with `count`). A cell
 * is 8–16 px at every zoom, so counts shrink as one zooms in; the colour classes are fixed
 * densities per km² ({@link DENSITY_PER_KM2}) turned into counts per cell for the zoom, never
 * taken from what is in view, so colours compare across screens, days and leaders.
 */
import type * as maplibregl from 'maplibre-gl';
import type { VectorTileSource } from 'maplibre-gl';
import { densityTilesUrl } from '../api/client';
import type { IncidentFilter } from '../api/types';
import { BELOW_OUTLINES } from './base';
import { densityScale, sameClasses, type DensityClass, type DensityScale } from './density-scale';

export { densityScale, sameClasses, type DensityClass, type DensityScale } from './density-scale';

export const DENSITY_SOURCE = 'density';
export const DENSITY_LAYER = 'density-fill';

/** Light yellow to dark red (ColorBrewer YlOrRd, 6 classes). */
export const DENSITY_COLOURS = ['#ffffb2', '#fed976', '#feb24c', '#fd8d3c', '#f03b20', '#bd0026'];

/** The colour of each class (the darkest always means the densest class there is). */
export function classColours(classes: readonly DensityClass[]): string[] {
  return DENSITY_COLOURS.slice(DENSITY_COLOURS.length - classes.length);
}

function colourExpression(classes: readonly DensityClass[]): maplibregl.ExpressionSpecification | string {
  const colours = classColours(classes);
  if (classes.length === 1) return colours[0];
  const stops = classes.slice(1).flatMap((c, i) => [c.count, colours[i + 1]]);
  return ['step', ['get', 'count'], colours[0], ...stops];
}

export interface Density {
  setFilter(f: IncidentFilter): void;
  setVisible(on: boolean): void;
  /** Called with the classes at the current zoom and whether anything is in view, when the map settles. */
  onBreaks(fn: (scale: DensityScale, empty: boolean) => void): void;
}

export function addDensity(map: maplibregl.Map, filter: IncidentFilter): Density {
  map.addSource(DENSITY_SOURCE, {
    type: 'vector',
    tiles: [densityTilesUrl(filter)],
    minzoom: 0,
    // Cells are binned per tile on the server: a tile per zoom keeps cells the same size on screen.
    maxzoom: 18,
  });
  const scaleHere = () => densityScale(map.getZoom(), map.getCenter().lat);
  let scale = scaleHere();
  map.addLayer(
    {
      id: DENSITY_LAYER,
      type: 'fill',
      source: DENSITY_SOURCE,
      'source-layer': 'density',
      paint: { 'fill-color': colourExpression(scale.classes), 'fill-opacity': 0.8, 'fill-antialias': false },
    },
    BELOW_OUTLINES,
  );
  const listeners: ((s: DensityScale, empty: boolean) => void)[] = [];
  map.on('idle', () => {
    if (map.getLayoutProperty(DENSITY_LAYER, 'visibility') === 'none') return;
    const next = scaleHere();
    if (!sameClasses(next.classes, scale.classes)) map.setPaintProperty(DENSITY_LAYER, 'fill-color', colourExpression(next.classes));
    scale = next;
    const empty = map.querySourceFeatures(DENSITY_SOURCE, { sourceLayer: 'density' }).length === 0;
    for (const fn of listeners) fn(scale, empty);
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
