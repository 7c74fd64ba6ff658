/**
 * Checking an answer at the boundary: before a body is treated as the type the view expects,
 * it must at least be the right kind of JSON value with the fields that type requires. A
 * server (or proxy) answering with something else is reported as `bad_answer`, in words,
 * instead of failing later inside a view.
 */

/** What an answer must look like: a GeoJSON feature (collection), or an object with these fields. */
export type Shape = 'FeatureCollection' | 'Feature' | readonly string[];

/** What is wrong with `body` for `shape`, or null when it conforms. */
export function misfit(body: unknown, shape: Shape): string | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return `is ${Array.isArray(body) ? 'an array' : typeof body === 'object' ? 'null' : `a ${typeof body}`}, not an object`;
  }
  const o = body as Record<string, unknown>;
  if (shape === 'FeatureCollection') {
    if (o.type !== 'FeatureCollection' || !Array.isArray(o.features)) return 'is not a GeoJSON FeatureCollection';
    return null;
  }
  if (shape === 'Feature') {
    if (o.type !== 'Feature' || typeof o.properties !== 'object' || o.properties === null) return 'is not a GeoJSON Feature';
    return null;
  }
  const missing = shape.filter((k) => !(k in o));
  return missing.length ? `lacks ${missing.join(', ')}` : null;
}
