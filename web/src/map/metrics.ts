/** The grid figures a choropleth can show (a plain list, so state modules can use it without a map). */
export const METRICS = [
  'per_1000_households',
  'households_per_officer',
  'gi_star',
  'vacant',
  'reach_share',
] as const;
export type Metric = (typeof METRICS)[number];
