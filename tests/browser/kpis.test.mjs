// The street leader's 考核指标 page over a year of cases worked through the loop (as `make
// demo` ships them): the KPI table per grid and per department, the trend charts drawn by
// ECharts, the overdue heat on the map, and one click from a grid to its overdue cases; the
// leader's heatmap narrowed to overdue cases. Screenshots at desktop and phone size.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DESKTOP, PHONE, canvasPixels, launch, openPage, screenshot, waitForMapIdle } from './lib/browser.mjs';
import { startServer } from './lib/server.mjs';

let server;
let browser;

before(async () => {
  server = await startServer({ incidents: 20000, worked: true });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

for (const [size, viewport] of [
  ['1280x800', DESKTOP],
  ['390x844', PHONE],
]) {
  describe(`at ${size}`, () => {
    test('the leader sees the KPI table of their grids, trend charts and the overdue heat', async () => {
      const { page, context, problems } = await openPage(browser, viewport, { server, as: 'demo.leader' });
      try {
        await page.goto(`${server.url}/kpis`);
        await waitForMapIdle(page);
        const rows = page.locator('#kpi-table tbody tr');
        await rows.first().waitFor();
        const scope = await server.apiAs('demo.leader', '/api/stats/kpis?level=3');
        assert.ok(scope.rows.length > 5, `the leader's scope holds grids: ${scope.rows.length}`);
        assert.equal(await rows.count(), scope.rows.length + 1, 'one row a grid and the total');
        const total = page.locator('#kpi-table tr.total');
        assert.match(await total.innerText(), new RegExp(scope.total.counts.reported.toLocaleString('zh-CN')));
        // Sorted by overdue, most first.
        const first = scope.rows.reduce((a, b) => (b.counts.overdue > a.counts.overdue ? b : a));
        if (first.counts.overdue > 0) {
          assert.equal(await rows.first().getAttribute('data-key'), first.key);
        }
        await page.locator('#kpi-trends[data-drawn="true"]').waitFor();
        for (const id of ['chart-weekly', 'chart-monthly', 'chart-departments']) {
          assert.equal(await page.locator(`#${id} canvas`).count(), 1, `${id} drew a canvas`);
        }
        // By department: every department that took a case of the scope.
        await page.selectOption('#kpi-group', 'department');
        await page.locator('#kpi-table th', { hasText: '部门' }).first().waitFor();
        assert.ok((await rows.count()) >= 3, 'departments listed');
        assert.match(await page.getAttribute('#kpi-csv', 'href'), /by=department.*format=csv/);
        await page.selectOption('#kpi-group', 'l3');
        await rows.first().waitFor();
        await page.waitForLoadState('networkidle');
        await page.evaluate(() => window.scrollTo(0, 0));
        await screenshot(page, `kpis-leader-${size}`);
        // And the table, scrolled into view.
        await rows.first().scrollIntoViewIfNeeded();
        await screenshot(page, `kpis-leader-table-${size}`);
        assert.deepEqual(problems(), []);
      } finally {
        await context.close();
      }
    });
  });
}

test("one click on a grid's row lists its overdue cases", async () => {
  // The whole county (the admin's scope): a worked year of 20,000 cases leaves about 40
  // overdue, about one per street, so one street (the demo leader's) has none on some days.
  const { page, context, problems } = await openPage(browser, DESKTOP, { server, as: 'demo.admin' });
  try {
    const scope = await server.apiAs('demo.admin', '/api/stats/kpis?level=3');
    const hot = scope.rows.filter((r) => r.counts.overdue > 0).sort((a, b) => b.counts.overdue - a.counts.overdue)[0];
    assert.ok(hot, 'some grid of the scope has overdue cases in a worked year');
    await page.goto(`${server.url}/kpis`);
    await page.locator(`#kpi-table tr[data-key="${hot.key}"] a.open-cases`).click();
    await page.waitForURL(/\/cases\?grid=.*overdue=1/);
    await waitForMapIdle(page);
    const items = page.locator('#case-list button.case-item');
    await items.first().waitFor();
    assert.equal(await items.count(), hot.counts.overdue, 'every overdue case of the grid, no other');
    await screenshot(page, 'kpis-grid-overdue-cases-1280x800');
    assert.deepEqual(problems(), []);
  } finally {
    await context.close();
  }
});

test('the leader narrows the heatmap to overdue cases', async () => {
  const { page, context, problems } = await openPage(browser, DESKTOP, { server, as: 'demo.leader' });
  try {
    await page.goto(`${server.url}/leader`);
    await waitForMapIdle(page);
    const all = await canvasPixels(page);
    const tiles = [];
    page.on('request', (r) => r.url().includes('/tiles/density/') && tiles.push(r.url()));
    await page.check('#filter-overdue');
    await waitForMapIdle(page);
    await page.waitForLoadState('networkidle');
    assert.ok(tiles.length > 0 && tiles.every((u) => u.includes('overdue=true')), tiles.slice(0, 2).join(' '));
    assert.match(page.url(), /overdue=true/);
    const overdue = await canvasPixels(page);
    const warm = (px) => px.share((r, g, b) => r > 200 && b < 150 && r - b > 80);
    assert.ok(warm(overdue) < warm(all), `fewer hot cells for overdue only (${warm(overdue)} vs ${warm(all)})`);
    await screenshot(page, 'leader-overdue-1280x800');
    assert.deepEqual(problems(), []);
  } finally {
    await context.close();
  }
});
