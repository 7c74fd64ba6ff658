// The street leader's jobs: filters change the density tiles asked for (and what is drawn), the
// table sorts and leads to a grid on the map with its detail.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { DESKTOP, launch, openPage, screenshot, settledCount, waitForMapIdle, waitForSettle } from './lib/browser.mjs';
import { startServer } from './lib/server.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Every density tile URL the page asks for (tiles are fetched by MapLibre's worker). */
function watchTiles(context, kind) {
  const urls = [];
  context.on('request', (req) => {
    if (req.url().includes(`/tiles/${kind}/`)) urls.push(new URL(req.url()));
  });
  return urls;
}

/** Waits (up to `ms`) until `cond()` holds; whether it did. */
async function eventually(cond, ms = 10_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return cond();
}

async function canvasHash(page) {
  const png = await page.locator('#map canvas.maplibregl-canvas').screenshot();
  return createHash('sha256').update(png).digest('hex');
}

test('changing a filter changes the density tile requests and the rendered heatmap', async () => {
  const { page, context, problems } = await openPage(browser, DESKTOP, { server });
  const tiles = watchTiles(context, 'density');
  const stats = [];
  page.on('request', (req) => req.url().includes('/api/stats/grids') && stats.push(new URL(req.url())));
  try {
    await page.goto(`${server.url}/leader`);
    await waitForMapIdle(page);
    assert.ok(tiles.length > 0, 'no density tile was requested');
    assert.ok(tiles.every((u) => !u.searchParams.has('category')), 'unfiltered tiles carry a category');
    const before = await canvasHash(page);

    const seen = tiles.length;
    let n = await settledCount(page);
    await page.selectOption('#filter-category', 'e_emergency');
    await waitForSettle(page, n);
    const filtered = tiles.slice(seen);
    assert.ok(filtered.length > 0, 'choosing a category asked for no new density tiles');
    assert.ok(filtered.every((u) => u.searchParams.get('category') === 'e_emergency'), filtered.join('\n'));
    assert.ok(stats.some((u) => u.searchParams.get('category') === 'e_emergency'), 'statistics not refiltered');
    assert.notEqual(await canvasHash(page), before, 'the heatmap looks the same under the filter');
    assert.equal(new URL(page.url()).searchParams.get('category'), 'e_emergency');

    // Status, channel and a date range go into the tile URL too (dates as local days, both ends in).
    const seen2 = tiles.length;
    n = await settledCount(page);
    await page.selectOption('#filter-channel', 'hotline_12345');
    await page.selectOption('#filter-status', 'closed');
    await page.fill('#filter-from', '2026-01-01');
    await page.fill('#filter-to', '2026-03-31');
    await page.press('#filter-to', 'Tab');
    await waitForSettle(page, n);
    await page.waitForLoadState('networkidle');
    const last = tiles.slice(seen2).at(-1);
    assert.ok(last, 'no tiles after more filters');
    assert.equal(last.searchParams.get('channel'), 'hotline_12345');
    assert.equal(last.searchParams.get('status'), 'closed');
    assert.equal(last.searchParams.get('from'), '2026-01-01T00:00:00+08:00');
    assert.equal(last.searchParams.get('to'), '2026-04-01T00:00:00+08:00');

    // Clearing the filters goes back to the unfiltered tiles.
    const seen3 = tiles.length;
    n = await settledCount(page);
    await page.click('text=清除筛选');
    await waitForSettle(page, n);
    assert.ok(tiles.slice(seen3).every((u) => ![...u.searchParams.keys()].some((k) => k !== 'bins')));
    assert.deepEqual(problems(), []);
  } finally {
    await context.close();
  }
});

