/**
 * Grid choropleths from `/tiles/grids` (layer `grids`, every figure of `/api/stats/grids` as a
 * property, under the same incident filter). Each figure has its own classes: fixed where the
 * domain gives thresholds (Gi* significance, 500 households per officer, reach), quantiles of
 * the current statistics where it does not (incidents per 1,000 households).
 */
import type * as maplibregl from 'maplibre-gl';
import type { VectorTileSource } from 'maplibre-gl';
import { gridTilesUrl } from '../api/client';
import type { Level } from '../api/codes';
import type { GridStats, IncidentFilter } from '../api/types';
import { formatNumber, formatPercent, t } from '../i18n';
import { BELOW_OUTLINES } from './base';

export { METRICS, type Metric } from './metrics';
import type { Metric } from './metrics';

export const NO_DATA = '#d9dde3';
const SOURCE = 'metrics';
export const CHOROPLETH_LAYER = 'metric-fill';

export interface LegendItem {
  colour: string;
  label: string;
}

interface Classes {
  /** Lower bounds of classes 2..n (class 1 is everything below the first). */
  breaks: number[];
  colours: string[];
  label: (i: number) => string;
}

function rangeLabel(breaks: number[], i: number, fmt: (v: number) => string): string {
  if (i === 0) return t('legend.under', { value: fmt(breaks[0]) });
  if (i === breaks.length) return t('legend.over', { value: fmt(breaks[i - 1]) });
  return t('legend.range', { from: fmt(breaks[i - 1]), to: fmt(breaks[i]) });
}

function niceCeil(v: number): number {
  if (v <= 0) return 0;
  const p = 10 ** Math.floor(Math.log10(v));
  return Math.ceil(v / p) * p;
}

/** Quantile breaks (rounded to one significant digit, strictly increasing). */
export function quantileBreaks(values: number[], classes: number): number[] {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return [];
  const breaks: number[] = [];
  for (let i = 1; i < classes; i++) {
    const b = niceCeil(sorted[Math.floor((i / classes) * (sorted.length - 1))]);
    if (b > 0 && (breaks.length === 0 || b > breaks[breaks.length - 1])) breaks.push(b);
  }
  return breaks;
}

function classesFor(metric: Exclude<Metric, 'vacant' | 'gi_star'>, rows: GridStats[]): Classes {
  switch (metric) {
    case 'per_1000_households': {
      const breaks = quantileBreaks(
        rows.map((r) => r.per_1000_households ?? NaN),
        5,
      );
      const colours = ['#fff5eb', '#fdd0a2', '#fd8d3c', '#d94801', '#7f2704'].slice(5 - breaks.length - 1);
      return { breaks, colours, label: (i) => rangeLabel(breaks, i, (v) => formatNumber(v)) };
    }
    case 'households_per_officer': {
      // The standard's load: about 300–500 households a grid (and so an officer). The colours
      // are the planner's: too few blue, within the band green, too many orange; a grid with
      // no officer at all is the worst case and red (see `metricStyle`).
      const breaks = [100, 300, 500];
      return {
        breaks,
        colours: ['#bee3f8', '#63b3ed', '#2f855a', '#dd6b20'],
        label: (i) => (i === 2 ? t('legend.inBand', { range: rangeLabel(breaks, i, (v) => formatNumber(v)) }) : rangeLabel(breaks, i, (v) => formatNumber(v))),
      };
    }
    case 'reach_share': {
      const breaks = [0.5, 0.8, 0.95];
      return {
        breaks,
        colours: ['#b30000', '#fc8d59', '#fdd49e', '#c7e9c0'],
        label: (i) => rangeLabel(breaks, i, formatPercent),
      };
    }
  }
}

/** A grid without an officer, in every figure that shows it. */
const VACANT = '#c53030';

/** Gi* z-score classes at the usual 95% and 99% two-sided thresholds. */
const GI = {
  breaks: [-2.58, -1.96, 1.96, 2.58],
  colours: ['#2166ac', '#92c5de', '#f7f7f7', '#f4a582', '#b2182b'],
  labels: ['legend.giColdStrong', 'legend.giCold', 'legend.giNone', 'legend.giHot', 'legend.giHotStrong'] as const,
};

function stepExpression(metric: Metric, c: { breaks: number[]; colours: string[] }): maplibregl.ExpressionSpecification {
  const stops = c.breaks.flatMap((b, i) => [b, c.colours[i + 1]]);
  const value: maplibregl.ExpressionSpecification = stops.length
    ? ['step', ['to-number', ['get', metric]], c.colours[0], ...stops]
    : ['to-color', c.colours[0]];
  return ['case', ['has', metric], value, NO_DATA];
}

/** The fill colour expression and the legend of a figure, given the current statistics. */
export function metricStyle(
  metric: Metric,
  rows: GridStats[],
): { colour: maplibregl.ExpressionSpecification; legend: () => LegendItem[] } {
  if (metric === 'vacant') {
    return {
      colour: ['case', ['==', ['get', 'vacant'], true], VACANT, '#e8ecef'],
      legend: () => [
        { colour: VACANT, label: t('legend.vacantYes') },
        { colour: '#e8ecef', label: t('legend.vacantNo') },
      ],
    };
  }
  if (metric === 'gi_star') {
    return {
      colour: stepExpression(metric, GI),
      legend: () => [
        ...GI.labels.map((key, i) => ({ colour: GI.colours[i], label: t(key) })),
        { colour: NO_DATA, label: t('leader.noData') },
      ],
    };
  }
  const c = classesFor(metric, rows);
  if (metric === 'households_per_officer') {
    // No officer: no load to divide, and the grid most in need of one.
    return {
      colour: ['case', ['==', ['get', 'vacant'], true], VACANT, stepExpression(metric, c)],
      legend: () => [
        ...c.colours.map((colour, i) => ({ colour, label: c.label(i) })),
        { colour: VACANT, label: t('legend.vacantYes') },
      ],
    };
  }
  return {
    colour: stepExpression(metric, c),
    legend: () => [
      ...c.colours.map((colour, i) => ({ colour, label: c.label(i) })),
      { colour: NO_DATA, label: t('leader.noData') },
    ],
  };
}

export interface Choropleth {
  setVisible(on: boolean): void;
  setQuery(level: Level, f: IncidentFilter): void;
  setStyle(colour: maplibregl.ExpressionSpecification): void;
}

export function addChoropleth(map: maplibregl.Map, level: Level, filter: IncidentFilter): Choropleth {
  map.addSource(SOURCE, { type: 'vector', tiles: [gridTilesUrl(level, filter)], maxzoom: 15 });
  map.addLayer(
    {
      id: CHOROPLETH_LAYER,
      type: 'fill',
      source: SOURCE,
      'source-layer': 'grids',
      layout: { visibility: 'none' },
      paint: { 'fill-color': NO_DATA, 'fill-opacity': 0.85, 'fill-outline-color': 'rgba(36, 59, 83, 0.35)' },
    },
    BELOW_OUTLINES,
  );
  return {
    setVisible(on) {
      map.setLayoutProperty(CHOROPLETH_LAYER, 'visibility', on ? 'visible' : 'none');
    },
    setQuery(lvl, f) {
      map.getSource<VectorTileSource>(SOURCE)?.setTiles([gridTilesUrl(lvl, f)]);
    },
    setStyle(colour) {
      map.setPaintProperty(CHOROPLETH_LAYER, 'fill-color', colour);
    },
  };
}
