import assert from 'node:assert/strict';
import { test } from 'node:test';
import { misfit } from '../src/api/check';

void test('an answer without the fields its type requires is refused in words', () => {
  assert.equal(misfit({ level: 3, grids: [] }, ['level', 'grids']), null);
  assert.equal(misfit({ level: 3 }, ['level', 'grids']), 'lacks grids');
  assert.equal(misfit([1, 2], ['level']), 'is an array, not an object');
  assert.equal(misfit('<html>', ['level']), 'is a string, not an object');
  assert.equal(misfit(null, ['level']), 'is null, not an object');
});

void test('GeoJSON answers must be a feature collection or a feature', () => {
  assert.equal(misfit({ type: 'FeatureCollection', features: [] }, 'FeatureCollection'), null);
  assert.equal(misfit({ type: 'FeatureCollection' }, 'FeatureCollection'), 'is not a GeoJSON FeatureCollection');
  assert.equal(misfit({ type: 'Feature', properties: {}, geometry: null }, 'Feature'), null);
  assert.equal(misfit({ type: 'Feature', properties: null }, 'Feature'), 'is not a GeoJSON Feature');
});