test('the choropleth follows the filters and the chosen figure', async () => {
  const { page, context, problems } = await openPage(browser, DESKTOP, { server });
  const tiles = watchTiles(context, 'grids');
  try {
    await page.goto(`${server.url}/leader?category=e_street_order`);
    await waitForMapIdle(page);
    const seen = tiles.length;
    let n = await settledCount(page);
    await page.click('button[data-mode="choropleth"]');
    // The next settle may be one that was already due (the statistics arriving), before the
    // choropleth's tiles are asked for: wait for the tiles themselves, then for the map.
    const filtered = () => tiles.slice(seen).some((u) => u.searchParams.get('category') === 'e_street_order');
    assert.ok(await eventually(filtered), 'the choropleth tiles do not carry the filter');
    await waitForSettle(page, n);
    for (const metric of ['households_per_officer', 'gi_star', 'vacant', 'reach_share', 'per_1000_households']) {
      const h = await canvasHash(page);
      n = await settledCount(page);
      await page.selectOption('#metric-select', metric);
      await waitForSettle(page, n);
      assert.notEqual(await canvasHash(page), h, `choosing ${metric} drew nothing new`);
      assert.match(await page.locator('#legend').innerText(), /\S/);
      if (metric === 'gi_star') assert.match(await page.locator('#metric-help').innerText(), /Gi\* 热点统计.*1\.96/);
      if (metric === 'per_1000_households') assert.match(await page.locator('#legend').innerText(), /按分位数分级/);
      if (metric === 'households_per_officer') {
        // One scheme with the planner's: the standard band green, a grid with no officer red.
        const colourOf = (label) =>
          page.evaluate((l) => {
            const li = [...document.querySelectorAll('#legend .legend-items li')].find((x) => x.textContent.includes(l));
            return li ? getComputedStyle(li.querySelector('.swatch')).backgroundColor : null;
          }, label);
        assert.equal(await colourOf('（标准范围）'), 'rgb(47, 133, 90)');
        assert.equal(await colourOf('空缺'), 'rgb(197, 48, 48)');
        assert.match(await page.locator('#metric-help').innerText(), /网格户数 ÷ 网格员人数/);
        await screenshot(page, 'leader-households-per-officer-1280x800');
      }
    }
    assert.deepEqual(problems(), []);
  } finally {
    await context.close();
  }
});

test('the table sorts, and a row leads to its grid on the map with its detail', async () => {
  const { page, context, problems } = await openPage(browser, DESKTOP, { server });
  try {
    await page.goto(`${server.url}/leader`);
    await waitForMapIdle(page);
    await page.locator('#grid-table tbody tr').first().waitFor();
    const stats = (await server.api('/api/stats/grids?level=3')).grids;

    // Default: most incidents first.
    const most = [...stats].sort((a, b) => b.incidents - a.incidents || a.code.localeCompare(b.code))[0];
    assert.equal(await page.locator('#grid-table tbody tr').first().getAttribute('data-code'), most.code);

    // Sort by open incidents, then flip the order.
    await page.click('#grid-table th button[data-sort="open"]');
    const open = [...stats].sort((a, b) => b.open - a.open || a.code.localeCompare(b.code))[0];
    assert.equal(await page.locator('#grid-table tbody tr').first().getAttribute('data-code'), open.code);
    assert.equal(await page.locator('#grid-table th[aria-sort="descending"] button').getAttribute('data-sort'), 'open');
    await page.click('#grid-table th button[data-sort="open"]');
    assert.equal(await page.locator('#grid-table th[aria-sort="ascending"] button').getAttribute('data-sort'), 'open');

    // Households per officer, worst first, puts vacancies last and the most loaded first.
    await page.click('#grid-table th button[data-sort="households_per_officer"]');
    const loaded = [...stats]
      .filter((g) => g.households_per_officer !== null)
      .sort((a, b) => b.households_per_officer - a.households_per_officer || a.code.localeCompare(b.code))[0];
    assert.equal(await page.locator('#grid-table tbody tr').first().getAttribute('data-code'), loaded.code);

    // A row flies the map to the grid and shows its detail.
    const row = page.locator('#grid-table tbody tr').nth(2);
    const code = await row.getAttribute('data-code');
    const n = await settledCount(page);
    await row.click();
    await waitForSettle(page, n);
    const detail = await server.api(`/api/grids/${code}`);
    await page.locator('#grid-detail .grid-name').filter({ hasText: detail.properties.name }).waitFor();
    assert.match(await page.locator('#grid-detail').innerText(), new RegExp(code));
    assert.equal(await page.locator(`#grid-table tr.selected`).getAttribute('data-code'), code);
    assert.equal(new URL(page.url()).searchParams.get('grid'), code);
    await screenshot(page, 'leader-grid-detail-1280x800');

    // Clicking the map in the middle (where the grid now is) selects a grid there.
    const box = await page.locator('#map').boundingBox();
    await page.locator('#map').click({ position: { x: box.width / 2, y: box.height / 2 } });
    await page.locator('#grid-detail .grid-name').waitFor();
    assert.deepEqual(problems(), []);
  } finally {
    await context.close();
  }
});

