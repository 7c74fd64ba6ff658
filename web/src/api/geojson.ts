/** GeoJSON (RFC 7946) as the API writes it: WGS84 longitude/latitude. */
export type Position = [number, number];

export interface Polygon {
  type: 'Polygon';
  coordinates: Position[][];
}
export interface MultiPolygon {
  type: 'MultiPolygon';
  coordinates: Position[][][];
}
export interface Point {
  type: 'Point';
  coordinates: Position;
}
export type Geometry = Polygon | MultiPolygon | Point;

export interface Feature<G extends Geometry, P> {
  type: 'Feature';
  id?: string | number;
  geometry: G;
  properties: P;
}
export interface FeatureCollection<G extends Geometry, P> {
  type: 'FeatureCollection';
  features: Feature<G, P>[];
}
