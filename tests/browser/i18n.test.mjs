// The interface speaks zh-CN by default and English after the toggle, in both views, and
// remembers the choice; the English screenshots are saved too.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DESKTOP, PHONE, launch, offscreenControls, openPage, screenshot, waitForMapIdle } from './lib/browser.mjs';
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

/** Visible text that still holds Chinese characters, apart from data (grid and place names). */
async function chineseLabels(page) {
  return page.evaluate(() => {
    const found = [];
    const han = /[\u4e00-\u9fff]/;
    for (const el of document.querySelectorAll('[data-i18n], [data-i18n-placeholder], option, th, h2, label, summary, button')) {
      const text = `${el.textContent ?? ''} ${el.getAttribute('placeholder') ?? ''}`;
      if (han.test(text) && !el.closest('#grid-select, #grid-table tbody, #grid-detail, #grid-summary, #lang-toggle')) {
        found.push(text.trim().slice(0, 40));
      }
    }
    return found;
  });
}

test('zh-CN by default, English after the toggle, remembered on the next visit', async () => {
  // A browser that asks for English still gets Chinese until the person switches.
  const { page, context, problems } = await openPage(browser, DESKTOP, { locale: 'en-US', server });
  try {
    await page.goto(`${server.url}/officer`);
    await waitForMapIdle(page);
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    assert.equal(await page.locator('a[data-view="officer"]').innerText(), '网格员');
    assert.equal(await page.locator('#lang-toggle').innerText(), 'English');
    assert.match(await page.locator('#panel h2').first().innerText(), /我的网格/);
    assert.equal(await page.title(), '网格化管理');
    // MapLibre's own labels are ours too: no "Map" or "Toggle attribution" in the Chinese page.
    assert.equal(await page.locator('#map .maplibregl-canvas').getAttribute('aria-label'), '地图');
    assert.equal(await page.locator('[aria-label="Toggle attribution"], [title="Toggle attribution"]').count(), 0);

    await page.click('#lang-toggle');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(await page.locator('a[data-view="officer"]').innerText(), 'Grid officer');
    assert.equal(await page.locator('#lang-toggle').innerText(), '中文');
    assert.match(await page.locator('#panel h2').first().innerText(), /My grid/);
    assert.match(await page.title(), /Grid governance/);
    assert.equal(
      await page.locator('#report-category option[value="e_street_order"]').innerText(),
      'Street order',
    );
    assert.match(await page.locator('#legend').innerText(), /Joint branch/);
    assert.deepEqual(await chineseLabels(page), []);

    // The choice holds on the other view and after a reload.
    await page.click('a[data-view="leader"]');
    await waitForMapIdle(page);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await page.locator('#grid-table tbody tr').first().waitFor();
    const per1000 = page.locator('#grid-table th button[data-sort="per_1000_households"]');
    assert.equal(await per1000.innerText(), 'Per 1,000 hh');
    assert.match(await per1000.getAttribute('title'), /^Incidents per 1,000 households/);
    assert.equal(await page.locator('#filter-category option[value="e_emergency"]').innerText(), 'Emergency');
    assert.deepEqual(await chineseLabels(page), []);
    await screenshot(page, 'leader-en-1280x800');

    // And back to Chinese.
    await page.click('#lang-toggle');
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    assert.match(await per1000.getAttribute('title'), /^每千户事件数/);
    assert.deepEqual(problems(), []);
  } finally {
    await context.close();
  }
});

test('the officer view in English on a phone', async () => {
  const { page, context, problems } = await openPage(browser, PHONE, { server });
  try {
    await page.goto(`${server.url}/officer`);
    await page.evaluate(() => localStorage.setItem('gridd.lang', 'en'));
    await page.reload();
    await waitForMapIdle(page);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.match(await page.locator('#panel').innerText(), /Choose the level-3 grid you look after/);
    assert.deepEqual(await chineseLabels(page), []);
    // The longer English names still leave the language switch on the screen.
    assert.deepEqual(await offscreenControls(page), []);
    await screenshot(page, 'officer-en-390x844');
    assert.deepEqual(problems(), []);
  } finally {
    await context.close();
  }
});

test("offline, the officer reads that the server cannot be reached in Chinese, not the browser's English", async () => {
  const { page, context, problems } = await openPage(browser, DESKTOP, { locale: 'en-US', server });
  try {
    await page.goto(`${server.url}/officer`);
    await waitForMapIdle(page);
    await page.locator('#grid-select option[value]:not([value=""])').first().waitFor({ state: 'attached' });
    await context.setOffline(true);
    await page.selectOption('#grid-select', { index: 1 });
    const offline = page.locator('#incidents .notice-error');
    await offline.waitFor();
    assert.equal(await offline.innerText(), '无法连接服务器，请检查网络后重试。');
    // The map's tiles fail too: its line over the map says the same, in Chinese.
    await page.locator('.map-status >> text=无法连接服务器').first().waitFor();
    // What went wrong is only the network (the collector hears each refused request).
    assert.ok(
      problems().every((p) => /ERR_INTERNET_DISCONNECTED|Failed to fetch \(0\)/.test(p)),
      problems().join('\n'),
    );
  } finally {
    await context.close();
  }
});
