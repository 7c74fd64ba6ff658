import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cellSideM, densityScale, DENSITY_PER_KM2 } from '../src/map/density-scale';

void test('a density cell is about 250 m across at zoom 12 in Hancheng and halves with each zoom level', () => {
  assert.equal(Math.round(cellSideM(12, 35.47)), 249);
  assert.equal(Math.round(cellSideM(12.9, 35.47)), 249, 'tiles of zoom ⌊z⌋');
  assert.equal(Math.round(cellSideM(13, 35.47)), 125);
});

void test('the colour classes are fixed densities per km² turned into counts per cell for the zoom', () => {
  const z12 = densityScale(12, 35.47);
  // 0.062 km² cells: 20/km² is 2 incidents, 10,000/km² is 620.
  assert.deepEqual(
    z12.classes.map((c) => c.count),
    [1, 2, 7, 32, 125, 621],
  );
  assert.deepEqual(
    z12.classes.map((c) => c.perKm2),
    DENSITY_PER_KM2,
  );
  // Zoomed in, cells hold few incidents: classes that would start at the same count are one.
  const z16 = densityScale(16, 35.47);
  assert.deepEqual(
    z16.classes.map((c) => [c.count, c.perKm2]),
    [
      [1, 0],
      [3, 10_000],
    ],
  );
  // Nothing but the zoom and the place: the same answer however often it is asked.
  assert.deepEqual(densityScale(12.4, 35.47), z12);
});
