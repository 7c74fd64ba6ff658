/**
 * Compounds (by party organisation) and buildings (by households) from `/api/compounds` and
 * `/api/buildings`, loaded for the current view only, and only when the view is small: the
 * city has tens of thousands of buildings and the map never asks for all of them. "Small" is
 * an area (what a desk screen shows at zoom 15), so a phone, which shows less ground at the
 * same zoom, loads a grid's buildings from zoom 14 on: a large rural grid fitted to a phone
 * sits between 14 and 15. Their names are drawn over the map when zoomed in (`labels.ts`).
 */
import type * as maplibregl from 'maplibre-gl';
import type { GeoJSONSource } from 'maplibre-gl';
import { api } from '../api/client';
import { Latest } from '../lib/latest';
import type { Bbox } from '../api/types';
import type { PartyOrg } from '../api/codes';
import { BELOW_OUTLINES } from './base';
import { bboxContains, bboxPad, EMPTY_COLLECTION } from './geometry';
import { addLabels } from './labels';

export const PLACES_MIN_ZOOM = 15;
/** The most ground (km²) a view may show for its places to load: a 1920×1080 screen at zoom 15. */
export const PLACES_MAX_KM2 = 40;

/** The ground a view shows, in km². */
function viewKm2(b: maplibregl.LngLatBounds): number {
  const kmPerDeg = 111.32;
  const lat = ((b.getNorth() + b.getSouth()) / 2) * (Math.PI / 180);
  return (b.getEast() - b.getWest()) * kmPerDeg * Math.cos(lat) * (b.getNorth() - b.getSouth()) * kmPerDeg;
}

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

  const labels = addLabels(map);
  let loaded: Bbox | null = null;
  const request = new Latest();
  const emit = (state: PlacesState, error?: Error) => {
    // Also on the map's element, where tests (and styles) can see it.
    map.getContainer().dataset.places = state;
    onState(state, error);
  };

  async function refresh(): Promise<void> {
    const b = map.getBounds();
    if (map.getZoom() < PLACES_MIN_ZOOM - 1 || viewKm2(b) > PLACES_MAX_KM2) {
      request.cancel();
      emit('too-far');
      return;
    }
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
    labels.setData(compounds, buildings);
    loaded = want;
    emit('ready');
  }

  map.on('moveend', () => void refresh());
  void refresh();
}
