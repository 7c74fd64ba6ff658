// What the cluster tests read from a server: the count in its density tile around a point,
// its statistics, a point inside a grid or a building.
import { PbfReader } from '../../../web/node_modules/pbf/index.js';
import { VectorTile } from '../../../web/node_modules/@mapbox/vector-tile/index.js';
import { call } from './cluster.mjs';

/** The z/x/y of the Web Mercator tile holding (lng, lat). */
export function tileOf(lng, lat, z) {
  const n = 2 ** z;
  const x = Math.floor(((lng + 180) / 360) * n);
  const r = (lat * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
  return { z, x, y };
}

/** The incidents a server's density tile counts around (lng, lat), decoded from its MVT. */
export async function tileCount(base, token, [lng, lat], z = 15) {
  const { x, y } = tileOf(lng, lat, z);
  const res = await fetch(`${base}/tiles/density/${z}/${x}/${y}.mvt`, { headers: { authorization: `Bearer ${token}` } });
  if (res.status === 204) return 0;
  if (!res.ok) throw new Error(`density tile: ${res.status}`);
  const tile = new VectorTile(new PbfReader(new Uint8Array(await res.arrayBuffer())));
  const layer = tile.layers.density;
  let sum = 0;
  for (let i = 0; layer && i < layer.length; i += 1) sum += Number(layer.feature(i).properties.count);
  return sum;
}

/** Incidents a server counts in memory (the sum over its level-3 statistics rows). */
export async function statsTotal(base, token) {
  const { status, body } = await call(base, 'GET', '/api/stats/grids?level=3', { token });
  if (status !== 200) throw new Error(`stats: ${status} ${JSON.stringify(body)}`);
  return body.grids.reduce((s, g) => s + g.incidents, 0);
}

/** The statistics row of one grid. */
export async function statsRow(base, token, code) {
  const { body } = await call(base, 'GET', '/api/stats/grids?level=3', { token });
  return body.grids.find((g) => g.code === code);
}

/** The middle of the first ring of a GeoJSON (multi)polygon feature. */
export function middle(feature) {
  const g = feature.geometry;
  const ring = g.type === 'MultiPolygon' ? g.coordinates[0][0] : g.coordinates[0];
  const pts = ring.slice(0, -1);
  return [pts.reduce((s, p) => s + p[0], 0) / pts.length, pts.reduce((s, p) => s + p[1], 0) / pts.length];
}