test('a failing statistics answer is shown in words, the map still works', async () => {
  const { page, context } = await openPage(browser, DESKTOP, { server });
  try {
    await page.route('**/api/stats/grids?*', (route) =>
      route.fulfill({
        status: 500,
        contentType: 'application/json',
        body: JSON.stringify({ error: 'internal', message: 'the statistics store is unavailable' }),
      }),
    );
    await page.goto(`${server.url}/leader`);
    await waitForMapIdle(page);
    const error = page.locator('#grid-table .notice-error');
    await error.waitFor();
    // No message code: headed in Chinese by the kind, the server's sentence kept as the detail.
    assert.equal(await error.innerText(), '服务器内部错误，请联系管理员。服务器说明：the statistics store is unavailable');
    assert.equal(await page.locator('#legend').isVisible(), true);
  } finally {
    await context.close();
  }
});

test('the heat means the same at 1280 and 1920 pixels wide: fixed classes per km², the cell size said', async () => {
  const seen = [];
  for (const size of [DESKTOP, { width: 1920, height: 1080 }]) {
    const { page, context, problems } = await openPage(browser, size, { server });
    try {
      await page.goto(`${server.url}/leader`);
      await waitForMapIdle(page);
      // The same zoom and place on both screens (the wider one shows more of the city).
      await page.evaluate(() => {
        const m = document.getElementById('map').griddMap;
        m.jumpTo({ center: m.getCenter(), zoom: 12.5 });
      });
      await waitForMapIdle(page);
      const legend = page.locator('#legend');
      await legend.locator('text=方格边长约 249 米').waitFor();
      const paint = await page.evaluate(() => JSON.stringify(document.getElementById('map').griddMap.getPaintProperty('density-fill', 'fill-color')));
      const labels = await legend.locator('.legend-items li').allInnerTexts();
      seen.push({ paint, labels });
      // The table shows enough grids to compare: whole rows in view, every column in view.
      const table = await page.locator('#grid-table').boundingBox();
      const aux = await page.locator('.aux').boundingBox();
      const rows = await page.locator('#grid-table tbody tr').evaluateAll(
        (trs, bottom) => trs.filter((tr) => tr.getBoundingClientRect().bottom <= bottom).length,
        aux.y + aux.height,
      );
      const header = await page.locator('#grid-table thead th').last().boundingBox();
      assert.ok(header.x + header.width <= table.x + table.width + 1, 'the last column is in view without scrolling');
      const map = await page.locator('#map').boundingBox();
      if (size.width >= 1600) {
        assert.ok(aux.x >= map.x + map.width - 1, 'on a wide screen the table stands beside the map');
        assert.ok(rows >= 30, `${rows} rows in view at ${size.width}`);
      } else {
        assert.ok(rows >= 8, `${rows} rows in view at ${size.width}`);
      }
      await screenshot(page, `leader-heat-${size.width}x${size.height}`);
      assert.deepEqual(problems(), []);
    } finally {
      await context.close();
    }
  }
  assert.deepEqual(seen[0], seen[1]);
  assert.deepEqual(seen[0].labels, ['不足 20', '20 – 100', '100 – 500', '500 – 2,000', '2,000 – 10,000', '10,000 以上']);
  assert.equal(JSON.parse(seen[0].paint)[0], 'step');
});

