// The planner's job in Chromium: find an oversized grid, preview its auto-split (parts within
// the band), record it in a draft, undo and redo, validate, publish a new version; then the
// officer view offers the new grids and the API answers with the new version.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DESKTOP, PHONE, canvasPixels, launch, openPage, screenshot, waitForMapIdle } from './lib/browser.mjs';
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

test('a planner splits an oversized grid in a draft, validates and publishes a new version', async () => {
  const { page, context, problems } = await openPage(browser, DESKTOP, { server });
  try {
    await page.goto(`${server.url}/planner`);
    await waitForMapIdle(page);
    const rows = page.locator('#band-list .band-row');
    await rows.first().waitFor();
    assert.match(await page.locator('#band-list .count').innerText(), /过大 \d+ 个/);
    assert.equal(await rows.first().locator('.fit').innerText(), '过大');
    // An oversized grid two parts of 300–500 can hold.
    const list = await server.api('/api/plan/oversized');
    const target = list.grids.find((g) => g.fit === 'over' && g.households >= 700 && g.households <= 900);
    assert.ok(target, 'the sample city has an oversized grid of 700–900 households');
    // Open incidents in it (at three of its buildings), to follow through the publish.
    const houses = (await server.api(`/api/buildings?grid=${target.code}`)).features.slice(0, 3);
    for (const b of houses) {
      const ring = b.geometry.coordinates[0][0];
      const at = [0, 1].map((k) => ring[0][k] + (ring[2][k] - ring[0][k]) * 0.2);
      const res = await fetch(`${server.url}/api/incidents`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...server.auth },
        body: JSON.stringify({ lng: at[0], lat: at[1], category: 'c_public_facilities', description: '拆分前上报' }),
      });
      assert.equal(res.status, 201, await res.text());
    }
    const openBefore = (await server.api('/api/stats/grids?level=3')).grids.find((g) => g.code === target.code).open;
    assert.ok(openBefore >= 3, `${openBefore} open`);
    await page.click(`#band-list .band-row[data-code="${target.code}"]`);
    await page.click('#plan-preview-button');
    const parts = page.locator('#plan-parts tbody tr');
    await parts.first().waitFor();
    assert.equal(await parts.count(), 2);
    for (const row of await parts.all()) assert.equal(await row.locator('.fit').innerText(), '合适');
    const pixels = await canvasPixels(page);
    assert.ok(pixels.colours > 20, 'the map draws the grids and the preview');
    await screenshot(page, 'planner-preview-1280x800');

    await page.fill('#draft-name', '北片超大网格调整');
    await page.click('#plan-apply');
    await page.locator('#draft-current').waitFor();
    assert.match(await page.locator('#draft-current').innerText(), /北片超大网格调整 · 1 步/);
    assert.match(await page.locator('#draft-retired summary').innerText(), /将被替换的网格：1 个/);
    await page.click('#draft-retired summary');
    assert.match(await page.locator('#draft-retired').innerText(), new RegExp(target.name));
    // The live grids are untouched until publishing.
    assert.equal((await fetch(`${server.url}/api/grids/${target.code}`, { headers: server.auth })).status, 200);

    await page.click('#draft-undo');
    await page.locator('#plan-draft >> text=草稿尚无改动').waitFor();
    await page.click('#draft-redo');
    await page.locator('#draft-retired').waitFor();

    await page.click('#draft-validate');
    await page.locator('#draft-validation .notice-success').waitFor();

    // Publishing first shows what it would change; going back publishes nothing.
    await page.click('#draft-publish');
    const summary = page.locator('#publish-summary');
    await summary.waitFor();
    const said = await summary.innerText();
    assert.match(said, /发布前请确认/);
    assert.match(said, /停用 1 个网格，新建 2 个网格/);
    assert.match(said, /名网格员将服务新网格/);
    // The old grid's officers go with one part; the other starts vacant and is named.
    assert.match(said, /1 个新网格暂无网格员：61058\d{10}/);
    assert.match(said, /发布后立即生效/);
    await screenshot(page, 'planner-publish-summary-1280x800');
    await page.click('#publish-cancel');
    await page.locator('#publish-summary').waitFor({ state: 'detached' });
    assert.equal((await server.api('/api/versions')).versions.length, 1, 'nothing published on going back');

    // The vacant part is given an officer of the community, chosen by name.
    const vacantRow = page.locator('#plan-parts tbody tr', { has: page.locator('.vacant') });
    assert.equal(await vacantRow.count(), 1);
    const vacantCode = await vacantRow.getAttribute('data-code');
    await vacantRow.locator('button[data-action="staff"]').click();
    const editor = page.locator('#staff-editor');
    await editor.locator('ul.staff-candidates li').first().waitFor();
    assert.match(await editor.locator('h3').innerText(), new RegExp(`安排网格员：.*${vacantCode}`));
    assert.match(await editor.innerText(), /现服务：.*网格/);
    const pick = editor.locator('ul.staff-candidates li', { has: page.locator('input:not(:checked)') }).first();
    const pickedName = await pick.locator('.staff-name').innerText();
    await pick.locator('input').check();
    await screenshot(page, 'planner-staff-1280x800');
    await page.click('#staff-save');
    await page.locator('#plan-draft >> text=已为').waitFor();
    const staffedRow = page.locator(`#plan-parts tbody tr[data-code="${vacantCode}"]`);
    assert.match(await staffedRow.innerText(), new RegExp(`${pickedName}.*已指定`));
    assert.equal(await staffedRow.locator('.vacant').count(), 0);
    await page.click('#draft-publish');
    await summary.waitFor();
    const staffedSaid = await summary.innerText();
    assert.match(staffedSaid, /每个新网格都有网格员/);
    assert.match(staffedSaid, /其中 1 个新网格的网格员由您指定/);
    await page.click('#publish-confirm');
    await page.locator('#plan-draft >> text=已发布版本').waitFor();
    assert.match(await page.locator('#plan-draft').innerText(), /已发布版本 2，新增 2 个网格/);
    await page.locator('#plan-versions li[data-version="2"]').waitFor();
    await screenshot(page, 'planner-published-1280x800');

    const versions = await server.api('/api/versions');
    assert.equal(versions.versions.length, 2);
    const created = versions.versions[1].created;
    assert.equal((await fetch(`${server.url}/api/grids/${target.code}`, { headers: server.auth })).status, 404, 'the old grid is retired');
    for (const code of created) {
      const g = await server.api(`/api/grids/${code}`);
      assert.ok(g.properties.households >= 300 && g.properties.households <= 500, `${code}: ${g.properties.households}`);
    }
    const staffed = await server.api(`/api/grids/${vacantCode}`);
    assert.deepEqual(
      staffed.properties.officer_list.map((o) => o.name),
      [pickedName],
      'the officer chosen in the draft serves the new grid',
    );
    assert.deepEqual(problems(), []);

    // The officer view offers the new grids.
    await page.goto(`${server.url}/officer`);
    await waitForMapIdle(page);
    for (const code of created) {
      assert.equal(await page.locator(`#grid-select option[value="${code}"]`).count(), 1, code);
    }
    assert.equal(await page.locator(`#grid-select option[value="${target.code}"]`).count(), 0);
    // ...and their officers see the open incidents of the old grid, under the grids in force now.
    let listed = 0;
    for (const code of created) {
      await page.selectOption('#grid-select', code);
      await page.locator('#incidents-count').filter({ hasText: /\d/ }).waitFor();
      const open = Number((await page.locator('#incidents-count').innerText()).match(/\d+/)[0]);
      if (open > 0) assert.ok((await page.locator('#incidents li.incident').count()) > 0, `${code} lists its ${open}`);
      listed += open;
    }
    assert.equal(listed, openBefore, 'every open incident of the old grid is in one of the new ones');
    assert.deepEqual(problems(), []);
  } finally {
    await context.close();
  }
});

