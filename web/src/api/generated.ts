// Generated from the Rust types in server/src/http/contract.rs (and app::metrics) by
// `make types`; do not edit. A test fails when this file and the types drift apart.
import type { BasemapCrs, Category, Channel, Crs, Fit, Level, PartyOrg, Status } from './codes';
import type { FeatureCollection, MultiPolygon, Polygon, Position } from './geojson';

export type GridRef = { level: Level, code: string, };

export type RawCoordView = { lng: number, lat: number, crs: Crs | 'cgcs2000', };

export type CompoundRef = { id: string, name?: string, party_org?: PartyOrg, };

export type BuildingRef = { id: string, address?: string, households?: number, 
/**
 * The compound the building belongs to (null: none), when the engine knows the building.
 */
compound?: string | null, };

export type LocateAnswer = { wgs84: Position, raw: RawCoordView, grids: Array<GridRef>, compound: CompoundRef | null, building: BuildingRef | null, };

export type IncidentView = { id: number, wgs84: Position, raw: RawCoordView, grids: Array<GridRef>, current_grids: Array<GridRef>, compound: string | null, building: string | null, category: Category, description: string, channel: Channel, status: Status, reported_at: string, 
/**
 * The account login or `token:<name>` that posted it.
 */
reported_by: string | null, 
/**
 * The reporter's name and phone: whole for the dispatcher, the admin and the department
 * handling the case; masked (`王**`, `138****5678`) for everyone else.
 */
reporter_name: string | null, reporter_phone: string | null, 
/**
 * In the answer to a report only: open cases of the same category within 250 m,
 * nearest first, that the reporter may see (possible duplicates).
 */
possible_duplicates?: Array<NearbyCase>, };

export type CaseEventView = { at: string, actor: string, action: string, from_status: Status, to_status: Status, note: string, due_at: string | null, };

export type CaseView = { version: number, 
/**
 * `urgent` (紧急) or `normal` (一般).
 */
urgency: string, department: string | null, dispatched_at: string | null, due_at: string | null, 
/**
 * Open and past its due time.
 */
overdue: boolean, 
/**
 * 即将超期: open and due within the next 4 working hours.
 */
due_soon: boolean, signed: boolean, extension_pending: boolean, 
/**
 * `resolved`, `rejected` or `duplicate` once closed.
 */
outcome: string | null, supervised: boolean, self_handled: boolean, returns: number, reworks: number, duplicate_of: number | null, 
/**
 * `satisfied` (满意), `basic` (基本满意) or `dissatisfied` (不满意) once evaluated.
 */
satisfaction: string | null, 
/**
 * The actions the caller may take now.
 */
actions: Array<string>, history: Array<CaseEventView>, id: number, wgs84: Position, raw: RawCoordView, grids: Array<GridRef>, current_grids: Array<GridRef>, compound: string | null, building: string | null, category: Category, description: string, channel: Channel, status: Status, reported_at: string, 
/**
 * The account login or `token:<name>` that posted it.
 */
reported_by: string | null, 
/**
 * The reporter's name and phone: whole for the dispatcher, the admin and the department
 * handling the case; masked (`王**`, `138****5678`) for everyone else.
 */
reporter_name: string | null, reporter_phone: string | null, 
/**
 * In the answer to a report only: open cases of the same category within 250 m,
 * nearest first, that the reporter may see (possible duplicates).
 */
possible_duplicates?: Array<NearbyCase>, };

export type DepartmentView = { name: string, categories: Category[], };

export type DepartmentsAnswer = { departments: Array<DepartmentView>, };

export type CalendarAnswer = { 
/**
 * `false` once an administrator replaced the shipped calendar.
 */
shipped: boolean, timezone: string, 
/**
 * `[["08:30","12:00"],["14:00","17:30"]]`.
 */
office_hours: Array<[string, string]>, 
/**
 * Holidays and worked weekend days (调休), by date.
 */
days: Array<CalendarDayView>, 
/**
 * Every category and urgency with its limit in force.
 */
limits: Array<LimitView>, };

export type CalendarDayView = { 
/**
 * `YYYY-MM-DD`.
 */
date: string, kind: 'holiday' | 'workday', name: string, };

export type LimitView = { category: Category, urgency: 'urgent' | 'normal', unit: 'working_hours' | 'working_days' | 'clock_hours', amount: number, 
/**
 * Not set by an administrator.
 */
is_default: boolean, };

export type NearbyCase = { id: number, distance_m: number, status: Status, category: Category, 
/**
 * Where it is, WGS84 `[lng, lat]` (1e-7°).
 */
wgs84: Position, };