test('a leader picks a quick range; one after the data says where the data ends instead of showing zeros', async () => {
  const { page, context, problems } = await openPage(browser, DESKTOP, { server });
  try {
    await page.goto(`${server.url}/leader`);
    await waitForMapIdle(page);
    const note = page.locator('#data-note');
    await note.locator('text=数据截至').waitFor();
    // 上月: the whole of last month in the date fields, and in the address.
    await page.click('button[data-preset="lastMonth"]');
    const today = new Date();
    const first = new Date(today.getFullYear(), today.getMonth() - 1, 1);
    const last = new Date(today.getFullYear(), today.getMonth(), 0);
    const day = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    assert.equal(await page.inputValue('#filter-from'), day(first));
    assert.equal(await page.inputValue('#filter-to'), day(last));
    await page.waitForFunction((from) => new URL(location.href).searchParams.get('from') === from, day(first));
    // A range after the last incident says so (and when the data ends).
    await page.fill('#filter-from', '2099-01-01');
    await page.fill('#filter-to', '2099-01-31');
    await page.dispatchEvent('#filter-to', 'change');
    const empty = note.locator('.notice-empty');
    await empty.waitFor();
    assert.match(await empty.innerText(), /所选时段在最后一条事件之后.*数据截至 \d{4}年\d{1,2}月\d{1,2}日/);
    await screenshot(page, 'leader-range-after-data-1280x800');
    assert.deepEqual(problems(), []);
  } finally {
    await context.close();
  }
});

test('choosing 一级 with a level-3 grid selected shows the street holding it and zooms out to it', async () => {
  const { page, context, problems } = await openPage(browser, DESKTOP, { server });
  try {
    const l3 = (await server.api('/api/grids?level=3')).features[0].properties.code;
    const street = l3.slice(0, 9);
    await page.goto(`${server.url}/leader?mode=choropleth&level=3&grid=${l3}`);
    const detail = page.locator('#grid-detail');
    await detail.filter({ hasText: l3 }).waitFor();
    await waitForMapIdle(page);
    await page.waitForTimeout(1200); // the camera settles on the grid
    const zoomOf = () => page.evaluate(() => document.getElementById('map').griddMap.getZoom());
    const before = await zoomOf();
    await page.selectOption('#level-select', '1');
    await detail.filter({ hasText: street }).waitFor();
    assert.doesNotMatch(await detail.innerText(), new RegExp(l3));
    await page.waitForFunction((z) => document.getElementById('map').griddMap.getZoom() < z - 0.5, before);
    await page.waitForFunction((s) => new URL(location.href).searchParams.get('grid') === s, street);
    // And a finer level again leaves nothing selected.
    await page.selectOption('#level-select', '3');
    await page.waitForFunction(() => !new URL(location.href).searchParams.get('grid'));
    assert.deepEqual(problems(), []);
  } finally {
    await context.close();
  }
});

test('hovering over a grid names it with its incidents, and the figure the map shows', async () => {
  const { page, context, problems } = await openPage(browser, DESKTOP, { server });
  try {
    await page.goto(`${server.url}/leader?mode=choropleth&metric=households_per_officer`);
    await waitForMapIdle(page);
    await page.locator('#grid-table tbody tr').first().waitFor();
    const box = await page.locator('#map').boundingBox();
    const tooltip = page.locator('#map-tooltip');
    // Somewhere over the city: try a few points until one is over a grid.
    for (const [fx, fy] of [[0.5, 0.5], [0.45, 0.45], [0.55, 0.55], [0.5, 0.4]]) {
      await page.mouse.move(box.x + box.width * fx, box.y + box.height * fy);
      if (await tooltip.isVisible()) break;
    }
    await tooltip.waitFor();
    const text = await tooltip.innerText();
    assert.match(text, /网格[\s\S]*事件 [\d,]+ 件 · 未结 [\d,]+ 件[\s\S]*每名网格员服务户数：/);
    const name = text.split('\n')[0];
    const rows = (await server.api('/api/stats/grids?level=3')).grids;
    assert.ok(rows.some((r) => r.name === name), `${name} is a grid`);
    await screenshot(page, 'leader-hover-1280x800');
    await page.mouse.move(box.x + 2, box.y + box.height + 40);
    await tooltip.waitFor({ state: 'hidden' });
    assert.deepEqual(problems(), []);
  } finally {
    await context.close();
  }
});

