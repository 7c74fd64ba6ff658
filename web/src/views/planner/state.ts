/**
 * The planner's view as plain data: the grid and draft the URL names (a draft id that is not
 * a positive whole number reads as none).
 */
import { readers } from '../../lib/url';

/** What a shared or reloaded planner URL restores. */
export interface PlannerUrlState {
  grid: string | null;
  draft: number | null;
}

export function fromParams(params: URLSearchParams): PlannerUrlState {
  const draft = readers.int(params, 'draft', 1, Number.MAX_SAFE_INTEGER, 0);
  return { grid: readers.text(params, 'grid'), draft: draft || null };
}

export function toQuery(s: PlannerUrlState): Record<string, string | number | null> {
  return { grid: s.grid, draft: s.draft };
}

/** Units picked by the brush in the selected grid, and the neighbour they would move to. */
export interface Brush {
  units: string[];
  to: string | null;
}

/** A building clicked while brushing: picked if it was not, dropped if it was. */
export function toggleUnit(brush: Brush, id: string): Brush {
  return { ...brush, units: brush.units.includes(id) ? brush.units.filter((u) => u !== id) : [...brush.units, id] };
}

/** Grids listed for a merge or balance, the selected one added once. */
export function withMergeCode(codes: readonly string[], code: string | null): string[] {
  return code && !codes.includes(code) ? [...codes, code] : [...codes];
}

/** The grids tinted over and under the band on the map: not those a draft retires or a preview redraws. */
export function bandTints(
  grids: readonly { code: string; fit: string }[],
  hidden: readonly string[],
): { over: string[]; under: string[] } {
  const skip = new Set(hidden);
  const of = (fit: string) => grids.filter((g) => g.fit === fit && !skip.has(g.code)).map((g) => g.code);
  return { over: of('over'), under: of('under') };
}
