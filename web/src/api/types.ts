/**
 * Shapes of the gridd API's answers. Most are generated from the server's Rust types
 * (`generated.ts`, by `make types`; a test fails when they drift); what is left here are
 * GeoJSON wrappers around them, request shapes and names the views use.
 * Geometry is GeoJSON in WGS84 longitude/latitude.
 */
import type { Category, Channel, Crs, Level, StatusFilter } from './codes';

export type { Feature, FeatureCollection, Geometry, MultiPolygon, Point, Polygon, Position } from './geojson';
import type { Feature, FeatureCollection, MultiPolygon, Point, Polygon } from './geojson';
export * from './generated';
import type {
  BuildingProperties,
  CompoundProperties,
  GridDetailProperties,
  GridProperties,
  IncidentView,
} from './generated';
export type { Fit } from './codes';

export type GridFeature = Feature<Polygon | MultiPolygon, GridProperties>;
export type GridCollection = FeatureCollection<Polygon | MultiPolygon, GridProperties>;

/** An officer serving a grid (generated from the server's `OfficerView`). */
export type Officer = import('./generated').OfficerView;
export type GridDetail = Feature<Polygon | MultiPolygon, GridDetailProperties>;

export type CompoundCollection = FeatureCollection<Polygon | MultiPolygon, CompoundProperties>;

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
  /** Only open cases past their due time (超期): density tiles only. */
  overdue?: boolean;
}

/** `[minLng, minLat, maxLng, maxLat]` */
export type Bbox = [number, number, number, number];

/** Coordinate systems a basemap provider can draw in (天地图: CGCS2000; 高德/腾讯: GCJ-02; 百度: BD-09). */
export { BASEMAP_CRSES, type BasemapCrs } from './codes';

/** A draft as an edit names it: which one, and the version the edit was made on. */
export interface DraftRef {
  id: number;
  version: number;
}

/** A draft (generated from the server's `DraftView`). */
export type Draft = import('./generated').DraftView;

/** Who would serve a new grid of a draft, and who may (generated from `DraftStaff`). */
export type DraftStaff = import('./generated').DraftStaff;

/** A validation defect (generated from the server's `DefectView`). */
export type Defect = import('./generated').DefectView;

export type Case = import('./generated').CaseView;
export type KpiAnswer = import('./generated').KpiAnswer;
export type KpiRow = import('./generated').KpiRow;
export type WallAnswer = import('./generated').WallAnswer;
export type NearbyAnswer = import('./generated').NearbyAnswer;
export type NearbyCase = import('./generated').NearbyCase;
export type WallItem = import('./generated').WallItem;
/** What the KPIs are grouped by. */
export type KpiBy = 'grid' | 'department' | 'week' | 'month';
export interface KpiQuery {
  by: KpiBy;
  level?: Level;
  parent?: string;
  /** First local day included, `YYYY-MM-DD`. */
  from?: string;
  /** Last local day included, `YYYY-MM-DD`. */
  to?: string;
}
export type DepartmentInfo = import('./generated').DepartmentView;

/** A step taken on a case, with the fields some actions need. */
export interface CaseStep {
  action: import('./codes').Action;
  version: number;
  note?: string;
  department?: string;
  days?: number;
  duplicate_of?: number;
  satisfaction?: import('./codes').Satisfaction;
}