export type NearbyAnswer = { cases: Array<NearbyCase>, };

export type KpiRow = { key: string, name: string, counts: Record<string, number>, rates: Record<string, number | null>, };

export type KpiAnswer = { 
/**
 * `grid`, `department`, `week` or `month`.
 */
by: string, level: Level | null, rows: Array<KpiRow>, total: KpiRow, };

export type OutboxLineView = { seq: number, incident: number, order_no: string, at: string, action: string, status: Status, note: string, };

export type OutboxAnswer = { lines: Array<OutboxLineView>, };

export type WallItem = { id: number, category: Category, category_zh: string, 
/**
 * The compound it was reported in, else its level-3 grid's name.
 */
place: string, department: string | null, status: Status, status_zh: string, 
/**
 * The day it was reported (China Standard Time).
 */
reported_on: string, due_at: string | null, overdue: boolean, outcome: string | null, satisfaction: string | null, };

export type WallAnswer = { problems: Array<WallItem>, };

export type HealthAnswer = { 
/**
 * `ok`, or `degraded` when the store cannot be reached or this server is behind the
 * change feed (then `reason` says why, and the counts are the last ones read).
 */
status: string, reason?: string, 
/**
 * The last change line this server has applied (servers on one store compare it).
 */
changes_applied: number, store: string, 
/**
 * Grids per level: `{"1": …, "2": …, "3": …}`.
 */
grids: { '1': number; '2': number; '3': number }, compounds: number, buildings: number, officers: number, service_centres: number, incidents: number, };

export type SessionView = { 
/**
 * The account's login, or `token:<name>` for a machine token.
 */
login: string, role: string, role_zh: string, 
/**
 * Comma-separated county codes, grid codes or categories; `*` for everything.
 */
scope: string, display_name: string, officer: string | null, 
/**
 * The grids the account's officer serves now (empty without one): the officer view opens
 * on the first when the address and the device name none.
 */
officer_grids: Array<string>, department: string | null, };

export type AuditLine = { id: number, at: string, actor: string, kind: string, object: string, summary: string, source: string, };

export type AuditAnswer = { entries: Array<AuditLine>, };

export type GridProperties = { code: string, name: string, level: Level, parent: string | null, kind: 'comprehensive' | 'dedicated', households: number, population: number, officers: number, 
/**
 * null when the grid has no officer (a vacancy).
 */
households_per_officer: number | null, domains: string[], };

export type OfficerView = { id: string, name: string, role: string, role_zh: string, 
/**
 * Masked (`138****5678`) unless the caller leads the officer's grid (街道领导, 社区书记 in
 * scope), dispatches cases (指挥中心) or administers; then whole where it is known.
 */
phone: string | null, grids: string[], };

export type IncidentCounts = { total: number, open: number, by_status: Partial<Record<Status, number>>, };

export type GridDetailProperties = { incidents: IncidentCounts, officer_list: Array<OfficerView>, code: string, name: string, level: Level, parent: string | null, kind: 'comprehensive' | 'dedicated', households: number, population: number, officers: number, 
/**
 * null when the grid has no officer (a vacancy).
 */
households_per_officer: number | null, domains: string[], };

export type CompoundProperties = { id: string, name: string, address: string, households: number, population: number, party_org: PartyOrg, party_branch: string | null, service_centre: string | null, grid: string | null, };

export type BuildingProperties = { id: string, address: string, floors: number, households: number, population: number, compound: string | null, grid: string | null, };

export type BasemapAnswer = { scheme: 'xyz' | 'wmts-kvp' | 'wmts-rest', tiles: Array<string>, crs: BasemapCrs, misplacement: 'none' | 'shifted' | 'shifted_and_retiled', offset_m: number, at: Position, };

export type ConfiguredBasemap = { url: string, attribution: string | null, scheme: 'xyz' | 'wmts-kvp' | 'wmts-rest', tiles: Array<string>, crs: BasemapCrs, misplacement: 'none' | 'shifted' | 'shifted_and_retiled', offset_m: number, at: Position, };

export type BasemapConfig = { configured: ConfiguredBasemap | null, };

export type LoadQuantiles = { min: number | null, p25: number | null, median: number | null, p75: number | null, max: number | null, over_500: number, };

export type CoverageAnswer = { level: Level, grids: number, vacant_grids: number, vacant: Array<string>, households_per_officer: LoadQuantiles, compounds: number, compounds_without_party_org: number, reach_m: number, buildings: number, buildings_outside_reach: number, households_within_reach_share: number | null, };

