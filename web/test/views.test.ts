import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GridStats } from '../src/api/types';
import * as leader from '../src/views/leader/state';
import * as officer from '../src/views/officer/state';
import * as planner from '../src/views/planner/state';

function row(code: string, incidents: number, hpo: number | null): GridStats {
  return {
    code,
    name: `网格${code}`,
    incidents,
    open: 0,
    per_1000_households: null,
    households: 400,
    population: 1000,
    officers: hpo === null ? 0 : 1,
    households_per_officer: hpo,
    vacant: hpo === null,
    compounds: 1,
    compounds_without_party_org: 0,
    reach_share: null,
    gi_star: null,
    neighbours: 2,
  };
}

void test('a leader URL round-trips and junk in it falls back to the defaults', () => {
  const s = leader.fromParams(new URLSearchParams('mode=choropleth&metric=gi_star&level=2&category=e_street_order&from=2026-01-01&grid=610581001'));
  assert.equal(s.mode, 'choropleth');
  assert.equal(s.metric, 'gi_star');
  assert.equal(s.level, 2);
  assert.equal(s.filter.category, 'e_street_order');
  assert.equal(s.grid, '610581001');
  const again = leader.fromParams(new URLSearchParams(Object.entries(leader.toQuery(s)).filter(([, v]) => v)));
  assert.deepEqual(again, s);
  const junk = leader.fromParams(new URLSearchParams('mode=pie&metric=x&level=9&category=nope&from=yesterday'));
  assert.deepEqual(
    { mode: junk.mode, metric: junk.metric, level: junk.level, category: junk.filter.category, from: junk.filter.from },
    { mode: 'density', metric: 'per_1000_households', level: 3, category: '', from: '' },
  );
  assert.deepEqual(Object.values(leader.toQuery(junk)).filter(Boolean), [], 'defaults leave the URL clean');
});

void test('sorting the leader table puts grids without a figure last whichever way it runs', () => {
  const rows = [row('3', 5, null), row('1', 9, 420), row('2', 1, 610)];
  const codes = (rs: GridStats[]) => rs.map((r) => r.code);
  assert.deepEqual(codes(leader.sortRows(rows, 'households_per_officer', true)), ['2', '1', '3']);
  assert.deepEqual(codes(leader.sortRows(rows, 'households_per_officer', false)), ['1', '2', '3']);
  assert.deepEqual(codes(leader.sortRows(rows, 'incidents', true)), ['1', '3', '2']);
  assert.deepEqual(codes(rows), ['3', '1', '2'], 'the rows themselves are left as they were');
});

void test('clicking the sorted column flips it; a new column starts worst first', () => {
  const now = { key: 'incidents' as const, desc: true };
  assert.deepEqual(leader.nextSort(now, 'incidents', true), { key: 'incidents', desc: false });
  assert.deepEqual(leader.nextSort(now, 'officers', false), { key: 'officers', desc: false });
});

void test('the officer and planner URLs keep the grid and the draft, and nothing else', () => {
  assert.deepEqual(officer.fromParams(new URLSearchParams('grid=610581001001001&x=1')), { grid: '610581001001001' });
  assert.equal(officer.level3([{ level: 1, code: '610581001' }, { level: 3, code: '610581001001002' }]), '610581001001002');
  assert.equal(officer.level3([]), undefined, 'a point outside every grid');
  assert.deepEqual(planner.fromParams(new URLSearchParams('grid=610581001001001&draft=7')), { grid: '610581001001001', draft: 7 });
  assert.deepEqual(planner.fromParams(new URLSearchParams('draft=-2')), { grid: null, draft: null });
});

void test('the officer finds a grid by part of its name or code, and a report is filed where the server says', () => {
  const grids = [
    { properties: { code: '610581016001002', name: '英山社区第1-2网格' } },
    { properties: { code: '610581001001001', name: '金城社区第1-1网格' } },
  ];
  assert.deepEqual(officer.matchingGrids(grids, '英山').map((g) => g.properties.code), ['610581016001002']);
  assert.deepEqual(officer.matchingGrids(grids, ' 001001 ').map((g) => g.properties.code), ['610581001001001']);
  assert.equal(officer.matchingGrids(grids, '').length, 2);
  assert.deepEqual(officer.typedPoint(' 110.44 ', '35.47'), [110.44, 35.47]);
  assert.equal(officer.typedPoint('110.44', ''), null);
  assert.equal(officer.typedPoint('east', '35.47'), null);
  const at = (code: string) => [{ level: 3 as const, code }];
  assert.deepEqual(officer.filed(at('610581001001002'), '610581001001002'), { kind: 'here', grid: '610581001001002' });
  assert.deepEqual(officer.filed(at('610581001001003'), '610581001001002'), { kind: 'elsewhere', grid: '610581001001003' });
  assert.deepEqual(officer.filed(at('610581001001003'), null), { kind: 'filed', grid: '610581001001003' });
  assert.deepEqual(officer.filed([], '610581001001002'), { kind: 'outside' });
});

