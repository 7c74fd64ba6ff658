import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KpiRow } from '../src/api/types';
import { figure, isRate, KPI_COLUMNS, sortRows } from '../src/views/kpis/table';

function row(key: string, overdue: number, closing: number | null): KpiRow {
  return {
    key,
    name: key,
    counts: { reported: 10, overdue },
    rates: { on_time_closing_rate: closing, mean_handling_hours: 3.5 },
  };
}

void test('the KPI table sorts by a column with missing rates last, ties by key', () => {
  const rows = [row('b', 2, 0.5), row('a', 2, null), row('c', 5, 0.9)];
  assert.deepEqual(
    sortRows(rows, 'overdue', true).map((r) => r.key),
    ['c', 'a', 'b'],
  );
  assert.deepEqual(
    sortRows(rows, 'on_time_closing_rate', false).map((r) => r.key),
    ['b', 'c', 'a'],
  );
  assert.deepEqual(
    sortRows(rows, 'on_time_closing_rate', true).map((r) => r.key),
    ['c', 'b', 'a'],
  );
});

void test('counts come from the counts and rates from the rates; rates are the *_rate columns', () => {
  const r = row('x', 3, 0.25);
  assert.equal(figure(r, 'overdue'), 3);
  assert.equal(figure(r, 'reported'), 10);
  assert.equal(figure(r, 'on_time_closing_rate'), 0.25);
  assert.equal(figure(r, 'satisfaction_rate'), null);
  assert.equal(figure(r, 'mean_handling_hours'), 3.5);
  assert.deepEqual(
    KPI_COLUMNS.filter(isRate),
    ['registration_rate', 'accurate_dispatch_rate', 'on_time_handling_rate', 'closing_rate', 'on_time_closing_rate', 'rework_rate', 'satisfaction_rate'],
  );
});
