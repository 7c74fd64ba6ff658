// One case walked through the closed loop in the browser across four roles: the grid officer
// reports it, the dispatcher registers and dispatches it, the department signs for it and
// reports it done, the officer checks it on site, the dispatcher records the rating — each on
// the 案件处置 page, with screenshots at desktop and phone size —, the officer finds it under
// 我的上报, and the public wall page shows it to anyone.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DESKTOP, PHONE, launch, openPage, screenshot, waitForMapIdle } from './lib/browser.mjs';
import { startServer } from './lib/server.mjs';

let server;
let browser;

before(async () => {
  server = await startServer({ incidents: 0 });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** A point inside the demo officer's first grid (its bounding-box centre, checked). */
async function pointInOfficersGrid() {
  const fc = await server.apiAs('demo.officer', '/api/grids?level=3');
  for (const f of fc.features) {
    const ring = f.geometry.type === 'Polygon' ? f.geometry.coordinates[0] : f.geometry.coordinates[0][0];
    const xs = ring.map((p) => p[0]);
    const ys = ring.map((p) => p[1]);
    const at = [(Math.min(...xs) + Math.max(...xs)) / 2, (Math.min(...ys) + Math.max(...ys)) / 2];
    const where = await server.api(`/api/locate?lng=${at[0]}&lat=${at[1]}`);
    if (where.grids.find((g) => g.level === 3)?.code === f.properties.code) return at;
  }
  throw new Error('no grid of the demo officer holds its own centre');
}

/** Opens /cases as `login`, opens case `id` and presses the button of `action`. */
async function step(login, viewport, id, action, before = async () => {}) {
  const { page, context, problems } = await openPage(browser, viewport, { server, as: login });
  try {
    await page.goto(`${server.url}/cases`);
    await waitForMapIdle(page);
    const item = page.locator(`#case-list button[data-id="${id}"]`);
    await item.waitFor({ timeout: 10_000 }).catch(async (e) => {
      await screenshot(page, `cases-missing-${login}`);
      throw new Error(`${login} does not see case ${id}: ${await page.locator('#panel').innerText()} ${problems()}`, { cause: e });
    });
    await item.click();
    await page.locator(`.case-actions button[data-action="${action}"]`).waitFor();
    await before(page);
    const shot = `cases-${login.replace('demo.', '')}-${action}-${viewport.width}x${viewport.height}`;
    await screenshot(page, shot);
    await page.click(`.case-actions button[data-action="${action}"]`);
    await page.locator('#case-detail .notice-success').waitFor();
    assert.deepEqual(problems(), [], `${login} ${action}`);
  } finally {
    await context.close();
  }
}

test('a case goes from the officer through dispatcher and department back to the officer and onto the public wall', async () => {
  const at = await pointInOfficersGrid();
  const login = await fetch(`${server.url}/api/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ login: 'demo.officer', password: 'gridd-demo-2026' }),
  });
  const cookie = login.headers.get('set-cookie').split(';')[0];
  const res = await fetch(`${server.url}/api/incidents`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Cookie: cookie, Origin: server.url },
    body: JSON.stringify({ lng: at[0], lat: at[1], category: 'e_street_order', description: '人行道占道经营' }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  const id = (await res.json()).id;

  // A second report of the same problem a moment later: the dispatcher sees it offered as a
  // possible duplicate while registering the first.
  const again = await fetch(`${server.url}/api/incidents`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Cookie: cookie, Origin: server.url },
    body: JSON.stringify({ lng: at[0], lat: at[1], category: 'e_street_order', description: '又有人占道' }),
  });
  assert.equal(again.status, 201);
  const twin = (await again.json()).id;
  await step('demo.dispatcher', DESKTOP, id, 'register', async (page) => {
    const offered = page.locator(`#possible-duplicates button[data-duplicate="${twin}"]`);
    await offered.waitFor();
    assert.match(await offered.innerText(), /0 米/);
    await offered.click();
    assert.equal(await page.inputValue('#case-duplicate-of'), String(twin));
    // …and as a grey pin on the map beside the case's own.
    await page.locator(`.maplibregl-marker[data-duplicate="${twin}"]`).waitFor();
  });
  await step('demo.dispatcher', DESKTOP, id, 'dispatch', async (page) => {
    assert.equal(await page.inputValue('#case-department'), '城管执法局', 'the department that takes street order');
  });
  await step('demo.department', PHONE, id, 'accept');
  await step('demo.department', PHONE, id, 'respond', async (page) => page.fill('#case-note', '已清理'));
  await step('demo.officer', PHONE, id, 'verify_pass');
  await step('demo.dispatcher', DESKTOP, id, 'evaluate', async (page) => page.selectOption('#case-satisfaction', 'satisfied'));

  const c = await server.api(`/api/incidents/${id}`);
  assert.equal(c.status, 'evaluated');
  assert.deepEqual(
    c.history.map((e) => e.action),
    ['register', 'dispatch', 'accept', 'respond', 'verify_pass', 'evaluate'],
  );
  assert.equal(c.history[3].note, '已清理');
  const wall = await (await fetch(`${server.url}/api/wall`)).json();
  const shown = wall.problems.find((p) => p.id === id);
  assert.equal(shown?.status, 'evaluated');
  assert.equal(shown?.satisfaction, 'satisfied');

  // The officer finds it under 我的上报 with its status.
  {
    const { page, context, problems } = await openPage(browser, PHONE, { server, as: 'demo.officer' });
    try {
      await page.goto(`${server.url}/cases?list=mine`);
      await waitForMapIdle(page);
      const item = page.locator(`#case-list button[data-id="${id}"]`);
      await item.waitFor();
      assert.match(await item.innerText(), /综合评价/);
      assert.equal(await page.getAttribute('button[data-list="mine"]', 'aria-pressed'), 'true');
      await screenshot(page, 'cases-officer-my-reports-390x844');
      assert.deepEqual(problems(), []);
    } finally {
      await context.close();
    }
  }

  // And anyone, signed in or not, sees it on the public wall page: closed, rated, no point.
  for (const viewport of [DESKTOP, PHONE]) {
    const { page, context, problems } = await openPage(browser, viewport, { server, as: null });
    try {
      await page.goto(`${server.url}/wall`);
      const card = page.locator(`#wall-list li[data-id="${id}"]`);
      await card.waitFor();
      assert.equal(new URL(page.url()).pathname, '/wall', 'no login asked');
      const text = await card.innerText();
      assert.match(text, /街面秩序/);
      assert.match(text, /满意/);
      assert.doesNotMatch(text, /人行道占道经营|110\.|35\./, 'no description, no coordinates');
      await screenshot(page, `wall-${viewport.width}x${viewport.height}`);
      assert.deepEqual(problems(), []);
    } finally {
      await context.close();
    }
  }
});