test('the reasons a split misses the band read in Chinese, and in English after the toggle', async () => {
  const { page, context, problems } = await openPage(browser, DESKTOP, { server });
  try {
    // A grid whose split the server explains: a compound divided by building, or a unit over the band.
    const list = await server.api('/api/plan/oversized');
    let target = null;
    for (const g of list.grids.filter((x) => x.fit === 'over')) {
      const res = await fetch(`${server.url}/api/plan/split`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...server.auth },
        body: JSON.stringify({ code: g.code }),
      });
      const preview = await res.json();
      if (res.ok && preview.reasons?.length) {
        target = { code: g.code, reasons: preview.reasons };
        break;
      }
    }
    assert.ok(target, 'some oversized grid of the sample city comes with reasons');
    for (const r of target.reasons) assert.match(r.code, /^plan\./);
    await page.goto(`${server.url}/planner`);
    await waitForMapIdle(page);
    await page.locator(`#band-list .band-row[data-code="${target.code}"]`).click();
    await page.click('#plan-preview-button');
    const reasons = page.locator('#plan-problems li');
    await reasons.first().waitFor();
    const zh = await page.locator('#plan-problems').innerText();
    assert.match(zh, /按楼栋划分|单独就有|分割线|调整空间|需要/);
    assert.doesNotMatch(zh, /households|divided|cannot|the band/, 'no English sentence from the server');
    await screenshot(page, 'planner-reasons-zh-1280x800');
    await page.click('#lang-toggle');
    await page.locator('#plan-problems li').first().waitFor();
    assert.match(await page.locator('#plan-problems').innerText(), /Divided by building|on its own|No cut|of room|would need/);
    await page.click('#lang-toggle');
    assert.deepEqual(problems(), []);
  } finally {
    await context.close();
  }
});

