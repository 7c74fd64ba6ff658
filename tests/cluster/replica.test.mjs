// Two gridd servers on one PostGIS database behind haproxy (round robin): what one does shows
// on the other within a second (density tile, statistics, list), a session made on one works
// on the other, a publish on one changes locate on the other, a server killed during a
// stream of posts loses no acknowledged write and catches up on restart, and a database
// outage leaves reads answering while writes get 503 with Retry-After, until PostgreSQL is
// back and everything works again without restarting gridd.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { join } from 'node:path';
import {
  ROOT, PASSWORD, balance, call, freePort, listAll, postgis, prepareStore, serve, sleep, stop, within,
} from './lib/cluster.mjs';
import { middle, statsRow, statsTotal, tileCount } from './lib/look.mjs';

const pg = postgis();
const CITY = join(ROOT, 'data/sample-city');

describe('two servers on one PostGIS behind haproxy', { skip: pg ? false : 'GRIDD_TEST_PG is not set (make test sets it)' }, () => {
  let db; let token; let one; let two; let lb;

  before(async () => {
    db = pg.fresh('gridd_cluster');
    token = prepareStore(db, CITY);
    [one, two] = await Promise.all([serve(db, await freePort()), serve(db, await freePort())]);
    lb = await balance([one, two]);
  });

  after(async () => {
    for (const s of [one, two]) if (s) await stop(s);
    if (lb) lb.child.kill();
  });

  test('haproxy sends requests to both servers in turn', async () => {
    const served = new Set();
    for (let i = 0; i < 6; i += 1) {
      const { status, headers } = await call(lb.url, 'GET', '/api/health');
      assert.equal(status, 200);
      served.add(headers.get('x-served-by'));
    }
    assert.deepEqual([...served].sort(), ['s1', 's2']);
  });

  test('an incident posted through one server shows in the other one\'s density tile, statistics and list within a second', async () => {
    const { body: grids } = await call(one.url, 'GET', '/api/grids?level=3', { token });
    const grid = grids.features[100];
    const code = grid.properties.code;
    const at = middle(grid);
    const tileBefore = await tileCount(two.url, token, at);
    const rowBefore = (await statsRow(two.url, token, code)).incidents;

    const posted = await call(one.url, 'POST', '/api/incidents', {
      token, body: { lng: at[0], lat: at[1], category: 'e_environment', description: '垃圾满溢' },
    });
    assert.equal(posted.status, 201, JSON.stringify(posted.body));
    assert.equal(posted.body.grids[2].code, code);

    const took = await within(1000, 'the incident on the other server', async () =>
      (await tileCount(two.url, token, at)) === tileBefore + 1
      && (await statsRow(two.url, token, code)).incidents === rowBefore + 1);
    const { body: list } = await call(two.url, 'GET', `/api/incidents?grid=${code}`, { token });
    assert.ok(list.features.some((f) => f.id === posted.body.id), 'listed by the other server');
    console.log(`# the other server showed the incident after ${took} ms`);
  });

  test('a session made on one server works on the other', async () => {
    const res = await fetch(`${one.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: one.url },
      body: JSON.stringify({ login: 'cluster.admin', password: PASSWORD }),
    });
    assert.equal(res.status, 200);
    const cookie = res.headers.get('set-cookie').split(';')[0];
    const me = await call(two.url, 'GET', '/api/session', { cookie });
    assert.equal(me.status, 200);
    assert.equal(me.body.login, 'cluster.admin');
    const out = await call(two.url, 'DELETE', '/api/session', { cookie });
    assert.equal(out.status, 204);
    await within(1000, 'the logout on the first server', async () =>
      (await call(one.url, 'GET', '/api/session', { cookie })).status === 401);
  });

  test('a publish on one server changes locate on the other', async () => {
    const { body: over } = await call(one.url, 'GET', '/api/plan/oversized', { token });
    const code = over.grids.find((g) => g.fit === 'over').code;
    const { body: buildings } = await call(one.url, 'GET', `/api/buildings?grid=${code}`, { token });
    const at = middle(buildings.features[0]);
    const locate = `/api/locate?lng=${at[0]}&lat=${at[1]}`;
    assert.equal((await call(two.url, 'GET', locate, { token })).body.grids[2].code, code);

    const draft = await call(one.url, 'POST', '/api/drafts', { token, body: { name: '拆分超大网格' } });
    const id = draft.body.id;
    const split = await call(one.url, 'POST', `/api/drafts/${id}/split`, { token, body: { code } });
    assert.equal(split.status, 200, JSON.stringify(split.body));
    const newCodes = split.body.grids.features.map((f) => f.properties.code);
    const published = await call(one.url, 'POST', `/api/drafts/${id}/publish`, { token, body: {} });
    assert.equal(published.status, 201, JSON.stringify(published.body));

    const took = await within(5000, 'the new grids in the other server\'s locate', async () => {
      const now = (await call(two.url, 'GET', locate, { token })).body.grids[2].code;
      return now !== code && newCodes.includes(now);
    });
    console.log(`# the other server located by the new grids after ${took} ms`);
  });

  test('a server killed during a stream of posts loses no acknowledged write; the other keeps serving; the killed one catches up on restart', async () => {
    const { body: grids } = await call(one.url, 'GET', '/api/grids?level=3', { token });
    const points = grids.features.slice(0, 50).map(middle);
    const acknowledged = [];
    const failed = [];
    let killed = false;
    let afterKill = 0;
    const post = async (i) => {
      const [lng, lat] = points[i % points.length];
      try {
        const r = await call(lb.url, 'POST', '/api/incidents', { token, body: { lng, lat, category: 'c_public_facilities' } });
        if (r.status === 201) acknowledged.push(r.body.id); else failed.push(r.status);
        if (killed) afterKill += 1;
      } catch (e) { failed.push(String(e)); }
    };
    const stream = (async () => {
      for (let i = 0; i < 600; i += 4) await Promise.all([0, 1, 2, 3].map((k) => post(i + k)));
    })();
    await within(20_000, 'a hundred acknowledged posts', async () => acknowledged.length >= 100);
    await stop(one, 'SIGKILL');
    killed = true;
    await stream;
    console.log(`# ${acknowledged.length} posts acknowledged, ${failed.length} refused or cut (${[...new Set(failed)].join(', ')}), ${afterKill} answered after the kill`);
    assert.ok(afterKill >= 200, 'the balancer kept serving through the other server');
    assert.ok(failed.length <= 8, `only requests in flight at the kill may fail: ${failed}`);

    const listed = await listAll(two.url, '/api/incidents?category=c_public_facilities&limit=10000', token);
    const stored = new Set(listed.map((f) => f.id));
    const lost = acknowledged.filter((id) => !stored.has(id));
    assert.deepEqual(lost, [], 'every acknowledged post is stored');

    one = await serve(db, one.port);
    const expected = await statsTotal(two.url, token);
    await within(1000, 'the restarted server counting what the other counts', async () =>
      (await statsTotal(one.url, token)) === expected);
    const [h1, h2] = await Promise.all([one, two].map(async (s) => (await call(s.url, 'GET', '/api/health')).body));
    assert.equal(h1.incidents, h2.incidents);
    assert.equal(h1.changes_applied, h2.changes_applied, 'both have applied the whole change log');
  });

  test('with PostgreSQL stopped, reads answer, writes get 503 with Retry-After within 2 s and health says degraded; once it is back, writes work and the other server catches up', async () => {
    const { body: grids } = await call(two.url, 'GET', '/api/grids?level=3', { token });
    const at = middle(grids.features[7]);
    const report = { lng: at[0], lat: at[1], category: 'e_street_order' };
    // Both servers have checked the token a moment ago.
    await statsTotal(one.url, token);
    await statsTotal(two.url, token);
    pg.stop();
    try {
      const locate = await call(two.url, 'GET', `/api/locate?lng=${at[0]}&lat=${at[1]}`, { token });
      assert.equal(locate.status, 200, JSON.stringify(locate.body));
      assert.ok((await tileCount(two.url, token, at)) >= 0);
      assert.ok((await statsTotal(two.url, token)) > 0);

      const started = Date.now();
      const write = await call(two.url, 'POST', '/api/incidents', { token, body: report });
      const took = Date.now() - started;
      assert.equal(write.status, 503, JSON.stringify(write.body));
      assert.ok(took < 2000, `the refusal took ${took} ms`);
      assert.ok(Number(write.headers.get('retry-after')) > 0);
      assert.match(write.body.message, /database/);
      console.log(`# a write during the outage was refused in ${took} ms`);

      const health = await call(two.url, 'GET', '/api/health');
      assert.equal(health.status, 200);
      assert.equal(health.body.status, 'degraded');
      assert.ok(health.body.reason.length > 0 && health.body.grids['3'] > 0, JSON.stringify(health.body));
    } finally {
      pg.start();
    }
    const before = await statsTotal(one.url, token);
    let posted;
    const back = await within(15_000, 'a write accepted after PostgreSQL came back', async () => {
      posted = await call(two.url, 'POST', '/api/incidents', { token, body: report });
      return posted.status === 201;
    });
    console.log(`# writes accepted again ${back} ms after PostgreSQL started`);
    await within(5000, 'the first server counting the write made on the second', async () =>
      (await statsTotal(one.url, token)) === before + 1);
    await within(5000, 'health ok again', async () =>
      (await call(two.url, 'GET', '/api/health')).body.status === 'ok');
    await sleep(0);
  });
});