test('the leader of a grid sees its officers\' whole phone numbers to call; a planner gets them masked', async () => {
  const mine = await server.apiAs('demo.leader', '/api/grids?level=3');
  const code = mine.features.find((f) => f.properties.officers > 0)?.properties.code;
  assert.ok(code, 'the demo leader has a staffed grid');
  const { page, context, problems } = await openPage(browser, DESKTOP, { server, as: 'demo.leader' });
  try {
    await page.goto(`${server.url}/leader?grid=${code}&level=3`);
    const tel = page.locator('#grid-detail ul.officers a.tel').first();
    await tel.waitFor();
    const href = await tel.getAttribute('href');
    assert.match(href, /^tel:1\d{10}$/);
    await screenshot(page, 'leader-officer-phone-1280x800');
    assert.deepEqual(problems(), []);
    // The views of the others show no officer list; their API answers keep the middle hidden.
    const whole = href.slice('tel:'.length);
    const masked = `${whole.slice(0, 3)}****${whole.slice(7)}`;
    for (const as of ['demo.planner']) {
      const g = await server.apiAs(as, `/api/grids/${code}`);
      assert.ok(g.properties.officer_list.some((o) => o.phone === masked), `${as} gets ${masked}`);
      assert.ok(!g.properties.officer_list.some((o) => o.phone === whole), `${as} does not get ${whole}`);
    }
  } finally {
    await context.close();
  }
});

test('dates read as 年-月-日 in an English browser too: typed days are read leniently, an impossible one is said and changes nothing', async () => {
  const { page, context, problems } = await openPage(browser, DESKTOP, { server, locale: 'en-US' });
  try {
    await page.goto(`${server.url}/leader`);
    await waitForMapIdle(page);
    // The field is ours, not the browser's mm/dd/yyyy.
    assert.equal(await page.getAttribute('#filter-from', 'type'), 'text');
    assert.equal(await page.getAttribute('#filter-from', 'placeholder'), '年-月-日');
    await page.click('button[data-preset="thisMonth"]');
    assert.match(await page.inputValue('#filter-from'), /^\d{4}-\d{2}-01$/);
    await page.fill('#filter-from', '2026年1月5日');
    await page.press('#filter-from', 'Tab');
    assert.equal(await page.inputValue('#filter-from'), '2026-01-05');
    await page.waitForFunction(() => new URL(location.href).searchParams.get('from') === '2026-01-05');
    await page.fill('#filter-from', '2026-02-30');
    await page.press('#filter-from', 'Tab');
    assert.equal(await page.getAttribute('#filter-from', 'aria-invalid'), 'true');
    const said = page.locator('#filter-from ~ .date-error');
    assert.match(await said.innerText(), /2026-02-30/);
    assert.equal(new URL(page.url()).searchParams.get('from'), '2026-01-05', 'an impossible day is not applied');
    await screenshot(page, 'leader-date-invalid-1280x800');
    await page.fill('#filter-from', '2026/1/6');
    await page.press('#filter-from', 'Tab');
    assert.equal(await page.getAttribute('#filter-from', 'aria-invalid'), null);
    await page.waitForFunction(() => new URL(location.href).searchParams.get('from') === '2026-01-06');
    assert.deepEqual(problems(), []);
  } finally {
    await context.close();
  }
});
