/**
 * The grid officer's view as plain data: the grid the URL names, and which level-3 grid
 * holds a located point.
 */
import type { GridRef } from '../../api/types';
import { readers } from '../../lib/url';

/** What a shared or reloaded officer URL restores. */
export interface OfficerUrlState {
  grid: string | null;
}

export function fromParams(params: URLSearchParams): OfficerUrlState {
  return { grid: readers.text(params, 'grid') };
}

export function toQuery(s: OfficerUrlState): Record<string, string | null> {
  return { grid: s.grid };
}

/** The level-3 grid among the grids holding a point, if any. */
export function level3(grids: readonly GridRef[]): string | undefined {
  return grids.find((g) => g.level === 3)?.code;
}

/** A grid as the officer's list shows it. */
export interface GridChoice {
  code: string;
  name: string;
}

/**
 * A grid name or a query without what every name has (社区, 第, 网格, 一级/二级/三级), spaces and
 * dash variants, lower-cased: so "英山1-2" finds 英山社区第1-2网格.
 */
export function nameKey(s: string): string {
  return s
    .toLowerCase()
    .replace(/[－—–]/g, '-')
    .replace(/\s+/g, '')
    .replace(/社区|第|网格|[一二三]级/g, '');
}

/** The grids whose name or code contains what the officer typed (case, spaces and the words
 * every name has ignored). */
export function matchingGrids<G extends { properties: GridChoice }>(grids: readonly G[], query: string): G[] {
  const q = query.trim().toLowerCase();
  if (!q) return [...grids];
  const key = nameKey(q);
  return grids.filter(
    (g) => g.properties.name.toLowerCase().includes(q) || g.properties.code.includes(q) || (key !== '' && nameKey(g.properties.name).includes(key)),
  );
}

/** The one grid a query names exactly (its name, its code, or its name without the words
 * every name has), or null. */
export function exactGrid<G extends { properties: GridChoice }>(grids: readonly G[], query: string): G | null {
  const q = query.trim();
  if (!q) return null;
  const key = nameKey(q);
  const hits = grids.filter((g) => g.properties.name === q || g.properties.code === q || nameKey(g.properties.name) === key);
  return hits.length === 1 ? hits[0] : null;
}

/** Typed coordinates as numbers, or null when either is empty or not a number. */
export function typedPoint(lng: string, lat: string): [number, number] | null {
  const [x, y] = [lng.trim(), lat.trim()];
  if (!x || !y) return null;
  const p: [number, number] = [Number(x), Number(y)];
  return Number.isFinite(p[0]) && Number.isFinite(p[1]) ? p : null;
}

/** Where a report the server filed went: outside every grid, in the officer's grid (it then
 * joins their list), in another grid, or in a grid when the officer has none chosen. */
export type Filed =
  | { kind: 'outside' }
  | { kind: 'here'; grid: string }
  | { kind: 'elsewhere'; grid: string }
  | { kind: 'filed'; grid: string };

export function filed(grids: readonly GridRef[], mine: string | null): Filed {
  const code = level3(grids);
  if (!code) return { kind: 'outside' };
  if (!mine) return { kind: 'filed', grid: code };
  return code.startsWith(mine) ? { kind: 'here', grid: code } : { kind: 'elsewhere', grid: code };
}

/** A grid that a published version redrew: when, in which version, and the grids in force now
 * that took its place. */
export interface Redrawn {
  version: number;
  validFrom: string;
  replacements: string[];
}

/**
 * What became of grid `code` that is no longer in force: the version that retired it and the
 * grids in force now that replace it (the grids that version created under the same level-2
 * grid, followed through later redraws). Null when no version retired it.
 */
export function redrawnAs(
  code: string,
  versions: readonly { version: number; valid_from: string; retired: readonly string[]; created: readonly string[] }[],
  inForce: ReadonlySet<string>,
): Redrawn | null {
  const retiring = (c: string) => [...versions].reverse().find((v) => v.retired.includes(c));
  const first = retiring(code);
  if (!first) return null;
  // The grids version `v` made in place of `c`: those under the same level-2 grid, else all.
  const madeFor = (c: string, v: { created: readonly string[] }): readonly string[] => {
    const made = v.created.filter((n) => n.startsWith(c.slice(0, 12)));
    return made.length ? made : v.created;
  };
  const out = new Set<string>();
  const seen = new Set<string>();
  const follow = (c: string, depth: number): void => {
    if (seen.has(c) || depth > 8) return;
    seen.add(c);
    if (inForce.has(c)) {
      out.add(c);
      return;
    }
    const v = retiring(c);
    if (v) for (const n of madeFor(c, v)) follow(n, depth + 1);
  };
  for (const n of madeFor(code, first)) follow(n, 1);
  return { version: first.version, validFrom: first.valid_from, replacements: [...out].sort() };
}