void test('the planner brush toggles buildings, merges list each grid once, and redrawn grids lose their tint', () => {
  let brush: planner.Brush = { units: [], to: null };
  brush = planner.toggleUnit(brush, 'B1');
  brush = planner.toggleUnit(brush, 'B2');
  brush = planner.toggleUnit(brush, 'B1');
  assert.deepEqual(brush.units, ['B2']);
  assert.deepEqual(planner.withMergeCode(['a'], 'a'), ['a']);
  assert.deepEqual(planner.withMergeCode(['a'], 'b'), ['a', 'b']);
  assert.deepEqual(planner.withMergeCode(['a'], null), ['a']);
  const grids = [
    { code: 'g1', fit: 'over' },
    { code: 'g2', fit: 'over' },
    { code: 'g3', fit: 'under' },
    { code: 'g4', fit: 'within' },
  ];
  assert.deepEqual(planner.bandTints(grids, ['g2']), { over: ['g1'], under: ['g3'] });
});

void test('the band form takes whole numbers from 1 to 100,000 with the lower not above the upper', () => {
  assert.deepEqual(planner.readBand('300', ' 500 '), { ok: true, min: 300, max: 500 });
  assert.deepEqual(planner.readBand('400', '400'), { ok: true, min: 400, max: 400 });
  assert.deepEqual(planner.readBand('600', '300'), { ok: false, field: 'min', problem: 'inverted' });
  assert.deepEqual(planner.readBand('300', '99999999999'), { ok: false, field: 'max', problem: 'number' });
  assert.deepEqual(planner.readBand('', '500'), { ok: false, field: 'min', problem: 'number' });
  assert.deepEqual(planner.readBand('abc', '500'), { ok: false, field: 'min', problem: 'number' });
  assert.deepEqual(planner.readBand('300', '450.5'), { ok: false, field: 'max', problem: 'number' });
  assert.deepEqual(planner.readBand('0', '500'), { ok: false, field: 'min', problem: 'number' });
  assert.deepEqual(planner.readBand('300', '100001'), { ok: false, field: 'max', problem: 'number' });
});

void test('the publish summary counts retired and new grids, officers moved, grids staffed by hand, vacant grids, officers left without a grid and straddling compounds', () => {
  const draft = {
    retired: ['610581001001001', '610581001001002'],
    grids: {
      features: [
        { properties: { code: '610581001001010', officers: 2, staffed: false } },
        { properties: { code: '610581001001011', officers: 0, staffed: false } },
        { properties: { code: '610581001001012', officers: 1, staffed: true } },
      ],
    },
    unplaced: [{ name: '王芳' }],
  };
  const s = planner.publishSummary(draft, [
    { kind: 'compound_straddles', feature: 'compound C00012' },
    { kind: 'compound_straddles', feature: 'compound C00013', params: { name: '丰泽花园' } },
    { kind: 'empty_grid', feature: 'grid 610581001001012' },
  ]);
  assert.deepEqual(s, {
    retired: 2,
    created: 3,
    officersServing: 3,
    staffed: 1,
    vacant: ['610581001001011'],
    unplaced: ['王芳'],
    straddling: ['compound C00012', '丰泽花园'],
  });
});

void test('retired grids are grouped by community, by their level-2 grid when no name is known', () => {
  const names = new Map([
    ['610581005003006', '盘河社区第3-6网格'],
    ['610581005003007', '盘河社区第3-7网格'],
    ['610581012002006', '井溢社区第2-6网格'],
  ]);
  const groups = planner.retiredGroups(['610581005003006', '610581012002006', '610581005003007', '610581030001002'], names);
  assert.deepEqual(
    groups.map((g) => [g.group, g.grids.map((x) => x.code)]),
    [
      ['盘河社区', ['610581005003006', '610581005003007']],
      ['井溢社区', ['610581012002006']],
      ['610581030001', ['610581030001002']],
    ],
  );
});

