/**
 * The officer view's map wiring: compounds and buildings around the view, the chosen grid's
 * outline, its open incidents, the marker of a report being placed (draggable) and of
 * located coordinates; taps and drags come back as points.
 */
import * as maplibregl from 'maplibre-gl';
import type { GridFeature, Incident } from '../../api/types';
import { addHighlight } from '../../map/highlight';
import { addIncidents } from '../../map/incidents';
import { addPlaces, type PlacesState } from '../../map/places';

export interface OfficerMap {
  showGrid(g: GridFeature, fly: boolean): void;
  clearGrid(): void;
  setIncidents(incidents: readonly Incident[], latest?: number, chosen?: number): void;
  /** Moves the map to an incident, close enough to see its building. */
  flyToIncident(i: Incident): void;
  /** The marker of a report being placed. */
  placeDraft(at: [number, number]): void;
  removeDraft(): void;
  /** Shows located coordinates and goes there. */
  showLocated(at: [number, number]): void;
  /** Hears a tap on the map, or the report marker dragged elsewhere. */
  onPoint(fn: (lng: number, lat: number) => void): void;
}

/** Adds the view's layers (once the style is loaded) and answers the calls above. */
export function officerMap(map: maplibregl.Map, onPlaces: (state: PlacesState, error?: Error) => void): OfficerMap {
  addPlaces(map, onPlaces);
  const highlight = addHighlight(map);
  const incidentLayer = addIncidents(map);
  const draftMarker = new maplibregl.Marker({ color: '#1a202c', draggable: true });
  const locateMarker = new maplibregl.Marker({ color: '#2b6cb0' });
  return {
    showGrid(g, fly) {
      highlight.show(g, { fly, padding: 32 });
    },
    clearGrid() {
      highlight.clear();
    },
    setIncidents(incidents, latest, chosen) {
      incidentLayer.set([...incidents], latest, chosen);
    },
    flyToIncident(i) {
      map.flyTo({ center: i.wgs84, zoom: Math.max(map.getZoom(), 17) });
    },
    placeDraft(at) {
      draftMarker.setLngLat(at).addTo(map);
    },
    removeDraft() {
      draftMarker.remove();
    },
    showLocated(at) {
      locateMarker.setLngLat(at).addTo(map);
      map.flyTo({ center: at, zoom: Math.max(map.getZoom(), 16) });
    },
    onPoint(fn) {
      map.on('click', (e) => fn(e.lngLat.lng, e.lngLat.lat));
      draftMarker.on('dragend', () => {
        const p = draftMarker.getLngLat();
        fn(p.lng, p.lat);
      });
    },
  };
}