test('the planner view on a phone lists the grids outside the band', async () => {
  const { page, context, problems } = await openPage(browser, PHONE, { server });
  try {
    await page.goto(`${server.url}/planner`);
    await waitForMapIdle(page);
    await page.locator('#band-list .band-row').first().waitFor();
    await screenshot(page, 'planner-390x844');
    assert.deepEqual(problems(), []);
  } finally {
    await context.close();
  }
});

test('a planner fixes every oversized grid in one step and publishes: none is left over the band', async () => {
  const { page, context, problems } = await openPage(browser, DESKTOP, { server });
  try {
    await page.goto(`${server.url}/planner`);
    await waitForMapIdle(page);
    await page.locator('#band-list .band-row').first().waitFor();
    await page.click('#plan-fix-all');
    await page.locator('#plan-draft >> text=未能调整 0 个').waitFor({ timeout: 60_000 });
    assert.match(await page.locator('#plan-draft').innerText(), /已拆分 \d+ 个，与相邻网格重划 \d+ 个/);
    // The list is of the grids in force, and says what the draft already fixes.
    assert.match(await page.locator('#band-list .count').innerText(), /其中过大 \d+ 个已在草稿中调整，发布后剩 0 个/);
    assert.ok((await page.locator('#band-list .band-row.drafted').count()) > 0);
    // The legend's swatches are as pale as the map's fills.
    const swatch = await page.locator('#legend .legend-items li .swatch').first().evaluate((e) => getComputedStyle(e).backgroundColor);
    assert.equal(swatch, 'rgba(197, 48, 48, 0.45)');
    await page.click('#draft-validate');
    await page.locator('#draft-validation .notice-success').waitFor({ timeout: 60_000 });
    await page.click('#draft-publish');
    await page.locator('#publish-summary').waitFor({ timeout: 60_000 });
    // Fixing every grid leaves new grids without officers: the summary says how many.
    assert.match(await page.locator('#publish-summary').innerText(), /\d+ 个新网格暂无网格员/);
    await page.click('#publish-confirm');
    await page.locator('#plan-draft >> text=已发布版本').waitFor({ timeout: 60_000 });
    await page.locator('#band-list .count').waitFor();
    assert.match(await page.locator('#band-list .count').innerText(), /过大 0 个/);
    await screenshot(page, 'planner-all-fixed-1280x800');
    const list = await server.api('/api/plan/oversized');
    assert.equal(list.over, 0);
    assert.deepEqual(problems(), []);
  } finally {
    await context.close();
  }
});

