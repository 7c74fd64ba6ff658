/**
 * Typed client for the gridd API. Every call either returns the parsed answer or throws an
 * `ApiError` whose message can be shown to a person as it is: the server's own
 * `{"error","message"}` when it sent one, otherwise what went wrong on the way.
 */
import type {
  DraftRef,
  BasemapAnswer,
  BasemapCrs,
  Bbox,
  Draft,
  DraftStaff,
  DraftSummary,
  GridVersionInfo,
  OutOfBandAnswer,
  Published,
  SplitPreview,
  Validation,
  BuildingCollection,
  CompoundCollection,
  GridCollection,
  GridDetail,
  Incident,
  IncidentCollection,
  IncidentFilter,
  LocateAnswer,
  NewIncident,
  StatsAnswer,
  Case,
  CaseStep,
  DepartmentInfo,
  KpiAnswer,
  NearbyAnswer,
  KpiQuery,
  WallAnswer,
} from './types';
import { misfit, type Shape } from './check';
import { toLogin } from './session';
import type { Category, Crs, Level } from './codes';

export class ApiError extends Error {
  /** HTTP status, or 0 when the server could not be reached. */
  readonly status: number;
  /** The server's error kind (`invalid_parameter`, `not_found`, …) or `network`/`bad_answer`. */
  readonly kind: string;
  /** What is wrong as a message code with its figures, where the server gives one. */
  readonly said?: { code: string; params: Record<string, unknown> };

  constructor(status: number, kind: string, message: string, said?: { code: string; params: Record<string, unknown> }) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.kind = kind;
    this.said = said;
  }
}

type Query = Record<string, string | number | undefined | null>;

/** Builds `path?query`, leaving out empty values: the server refuses nothing it was not sent. */
export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/** Sends a request and reads its answer: the status and the body parsed as JSON (if any). */
async function send(path: string, init: RequestInit | undefined): Promise<{ res: Response; body: unknown }> {
  let res: Response;
  try {
    res = await fetch(path, { ...init, headers: { Accept: 'application/json', ...init?.headers } });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', `${path}: ${(e as Error).message}`);
  }
  const text = await res.text();
  let body: unknown = undefined;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  // The session ended (idle, logged out elsewhere): to the login page, and back here after.
  if (res.status === 401) toLogin();
  if (!res.ok) {
    const err = body as
      | { error?: string; message?: string; code?: unknown; params?: unknown; field?: unknown }
      | undefined;
    const said =
      typeof err?.code === 'string'
        ? {
            code: err.code,
            params: {
              ...(typeof err.params === 'object' && err.params !== null ? (err.params as Record<string, unknown>) : {}),
              ...(typeof err.field === 'string' ? { field: err.field } : {}),
            },
          }
        : undefined;
    throw new ApiError(
      res.status,
      err?.error ?? `http_${res.status}`,
      err?.message ?? `${path}: HTTP ${res.status} ${res.statusText}`,
      said,
    );
  }
  return { res, body };
}

async function request<T>(path: string, init: RequestInit | undefined, shape: Shape): Promise<T> {
  const { res, body } = await send(path, init);
  if (body === undefined) throw new ApiError(res.status, 'bad_answer', `${path}: the answer is not JSON`);
  const wrong = misfit(body, shape);
  if (wrong) throw new ApiError(res.status, 'bad_answer', `${path}: the answer ${wrong}`);
  return body as T;
}

/** China Standard Time: the sample city's days start at 00:00 UTC+8. */
const LOCAL_OFFSET = '+08:00';

function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/**
 * The filter as query parameters. Dates are local days, both ends included: the server's `to`
 * is exclusive, so the day after the last one is sent.
 */
export function filterQuery(f: IncidentFilter): Query {
  return {
    category: f.category,
    status: f.status,
    channel: f.channel,
    from: f.from ? `${f.from}T00:00:00${LOCAL_OFFSET}` : undefined,
    to: f.to ? `${nextDay(f.to)}T00:00:00${LOCAL_OFFSET}` : undefined,
  };
}