export type BulkAccepted = { accepted: number, };

export type GridMetrics = { code: string, name: string, incidents: number, open: number, per_1000_households: number | null, households: number, population: number, officers: number, households_per_officer: number | null, vacant: boolean, compounds: number, compounds_without_party_org: number, reach_share: number | null, gi_star: number | null, neighbours: number, };

export type StatsAnswer = { level: Level, grids: Array<GridMetrics>, 
/**
 * The first and last report time of every incident held (RFC 3339), whatever the
 * filter: a date range outside them finds nothing. Null when there are none.
 */
data_from: string | null, data_until: string | null, };

export type ServerMessage = { code: string, params: Record<string, string | number>, message: string, };

export type DefectView = { kind: string, feature: string, message: string, at: Position | null, params: Record<string, string | number>, };

export type Validation = { valid: boolean, errors: Array<DefectView>, warnings: Array<DefectView>, };

export type Published = { version: number, valid_from: string, retired: string[], created: string[], warnings: Array<DefectView>, };

export type GridVersionInfo = { version: number, valid_from: string, published_at: string, draft: number | null, note: string, retired: string[], created: string[], };

export type VersionsAnswer = { versions: Array<GridVersionInfo>, };

export type DraftSummary = { id: number, name: string, base_version: number, 
/**
 * Increases with every saved edit; an edit made on an older version is refused (409).
 */
version: number, operations: number, updated_at: string, };

export type DraftsAnswer = { drafts: Array<DraftSummary>, };

export type DraftGridProperties = { code: string, name: string, households: number, population: number, fit: Fit, polsby_popper: number, contiguous: boolean, replaces: string[], households_before: number, 
/**
 * Officers serving its households it would have once published (those of the grid it
 * inherits from, or those the planner placed on it).
 */
officers: number, 
/**
 * Who would serve it once published, any role.
 */
staff: Array<OfficerView>, 
/**
 * Whether the planner chose its officers (`POST /api/drafts/{id}/officers`) rather than
 * leaving the default.
 */
staffed: boolean, };

export type Unfixed = { code: string, 
/**
 * The reasons in English, joined.
 */
reason: string, reasons: Array<ServerMessage>, };

export type FixReport = { split: number, paired: number, unfixed: Array<Unfixed>, seconds: number, };

export type DraftView = { id: number, name: string, base_version: number, 
/**
 * Increases with every saved edit; an edit made on an older version is refused (409).
 */
version: number, created_at: string, updated_at: string, operations: number, cursor: number, can_undo: boolean, can_redo: boolean, retired: string[], grids: FeatureCollection<Polygon | MultiPolygon, DraftGridProperties>, 
/**
 * Officers of retired grids who would serve no grid once published (every part of their
 * grid was given other officers).
 */
unplaced: Array<OfficerView>, 
/**
 * Why the draft no longer applies (another version changed its grids), or null.
 */
stale: string | null, problems?: Array<string>, reasons?: Array<ServerMessage>, divided?: Array<string>, fixed?: FixReport, };

export type DraftStaff = { grid: string, staffed: boolean, staff: Array<OfficerView>, candidates: Array<OfficerView>, };

export type BandView = { min: number, max: number, };

export type OutOfBandGrid = { code: string, name: string, 
/**
 * The load counted (households or population).
 */
value: number, fit: Fit, households: number, population: number, officers: number, };

export type OutOfBandAnswer = { band: BandView, by: 'households' | 'population', count: number, over: number, grids: Array<OutOfBandGrid>, };

export type PlanUnit = { id: string, kind: 'compound' | 'building', name: string, households: number, population: number, };

export type PartProperties = { part: number, code: string, households: number, population: number, value: number, fit: Fit, polsby_popper: number, units: Array<PlanUnit>, };

export type SplitPreview = { code: string, band: BandView, by: 'households' | 'population', k: number, parts: FeatureCollection<Polygon | MultiPolygon, PartProperties>, problems: Array<string>, 
/**
 * `problems` as codes with params, to show in the user's language.
 */
reasons: Array<ServerMessage>, divided: Array<string>, };

export type ErrorBody = { error: string, message: string, 
/**
 * 422: the list of what is wrong.
 */
problems?: unknown[], 
/**
 * 409 `stale_version`: the version now stored.
 */
current_version?: number, 
/**
 * 400 `invalid_field`: the field, and what is wrong as a message code with its figures.
 */
field?: string, code?: string, params?: Record<string, string | number>, };
