/** Small geometry helpers on GeoJSON positions: bounding boxes and a point to aim at. */
import type { Bbox, Geometry, Position } from '../api/types';

function positions(g: Geometry): Position[] {
  switch (g.type) {
    case 'Point':
      return [g.coordinates];
    case 'Polygon':
      return g.coordinates.flat();
    case 'MultiPolygon':
      return g.coordinates.flat(2);
  }
}

/** The bounding box of some geometries, or null when they hold no position. */
export function bboxOf(geometries: Geometry[]): Bbox | null {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const g of geometries) {
    for (const [x, y] of positions(g)) {
      if (x < minX) minX = x;
      if (y < minY) minY = y;
      if (x > maxX) maxX = x;
      if (y > maxY) maxY = y;
    }
  }
  return Number.isFinite(minX) ? [minX, minY, maxX, maxY] : null;
}

/** Does `outer` hold all of `inner`? */
export function bboxContains(outer: Bbox, inner: Bbox): boolean {
  return outer[0] <= inner[0] && outer[1] <= inner[1] && outer[2] >= inner[2] && outer[3] >= inner[3];
}

/** `b` grown by `share` of its size on every side. */
export function bboxPad(b: Bbox, share: number): Bbox {
  const dx = (b[2] - b[0]) * share;
  const dy = (b[3] - b[1]) * share;
  return [b[0] - dx, b[1] - dy, b[2] + dx, b[3] + dy];
}

export const EMPTY_COLLECTION = { type: 'FeatureCollection' as const, features: [] };
