/**
 * Shapes of the gridd API's answers, as the server writes them (see the README's API summary).
 * Geometry is GeoJSON in WGS84 longitude/latitude.
 */
import type { Category, Channel, Crs, Level, PartyOrg, Status, StatusFilter } from './codes';

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

export interface GridRef {
  level: Level;
  code: string;
}

export interface GridProperties {
  code: string;
  name: string;
  level: Level;
  parent?: string | null;
  kind?: 'comprehensive' | 'dedicated';
  households: number;
  population: number;
  officers: number;
  /** null when the grid has no officer (a vacancy). */
  households_per_officer: number | null;
  domains?: string[];
}
export type GridFeature = Feature<Polygon | MultiPolygon, GridProperties>;
export type GridCollection = FeatureCollection<Polygon | MultiPolygon, GridProperties>;

export interface Officer {
  id: string;
  name: string;
  role: string;
  role_zh?: string;
  phone?: string;
  grids: string[];
}

export interface GridDetailProperties extends GridProperties {
  incidents: { total: number; open: number; by_status: Partial<Record<Status, number>> };
  officer_list: Officer[];
}
export type GridDetail = Feature<Polygon | MultiPolygon, GridDetailProperties>;

export interface CompoundProperties {
  id: string;
  name: string;
  address?: string;
  households?: number;
  population?: number;
  party_org: PartyOrg;
  party_branch?: string;
  grid?: string;
}
export type CompoundCollection = FeatureCollection<Polygon | MultiPolygon, CompoundProperties>;

export interface BuildingProperties {
  id: string;
  address?: string;
  floors?: number;
  households?: number;
  population?: number;
  compound?: string | null;
  grid?: string;
}
export type BuildingCollection = FeatureCollection<Polygon | MultiPolygon, BuildingProperties>;

export interface Incident {
  id: number;
  wgs84: Position;
  raw: { lng: number; lat: number; crs: Crs | 'cgcs2000' };
  grids: GridRef[];
  compound: string | null;
  building: string | null;
  category: Category;
  description: string | null;
  channel: Channel;
  status: Status;
  reported_at: string;
}
export type IncidentCollection = FeatureCollection<Point, Incident>;

export interface NewIncident {
  lng: number;
  lat: number;
  crs?: Crs;
  category: Category;
  description?: string;
  channel?: Channel;
}

export interface LocateAnswer {
  wgs84: Position;
  raw?: { lng: number; lat: number; crs: string };
  grids: GridRef[];
  compound: { id: string; name: string; party_org: PartyOrg } | null;
  building: { id: string; address: string; households: number; compound?: string | null } | null;
}

/** One row of `/api/stats/grids`: a grid's figures under the current incident filter. */
export interface GridStats {
  code: string;
  name: string;
  incidents: number;
  open: number;
  per_1000_households: number | null;
  households: number;
  population: number;
  officers: number;
  households_per_officer: number | null;
  vacant: boolean;
  compounds: number;
  compounds_without_party_org: number;
  reach_share: number | null;
  gi_star: number | null;
  neighbours: number;
}
export interface StatsAnswer {
  level: Level;
  grids: GridStats[];
}

/** The filters shared by density tiles, grid tiles and statistics. */
export interface IncidentFilter {
  category?: Category | '';
  status?: StatusFilter | '';
  channel?: Channel | '';
  /** First local day included, `YYYY-MM-DD`. */
  from?: string;
  /** Last local day included, `YYYY-MM-DD`. */
  to?: string;
}

/** `[minLng, minLat, maxLng, maxLat]` */
export type Bbox = [number, number, number, number];

/** Coordinate systems a basemap provider can draw in (天地图: CGCS2000; 高德/腾讯: GCJ-02; 百度: BD-09). */
export const BASEMAP_CRSES = ['cgcs2000', 'wgs84', 'gcj02', 'bd09'] as const;
export type BasemapCrs = (typeof BASEMAP_CRSES)[number];

/** `/api/basemap/check`: a tile URL read into templates, and how its CRS misplaces our data. */
export interface BasemapAnswer {
  scheme: 'xyz' | 'wmts-kvp' | 'wmts-rest';
  tiles: string[];
  crs: BasemapCrs;
  misplacement: 'none' | 'shifted' | 'shifted_and_retiled';
  offset_m: number;
}

// ---- planning

export type Fit = 'under' | 'within' | 'over';

export interface OutOfBandGrid {
  code: string;
  name: string;
  value: number;
  fit: Fit;
  households: number;
  population: number;
  officers: number;
}

export interface OutOfBandAnswer {
  band: { min: number; max: number };
  by: 'households' | 'population';
  count: number;
  over: number;
  grids: OutOfBandGrid[];
}

export interface PlanUnit {
  id: string;
  kind: 'compound' | 'building';
  name: string;
  households: number;
  population: number;
}

export interface PartProperties {
  part: number;
  code: string;
  households: number;
  population: number;
  value: number;
  fit: Fit;
  polsby_popper: number;
  units: PlanUnit[];
}

export interface SplitPreview {
  code: string;
  k: number;
  parts: FeatureCollection<Polygon | MultiPolygon, PartProperties>;
  problems: string[];
  /** `problems` as codes with params, to show in the user's language. */
  reasons?: ServerMessage[];
  divided: string[];
}

export interface DraftGridProperties {
  code: string;
  name: string;
  households: number;
  population: number;
  fit: Fit;
  polsby_popper: number;
  contiguous: boolean;
  replaces: string[];
  households_before: number;
  /** Officers it would have once published (those of the grid it inherits from). */
  officers: number;
}

/** A draft as an edit names it: which one, and the version the edit was made on. */
export interface DraftRef {
  id: number;
  version: number;
}

export interface Draft {
  id: number;
  name: string;
  base_version: number;
  /** Increases with every saved edit; an edit made on an older version is refused (409). */
  version: number;
  operations: number;
  cursor: number;
  can_undo: boolean;
  can_redo: boolean;
  retired: string[];
  grids: FeatureCollection<Polygon | MultiPolygon, DraftGridProperties>;
  /** Why the draft no longer applies (another version changed its grids), or null. */
  stale: string | null;
  problems?: string[];
  reasons?: ServerMessage[];
  divided?: string[];
  /** After fixing every oversized grid: how many were split, redrawn with a neighbour, left. */
  fixed?: { split: number; paired: number; unfixed: { code: string; reason: string; reasons?: ServerMessage[] }[]; seconds: number };
}

export interface DraftSummary {
  id: number;
  name: string;
  base_version: number;
  operations: number;
  updated_at: string;
}

/** A sentence the server sends as a code with its figures (and in English, for logs). */
export interface ServerMessage {
  code: string;
  params: Record<string, string | number>;
  message: string;
}

export interface Defect {
  kind: string;
  feature: string;
  message: string;
  at: Position | null;
  /** The figures of the message; `kind` names its template (`defect.<kind>` in i18n). */
  params?: Record<string, string | number>;
}

export interface Validation {
  valid: boolean;
  errors: Defect[];
  warnings: Defect[];
}

export interface Published {
  version: number;
  valid_from: string;
  retired: string[];
  created: string[];
}

export interface GridVersionInfo {
  version: number;
  valid_from: string;
  published_at: string;
  note: string;
  retired: string[];
  created: string[];
}