void test('the officer finds a grid the way people say it, and the exact name or code picks it', () => {
  const grids = [
    { properties: { code: '610581016001002', name: '英山社区第1-2网格' } },
    { properties: { code: '610581016001020', name: '英山社区第1-20网格' } },
    { properties: { code: '610581001001001', name: '金城社区第1-1网格' } },
  ];
  const codes = (gs: { properties: { code: string } }[]) => gs.map((g) => g.properties.code);
  assert.equal(officer.nameKey('英山社区第1-2网格'), '英山1-2');
  assert.deepEqual(codes(officer.matchingGrids(grids, '英山1-2')), ['610581016001002', '610581016001020']);
  assert.deepEqual(codes(officer.matchingGrids(grids, '英山 1－2')), ['610581016001002', '610581016001020']);
  assert.equal(officer.exactGrid(grids, '英山1-2')?.properties.code, '610581016001002');
  assert.equal(officer.exactGrid(grids, '英山社区第1-20网格')?.properties.code, '610581016001020');
  assert.equal(officer.exactGrid(grids, '610581001001001')?.properties.code, '610581001001001');
  assert.equal(officer.exactGrid(grids, '英山'), null, 'a part of a name picks nothing');
  assert.equal(officer.exactGrid(grids, ''), null);
});

void test('the date presets are the last seven days, this month so far and the whole of last month', () => {
  const today = new Date(2026, 2, 5); // 5 March 2026
  assert.deepEqual(leader.presetRange('last7', today), { from: '2026-02-27', to: '2026-03-05' });
  assert.deepEqual(leader.presetRange('thisMonth', today), { from: '2026-03-01', to: '2026-03-05' });
  assert.deepEqual(leader.presetRange('lastMonth', today), { from: '2026-02-01', to: '2026-02-28' });
  assert.deepEqual(leader.presetRange('lastMonth', new Date(2026, 0, 10)), { from: '2025-12-01', to: '2025-12-31' });
});

void test('a range after the last report or before the first is told apart from one that finds a few', () => {
  const data = { from: '2025-11-01T00:10:00Z', until: '2026-03-02T08:00:00Z' };
  assert.equal(leader.outsideData({ from: '2026-03-03' }, data), 'after');
  assert.equal(leader.outsideData({ from: '2026-03-02' }, data), null);
  assert.equal(leader.outsideData({ to: '2025-10-31' }, data), 'before');
  assert.equal(leader.outsideData({}, data), null);
  assert.equal(leader.outsideData({ from: '2030-01-01' }, { from: null, until: null }), null);
});

void test('a retired grid leads to the grids in force that replace it, through later redraws', () => {
  const versions = [
    { version: 1, valid_from: '1970-01-01T00:00:00Z', retired: [], created: [] },
    { version: 2, valid_from: '2026-03-01T00:00:00Z', retired: ['610581005003006'], created: ['610581005003009', '610581005003010'] },
    { version: 3, valid_from: '2026-04-01T00:00:00Z', retired: ['610581005003010', '610581001001001'], created: ['610581005003011', '610581005003012', '610581001001009'] },
  ];
  const inForce = new Set(['610581005003009', '610581005003011', '610581005003012', '610581001001009']);
  assert.deepEqual(officer.redrawnAs('610581005003006', versions, inForce), {
    version: 2,
    validFrom: '2026-03-01T00:00:00Z',
    replacements: ['610581005003009', '610581005003011', '610581005003012'],
  });
  assert.equal(officer.redrawnAs('610581009009009', versions, inForce), null, 'never a grid at all');
});

void test('choosing a coarser level shows the grid that holds the selected one; a finer one selects nothing', () => {
  assert.equal(leader.selectionAtLevel('610581005003006', 1), '610581005');
  assert.equal(leader.selectionAtLevel('610581005003006', 2), '610581005003');
  assert.equal(leader.selectionAtLevel('610581005003006', 3), '610581005003006');
  assert.equal(leader.selectionAtLevel('610581005', 3), null);
  assert.equal(leader.selectionAtLevel(null, 1), null);
});