/** The KPI query as parameters (local days, `to` included, as in `filterQuery`). */
export function kpiQuery(q: KpiQuery): Query {
  return {
    by: q.by,
    level: q.by === 'grid' ? q.level : undefined,
    parent: q.parent,
    ...filterQuery({ from: q.from, to: q.to }),
  };
}

/** Where the KPI table downloads as CSV. */
export function kpiCsvUrl(q: KpiQuery): string {
  return withQuery('/api/stats/kpis', { ...kpiQuery(q), format: 'csv' });
}

/** An absolute URL: map tiles are fetched from a web worker, where relative URLs do not resolve. */
function absolute(path: string): string {
  return new URL(path, window.location.origin).href;
}

/**
 * The tile template for incident density (layer `density`, cells with `count`). MapLibre draws
 * a vector tile 512 px wide, so 64 bins a side keep a cell at 8 px on screen.
 */
export function densityTilesUrl(f: IncidentFilter, bins = 64): string {
  const overdue = f.overdue ? 'true' : undefined;
  return absolute(withQuery('/tiles/density/{z}/{x}/{y}.mvt', { ...filterQuery(f), overdue, bins })).replace(
    /%7B([xyz])%7D/g,
    '{$1}',
  );
}

/** The tile template for basemap roads (layer `roads`, with `class` and `name`). */
export function roadTilesUrl(): string {
  return absolute('/tiles/roads/{z}/{x}/{y}.mvt').replace(/%7B([xyz])%7D/g, '{$1}');
}

/** The tile template for grid outlines of a level with their metrics (layer `grids`). */
export function gridTilesUrl(level: Level, f: IncidentFilter = {}): string {
  return absolute(withQuery('/tiles/grids/{z}/{x}/{y}.mvt', { level, ...filterQuery(f) })).replace(
    /%7B([xyz])%7D/g,
    '{$1}',
  );
}

/** Options of a split: parts wanted (none: as the band asks) and the band. */
export interface SplitOptions {
  k?: number;
  min?: number;
  max?: number;
  by?: string;
}

/** The fields every draft answer has. */
const DRAFT: Shape = ['id', 'version', 'grids', 'retired', 'can_undo', 'can_redo'];

/** A JSON POST. */
function json(body: unknown, signal?: AbortSignal): RequestInit {
  return { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), signal };
}

function bboxParam(b: Bbox): string {
  return b.map((v) => v.toFixed(6)).join(',');
}

