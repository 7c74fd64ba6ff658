/** Incidents as points (open ones orange, the one just reported ringed dark, the one chosen in
 * the list ringed blue and larger), above the grids. */
import type * as maplibregl from 'maplibre-gl';
import type { GeoJSONSource } from 'maplibre-gl';
import type { Incident } from '../api/types';
import { EMPTY_COLLECTION } from './geometry';

const SOURCE = 'incidents';
export const INCIDENT_COLOUR = '#e8590c';
/** The ring of the incident chosen in the list. */
export const CHOSEN_COLOUR = '#2b6cb0';

export interface IncidentLayer {
  set(incidents: Incident[], latest?: number, chosen?: number): void;
}

export function addIncidents(map: maplibregl.Map): IncidentLayer {
  map.addSource(SOURCE, { type: 'geojson', data: EMPTY_COLLECTION });
  map.addLayer({
    id: 'incident-points',
    type: 'circle',
    source: SOURCE,
    paint: {
      'circle-radius': ['case', ['get', 'chosen'], 10, ['get', 'latest'], 8, 5],
      'circle-color': INCIDENT_COLOUR,
      'circle-stroke-color': ['case', ['get', 'chosen'], CHOSEN_COLOUR, ['get', 'latest'], '#1a202c', '#ffffff'],
      'circle-stroke-width': ['case', ['get', 'chosen'], 4, ['get', 'latest'], 3, 1.5],
    },
  });
  return {
    set(incidents, latest, chosen) {
      // The chosen one last, so it is drawn above its neighbours.
      const ordered = [...incidents.filter((i) => i.id !== chosen), ...incidents.filter((i) => i.id === chosen)];
      void map.getSource<GeoJSONSource>(SOURCE)?.setData({
        type: 'FeatureCollection',
        features: ordered.map((i) => ({
          type: 'Feature',
          id: i.id,
          geometry: { type: 'Point', coordinates: i.wgs84 },
          properties: { id: i.id, category: i.category, latest: i.id === latest, chosen: i.id === chosen },
        })),
      });
    },
  };
}
