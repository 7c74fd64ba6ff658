/**
 * The planner view's map wiring: compounds and buildings (the units a split keeps whole), the
 * band tints, a draft's or a preview's proposed grids, the selected grid's outline, brushed
 * buildings, the first point of a cut, and picking grids and buildings under the pointer.
 */
import * as maplibregl from 'maplibre-gl';
import { gridTilesUrl } from '../../api/client';
import type { Feature, MultiPolygon, Polygon } from '../../api/types';
import { addGridHitLayer, GRID_HIT_LAYER, gridSourceId } from '../../map/base';
import { addHighlight } from '../../map/highlight';
import { addPlaces, type PlacesState } from '../../map/places';
import { addPlanLayers } from '../../map/plan';

type Proposed = Feature<Polygon | MultiPolygon, { code: string; fit: 'under' | 'within' | 'over' }>;

export interface PlannerMap {
  /** The proposal (draft grids and preview parts), what it retires, and the band tints. */
  show(proposed: Proposed[], retired: string[], tints: { over: string[]; under: string[] }): void;
  outline(g: Feature<Polygon | MultiPolygon, unknown>): void;
  setBrushed(ids: readonly string[]): void;
  /** Marks the first point of a cut (null: none). */
  setCutStart(at: [number, number] | null): void;
  /** Asks for the level-3 grid tiles again after a publish (new boundaries). */
  reloadGrids(version: number): void;
  /** A building of `grid` under a point, if any. */
  buildingAt(point: maplibregl.Point, grid: string): string | undefined;
  /** The grid under a point: a proposed one first, else a live one. */
  gridAt(point: maplibregl.Point, proposedFirst: boolean): string | undefined;
  onClick(fn: (e: { lngLat: [number, number]; point: maplibregl.Point }) => void): void;
}

export function plannerMap(map: maplibregl.Map, onPlaces: (state: PlacesState, error?: Error) => void): PlannerMap {
  addPlaces(map, onPlaces);
  const layers = addPlanLayers(map);
  const highlight = addHighlight(map);
  addGridHitLayer(map);
  map.addLayer({
    id: 'brushed',
    type: 'line',
    source: 'buildings',
    filter: ['in', ['get', 'id'], ['literal', []]],
    paint: { 'line-color': '#dd6b20', 'line-width': 3 },
  });
  const cutMarker = new maplibregl.Marker({ color: '#1a202c' });
  const codeAt = (point: maplibregl.Point, layerIds: string[]): string | undefined => {
    const hit = map.queryRenderedFeatures([point.x, point.y], { layers: layerIds });
    const code: unknown = (hit.find((f) => f.layer.id === layerIds[0]) ?? hit[0])?.properties.code;
    return typeof code === 'string' ? code : undefined;
  };
  map.on('mousemove', (e) => {
    const hit = map.queryRenderedFeatures([e.point.x, e.point.y], { layers: [GRID_HIT_LAYER] });
    map.getCanvas().style.cursor = hit.length ? 'pointer' : '';
  });
  return {
    show(proposed, retired, tints) {
      layers.setProposed(proposed);
      layers.setRetired(retired);
      layers.setBand(tints.over, tints.under);
    },
    outline(g) {
      highlight.show(g);
    },
    setBrushed(ids) {
      map.setFilter('brushed', ['in', ['get', 'id'], ['literal', [...ids]]]);
    },
    setCutStart(at) {
      if (at) cutMarker.setLngLat(at).addTo(map);
      else cutMarker.remove();
    },
    reloadGrids(version) {
      map.getSource<maplibregl.VectorTileSource>(gridSourceId(3))?.setTiles([`${gridTilesUrl(3)}&v=${version}`]);
    },
    buildingAt(point, grid) {
      const b = map.queryRenderedFeatures([point.x, point.y], { layers: ['building-fill'] })[0]?.properties;
      return b && b.grid === grid && typeof b.id === 'string' ? b.id : undefined;
    },
    gridAt(point, proposedFirst) {
      return codeAt(point, proposedFirst ? ['plan-proposed-fill', GRID_HIT_LAYER] : [GRID_HIT_LAYER]);
    },
    onClick(fn) {
      map.on('click', (e) => fn({ lngLat: [e.lngLat.lng, e.lngLat.lat], point: e.point }));
    },
  };
}