test('a planner cuts a grid along a line drawn across it on the map', async () => {
  const { page, context, problems } = await openPage(browser, DESKTOP, { server });
  try {
    await page.goto(`${server.url}/planner`);
    await waitForMapIdle(page);
    await page.locator('#band-list .band-row').first().waitFor();
    const list = await server.api('/api/plan/oversized?min=100&max=300');
    const target = list.grids.find((g) => g.fit === 'over');
    await page.fill('#band-min', '100');
    await page.fill('#band-max', '300');
    await page.click('#band-apply');
    await page
      .locator('#band-list .count >> text=100–300')
      .waitFor({ timeout: 10_000 })
      .catch(async (e) => {
        throw new Error(`${e.message}\nlist: ${(await page.locator('#panel').innerText()).slice(0, 600)}`);
      });
    await page.click(`#band-list .band-row[data-code="${target.code}"]`);
    await page.waitForTimeout(1200); // the camera flies to the grid
    await page.click('#plan-cut');
    const box = await page.locator('#map').boundingBox();
    await page.mouse.click(box.x + 80, box.y + box.height / 2);
    await page.mouse.click(box.x + box.width - 80, box.y + box.height / 2 + 4);
    await page
      .locator('#plan-draft >> text=已沿画线切分')
      .waitFor({ timeout: 10_000 })
      .catch(async (e) => {
        throw new Error(`${e.message}\npanel: ${await page.locator('#panel').innerText()}`);
      });
    assert.match(await page.locator('#draft-retired summary').innerText(), /将被替换的网格：1 个/);
    assert.equal(await page.locator('#plan-parts tbody tr').count(), 2);
    await screenshot(page, 'planner-cut-1280x800');
    assert.deepEqual(problems(), []);
  } finally {
    await context.close();
  }
});

/** Where a lng/lat is on the page, through the map the page keeps on its container. */
async function pageXY(page, lngLat) {
  const box = await page.locator('#map').boundingBox();
  const p = await page.evaluate((ll) => {
    const m = document.getElementById('map').griddMap;
    const q = m.project(ll);
    return { x: q.x, y: q.y };
  }, lngLat);
  return { x: box.x + p.x, y: box.y + p.y };
}

/**
 * A point on a footprint whatever its shape: a fifth of the way from its first corner to its
 * third (a courtyard house's yard, where its centre is, starts at 30%; an L's first two walls
 * are its full bar).
 */
const onFootprint = (ring) => [ring[0][0] + (ring[2][0] - ring[0][0]) * 0.2, ring[0][1] + (ring[2][1] - ring[0][1]) * 0.2];

const centreOf = (ring) => [
  ring.reduce((s, p) => s + p[0], 0) / ring.length,
  ring.reduce((s, p) => s + p[1], 0) / ring.length,
];

test('a planner brushes a building along the shared edge into the neighbouring grid', async () => {
  // Two neighbours and a building that can move, found through the API on a scratch draft.
  const post = (path, body) =>
    fetch(`${server.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...server.auth }, body: JSON.stringify(body) });
  const scratch = await (await post('/api/drafts', { name: 'scratch' })).json();
  // In town (the middle of the city), where buildings stand in rows along the streets; in the
  // countryside a grid's houses gather into a village away from its edges.
  const grids = (await server.api('/api/grids?level=3&parent=610581020002')).features;
  let pair = null;
  for (let i = 0; i < grids.length && !pair; i++) {
    for (const b of grids.slice(i + 1)) {
      const codes = [grids[i].properties.code, b.properties.code];
      if ((await post(`/api/drafts/${scratch.id}/merge`, { codes })).ok) {
        await post(`/api/drafts/${scratch.id}/undo`, {});
        pair = [grids[i], b];
        break;
      }
    }
  }
  assert.ok(pair, 'two neighbouring grids');
  const [a, b] = pair;
  const bCentre = centreOf(b.geometry.coordinates[0][0]);
  const buildings = (await server.api(`/api/buildings?grid=${a.properties.code}`)).features
    .map((f) => ({ id: f.properties.id, at: centreOf(f.geometry.coordinates[0][0]), on: onFootprint(f.geometry.coordinates[0][0]) }))
    .sort((x, y) => Math.hypot(x.at[0] - bCentre[0], x.at[1] - bCentre[1]) - Math.hypot(y.at[0] - bCentre[0], y.at[1] - bCentre[1]));
  let building = null;
  for (const c of buildings.slice(0, 8)) {
    const r = await post(`/api/drafts/${scratch.id}/move`, { from: a.properties.code, to: b.properties.code, units: [c.id] });
    if (r.ok) {
      building = c;
      break;
    }
  }
  assert.ok(building, 'a building along the shared edge');
  await fetch(`${server.url}/api/drafts/${scratch.id}`, { method: 'DELETE', headers: server.auth });

  const { page, context, problems } = await openPage(browser, DESKTOP, { server });
  try {
    await page.goto(`${server.url}/planner?grid=${a.properties.code}`);
    await waitForMapIdle(page);
    await page.locator('#plan-brush').waitFor();
    await page.evaluate((c) => document.getElementById('map').griddMap.jumpTo({ center: c, zoom: 17 }), building.at);
    await page.waitForFunction(() => document.getElementById('map').griddMap.areTilesLoaded());
    await page.waitForTimeout(1500); // buildings of the new view
    await page.click('#plan-brush');
    const at = await pageXY(page, building.on);
    await page.mouse.click(at.x, at.y);
    await page.locator('#plan-brush-apply >> text=移动 1 栋').waitFor();
    // Then the neighbour: its centre, brought into view.
    await page.evaluate((c) => document.getElementById('map').griddMap.jumpTo({ center: c, zoom: 15 }), bCentre);
    await page.waitForTimeout(800);
    const to = await pageXY(page, bCentre);
    await page.mouse.click(to.x, to.y);
    await page.locator(`#plan-brush-apply >> text=${b.properties.code}`).waitFor();
    await page.click('#plan-brush-apply');
    await page.locator('#plan-draft >> text=已将 1 栋移到').waitFor();
    // Both grids are redrawn: listed (by name, under their community) as the ones replaced.
    assert.match(await page.locator('#draft-retired summary').innerText(), /将被替换的网格：2 个/);
    await page.click('#draft-retired summary');
    const retired = await page.locator('#draft-retired').innerText();
    for (const g of [a, b]) assert.ok(retired.includes(g.properties.name) || retired.includes(g.properties.code), retired);
    await screenshot(page, 'planner-brush-1280x800');
    assert.deepEqual(problems(), []);
  } finally {
    await context.close();
  }
});

