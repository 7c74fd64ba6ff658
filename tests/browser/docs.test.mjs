// The API reference (/api-docs) is open without signing in, lists every operation of the
// OpenAPI document the server serves, loads nothing from elsewhere, and reads in Chinese and
// English; screenshots at a desk's and a phone's size.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DESKTOP, PHONE, launch, openPage, screenshot } from './lib/browser.mjs';
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

test('the API reference lists every operation of the OpenAPI document without signing in', async () => {
  const doc = await (await fetch(`${server.url}/api/openapi.json`)).json();
  const operations = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`));
  assert.ok(operations.length > 50, `${operations.length} operations`);
  for (const [viewport, name] of [[DESKTOP, 'docs-desktop'], [PHONE, 'docs-phone']]) {
    const { context, page, problems } = await openPage(browser, viewport, { as: null });
    await page.goto(`${server.url}/api-docs`);
    await page.locator('#docs-operations tr').first().waitFor();
    const shown = await page.locator('#docs-operations tr').evaluateAll((rows) => rows.map((r) => r.dataset.operation));
    assert.deepEqual([...shown].sort(), [...operations].sort());
    assert.equal(await page.locator('h1').textContent(), '接口说明');
    const health = page.locator('tr[data-operation="GET /api/health"] td').last();
    assert.equal(await health.textContent(), '公开');
    const incidents = page.locator('tr[data-operation="GET /api/incidents"] td').last();
    assert.equal(await incidents.textContent(), '需令牌或登录');
    await screenshot(page, name);
    assert.deepEqual(problems(), []);
    await context.close();
  }
  const { context, page } = await openPage(browser, DESKTOP, { as: null, locale: 'en-US' });
  await page.goto(`${server.url}/api-docs`);
  await page.locator('#docs-operations tr').first().waitFor();
  if ((await page.locator('h1').textContent()) !== 'API reference') {
    await page.getByRole('button', { name: 'English' }).click();
  }
  assert.equal(await page.locator('h1').textContent(), 'API reference');
  await context.close();
});
