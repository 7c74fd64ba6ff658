import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readers, withQuery } from '../src/lib/url';

void test('readers accept only what they know and fall back otherwise', () => {
  const p = new URLSearchParams('mode=choropleth&level=7&from=2026-05-01&to=May&grid=&cat=x');
  assert.equal(readers.oneOf(p, 'mode', ['density', 'choropleth'] as const), 'choropleth');
  assert.equal(readers.oneOf(p, 'cat', ['a', 'b'] as const), '');
  assert.equal(readers.int(p, 'level', 1, 3, 3), 3, 'level 7 is out of range');
  assert.equal(readers.int(new URLSearchParams('level=2'), 'level', 1, 3, 3), 2);
  assert.equal(readers.int(new URLSearchParams('level=2.5'), 'level', 1, 3, 3), 3);
  assert.equal(readers.date(p, 'from'), '2026-05-01');
  assert.equal(readers.date(p, 'to'), '');
  assert.equal(readers.text(p, 'grid'), null, 'an empty value is no value');
});

void test('a state written to the URL leaves out empty values and keeps other parameters', () => {
  const href = withQuery('http://localhost:8080/leader?lang=en&grid=610581001001001', {
    grid: null,
    mode: 'choropleth',
    level: 2,
    category: '',
  });
  const url = new URL(href);
  assert.equal(url.pathname, '/leader');
  assert.deepEqual([...url.searchParams.entries()].sort(), [['lang', 'en'], ['level', '2'], ['mode', 'choropleth']]);
});