test('band fields that are empty, not whole numbers, too large or the wrong way round are refused in the form, in Chinese', async () => {
  const { page, context, problems } = await openPage(browser, DESKTOP, { server });
  try {
    await page.goto(`${server.url}/planner`);
    await page.locator('#band-list .band-row').first().waitFor();
    const asked = [];
    page.on('request', (r) => r.url().includes('/api/plan/oversized') && asked.push(r.url()));
    const message = page.locator('#band-form-message .notice-error');
    for (const [min, max, said, invalid] of [
      ['600', '300', '最少（600）不能大于最多（300）。', '#band-min'],
      ['300', '99999999999', '“最多户数”须为 1 至 100,000 之间的整数。', '#band-max'],
      ['', '500', '“最少户数”须为 1 至 100,000 之间的整数。', '#band-min'],
      ['300', '0', '“最多户数”须为 1 至 100,000 之间的整数。', '#band-max'],
    ]) {
      await page.fill('#band-min', min);
      await page.fill('#band-max', max);
      await page.click('#band-apply');
      await message.waitFor();
      assert.equal(await message.innerText(), said);
      assert.equal(await page.locator(invalid).getAttribute('aria-invalid'), 'true');
    }
    // Letters cannot be typed into a number field; what is left reads as empty and is refused.
    await page.fill('#band-min', '300');
    await page.locator('#band-max').fill('');
    await page.locator('#band-max').pressSequentially('abc');
    await page.click('#band-apply');
    await message.waitFor();
    assert.match(await message.innerText(), /“最多户数”须为 1 至 100,000 之间的整数/);
    await screenshot(page, 'planner-band-error-1280x800');
    assert.deepEqual(asked, [], 'no band the form refused was sent');
    // Put right, the list follows and the message goes.
    await page.fill('#band-max', '450');
    await page.click('#band-apply');
    await page.locator('#band-list .count >> text=300–450').waitFor();
    assert.equal(await message.count(), 0);
    assert.equal(await page.locator('#band-max').getAttribute('aria-invalid'), null);
    assert.deepEqual(problems(), []);
  } finally {
    await context.close();
  }
});

