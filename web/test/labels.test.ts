import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildingLabel, labelPoint, placeLabels, ringCentroid } from '../src/map/label-layout';

void test('a convex outline is labelled at its centroid', () => {
  const square = [[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]];
  assert.deepEqual(ringCentroid(square), [1, 1]);
  assert.deepEqual(labelPoint(square), [1, 1]);
});

void test('an L-shaped outline whose centroid falls outside is labelled inside it', () => {
  // A thin L: the centroid lies in the notch.
  const l = [[0, 0], [10, 0], [10, 1], [1, 1], [1, 10], [0, 10], [0, 0]];
  const c = ringCentroid(l);
  assert.ok(c[0] > 1 && c[1] > 1, 'the centroid is in the notch');
  const [x, y] = labelPoint(l);
  assert.ok((y <= 1 && x >= 0 && x <= 10) || (x <= 1 && y >= 0 && y <= 10), `${x},${y} is inside the L`);
});

void test('a building is named by its number in a compound, else by its address without the city', () => {
  assert.equal(buildingLabel('韩城市桢州大街125号3号楼'), '3号楼');
  assert.equal(buildingLabel('韩城市金城花园 12 栋'), '12栋');
  assert.equal(buildingLabel('韩城市学巷258号'), '学巷258号');
  assert.equal(buildingLabel('陕西省韩城市新城区路5号'), '新城区路5号');
});

void test('labels that would cover one shown already, or stick out of the map, are left out, most important first', () => {
  const boxes = [
    { x: 50, y: 50, w: 60, h: 16 },
    { x: 70, y: 55, w: 60, h: 16 }, // covers the first
    { x: 50, y: 80, w: 60, h: 16 },
    { x: 5, y: 80, w: 60, h: 16 }, // sticks out on the left
    { x: 150, y: 150, w: 60, h: 16 },
  ];
  assert.deepEqual(placeLabels(boxes, 200, 200, 10), [0, 2, 4]);
  assert.deepEqual(placeLabels(boxes, 200, 200, 2), [0, 2]);
});
