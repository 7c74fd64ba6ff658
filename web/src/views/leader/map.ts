/**
 * The leader view's map wiring: incident density, grid choropleths, the selected grid's
 * highlight and the invisible hit layer, behind a few calls the view makes when its state
 * changes; pointer picks come back as grid codes.
 */
import type * as maplibregl from 'maplibre-gl';
import type { Level } from '../../api/codes';
import type { GridDetail, IncidentFilter } from '../../api/types';
import { addGridHitLayer, GRID_HIT_LAYER } from '../../map/base';
import { addChoropleth, CHOROPLETH_LAYER } from '../../map/choropleth';
import { addDensity, type DensityScale } from '../../map/density';
import { addHighlight } from '../../map/highlight';
import type { Mode } from './state';

export interface LeaderMap {
  /** Shows density or choropleth. */
  setMode(mode: Mode): void;
  /** New filters: density and choropleth. */
  setFilter(level: Level, filter: IncidentFilter): void;
  /** Another level for the choropleth (density has no level). */
  setLevel(level: Level, filter: IncidentFilter): void;
  /** The choropleth's fill colour expression. */
  setColour(colour: maplibregl.ExpressionSpecification): void;
  /** Outlines a grid and moves the map to it. */
  show(detail: GridDetail, fly: boolean): void;
  /** Takes the outline of the selected grid away. */
  clearSelection(): void;
  /** Hears the density tiles' class breaks (and whether the view is empty). */
  onBreaks(fn: (scale: DensityScale, empty: boolean) => void): void;
  /** Hears the grid a click picked: of the choropleth's level, else level 3. */
  onPick(fn: (code: string) => void): void;
  /** Hears the grid under the pointer (undefined when none) and where the pointer is. */
  onHover(fn: (code: string | undefined, at: { x: number; y: number }) => void): void;
}

/** Adds the view's layers (once the style is loaded) and answers the calls above. */
export function leaderMap(map: maplibregl.Map, initial: { mode: Mode; level: Level; filter: IncidentFilter }): LeaderMap {
  const density = addDensity(map, initial.filter);
  const choropleth = addChoropleth(map, initial.level, initial.filter);
  const highlight = addHighlight(map);
  addGridHitLayer(map);
  let mode = initial.mode;
  const gridAt = (point: { x: number; y: number }): string | undefined => {
    const layers = mode === 'choropleth' ? [CHOROPLETH_LAYER] : [GRID_HIT_LAYER];
    const code: unknown = map.queryRenderedFeatures([point.x, point.y], { layers })[0]?.properties.code;
    return typeof code === 'string' ? code : undefined;
  };
  const hoverers: ((code: string | undefined, at: { x: number; y: number }) => void)[] = [];
  map.on('mousemove', (e) => {
    const code = gridAt(e.point);
    map.getCanvas().style.cursor = code ? 'pointer' : '';
    for (const fn of hoverers) fn(code, e.point);
  });
  map.on('mouseout', () => {
    for (const fn of hoverers) fn(undefined, { x: 0, y: 0 });
  });
  return {
    setMode(m) {
      mode = m;
      density.setVisible(m === 'density');
      choropleth.setVisible(m === 'choropleth');
    },
    setFilter(level, filter) {
      density.setFilter(filter);
      choropleth.setQuery(level, filter);
    },
    setLevel(level, filter) {
      choropleth.setQuery(level, filter);
    },
    setColour(colour) {
      choropleth.setStyle(colour);
    },
    show(detail, fly) {
      highlight.show(detail, { fly, padding: 48 });
    },
    clearSelection() {
      highlight.clear();
    },
    onBreaks(fn) {
      density.onBreaks((b, empty) => {
        if (mode === 'density') fn(b, empty);
      });
    },
    onHover(fn) {
      hoverers.push(fn);
    },
    onPick(fn) {
      map.on('click', (e) => {
        const code = gridAt(e.point);
        if (code) fn(code);
      });
    },
  };
}
