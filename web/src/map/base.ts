/**
 * The map itself: MapLibre with an offline style built only from our own data (a plain
 * background, roads from `/tiles/roads` and grid outlines of the three levels from
 * `/tiles/grids`). Nothing is fetched
 * from outside the server unless a user or the server's configuration asks for a third-party
 * basemap (`map/basemap.ts`).
 */
import * as maplibregl from 'maplibre-gl';
import type { LngLatBoundsLike, StyleSpecification } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
// MapLibre 6 runs its tile parsing in a module worker; Vite copies that file into dist/ and
// gives its URL, so the worker comes from our own server like everything else.
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { gridTilesUrl, roadTilesUrl } from '../api/client';
import type { Level } from '../api/codes';
import { onLanguageChange, t } from '../i18n';

maplibregl.setWorkerUrl(workerUrl);

export const BACKGROUND = '#eef0ea';

/** Outline look per grid level: level 1 bold and dark, level 3 fine. */
const OUTLINE: Record<Level, { color: string; width: maplibregl.ExpressionSpecification | number; minzoom: number }> = {
  1: { color: '#243b53', width: ['interpolate', ['linear'], ['zoom'], 10, 1.6, 16, 3.5], minzoom: 0 },
  2: { color: '#486581', width: ['interpolate', ['linear'], ['zoom'], 10, 0.8, 16, 2], minzoom: 10 },
  3: { color: '#829ab1', width: ['interpolate', ['linear'], ['zoom'], 12, 0.4, 16, 1.2], minzoom: 12 },
};

export const gridSourceId = (level: Level): string => `grids-${level}`;
export const gridOutlineLayerId = (level: Level): string => `grid-outline-${level}`;

/** Where layers of a view go: under the outlines, so grid edges stay readable on top. */
export const BELOW_OUTLINES = gridOutlineLayerId(3);

/** Our road layers: hidden when a third-party basemap draws its own roads. */
export const ROAD_LAYERS = ['road-casing', 'road'];

/** Road look per class: width by zoom, and from which zoom it is drawn (tiles agree). */
function roadWidth(extra: number): maplibregl.ExpressionSpecification {
  // Zoom must lead the expression, so the casing's extra width goes inside each stop.
  return [
    'interpolate',
    ['exponential', 1.3],
    ['zoom'],
    10,
    ['match', ['get', 'class'], 'arterial', 2 + extra, 'street', 1 + extra, 0.5 + extra],
    17,
    ['match', ['get', 'class'], 'arterial', 26 + extra, 'street', 16 + extra, 9 + extra],
  ];
}

function roadLayers(): maplibregl.LayerSpecification[] {
  return [
    {
      id: 'road-casing',
      type: 'line',
      source: 'roads',
      'source-layer': 'roads',
      minzoom: 12,
      layout: { 'line-join': 'round', 'line-cap': 'round' },
      paint: { 'line-color': '#c3c8bb', 'line-width': roadWidth(2) },
    },
    {
      id: 'road',
      type: 'line',
      source: 'roads',
      'source-layer': 'roads',
      layout: { 'line-join': 'round', 'line-cap': 'round' },
      paint: {
        'line-color': ['match', ['get', 'class'], 'arterial', '#f9d9a0', '#ffffff'],
        'line-width': roadWidth(0),
      },
    },
  ];
}

function offlineStyle(): StyleSpecification {
  const levels: Level[] = [1, 2, 3];
  return {
    version: 8,
    sources: {
      roads: { type: 'vector', tiles: [roadTilesUrl()], minzoom: 0, maxzoom: 15 },
      ...Object.fromEntries(
        levels.map((level) => [
          gridSourceId(level),
          { type: 'vector', tiles: [gridTilesUrl(level)], minzoom: 0, maxzoom: 15 },
        ]),
      ),
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': BACKGROUND } },
      ...roadLayers(),
      // Drawn finest first so coarser outlines lie on top of the finer ones they coincide with.
      ...([3, 2, 1] as Level[]).map((level) => ({
        id: gridOutlineLayerId(level),
        type: 'line' as const,
        source: gridSourceId(level),
        'source-layer': 'grids',
        minzoom: OUTLINE[level].minzoom,
        layout: { 'line-join': 'round' as const },
        paint: { 'line-color': OUTLINE[level].color, 'line-width': OUTLINE[level].width },
      })),
    ],
  };
}