test('a draft left open survives a reload: it is listed, resumed where it was, renamed and deleted', async () => {
  const { page, context, problems } = await openPage(browser, DESKTOP, { server });
  try {
    // Earlier tests fixed every grid over 500: a band of 100–300 still finds some over.
    const list = await server.api('/api/plan/oversized?min=100&max=300');
    const target = list.grids.find((g) => g.fit === 'over');
    await page.goto(`${server.url}/planner`);
    await page.locator('#band-list .band-row').first().waitFor();
    await page.fill('#band-min', '100');
    await page.fill('#band-max', '300');
    await page.click('#band-apply');
    await page.locator('#band-list .count >> text=100–300').waitFor();
    await page.fill('#draft-name', '西片调整');
    await page.click(`#band-list .band-row[data-code="${target.code}"]`);
    await page.click('#plan-apply');
    await page.locator('#draft-retired').waitFor();
    // Closed (kept), then the page is opened afresh without the draft in its address.
    await page.click('#draft-close');
    await page.goto(`${server.url}/planner`);
    const row = page.locator('#draft-list .draft-row').filter({ hasText: '西片调整' });
    await row.waitFor();
    assert.match(await row.innerText(), /1 步/);
    await row.scrollIntoViewIfNeeded();
    await screenshot(page, 'planner-drafts-1280x800');
    await row.locator('button[data-action="resume"]').click();
    await page.locator('#draft-current >> text=西片调整 · 1 步').waitFor();
    assert.match(await page.locator('#draft-retired summary').innerText(), /1 个/);
    await page.click('#draft-rename');
    await page.fill('#draft-rename-input', '西片超大网格调整（第二稿）');
    await page.click('#draft-rename-save');
    await page.locator('#draft-current >> text=西片超大网格调整（第二稿） · 1 步').waitFor();
    const kept = (await server.api('/api/drafts')).drafts.find((d) => d.name === '西片超大网格调整（第二稿）');
    assert.ok(kept, 'the server keeps the new name');
    // Deleting asks twice.
    await page.click('#draft-close');
    const renamed = page.locator(`#draft-list .draft-row[data-id="${kept.id}"]`);
    await renamed.locator('button[data-action="delete"]').click();
    await renamed.locator('button[data-action="delete-confirm"]').click();
    await page.locator('#plan-draft >> text=已删除草稿“西片超大网格调整（第二稿）”').waitFor();
    assert.equal(await renamed.count(), 0);
    assert.equal((await server.api('/api/drafts')).drafts.some((d) => d.id === kept.id), false);
    assert.deepEqual(problems(), []);
  } finally {
    await context.close();
  }
});

test('a planner undoes the newest version: its grids go, the ones before come back as a new version', async () => {
  const { page, context, problems } = await openPage(browser, DESKTOP, { server });
  try {
    const before = (await server.api('/api/versions')).versions;
    const newest = before[before.length - 1];
    assert.ok(newest.version > 1 && newest.created.length, 'an earlier test published a version');
    await page.goto(`${server.url}/planner`);
    await page.locator('#band-list .band-row').first().waitFor();
    const undo = page.locator('#version-undo');
    await undo.waitFor();
    assert.equal(await undo.innerText(), `撤回版本 ${newest.version}`);
    await undo.click();
    await page.locator(`#plan-draft >> text=已在草稿中撤回版本 ${newest.version}`).waitFor({ timeout: 60_000 });
    assert.match(await page.locator('#draft-retired summary').innerText(), new RegExp(`将被替换的网格：${newest.created.length} 个`));
    await page.click('#draft-publish');
    const summary = page.locator('#publish-summary');
    await summary.waitFor({ timeout: 60_000 });
    assert.match(await summary.innerText(), new RegExp(`停用 ${newest.created.length} 个网格，新建 ${newest.retired.length} 个网格`));
    await page.click('#publish-confirm');
    await page.locator('#plan-draft >> text=已发布版本').waitFor({ timeout: 60_000 });
    const after = (await server.api('/api/versions')).versions;
    assert.equal(after.length, before.length + 1, 'a new version; the history keeps the undone one');
    const back = after[after.length - 1];
    assert.equal(back.created.length, newest.retired.length);
    for (const code of newest.created.slice(0, 5)) {
      assert.equal((await fetch(`${server.url}/api/grids/${code}`, { headers: server.auth })).status, 404, `${code} retired`);
    }
    await screenshot(page, 'planner-version-undone-1280x800');
    assert.deepEqual(problems(), []);
  } finally {
    await context.close();
  }
});
