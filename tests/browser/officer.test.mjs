// The grid officer's jobs, as a person does them in the browser: choose one's grid, tap the map
// to report an incident, and see the API file it under the right grid; type GCJ-02 coordinates
// and see where they land.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  DESKTOP,
  PHONE,
  launch,
  openPage,
  screenshot,
  settledCount,
  waitForMapIdle,
  waitForPlaces,
  waitForSettle,
} from './lib/browser.mjs';
import { startServer } from './lib/server.mjs';

let server;
let browser;

before(async () => {
  server = await startServer({ incidents: 2000 });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** A level-3 grid whose bounding-box centre lies in the grid itself (where the map will centre). */
async function gridWithInnerCentre(skip = 0) {
  const fc = await server.api('/api/grids?level=3');
  for (const f of fc.features.slice(skip, skip + 200)) {
    const ring = f.geometry.type === 'Polygon' ? f.geometry.coordinates[0] : f.geometry.coordinates[0][0];
    const xs = ring.map((p) => p[0]);
    const ys = ring.map((p) => p[1]);
    const lng = (Math.min(...xs) + Math.max(...xs)) / 2;
    const lat = (Math.min(...ys) + Math.max(...ys)) / 2;
    const where = await server.api(`/api/locate?lng=${lng}&lat=${lat}`);
    if (where.grids.find((g) => g.level === 3)?.code === f.properties.code) return { ...f.properties, centre: [lng, lat] };
  }
  throw new Error('no grid with its centre inside it among the first 200');
}

for (const [size, viewport] of [
  ['1280x800', DESKTOP],
  ['390x844', PHONE],
]) {
  test(`at ${size} an officer picks a grid, taps the map, reports, and the API files it in that grid`, async () => {
    const grid = await gridWithInnerCentre();
    const { page, context, problems } = await openPage(browser, viewport, { server });
    try {
      await page.goto(`${server.url}/officer`);
      await waitForMapIdle(page);
      await page.locator('#grid-select option[value]:not([value=""])').first().waitFor({ state: 'attached' });

      // Pick the grid from the list; the map flies to it and lists its open incidents.
      const n = await settledCount(page);
      await page.selectOption('#grid-select', grid.code);
      await waitForSettle(page, n);
      await page.locator('#incidents-count').filter({ hasText: /\d/ }).waitFor();
      assert.match(await page.locator('#grid-summary').innerText(), new RegExp(grid.code));
      assert.equal(new URL(page.url()).searchParams.get('grid'), grid.code);

      // Tap the middle of the map (the grid's centre) to report there.
      const box = await page.locator('#map').boundingBox();
      const centre = { x: box.width / 2, y: box.height / 2 };
      if (viewport === PHONE) await page.locator('#map').tap({ position: centre });
      else await page.locator('#map').click({ position: centre });
      await page.locator('#report-form').waitFor();
      await page.locator('#report-place .will-go').filter({ hasText: grid.code }).waitFor();
      const [, lng, lat] = (await page.locator('#report-place').innerText()).match(/(-?\d+\.\d+),\s*(-?\d+\.\d+)/);
      await screenshot(page, `officer-report-form-${size}`);

      // Submitting without a category is refused in words, nothing is sent.
      await page.click('#report-submit');
      await page.locator('#report-note .notice-error').waitFor();

      const description = `井盖缺失（浏览器测试 ${size}）`;
      await page.selectOption('#report-category', 'c_public_facilities');
      await page.fill('#report-description', description);
      await page.click('#report-submit');
      const note = page.locator('#report-note .notice-success');
      await note.waitFor();
      assert.match(await note.innerText(), new RegExp(`已上报.*${grid.code}`));
      const latest = page.locator('#incidents li.incident.latest');
      await latest.waitFor();
      const id = Number(await latest.getAttribute('data-id'));
      assert.ok(id > 0);
      assert.match(await latest.innerText(), /公用设施/);
      await screenshot(page, `officer-reported-${size}`);

      // The API files the incident under the grid the officer tapped, at the tapped place.
      const listed = await server.api(`/api/incidents?grid=${grid.code}&limit=200`);
      const found = listed.features.find((f) => f.properties.id === id);
      assert.ok(found, `incident ${id} is not listed under grid ${grid.code}`);
      assert.equal(found.properties.grids.find((g) => g.level === 3).code, grid.code);
      assert.equal(found.properties.category, 'c_public_facilities');
      assert.equal(found.properties.channel, 'patrol');
      assert.equal(found.properties.description, description);
      assert.ok(Math.abs(found.geometry.coordinates[0] - Number(lng)) < 1e-6);
      assert.ok(Math.abs(found.geometry.coordinates[1] - Number(lat)) < 1e-6);
      const where = await server.api(`/api/locate?lng=${lng}&lat=${lat}`);
      assert.equal(where.grids.find((g) => g.level === 3).code, grid.code);
      assert.deepEqual(problems(), []);
    } finally {
      await context.close();
    }
  });
}

test('an officer types GCJ-02 coordinates and sees the grid, compound and building they land in', async () => {
  // A building's centre, written the way a phone app would give it (GCJ-02, shifted from WGS84).
  const buildings = await server.api('/api/buildings?bbox=110.44,35.47,110.45,35.48');
  const b = buildings.features.find((f) => f.properties.compound) ?? buildings.features[0];
  const ring = b.geometry.type === 'Polygon' ? b.geometry.coordinates[0] : b.geometry.coordinates[0][0];
  const wgs = [
    ring.reduce((s, p) => s + p[0], 0) / ring.length,
    ring.reduce((s, p) => s + p[1], 0) / ring.length,
  ];
  // Find the GCJ-02 coordinates of that point by asking the server which GCJ-02 point lands there.
  const shifted = await server.api(`/api/locate?lng=${wgs[0]}&lat=${wgs[1]}&crs=gcj02`);
  const gcj = [2 * wgs[0] - shifted.wgs84[0], 2 * wgs[1] - shifted.wgs84[1]];
  const expected = await server.api(`/api/locate?lng=${gcj[0]}&lat=${gcj[1]}&crs=gcj02`);
  assert.ok(Math.abs(expected.wgs84[0] - wgs[0]) < 2e-5, 'GCJ-02 round trip is off');

  const { page, context, problems } = await openPage(browser, DESKTOP, { server });
  try {
    await page.goto(`${server.url}/officer`);
    await waitForMapIdle(page);
    // Bad input is answered in words.
    await page.fill('#locate-lng', 'abc');
    await page.fill('#locate-lat', '35.47');
    await page.click('#locate-form button[type="submit"]');
    await page.locator('#locate-result .notice-error').waitFor();

    await page.fill('#locate-lng', gcj[0].toFixed(7));
    await page.fill('#locate-lat', gcj[1].toFixed(7));
    await page.selectOption('#locate-crs', 'gcj02');
    const n = await settledCount(page);
    await page.click('#locate-form button[type="submit"]');
    const grids = page.locator('#locate-result .locate-grids');
    await grids.waitFor();
    const finest = expected.grids.find((g) => g.level === 3).code;
    assert.equal(await grids.getAttribute('data-grid'), finest);
    const text = await page.locator('#locate-result').innerText();
    assert.match(text, new RegExp(expected.wgs84[0].toFixed(6)));
    if (expected.compound) assert.match(text, new RegExp(expected.compound.name));
    if (expected.building) assert.match(text, new RegExp(expected.building.address));
    // The marker is on the map at the WGS84 point and the map went there.
    assert.equal(await page.locator('#map .maplibregl-marker').count(), 1);
    await waitForSettle(page, n);
    // The compounds and buildings around the point (asked for once the map has moved there).
    await waitForPlaces(page);
    await waitForSettle(page, await settledCount(page) - 1);
    await screenshot(page, 'officer-locate-1280x800');
    assert.deepEqual(problems(), []);
  } finally {
    await context.close();
  }
});

test('empty states and errors are said in words', async () => {
  // A grid with no open incident, of the few loaded here.
  const stats = await server.api('/api/stats/grids?level=3');
  const quiet = stats.grids.find((g) => g.open === 0);
  assert.ok(quiet, 'every grid has an open incident');

  const { page, context } = await openPage(browser, DESKTOP, { server });
  try {
    await page.goto(`${server.url}/officer?grid=${quiet.code}`);
    await waitForMapIdle(page);
    await page.locator('#incidents .notice-empty').filter({ hasText: '本网格暂无未结事件' }).waitFor();

    // A search that matches no grid says so.
    await page.fill('#panel input[type="search"]', '不存在的网格');
    await page.locator('.grids-note .notice-empty').filter({ hasText: '没有符合“不存在的网格”的网格' }).waitFor();

    // The server's own error message reaches the person (here: refused coordinates).
    await page.fill('#locate-lng', '35.47');
    await page.fill('#locate-lat', '110.44');
    await page.selectOption('#locate-crs', 'wgs84');
    await page.click('#locate-form button[type="submit"]');
    const error = page.locator('#locate-result .notice-error');
    await error.waitFor();
    assert.match(await error.innerText(), /^请求参数有误。服务器说明：.*lat.*swapped/);

    // An unreachable server is told apart from a refusal.
    await page.route('**/api/incidents?*', (route) => route.abort('connectionrefused'));
    await page.fill('#panel input[type="search"]', '');
    await page.selectOption('#grid-select', stats.grids[1].code);
    await page.locator('#incidents .notice-error').filter({ hasText: '无法连接服务' }).waitFor();
  } finally {
    await context.close();
  }
});

test('an officer finds their grid by the name people say, it is remembered, and a report from elsewhere is flagged', async () => {
  const mine = await gridWithInnerCentre();
  const other = await gridWithInnerCentre(300);
  const { page, context, problems } = await openPage(browser, PHONE, { server });
  try {
    await page.goto(`${server.url}/officer`);
    await page.locator('#grid-select option[value]:not([value=""])').first().waitFor({ state: 'attached' });
    // "英山1-2" for 英山社区第1-2网格: the words every name has are not needed; the exact name picks it.
    const spoken = mine.name.replace(/社区|第|网格/g, '');
    await page.fill('#panel input[type="search"]', spoken);
    await page.locator('#grid-matches').waitFor();
    assert.match(await page.locator('#grid-matches').innerText(), /找到 \d+ 个网格/);
    await page.locator('#grid-summary').filter({ hasText: mine.code }).waitFor();
    assert.equal(new URL(page.url()).searchParams.get('grid'), mine.code);

    // Opened again without the grid in the address: the officer's grid is remembered.
    await page.goto(`${server.url}/officer`);
    await page.locator('#grid-summary').filter({ hasText: mine.code }).waitFor();

    // Where the phone says it is (here: in another grid), with the browser's permission.
    await context.grantPermissions(['geolocation'], { origin: server.url });
    await context.setGeolocation({ longitude: other.centre[0], latitude: other.centre[1] });
    await page.click('#report-here');
    const warning = page.locator('#report-place .will-go.elsewhere');
    await warning.waitFor();
    assert.match(await warning.innerText(), new RegExp(`不在您的网格内.*${other.code}`));
    await page.waitForTimeout(1500); // the map flies to where the phone is
    await waitForMapIdle(page);
    await screenshot(page, 'officer-report-elsewhere-390x844');

    // A report without a description is refused in words and nothing is sent.
    const posted = [];
    page.on('request', (r) => r.method() === 'POST' && r.url().endsWith('/api/incidents') && posted.push(r.url()));
    await page.selectOption('#report-category', 'e_street_order');
    await page.click('#report-submit');
    await page.locator('#report-note .notice-error >> text=请简要描述发生了什么').waitFor();
    assert.deepEqual(posted, []);
    await page.fill('#report-description', '占道经营（定位上报）');
    await page.click('#report-submit');
    await page.locator('#report-note .notice-success').waitFor();
    assert.equal(posted.length, 1);
    const listed = await server.api(`/api/incidents?grid=${other.code}&limit=50`);
    assert.ok(listed.features.some((f) => f.properties.description === '占道经营（定位上报）'));
    assert.deepEqual(problems(), []);
  } finally {
    await context.close();
  }
});

test('a bookmark to a grid since redrawn says when, and offers the grids that replaced it', async () => {
  const call = async (method, path, body) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json', ...server.auth },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    assert.ok(res.ok, `${method} ${path}: ${res.status} ${text}`);
    return JSON.parse(text);
  };
  const over = (await server.api('/api/plan/oversized')).grids.find((g) => g.fit === 'over');
  const draft = await call('POST', '/api/drafts', { name: '书签测试' });
  await call('POST', `/api/drafts/${draft.id}/split`, { code: over.code });
  const published = await call('POST', `/api/drafts/${draft.id}/publish`, { valid_from: '2026-03-01' });
  const { page, context, problems } = await openPage(browser, PHONE, { server });
  try {
    await page.goto(`${server.url}/officer?grid=${over.code}`);
    const note = page.locator('#grid-redrawn');
    await note.waitFor();
    assert.match(await note.innerText(), new RegExp(`网格 ${over.code} 已于 2026年3月1日 重新划分（版本 ${published.version}）`));
    const offered = await note.locator('button[data-code]').evaluateAll((bs) => bs.map((b) => b.dataset.code));
    assert.deepEqual(offered.sort(), [...published.created].sort());
    await screenshot(page, 'officer-grid-redrawn-390x844');
    await note.locator(`button[data-code="${published.created[0]}"]`).click();
    await page.locator('#grid-summary').filter({ hasText: published.created[0] }).waitFor();
    assert.equal(await page.locator('#grid-redrawn').count(), 0);
    assert.deepEqual(problems(), []);
  } finally {
    await context.close();
  }
});

test("an officer's long list comes twenty at a time, filters by category, and the incident tapped is ringed on the map", async () => {
  // A busy grid: 45 more open reports around its centre (two categories), loaded in bulk.
  const grid = await gridWithInnerCentre(600);
  const lines = Array.from({ length: 45 }, (_, k) =>
    JSON.stringify({
      lng: grid.centre[0] + ((k % 9) - 4) * 0.00002,
      lat: grid.centre[1] + (Math.floor(k / 9) - 2) * 0.00002,
      category: k % 3 ? 'e_street_order' : 'c_public_facilities',
      description: `巡查发现 ${k + 1}`,
    }),
  );
  const bulk = await fetch(`${server.url}/api/incidents/bulk`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-ndjson', ...server.auth },
    body: lines.join('\n'),
  });
  assert.equal(bulk.status, 200, await bulk.text());
  const busiest = (await server.api('/api/stats/grids?level=3')).grids.find((g) => g.code === grid.code);
  assert.ok(busiest.open > 40, `${busiest.open} open`);
  const { page, context, problems } = await openPage(browser, DESKTOP, { server });
  try {
    await page.goto(`${server.url}/officer?grid=${busiest.code}`);
    const items = page.locator('#incidents li.incident');
    await items.first().waitFor();
    assert.equal(await items.count(), 20);
    await page.click('#incidents-more');
    assert.equal(await items.count(), Math.min(40, busiest.open));
    // One category only: every item listed is of it.
    const options = await page.locator('#incident-category option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
    await page.selectOption('#incident-category', options[0]);
    const shownIds = await items.evaluateAll((ls) => ls.map((l) => Number(l.dataset.id)));
    const listed = (await server.api(`/api/incidents?grid=${busiest.code}&status=open&limit=500`)).features;
    for (const id of shownIds) assert.equal(listed.find((f) => f.properties.id === id).properties.category, options[0]);
    // Tapped in the list: marked there, ringed on the map.
    await items.first().click();
    const id = Number(await items.first().getAttribute('data-id'));
    assert.equal(await page.locator('#incidents li.incident.chosen').getAttribute('data-id'), String(id));
    await waitForMapIdle(page);
    const ringed = await page.evaluate(() =>
      document
        .getElementById('map')
        .griddMap.querySourceFeatures('incidents')
        .filter((f) => f.properties.chosen)
        .map((f) => f.properties.id),
    );
    assert.deepEqual([...new Set(ringed)], [id]);
    await screenshot(page, 'officer-incident-chosen-1280x800');
    assert.deepEqual(problems(), []);
  } finally {
    await context.close();
  }
});

test('zoomed in, compounds and buildings are named on the map, and no name covers another', async () => {
  // A compound of the sample city and the grid it lies in.
  const compounds = await server.api('/api/compounds?bbox=110.0,35.0,111.0,36.0');
  const compound = compounds.features.find((f) => f.properties.grid);
  assert.ok(compound, 'the sample city has a compound in a grid');
  const ring = compound.geometry.type === 'Polygon' ? compound.geometry.coordinates[0] : compound.geometry.coordinates[0][0];
  const centre = [0, 1].map((k) => ring.slice(1).reduce((s, p) => s + p[k], 0) / (ring.length - 1));
  const { page, context, problems } = await openPage(browser, DESKTOP, { server });
  try {
    await page.goto(`${server.url}/officer?grid=${compound.properties.grid}`);
    await waitForMapIdle(page);
    const show = async (zoom) => {
      const n = await settledCount(page);
      await page.evaluate(([c, z]) => document.getElementById('map').griddMap.jumpTo({ center: c, zoom: z }), [centre, zoom]);
      await waitForSettle(page, n);
      await waitForPlaces(page);
      await page.waitForFunction(() => Number(document.getElementById('map').dataset.labels ?? 0) > 0);
    };
    // At 16 the compounds are named, not yet the buildings.
    await show(16);
    const names = await page.locator('.map-label-compound').allInnerTexts();
    assert.ok(names.includes(compound.properties.name), `${compound.properties.name} among ${names.join('、')}`);
    assert.equal(await page.locator('.map-label-building').count(), 0);
    // At 17.5 the buildings too: a compound's by their number.
    await show(17.5);
    const buildings = await page.locator('.map-label-building').allInnerTexts();
    assert.ok(buildings.some((b) => /^\d+号楼$/.test(b)), buildings.join('、'));
    const boxes = await page.locator('.map-label').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON()));
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i], boxes[j]];
        const apart = a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top;
        assert.ok(apart, `labels ${i} and ${j} overlap`);
      }
    }
    await screenshot(page, 'officer-labels-1280x800');
    // Zoomed out again, the names go.
    await show(16);
    assert.equal(await page.locator('.map-label-building').count(), 0);
    assert.deepEqual(problems(), []);
  } finally {
    await context.close();
  }
});

test("an officer's first visit opens on the grid their login serves, with its incidents", async () => {
  const me = await server.apiAs('demo.officer', '/api/session');
  assert.ok(me.officer_grids.length > 0, 'the demo officer serves a grid');
  const { page, context, problems } = await openPage(browser, PHONE, { server, as: 'demo.officer' });
  try {
    await page.goto(`${server.url}/officer`);
    await waitForMapIdle(page);
    await page.waitForFunction((code) => document.getElementById('grid-select')?.value === code, me.officer_grids[0]);
    await page.locator('#incidents-count').filter({ hasText: /\d/ }).waitFor();
    await waitForPlaces(page);
    await screenshot(page, 'officer-first-visit-390x844');
    assert.deepEqual(problems(), []);
  } finally {
    await context.close();
  }
});
