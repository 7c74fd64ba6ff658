/**
 * The API's fixed vocabularies: incident categories (部件 c_*, 事件 e_*), the closed-loop
 * statuses in their order, and report channels. Their display names live in `i18n/`.
 */

export const CATEGORIES = [
  'c_public_facilities',
  'c_traffic_facilities',
  'c_appearance_facilities',
  'c_greenery',
  'c_housing_land',
  'c_other_facilities',
  'e_environment',
  'e_advertising',
  'e_construction',
  'e_street_order',
  'e_emergency',
  'e_other_events',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** The national seven-step closed loop, in order. */
export const STATUSES = [
  'reported',
  'registered',
  'dispatched',
  'handling',
  'responded',
  'closed',
  'evaluated',
] as const;
export type Status = (typeof STATUSES)[number];

/** What a status filter can ask for: `open` (every open status) or one status. */
export const STATUS_FILTERS = ['open', ...STATUSES] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];

export const CHANNELS = ['patrol', 'hotline_12345', 'resident_app', 'snapshot', 'other'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Coordinate systems a phone or a form can give (CGCS2000 is taken as WGS84 by the server). */
export const CRSES = ['wgs84', 'gcj02', 'bd09'] as const;
export type Crs = (typeof CRSES)[number];

export const PARTY_ORGS = ['standalone', 'joint', 'functional', 'none'] as const;
export type PartyOrg = (typeof PARTY_ORGS)[number];

export type Level = 1 | 2 | 3;

/** How a grid's load sits against the band. */
export type Fit = 'under' | 'within' | 'over';

/** Coordinate systems a third-party basemap may be drawn in. */
export const BASEMAP_CRSES = ['cgcs2000', 'wgs84', 'gcj02', 'bd09'] as const;
export type BasemapCrs = (typeof BASEMAP_CRSES)[number];

/** What someone does to a case (the closed loop's actions). */
export const ACTIONS = [
  'register',
  'reject',
  'duplicate',
  'dispatch',
  'self_handle',
  'accept',
  'return',
  'request_extension',
  'approve_extension',
  'refuse_extension',
  'respond',
  'verify_pass',
  'verify_fail',
  'evaluate',
  'supervise',
] as const;
export type Action = (typeof ACTIONS)[number];

/** How a closed case was rated. */
export const SATISFACTIONS = ['satisfied', 'basic', 'dissatisfied'] as const;
export type Satisfaction = (typeof SATISFACTIONS)[number];