export const api = {
  /** Grids in force at `level`, those under `parent` only when given. */
  grids(level: Level, signal?: AbortSignal, parent?: string): Promise<GridCollection> {
    return request(withQuery('/api/grids', { level, parent }), { signal }, 'FeatureCollection');
  },
  grid(code: string, signal?: AbortSignal): Promise<GridDetail> {
    return request(`/api/grids/${encodeURIComponent(code)}`, { signal }, 'Feature');
  },
  compounds(bbox: Bbox, signal?: AbortSignal): Promise<CompoundCollection> {
    return request(withQuery('/api/compounds', { bbox: bboxParam(bbox) }), { signal }, 'FeatureCollection');
  },
  buildings(bbox: Bbox, signal?: AbortSignal): Promise<BuildingCollection> {
    return request(withQuery('/api/buildings', { bbox: bboxParam(bbox) }), { signal }, 'FeatureCollection');
  },
  /** Incidents reported in `grid` (or under it), newest first; `status` may be `open`. */
  /** The incidents inside a grid as it is drawn now (an officer's list, also after a publish). */
  incidents(
    grid: string,
    opts: { limit?: number; status?: string },
    signal?: AbortSignal,
  ): Promise<IncidentCollection> {
    return request(withQuery('/api/incidents', { grid, boundaries: 'current', ...opts }), { signal }, 'FeatureCollection');
  },
  report(report: NewIncident): Promise<Incident> {
    return request('/api/incidents', json(report), ['id', 'grids', 'current_grids', 'status']);
  },
  locate(lng: number, lat: number, crs: Crs, signal?: AbortSignal): Promise<LocateAnswer> {
    return request(withQuery('/api/locate', { lng, lat, crs }), { signal }, ['wgs84', 'grids', 'compound', 'building']);
  },
  /** The basemap this server was configured with, if any. */
  basemap(signal?: AbortSignal): Promise<{ configured: (BasemapAnswer & { url: string; attribution: string | null }) | null }> {
    return request('/api/basemap', { signal }, ['configured']);
  },
  /** What a pasted tile URL would draw, and how far its CRS sets our data off at (lng, lat). */
  checkBasemap(url: string, crs: BasemapCrs, at: [number, number], signal?: AbortSignal): Promise<BasemapAnswer> {
    return request(withQuery('/api/basemap/check', { url, crs, lng: at[0].toFixed(5), lat: at[1].toFixed(5) }), { signal }, ['scheme', 'tiles', 'crs', 'offset_m']);
  },
  oversized(min: number, max: number, by: string, signal?: AbortSignal): Promise<OutOfBandAnswer> {
    return request(withQuery('/api/plan/oversized', { min, max, by }), { signal }, ['band', 'grids']);
  },
  previewSplit(code: string, opts: SplitOptions, signal?: AbortSignal): Promise<SplitPreview> {
    return request('/api/plan/split', json({ code, ...opts }, signal), ['parts', 'problems']);
  },
  drafts(): Promise<{ drafts: DraftSummary[] }> {
    return request('/api/drafts', undefined, ['drafts']);
  },
  draft(id: number): Promise<Draft> {
    return request(`/api/drafts/${id}`, undefined, DRAFT);
  },
  createDraft(name: string): Promise<Draft> {
    return request('/api/drafts', json({ name }), DRAFT);
  },
  renameDraft(id: number, name: string): Promise<Draft> {
    return request(`/api/drafts/${id}`, { ...json({ name }), method: 'PATCH' }, DRAFT);
  },
  /** Deletes a draft (204, no body); a refusal throws as any other answer would. */
  async deleteDraft(id: number): Promise<void> {
    await send(`/api/drafts/${id}`, { method: 'DELETE' });
  },
  splitInDraft(d: DraftRef, code: string, opts: SplitOptions): Promise<Draft> {
    return request(`/api/drafts/${d.id}/split`, json({ code, ...opts, version: d.version }), DRAFT);
  },
  mergeInDraft(d: DraftRef, codes: string[]): Promise<Draft> {
    return request(`/api/drafts/${d.id}/merge`, json({ codes, version: d.version }), DRAFT);
  },
  moveInDraft(d: DraftRef, from: string, to: string, units: string[]): Promise<Draft> {
    return request(`/api/drafts/${d.id}/move`, json({ from, to, units, version: d.version }), DRAFT);
  },
  cutInDraft(d: DraftRef, code: string, line: [number, number][]): Promise<Draft> {
    return request(`/api/drafts/${d.id}/cut`, json({ code, line, version: d.version }), DRAFT);
  },
  /** Undoes published version `undoVersion` in the draft: its grids retired, the ones it retired back. */
  restoreInDraft(d: DraftRef, undoVersion: number): Promise<Draft> {
    return request(`/api/drafts/${d.id}/restore`, json({ undo_version: undoVersion, version: d.version }), DRAFT);
  },
  /** Who would serve new grid `grid` of a draft, and the officers of its community who may. */
  draftStaff(id: number, grid: string): Promise<DraftStaff> {
    return request(`/api/drafts/${id}/officers?grid=${encodeURIComponent(grid)}`, undefined, ['grid', 'staff', 'candidates']);
  },
  /** Exactly these officers serve new grid `grid` once published; none goes back to the default. */
  staffInDraft(d: DraftRef, grid: string, officers: string[]): Promise<Draft> {
    return request(`/api/drafts/${d.id}/officers`, json({ grid, officers, version: d.version }), DRAFT);
  },
  balanceInDraft(d: DraftRef, codes: [string, string]): Promise<Draft> {
    return request(`/api/drafts/${d.id}/balance`, json({ codes, version: d.version }), DRAFT);
  },
  fixAll(d: DraftRef, opts: SplitOptions): Promise<Draft> {
    return request(`/api/drafts/${d.id}/fix`, json({ min: opts.min, max: opts.max, by: opts.by, version: d.version }), DRAFT);
  },
  undo(d: DraftRef): Promise<Draft> {
    return request(`/api/drafts/${d.id}/undo`, json({ version: d.version }), DRAFT);
  },
  redo(d: DraftRef): Promise<Draft> {
    return request(`/api/drafts/${d.id}/redo`, json({ version: d.version }), DRAFT);
  },
  validateDraft(id: number): Promise<Validation> {
    return request(`/api/drafts/${id}/validate`, undefined, ['valid', 'errors', 'warnings']);
  },
  publish(d: DraftRef, validFrom: string, note: string): Promise<Published> {
    return request(`/api/drafts/${d.id}/publish`, json({ valid_from: validFrom || undefined, note: note || undefined, version: d.version }), ['version', 'created']);
  },
  versions(): Promise<{ versions: GridVersionInfo[] }> {
    return request('/api/versions', undefined, ['versions']);
  },
  /** The cases waiting on the caller's next step, newest first. */
  myCases(signal?: AbortSignal): Promise<IncidentCollection> {
    return request(withQuery('/api/incidents', { assignee: 'me', limit: 200 }), { signal }, 'FeatureCollection');
  },
  case(id: number, signal?: AbortSignal): Promise<Case> {
    return request(`/api/incidents/${id}`, { signal }, ['id', 'version', 'actions', 'history']);
  },
  step(id: number, step: CaseStep): Promise<Case> {
    return request(`/api/incidents/${id}/transitions`, json(step), ['id', 'version', 'actions', 'history']);
  },
  /** The incidents the signed-in person reported, newest first. */
  myReports(signal?: AbortSignal): Promise<IncidentCollection> {
    return request(withQuery('/api/incidents', { reporter: 'me', limit: 200 }), { signal }, 'FeatureCollection');
  },
  /** Open cases filed under a grid (only those past due with `overdue`). */
  gridCases(grid: string, overdue: boolean, signal?: AbortSignal): Promise<IncidentCollection> {
    const q = { grid, status: 'open', overdue: overdue ? 'true' : undefined, limit: 200 };
    return request(withQuery('/api/incidents', q), { signal }, 'FeatureCollection');
  },
  kpis(q: KpiQuery, signal?: AbortSignal): Promise<KpiAnswer> {
    return request(withQuery('/api/stats/kpis', kpiQuery(q)), { signal }, ['by', 'rows', 'total']);
  },
  /** Open cases of a category within 250 m of a point, nearest first (possible duplicates). */
  nearby(at: [number, number], category: Category, signal?: AbortSignal): Promise<NearbyAnswer> {
    const q = { lng: at[0].toFixed(7), lat: at[1].toFixed(7), category };
    return request(withQuery('/api/incidents/nearby', q), { signal }, ['cases']);
  },
  /** The public problem wall (no login needed). */
  wall(signal?: AbortSignal): Promise<WallAnswer> {
    return request(withQuery('/api/wall', { limit: 100 }), { signal }, ['problems']);
  },
  departments(): Promise<{ departments: DepartmentInfo[] }> {
    return request('/api/departments', undefined, ['departments']);
  },
  stats(level: Level, f: IncidentFilter, signal?: AbortSignal): Promise<StatsAnswer> {
    return request(withQuery('/api/stats/grids', { level, ...filterQuery(f) }), { signal }, ['level', 'grids']);
  },
};
