/** Incidents as points (open ones orange, the one just reported ringed), above the grids. */
import type * as maplibregl from 'maplibre-gl';
import type { GeoJSONSource } from 'maplibre-gl';
import type { Incident } from '../api/types';
import { EMPTY_COLLECTION } from './geometry';

const SOURCE = 'incidents';
export const INCIDENT_COLOUR = '#e8590c';

export interface IncidentLayer {
  set(incidents: Incident[], latest?: number): void;
}

export function addIncidents(map: maplibregl.Map): IncidentLayer {
  map.addSource(SOURCE, { type: 'geojson', data: EMPTY_COLLECTION });
  map.addLayer({
    id: 'incident-points',
    type: 'circle',
    source: SOURCE,
    paint: {
      'circle-radius': ['case', ['get', 'latest'], 8, 5],
      'circle-color': INCIDENT_COLOUR,
      'circle-stroke-color': ['case', ['get', 'latest'], '#1a202c', '#ffffff'],
      'circle-stroke-width': ['case', ['get', 'latest'], 3, 1.5],
    },
  });
  return {
    set(incidents, latest) {
      void map.getSource<GeoJSONSource>(SOURCE)?.setData({
        type: 'FeatureCollection',
        features: incidents.map((i) => ({
          type: 'Feature',
          id: i.id,
          geometry: { type: 'Point', coordinates: i.wgs84 },
          properties: { id: i.id, category: i.category, latest: i.id === latest },
        })),
      });
    },
  };
}
