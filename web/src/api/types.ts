/**
 * Shapes of the gridd API's answers, as the server writes them (see the README's API summary).
 * Geometry is GeoJSON in WGS84 longitude/latitude.
 */
import type { Category, Channel, Crs, Level, PartyOrg, Status, StatusFilter } from './codes';

export type { Feature, FeatureCollection, Geometry, MultiPolygon, Point, Polygon, Position } from './geojson';
import type { Feature, FeatureCollection, MultiPolygon, Point, Polygon } from './geojson';
export * from './generated';
import type { IncidentView, ServerMessage } from './generated';
export type { Fit } from './codes';
import type { Fit } from './codes';

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

/** An incident as the API gives it (generated from the server's `IncidentView`). */
export type Incident = IncidentView;
export type IncidentCollection = FeatureCollection<Point, Incident>;

export interface NewIncident {
  lng: number;
  lat: number;
  crs?: Crs;
  category: Category;
  description?: string;
  channel?: Channel;
}

/** One row of `/api/stats/grids` (generated from the server's `GridMetrics`). */
export type GridStats = import('./generated').GridMetrics;

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

/** A draft as an edit names it: which one, and the version the edit was made on. */
export interface DraftRef {
  id: number;
  version: number;
}

/** A draft (generated from the server's `DraftView`). */
export type Draft = import('./generated').DraftView;

/** A validation defect (generated from the server's `DefectView`). */
export type Defect = import('./generated').DefectView;
