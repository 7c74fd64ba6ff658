/**
 * Compounds (by party organisation) and buildings (by households) from `/api/compounds` and
 * `/api/buildings`, loaded for the current view only and only from zoom 15 on: the city has
 * tens of thousands of buildings and the map never asks for all of them.
 */
import type * as maplibregl from 'maplibre-gl';
import type { GeoJSONSource } from 'maplibre-gl';
import { api } from '../api/client';
import { Latest } from '../lib/latest';
import type { Bbox } from '../api/types';
import type { PartyOrg } from '../api/codes';
import { BELOW_OUTLINES } from './base';
import { bboxContains, bboxPad, EMPTY_COLLECTION } from './geometry';

export const PLACES_MIN_ZOOM = 15;

export const PARTY_COLOURS: Record<PartyOrg, string> = {
  standalone: '#2f855a',
  joint: '#3182ce',
  functional: '#b7791f',
  none: '#c53030',
};

/** Households per building: class breaks and their colours (light to dark purple). */
export const BUILDING_CLASSES: { from: number; colour: string }[] = [
  { from: 0, colour: '#e9e3f5' },
  { from: 20, colour: '#c3b1e1' },
  { from: 50, colour: '#9475c9' },
  { from: 100, colour: '#5b3f99' },
];

export type PlacesState = 'too-far' | 'loading' | 'ready' | 'error';

/**
 * Adds the compound and building layers under the grid outlines. `onState` hears whenever
 * loading starts, ends, fails, or the map is too far out to load.
 */
export function addPlaces(
  map: maplibregl.Map,
  onState: (state: PlacesState, error?: Error) => void,
): void {
  map.addSource('compounds', { type: 'geojson', data: EMPTY_COLLECTION });
  map.addSource('buildings', { type: 'geojson', data: EMPTY_COLLECTION });
  const partyColour: maplibregl.ExpressionSpecification = [
    'match',
    ['get', 'party_org'],
    'standalone',
    PARTY_COLOURS.standalone,
    'joint',
    PARTY_COLOURS.joint,
    'functional',
    PARTY_COLOURS.functional,
    PARTY_COLOURS.none,
  ];
  const buildingColour: maplibregl.ExpressionSpecification = [
    'step',
    ['coalesce', ['get', 'households'], 0],
    BUILDING_CLASSES[0].colour,
    ...BUILDING_CLASSES.slice(1).flatMap((c) => [c.from, c.colour]),
  ];
  map.addLayer(
    {
      id: 'compound-fill',
      type: 'fill',
      source: 'compounds',
      minzoom: PLACES_MIN_ZOOM - 1,
      paint: { 'fill-color': partyColour, 'fill-opacity': 0.18 },
    },
    BELOW_OUTLINES,
  );
  map.addLayer(
    {
      id: 'building-fill',
      type: 'fill',
      source: 'buildings',
      minzoom: PLACES_MIN_ZOOM - 1,
      paint: { 'fill-color': buildingColour, 'fill-outline-color': '#4a3b6b', 'fill-opacity': 0.9 },
    },
    BELOW_OUTLINES,
  );
  map.addLayer(
    {
      id: 'compound-outline',
      type: 'line',
      source: 'compounds',
      minzoom: PLACES_MIN_ZOOM - 1,
      paint: { 'line-color': partyColour, 'line-width': 2 },
    },
    BELOW_OUTLINES,
  );

  let loaded: Bbox | null = null;
  const request = new Latest();
  const emit = (state: PlacesState, error?: Error) => {
    // Also on the map's element, where tests (and styles) can see it.
    map.getContainer().dataset.places = state;
    onState(state, error);
  };

  async function refresh(): Promise<void> {
    if (map.getZoom() < PLACES_MIN_ZOOM) {
      request.cancel();
      emit('too-far');
      return;
    }
    const b = map.getBounds();
    const view: Bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()];
    if (loaded && bboxContains(loaded, view)) {
      emit('ready');
      return;
    }
    // A margin around the view, so small pans need no new request.
    const want = bboxPad(view, 0.25);
    emit('loading');
    const got = await request.run((signal) => Promise.all([api.compounds(want, signal), api.buildings(want, signal)]));
    if (got.kind === 'superseded') return;
    if (got.kind === 'failed') {
      emit('error', got.error as Error);
      return;
    }
    const [compounds, buildings] = got.value;
    void map.getSource<GeoJSONSource>('compounds')?.setData(compounds);
    void map.getSource<GeoJSONSource>('buildings')?.setData(buildings);
    loaded = want;
    emit('ready');
  }

  map.on('moveend', () => void refresh());
  void refresh();
}
