/**
 * The planner's layers: level-3 grids outside the band tinted on the grid tiles (over: red,
 * under: blue), the grids a draft retires greyed out, and proposed grids (a split preview or a
 * draft's new grids) drawn from GeoJSON, tinted by whether they meet the band.
 */
import type * as maplibregl from 'maplibre-gl';
import type { GeoJSONSource } from 'maplibre-gl';
import type { Feature, Fit, MultiPolygon, Polygon } from '../api/types';
import { BELOW_OUTLINES, gridSourceId } from './base';
import { EMPTY_COLLECTION } from './geometry';

export const FIT_COLOURS: Record<Fit, string> = { over: '#c53030', under: '#2b6cb0', within: '#2f855a' };

/** How strongly each fit is drawn on the map: too large is what a planner fixes first; too
 * small is shown faintly (there are many); a proposed grid within the band in between. The
 * legend draws its swatches the same way, so they look like the map. */
export const FIT_OPACITY: Record<Fit, number> = { over: 0.45, under: 0.12, within: 0.3 };

/** A fit's colour as the map shows it over a light background. */
export function fitSwatch(fit: Fit): string {
  const hex = FIT_COLOURS[fit];
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return `rgba(${r}, ${g}, ${b}, ${Math.max(FIT_OPACITY[fit], 0.25)})`;
}

const PROPOSED = 'plan-proposed';
export const PROPOSED_FILL = 'plan-proposed-fill';

export interface PlanLayers {
  /** Tints the grids outside the band. */
  setBand(over: string[], under: string[]): void;
  /** Greys out the grids a draft retires. */
  setRetired(codes: string[]): void;
  /** Shows proposed grids (properties `code` and `fit`), or none. */
  setProposed(features: Feature<Polygon | MultiPolygon, { code: string; fit: Fit }>[]): void;
}

/** A `match` on the grid code giving `colour` for `codes` and transparent for the rest. */
function byCode(codes: string[], colour: string): maplibregl.ExpressionSpecification | string {
  return codes.length ? ['match', ['get', 'code'], codes, colour, 'rgba(0,0,0,0)'] : 'rgba(0,0,0,0)';
}

export function addPlanLayers(map: maplibregl.Map): PlanLayers {
  const tiles = gridSourceId(3);
  map.addLayer(
    {
      id: 'plan-band',
      type: 'fill',
      source: tiles,
      'source-layer': 'grids',
      paint: { 'fill-color': 'rgba(0,0,0,0)', 'fill-opacity': 0 },
    },
    BELOW_OUTLINES,
  );
  map.addLayer(
    {
      id: 'plan-retired',
      type: 'fill',
      source: tiles,
      'source-layer': 'grids',
      paint: { 'fill-color': 'rgba(0,0,0,0)', 'fill-opacity': 0.55 },
    },
    BELOW_OUTLINES,
  );
  map.addSource(PROPOSED, { type: 'geojson', data: EMPTY_COLLECTION });
  map.addLayer({
    id: PROPOSED_FILL,
    type: 'fill',
    source: PROPOSED,
    paint: {
      'fill-color': ['match', ['get', 'fit'], 'over', FIT_COLOURS.over, 'under', FIT_COLOURS.under, FIT_COLOURS.within],
      'fill-opacity': FIT_OPACITY.within,
    },
  });
  map.addLayer({
    id: 'plan-proposed-line',
    type: 'line',
    source: PROPOSED,
    layout: { 'line-join': 'round' },
    paint: { 'line-color': '#1a202c', 'line-width': 2.5, 'line-dasharray': [2, 1] },
  });
  return {
    setBand(over, under) {
      const colour: maplibregl.ExpressionSpecification = [
        'match',
        ['get', 'code'],
        ...(over.length ? [over, FIT_COLOURS.over] : []),
        ...(under.length ? [under, FIT_COLOURS.under] : []),
        'rgba(0,0,0,0)',
      ] as unknown as maplibregl.ExpressionSpecification;
      map.setPaintProperty('plan-band', 'fill-color', over.length || under.length ? colour : 'rgba(0,0,0,0)');
      const opacity = [
        'match',
        ['get', 'code'],
        ...(over.length ? [over, FIT_OPACITY.over] : []),
        ...(under.length ? [under, FIT_OPACITY.under] : []),
        0,
      ] as unknown as maplibregl.ExpressionSpecification;
      map.setPaintProperty('plan-band', 'fill-opacity', over.length || under.length ? opacity : 0);
    },
    setRetired(codes) {
      map.setPaintProperty('plan-retired', 'fill-color', byCode(codes, '#a0aec0'));
    },
    setProposed(features) {
      void map.getSource<GeoJSONSource>(PROPOSED)?.setData({
        type: 'FeatureCollection',
        features,
      });
    },
  };
}
