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

/** The largest bound the band form takes (households or people of one grid). */
export const BAND_LIMIT = 100_000;

/** The band as typed, checked before anything is asked of the server. */
export type BandCheck =
  | { ok: true; min: number; max: number }
  | { ok: false; field: 'min' | 'max'; problem: 'number' | 'inverted' };

/**
 * Reads the band's two fields: each a whole number from 1 to {@link BAND_LIMIT} (an empty
 * field, letters, a fraction or a number too large are refused, never quietly replaced),
 * and the lower bound not above the upper.
 */
export function readBand(minText: string, maxText: string): BandCheck {
  const read = (text: string): number | null => {
    const s = text.trim();
    if (!/^\d{1,6}$/.test(s)) return null;
    const n = Number(s);
    return n >= 1 && n <= BAND_LIMIT ? n : null;
  };
  const min = read(minText);
  if (min === null) return { ok: false, field: 'min', problem: 'number' };
  const max = read(maxText);
  if (max === null) return { ok: false, field: 'max', problem: 'number' };
  if (min > max) return { ok: false, field: 'min', problem: 'inverted' };
  return { ok: true, min, max };
}

/** What publishing a draft would change, shown for the planner to confirm first. */
export interface PublishSummary {
  retired: number;
  created: number;
  /** Officers serving the new grids' households (those of the grids they replace, or chosen). */
  officersServing: number;
  /** New grids whose officers the planner chose. */
  staffed: number;
  /** New grids no officer would serve. */
  vacant: string[];
  /** Officers of retired grids who would serve no grid once published. */
  unplaced: string[];
  /** Compounds lying in more than one level-3 grid once published (the validation's warnings). */
  straddling: string[];
}

export function publishSummary(
  draft: {
    retired: readonly string[];
    grids: { features: readonly { properties: { code: string; officers: number; staffed: boolean } }[] };
    unplaced: readonly { name: string }[];
  },
  warnings: readonly { kind: string; feature: string; params?: Record<string, unknown> }[],
): PublishSummary {
  const grids = draft.grids.features.map((f) => f.properties);
  return {
    retired: draft.retired.length,
    created: grids.length,
    officersServing: grids.reduce((n, g) => n + g.officers, 0),
    staffed: grids.filter((g) => g.staffed).length,
    vacant: grids.filter((g) => g.officers === 0).map((g) => g.code),
    unplaced: draft.unplaced.map((o) => o.name),
    // By name where the validator gives it (compound_straddles carries the compound's name).
    straddling: warnings.filter((w) => w.kind === 'compound_straddles').map((w) => (typeof w.params?.name === 'string' ? w.params.name : w.feature)),
  };
}

/**
 * The grids a draft retires grouped by community (the part of the name up to 社区, else
 * the level-2 grid the code belongs to), each with its name where it is known.
 */
export function retiredGroups(
  codes: readonly string[],
  names: ReadonlyMap<string, string>,
): { group: string; grids: { code: string; name: string | null }[] }[] {
  const groups = new Map<string, { code: string; name: string | null }[]>();
  for (const code of codes) {
    const name = names.get(code) ?? null;
    const at = name?.indexOf('社区') ?? -1;
    const group = name && at > 0 ? name.slice(0, at + 2) : code.slice(0, 12);
    groups.set(group, [...(groups.get(group) ?? []), { code, name }]);
  }
  return [...groups.entries()].map(([group, grids]) => ({ group, grids }));
}
