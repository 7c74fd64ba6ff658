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
