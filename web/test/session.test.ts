import assert from 'node:assert/strict';
import { test } from 'node:test';
import { afterLogin, landingPath, loginPath, viewsFor } from '../src/api/session';

void test('each role lands on its own view and the admin may open every one', () => {
  assert.equal(landingPath('officer'), '/officer');
  assert.equal(landingPath('street_leader'), '/leader');
  assert.equal(landingPath('community'), '/leader');
  assert.equal(landingPath('planner'), '/planner');
  assert.deepEqual(viewsFor('admin'), ['officer', 'leader', 'planner', 'cases', 'kpis']);
  assert.deepEqual(viewsFor('street_leader'), ['leader', 'kpis', 'cases'], 'KPIs, and cases to supervise');
  assert.ok(!viewsFor('department').includes('kpis'), 'a department has no map of grids');
  assert.equal(landingPath('dispatcher'), '/cases', 'the dispatcher lands on the case queue');
  assert.equal(landingPath('department'), '/cases', 'a department lands on its inbox');
  assert.deepEqual(viewsFor('officer'), ['officer', 'cases']);
  assert.deepEqual(viewsFor('nobody'), []);
});

void test('after login a person returns to the page they came from only if their role may open it', () => {
  assert.equal(afterLogin('street_leader', '/leader?level=2'), '/leader?level=2');
  assert.equal(afterLogin('officer', '/planner'), '/officer');
  assert.equal(afterLogin('planner', null), '/planner');
  assert.equal(afterLogin('planner', '//evil.example/planner'), '/planner', 'no other site');
  assert.equal(afterLogin('planner', 'https://evil.example/'), '/planner');
  assert.equal(afterLogin('planner', '/login?next=/planner'), '/planner');
});

void test('the login page remembers where to come back to', () => {
  assert.equal(loginPath('/leader?level=2'), '/login?next=%2Fleader%3Flevel%3D2');
  assert.equal(loginPath('/'), '/login');
});