function controlLocale(): Record<string, string> {
  return {
    'NavigationControl.ZoomIn': t('map.zoomIn'),
    'NavigationControl.ZoomOut': t('map.zoomOut'),
    'NavigationControl.ResetBearing': t('map.resetBearing'),
    'Popup.Close': t('common.close'),
    // MapLibre's own words, else English inside the Chinese page.
    'Map.Title': t('map.title'),
    'Marker.Title': t('map.marker'),
    'AttributionControl.ToggleAttribution': t('map.toggleAttribution'),
    'AttributionControl.MapFeedback': t('map.feedback'),
  };
}

export interface MapOptions {
  container: HTMLElement;
  bounds: LngLatBoundsLike;
  /** Room kept around the initial bounds, in pixels. */
  padding?: number;
}

export function createMap(opts: MapOptions): maplibregl.Map {
  const map = new maplibregl.Map({
    container: opts.container,
    style: offlineStyle(),
    bounds: opts.bounds,
    fitBoundsOptions: { padding: opts.padding ?? 24 },
    attributionControl: false,
    dragRotate: false,
    pitchWithRotate: false,
    maxPitch: 0,
    fadeDuration: 0,
    locale: controlLocale(),
  });
  map.touchZoomRotate.disableRotation();
  // Reachable from the page (browser tests turn coordinates into clicks with it).
  (opts.container as HTMLElement & { griddMap?: maplibregl.Map }).griddMap = map;
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  // Empty (and hidden) until a basemap with a credit line is shown.
  map.addControl(new maplibregl.AttributionControl({ compact: true }), 'bottom-right');
  // MapLibre reads its control strings once; keep their tooltips in the chosen language.
  onLanguageChange(() => {
    const titles: [string, string][] = [
      ['.maplibregl-ctrl-zoom-in', t('map.zoomIn')],
      ['.maplibregl-ctrl-zoom-out', t('map.zoomOut')],
    ];
    for (const [sel, text] of titles) {
      const el = opts.container.querySelector(sel);
      el?.setAttribute('title', text);
      el?.setAttribute('aria-label', text);
    }
  });
  return map;
}

export const GRID_HIT_LAYER = 'grid-hit-3';

/**
 * A transparent fill over the level-3 grids (from the outline tiles already loaded), so a click
 * anywhere inside a grid finds it, whatever else is drawn.
 */
export function addGridHitLayer(map: maplibregl.Map): void {
  map.addLayer(
    {
      id: GRID_HIT_LAYER,
      type: 'fill',
      source: gridSourceId(3),
      'source-layer': 'grids',
      minzoom: OUTLINE[3].minzoom,
      paint: { 'fill-color': '#000000', 'fill-opacity': 0 },
    },
    BELOW_OUTLINES,
  );
}

/**
 * Resolves once the style is parsed (`style.load`), before any tile is asked for: a view adds
 * its sources and layers then, so the first full render (`load`, `idle`) already includes them.
 */
export function styleReady(map: maplibregl.Map): Promise<void> {
  return map.isStyleLoaded() ? Promise.resolve() : new Promise((r) => map.once('style.load', () => r()));
}

/**
 * Marks the first time the map has drawn everything it was asked to (`idle`), as a
 * Performance mark: the browser tests read it as the time from navigation to a full render
 * (with the map's creation and its style's load as the steps on the way).
 */
export function markFirstIdle(map: maplibregl.Map): void {
  performance.mark('gridd:map-created');
  map.once('load', () => performance.mark('gridd:map-load'));
  map.once('idle', () => {
    performance.mark('gridd:map-idle');
    document.documentElement.dataset.mapIdle = 'true';
  });
  // How many times the map has settled: a test waits for the next one after an action.
  let settled = 0;
  map.on('idle', () => {
    settled += 1;
    document.documentElement.dataset.mapSettled = String(settled);
  });
}
