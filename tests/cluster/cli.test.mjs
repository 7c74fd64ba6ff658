// The embedded store's change feed: commands run with the CLI on the database a server is
// serving reach that server without a restart — incidents imported, an account disabled.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, PASSWORD, call, freePort, gridd, listAll, prepareStore, serve, stop, within } from './lib/cluster.mjs';
import { statsTotal } from './lib/look.mjs';

describe('a CLI command on a served SQLite store', () => {
  let dir; let db; let token; let server;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gridd-cli-feed-'));
    db = `sqlite:${join(dir, 'gridd.db')}`;
    token = prepareStore(db, join(ROOT, 'data/sample-city'));
    server = await serve(db, await freePort());
  });

  after(async () => {
    if (server) await stop(server);
    rmSync(dir, { recursive: true, force: true });
  });

  test('incidents imported with gridd import-incidents show in the running server\'s statistics within a second', async () => {
    const out = join(dir, 'incidents');
    const start = new Date(Date.now() - 380 * 86400e3).toISOString().slice(0, 10);
    gridd(['generate-incidents', '--seed', '3', '--count', '500', '--start', start, '--out', out]);
    const before = await statsTotal(server.url, token);
    gridd(['import-incidents', '--db', db, join(out, 'incidents.ndjson')]);
    // The statistics count incidents inside a level-3 grid; the store knows which those are.
    const listed = await listAll(server.url, '/api/incidents?limit=10000', token);
    const inGrids = listed.filter((f) => f.properties.grids.some((g) => g.level === 3)).length;
    assert.ok(inGrids > 450, `${inGrids} of 500 inside the city`);
    const took = await within(1000, 'the imported incidents in the server\'s statistics', async () => {
      const n = await statsTotal(server.url, token);
      return n === before + inGrids || `${n} counted, ${before} before, ${inGrids} imported in grids`;
    });
    console.log(`# the server counted the import after ${took} ms`);
  });

  test('an account disabled with gridd user disable is refused by the running server within a second', async () => {
    const res = await fetch(`${server.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.url },
      body: JSON.stringify({ login: 'cluster.admin', password: PASSWORD }),
    });
    assert.equal(res.status, 200);
    const cookie = res.headers.get('set-cookie').split(';')[0];
    assert.equal((await call(server.url, 'GET', '/api/session', { cookie })).status, 200);
    gridd(['user', 'disable', '--db', db, '--login', 'cluster.admin']);
    await within(1000, 'the disabled account refused', async () =>
      (await call(server.url, 'GET', '/api/session', { cookie })).status === 401);
  });
});
