/**
 * The KPI page's trend charts, drawn with Apache ECharts (installed from npm, only the parts
 * used, loaded when the page first draws them): reports and closings per week of report,
 * the on-time closing rate by month, and by department.
 */
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import type { KpiRow } from '../../api/types';
import { t } from '../../i18n';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export interface TrendData {
  weeks: KpiRow[];
  months: KpiRow[];
  departments: KpiRow[];
}

const percent = (v: number | null | undefined): number | null => (v === null || v === undefined ? null : Math.round(v * 1000) / 10);
const base = { grid: { left: 44, right: 12, top: 34, bottom: 28 }, tooltip: { trigger: 'axis' as const }, animation: false };

/** Draws (or redraws) the three charts into their boxes; returns a function that frees them. */
export function drawTrends(boxes: { weekly: HTMLElement; monthly: HTMLElement; departments: HTMLElement }, d: TrendData): () => void {
  const charts = [boxes.weekly, boxes.monthly, boxes.departments].map((el) => echarts.getInstanceByDom(el) ?? echarts.init(el));
  const [weekly, monthly, departments] = charts;
  weekly.setOption(
    {
      ...base,
      legend: { top: 4, data: [t('kpis.col.reported'), t('kpis.col.closed')] },
      xAxis: { type: 'category', data: d.weeks.map((r) => r.key.slice(5)) },
      yAxis: { type: 'value' },
      series: [
        { name: t('kpis.col.reported'), type: 'line', showSymbol: false, data: d.weeks.map((r) => r.counts.reported) },
        { name: t('kpis.col.closed'), type: 'line', showSymbol: false, data: d.weeks.map((r) => r.counts.closed) },
      ],
    },
    true,
  );
  monthly.setOption(
    {
      ...base,
      legend: { top: 4, data: [t('kpis.col.on_time_closing_rate'), t('kpis.col.closing_rate')] },
      xAxis: { type: 'category', data: d.months.map((r) => r.key) },
      yAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
      series: [
        { name: t('kpis.col.on_time_closing_rate'), type: 'bar', data: d.months.map((r) => percent(r.rates.on_time_closing_rate)) },
        { name: t('kpis.col.closing_rate'), type: 'line', data: d.months.map((r) => percent(r.rates.closing_rate)) },
      ],
    },
    true,
  );
  departments.setOption(
    {
      ...base,
      grid: { ...base.grid, bottom: 56 },
      legend: { top: 4, data: [t('kpis.col.on_time_closing_rate')] },
      xAxis: { type: 'category', data: d.departments.map((r) => r.name), axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
      series: [
        {
          name: t('kpis.col.on_time_closing_rate'),
          type: 'bar',
          data: d.departments.map((r) => percent(r.rates.on_time_closing_rate)),
        },
      ],
    },
    true,
  );
  const resize = () => charts.forEach((c) => c.resize());
  window.addEventListener('resize', resize);
  return () => {
    window.removeEventListener('resize', resize);
  };
}
