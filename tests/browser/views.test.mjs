// Each view loads at a desk's and a phone's size with no console error and a map that is
// drawn (not a blank canvas); screenshots of each are saved for a person to look at; and P6,
// the time from navigation to the first full render of the sample city, is measured.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  DESKTOP,
  PHONE,
  canvasPixels,
  firstIdleMs,
  launch,
  offscreenControls,
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
/** A level-3 grid with open incidents, so the officer's screenshot shows a list. */
let busyGrid;

before(async () => {
  server = await startServer();
  browser = await launch();
  const stats = await server.api('/api/stats/grids?level=3');
  busyGrid = [...stats.grids].sort((a, b) => b.open - a.open || a.code.localeCompare(b.code))[0].code;
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

function assertDrawn(px, what) {
  assert.ok(px.colours > 20, `${what}: the map canvas has only ${px.colours} colours (blank?)`);
  assert.ok(px.drawnShare > 0.05, `${what}: only ${(px.drawnShare * 100).toFixed(1)}% of the canvas differs from ${px.background}`);
}

for (const [size, viewport] of [
  ['1280x800', DESKTOP],
  ['390x844', PHONE],
]) {
  describe(`at ${size}`, () => {
    test('the officer view loads, draws the map and shows a grid with its incidents', async () => {
      const { page, context, problems } = await openPage(browser, viewport, { server });
      try {
        await page.goto(`${server.url}/officer?grid=${busyGrid}`);
        await waitForMapIdle(page);
        await page.locator('#incidents li.incident').first().waitFor();
        // The grid's compounds and buildings arrive after the camera settles on the grid.
        await waitForPlaces(page);
        await page.waitForLoadState('networkidle');
        await page.waitForTimeout(300);
        assertDrawn(await canvasPixels(page), 'officer');
        assert.equal(await page.locator('#grid-select').inputValue(), busyGrid);
        assert.deepEqual(await offscreenControls(page), []);
        // The bar's buttons stand apart even where the tabs do not fit (the tabs scroll instead).
        const [logout, lang] = await Promise.all(['#logout', '#lang-toggle'].map((s) => page.locator(s).boundingBox()));
        assert.ok(logout.x + logout.width <= lang.x, `logout ends at ${logout.x + logout.width}, the language switch starts at ${lang.x}`);
        await screenshot(page, `officer-${size}`);
        assert.deepEqual(problems(), []);
      } finally {
        await context.close();
      }
    });

    test('the leader view loads, draws the heatmap and lists the grids', async () => {
      const { page, context, problems } = await openPage(browser, viewport, { server });
      try {
        await page.goto(`${server.url}/leader`);
        await waitForMapIdle(page);
        await page.locator('#grid-table tbody tr').first().waitFor();
        const px = await canvasPixels(page);
        assertDrawn(px, 'leader');
        // The heatmap's warm colours (red well above blue) cover part of the city.
        const warm = px.share((r, g, b) => r > 200 && b < 150 && r - b > 80);
        assert.ok(warm > 0.02, `the heatmap shows almost no warm cells (${(warm * 100).toFixed(1)}%)`);
        assert.equal(await page.locator('#grid-table tbody tr').count(), 100);
        assert.deepEqual(await offscreenControls(page), []);
        await screenshot(page, `leader-${size}`);
        assert.deepEqual(problems(), []);
      } finally {
        await context.close();
      }
    });

    test('the leader view switches to grid choropleths', async () => {
      const { page, context, problems } = await openPage(browser, viewport, { server });
      try {
        await page.goto(`${server.url}/leader`);
        await waitForMapIdle(page);
        const n = await settledCount(page);
        await page.click('button[data-mode="choropleth"]');
        await waitForSettle(page, n);
        await page.selectOption('#metric-select', 'gi_star');
        await page.waitForTimeout(300);
        assertDrawn(await canvasPixels(page), 'choropleth');
        await screenshot(page, `leader-choropleth-${size}`);
        assert.deepEqual(problems(), []);
      } finally {
        await context.close();
      }
    });
  });
}

/** Page loads measured per view (each in a fresh context, nothing cached). */
const RUNS = 5;

test('P6: navigation to the first full map render (goal ≤ 1.5 s headless)', async (t) => {
  const lines = [];
  const all = [];
  for (const view of ['officer', 'leader']) {
    const times = [];
    for (let i = 0; i < RUNS; i++) {
      // A new context each time: nothing cached, as for a first visit.
      const { page, context, problems } = await openPage(browser, DESKTOP, { server });
      try {
        await page.goto(`${server.url}/${view}`);
        await waitForMapIdle(page);
        times.push(await firstIdleMs(page));
        assert.deepEqual(problems(), []);
      } finally {
        await context.close();
      }
    }
    times.sort((a, b) => a - b);
    all.push(...times);
    const middle = times[Math.floor(times.length / 2)];
    lines.push(`P6 ${view}: first full render ${times.map((x) => `${Math.round(x)}`).join(', ')} ms (median ${Math.round(middle)} ms)`);
  }
  const median = all.sort((a, b) => a - b)[Math.floor(all.length / 2)];
  lines.push(`P6: median ${Math.round(median)} ms from navigation to the map's first idle, goal ≤ 1500 ms: ${median <= 1500 ? 'met' : 'MISSED'}`);
  for (const l of lines) t.diagnostic(l);
  // A loaded 2-core machine can miss the goal now and then; a render that takes many times it
  // is a defect. GRIDD_P6_STRICT=1 holds the goal itself.
  const limit = process.env.GRIDD_P6_STRICT === '1' ? 1500 : 10_000;
  assert.ok(median <= limit, `P6 median ${Math.round(median)} ms is over ${limit} ms`);
});
