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
