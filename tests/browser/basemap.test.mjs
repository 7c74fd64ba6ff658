// A third-party basemap under our data: the one the server is configured with (here a
// GCJ-02 provider, stood in for by a local tile server), the warning that it sets our WGS84
// data off by hundreds of metres, and a tile URL a user pastes, refused in words when it
// cannot be drawn.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DESKTOP, PHONE, canvasPixels, launch, openPage, screenshot, waitForMapIdle } from './lib/browser.mjs';
import { startServer } from './lib/server.mjs';
import { startTileServer } from './lib/tiles.mjs';

let server;
let browser;
let gcjTiles;
let cgcsTiles;

// Tile colours far from anything our own layers draw.
const GCJ_COLOUR = [250, 190, 90];
const CGCS_COLOUR = [120, 200, 230];

before(async () => {
  gcjTiles = await startTileServer(GCJ_COLOUR);
  cgcsTiles = await startTileServer(CGCS_COLOUR);
  server = await startServer({
    incidents: 0,
    args: ['--basemap-url', `${gcjTiles.url}/amap/{z}/{x}/{y}.png`, '--basemap-crs', 'gcj02', '--basemap-attribution', '测试底图'],
  });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await gcjTiles?.stop();
  await cgcsTiles?.stop();
});

/** Polls `probe` until it returns true (the map draws tiles as they come, not at once). */
async function eventually(probe, what, timeout = 10_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Share of the map's pixels within 12 of a colour drawn at 90% over the background. */
async function basemapShare(page, [r, g, b]) {
  const bg = [0xee, 0xf0, 0xea];
  const want = [r, g, b].map((c, i) => 0.9 * c + 0.1 * bg[i]);
  const pixels = await canvasPixels(page);
  return pixels.share((pr, pg, pb) => Math.abs(pr - want[0]) < 12 && Math.abs(pg - want[1]) < 12 && Math.abs(pb - want[2]) < 12);
}

test('the configured GCJ-02 basemap is drawn under our data with a warning in metres', async () => {
  const { page, context, problems } = await openPage(browser, DESKTOP, { server });
  try {
    await page.goto(`${server.url}/officer`);
    await waitForMapIdle(page);
    const warning = page.locator('#basemap-warning');
    await warning.waitFor({ state: 'visible' });
    const text = await warning.innerText();
    const metres = Number(text.match(/约 (\d+) 米/)?.[1]);
    assert.match(text, /GCJ-02/);
    assert.ok(metres > 300 && metres < 800, text);
    await page.waitForFunction(() => document.querySelector('.maplibregl-ctrl-attrib')?.textContent?.includes('测试底图'));
    assert.ok(gcjTiles.requests.some((p) => /^\/amap\/\d+\/\d+\/\d+\.png$/.test(p)), gcjTiles.requests.join(' '));
    await eventually(async () => (await basemapShare(page, GCJ_COLOUR)) > 0.3, 'the basemap colour over most of the map');
    await screenshot(page, 'basemap-gcj02-1280x800');
    assert.deepEqual(problems(), []);
  } finally {
    await context.close();
  }
});

test('a pasted 天地图 URL in degrees is refused in words; a Web Mercator CGCS2000 one is drawn without warning', async () => {
  const { page, context, problems } = await openPage(browser, PHONE, { server });
  try {
    await page.goto(`${server.url}/leader`);
    await waitForMapIdle(page);
    await page.click('#basemap-toggle');
    await page.selectOption('#basemap-choice', 'custom');
    await page.fill(
      '#basemap-url',
      'http://t{0-7}.tianditu.gov.cn/vec_c/wmts?SERVICE=WMTS&REQUEST=GetTile&LAYER=vec&TILEMATRIXSET=c&TILEMATRIX={TileMatrix}&TILEROW={TileRow}&TILECOL={TileCol}&tk=KEY',
    );
    await page.selectOption('#basemap-crs', 'cgcs2000');
    await page.click('#basemap-apply');
    const error = page.locator('#basemap-message .notice-error');
    await error.waitFor();
    assert.match(await error.innerText(), /Web Mercator/);
    assert.equal(await page.locator('#basemap-warning').isVisible(), false);

    // The same provider's Web Mercator set (here the local stand-in, as WMTS key-value pairs).
    const before = cgcsTiles.requests.length;
    await page.fill(
      '#basemap-url',
      `${cgcsTiles.url}/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&LAYER=vec&TILEMATRIXSET=w&TILEMATRIX=1&TILEROW=0&TILECOL=0`,
    );
    await page.click('#basemap-apply');
    await page.locator('#basemap-panel').waitFor({ state: 'hidden' });
    await eventually(async () => (await basemapShare(page, CGCS_COLOUR)) > 0.2, 'the pasted basemap drawn');
    const asked = cgcsTiles.requests.slice(before);
    assert.ok(asked.some((p) => /TILEMATRIX=\d+&TILEROW=\d+&TILECOL=\d+/.test(p)), asked.join(' '));
    assert.equal(await page.locator('#basemap-warning').isVisible(), false);
    await screenshot(page, 'basemap-custom-390x844');

    // Kept in this browser: after a reload the same basemap is back, and "none" removes it.
    await page.reload();
    await waitForMapIdle(page);
    await eventually(async () => (await basemapShare(page, CGCS_COLOUR)) > 0.2, 'the kept basemap drawn after a reload');
    await page.click('#basemap-toggle');
    await page.selectOption('#basemap-choice', 'none');
    await page.click('#basemap-apply');
    await eventually(async () => (await basemapShare(page, CGCS_COLOUR)) < 0.01, 'the basemap gone after choosing none');
    // The one refusal asked for above (its 400 and the browser's note of it), nothing else.
    const expected = (p) => p.includes('/api/basemap/check?url=http%3A%2F%2Ft%7B0-7%7D') || p.includes('status of 400');
    assert.equal(problems().filter(expected).length, 2, problems().join('\n'));
    assert.deepEqual(problems().filter((p) => !expected(p)), []);
  } finally {
    await context.close();
  }
});
