/** What both views do the same way: where the map starts, and the map's status line. */
import type * as maplibregl from 'maplibre-gl';
import { api, ApiError } from '../api/client';
import type { Bbox } from '../api/types';
import { onLanguageChange, say, sayRefusal, t } from '../i18n';
import { createMap, markFirstIdle } from '../map/base';
import type { PlacesState } from '../map/places';
import { bboxOf } from '../map/geometry';
import { setMapStatus, type Shell } from '../ui/shell';
import { BasemapControl } from './basemap';

/** Around the sample city (韩城, 110.44°E 35.47°N): where the map starts until the grids answer. */
const CITY_GUESS: Bbox = [110.34, 35.4, 110.54, 35.55];

/**
 * A map that opens on the city: created at once around the sample city, then fitted to the
 * bounds of the level-1 grids as soon as they arrive (usually before the first frame, so no
 * tile is asked for twice). Creating the map does not wait for that answer: the tile worker
 * and the style start meanwhile.
 */
export function cityMap(container: HTMLElement, status: MapStatus): maplibregl.Map {
  const map = createMap({ container, bounds: CITY_GUESS });
  map.addControl(new BasemapControl(), 'top-right');
  api.grids(1).then(
    (fc) => {
      const b = bboxOf(fc.features.map((f) => f.geometry));
      if (b) map.fitBounds(b, { padding: 24, animate: false });
    },
    (e) => status.set('bounds', 'error', () => errorText(e)),
  );
  return map;
}

/**
 * The map of a view: created around the city, its first full render marked for P6, its loading
 * and errors in the status line; `render` draws the panel now and on every language change.
 */
export function startMap(shell: Shell, status: MapStatus, render: () => void): maplibregl.Map {
  const map = cityMap(shell.mapContainer, status);
  markFirstIdle(map);
  watchMap(map, status);
  render();
  onLanguageChange(render);
  return map;
}

/** What the compound and building layers tell the status line while they load. */
export function placesStatus(status: MapStatus): (state: PlacesState, e?: Error) => void {
  return (state, e) => {
    if (state === 'loading') status.set('places', 'loading', () => t('map.loadingBuildings'));
    else if (state === 'error') status.set('places', 'error', () => errorText(e));
    else if (state === 'too-far') status.set('places', 'info', () => t('map.zoomForBuildings'));
    else status.clear('places');
  };
}

/** An error as a sentence for a person. */
export function errorText(e: unknown): string {
  // The browser's own words ("Failed to fetch") are English whatever the page's language.
  if (e instanceof ApiError && e.status === 0) return t('common.networkError');
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof ApiError && e.said) return t('common.error', { message: say({ ...e.said, message }) });
  if (e instanceof ApiError) return sayRefusal(e.kind, message);
  return t('common.error', { message });
}

/**
 * Keeps the line over the map truthful: an error wins, then loading, then a hint. Each part of
 * a view sets its own entry; the line shows the most important one.
 */
export class MapStatus {
  private entries = new Map<string, { text: () => string; kind: 'loading' | 'error' | 'info' }>();
  private readonly el: HTMLElement;

  constructor(el: HTMLElement) {
    this.el = el;
  }

  set(key: string, kind: 'loading' | 'error' | 'info', text: () => string): void {
    this.entries.set(key, { kind, text });
    this.render();
  }

  clear(key: string): void {
    if (this.entries.delete(key)) this.render();
  }

  render(): void {
    const order = ['error', 'loading', 'info'] as const;
    for (const kind of order) {
      for (const e of this.entries.values()) {
        if (e.kind === kind) {
          setMapStatus(this.el, e.text(), kind);
          return;
        }
      }
    }
    setMapStatus(this.el, null);
  }
}

/** Shows the map's own loading and tile errors in the status line. */
export function watchMap(map: maplibregl.Map, status: MapStatus): void {
  status.set('map', 'loading', () => t('map.loading'));
  // After the first render, only a load that takes a while is worth a word (not every pan).
  let pending: number | undefined;
  let rendered = false;
  map.on('dataloading', () => {
    if (pending !== undefined || !rendered) return;
    pending = window.setTimeout(() => status.set('map', 'loading', () => t('map.loading')), 400);
  });
  map.on('idle', () => {
    rendered = true;
    window.clearTimeout(pending);
    pending = undefined;
    status.clear('map');
  });
  map.on('error', (e) => {
    const message = e.error instanceof Error ? e.error.message : JSON.stringify(e.error);
    // Also on the console, where MapLibre itself says nothing once someone listens: a broken
    // style or a failing tile must not pass unnoticed (the browser tests fail on it).
    console.error(`map: ${message}`);
    // A tile the network did not deliver (status 0) is said in the page's words, not the browser's.
    const unreachable = (e.error as { status?: unknown } | undefined)?.status === 0;
    status.set('map-error', 'error', () => (unreachable ? t('common.networkError') : t('map.error', { message })));
    window.setTimeout(() => status.clear('map-error'), 8000);
  });
}
