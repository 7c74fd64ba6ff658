// Logging in, as each user of the map does: an anonymous visitor sent to the login page and back
// to the page asked for, a wrong password said in words, each role landing on its own view with
// only its own tab and its own grids (at both screen sizes), an ended session returning to the
// login page and back, and logout.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DEMO_PASSWORD, DESKTOP, PHONE, launch, offscreenControls, openPage, screenshot, waitForMapIdle } from './lib/browser.mjs';
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

/** Problems other than the 401s an anonymous visitor and a wrong password are meant to get. */
const unexpected = (problems) =>
  problems.filter((p) => !/HTTP 401: .*\/api\/session$/.test(p) && !p.includes('status of 401 (Unauthorized)'));

async function fillLogin(page, login, password) {
  await page.fill('#login-name', login);
  await page.fill('#login-password', password);
  await page.click('#login-submit');
}

test('an anonymous visitor logs in on the login page and comes back to the page asked for', async () => {
  const { page, context, problems } = await openPage(browser, DESKTOP);
  try {
    await page.goto(`${server.url}/leader?level=2`);
    await page.waitForURL(/\/login\?next=%2Fleader%3Flevel%3D2$/);
    await page.locator('#login-form').waitFor();
    assert.match(await page.locator('#login-form h1').textContent(), /登录/);
    await screenshot(page, 'login-1280x800');

    await fillLogin(page, 'demo.leader', 'not the password');
    await page.locator('#login-message:not([hidden])').waitFor();
    assert.equal(await page.locator('#login-message').textContent(), '用户名或密码不正确');
    assert.equal(await page.inputValue('#login-password'), '', 'the wrong password is cleared');

    await fillLogin(page, 'demo.leader', DEMO_PASSWORD);
    await page.waitForURL(/\/leader\?level=2$/);
    await waitForMapIdle(page);
    assert.equal(await page.locator('#user-name').textContent(), '街道领导');
    assert.deepEqual(unexpected(problems()), []);
  } finally {
    await context.close();
  }
});

test('the login page reads in English at phone size with nothing off the screen', async () => {
  const { page, context, problems } = await openPage(browser, PHONE, { locale: 'en-US' });
  try {
    await page.goto(`${server.url}/login`);
    await page.click('#lang-toggle');
    assert.equal(await page.locator('#login-submit').textContent(), 'Log in');
    assert.deepEqual(await offscreenControls(page), []);
    await screenshot(page, 'login-390x844-en');
    assert.deepEqual(problems(), []);
  } finally {
    await context.close();
  }
});

/** Each role, where it lands, and the grid codes it may see (all under its scope). */
const ROLES = [
  ['demo.officer', 'officer'],
  ['demo.leader', 'leader'],
  ['demo.planner', 'planner'],
];

for (const [size, viewport] of [
  ['1280x800', DESKTOP],
  ['390x844', PHONE],
]) {
  for (const [login, view] of ROLES) {
    test(`at ${size} ${login} lands on the ${view} view and sees only that view and their own grids`, async () => {
      const { page, context, problems } = await openPage(browser, viewport, { server, as: login });
      try {
        const me = await server.apiAs(login, '/api/session');
        await page.goto(`${server.url}/`);
        await page.waitForURL(new RegExp(`/${view}$`));
        await waitForMapIdle(page);
        const tabs = await page.$$eval('.tabs a', (as) => as.map((a) => a.dataset.view));
        const offered = { officer: ['officer', 'cases'], leader: ['leader', 'cases', 'kpis'], planner: ['planner'] }[view];
        assert.deepEqual(tabs, offered, 'only the role’s own views are offered');
        assert.deepEqual(await offscreenControls(page), []);

        const prefixes = me.scope.split(',');
        const inScope = (code) => prefixes.some((p) => code.startsWith(p));
        const all = await server.api('/api/grids?level=3');
        const mine = await server.apiAs(login, '/api/grids?level=3');
        assert.ok(mine.features.length > 0 && mine.features.every((f) => inScope(f.properties.code)), `${login}: only grids under ${me.scope}`);
        if (view !== 'planner') assert.ok(mine.features.length < all.features.length, 'fewer grids than the whole county');
        if (view === 'officer') {
          await page.locator('#grid-select option[value]:not([value=""])').first().waitFor({ state: 'attached' });
          const offered = await page.$$eval('#grid-select option', (os) => os.map((o) => o.value).filter(Boolean));
          assert.deepEqual(offered.sort(), mine.features.map((f) => f.properties.code).sort(), 'the officer picks among their own grids');
        }
        await screenshot(page, `role-${view}-${size}`);

        // Another role's view sends the person back to their own.
        const other = view === 'planner' ? 'officer' : 'planner';
        await page.goto(`${server.url}/${other}`);
        await page.waitForURL(new RegExp(`/${view}$`));
        assert.deepEqual(problems(), []);
      } finally {
        await context.close();
      }
    });
  }
}

test('an ended session returns to the login page and back to the same page after logging in', async () => {
  const { page, context, problems } = await openPage(browser, DESKTOP, { server, as: 'demo.planner' });
  try {
    await page.goto(`${server.url}/planner`);
    await waitForMapIdle(page);
    await context.clearCookies();
    await page.reload();
    await page.waitForURL(/\/login\?next=%2Fplanner$/);
    await page.locator('#login-form p.login-hint').waitFor();
    await fillLogin(page, 'demo.planner', DEMO_PASSWORD);
    await page.waitForURL(/\/planner$/);
    await waitForMapIdle(page);
    assert.deepEqual(unexpected(problems()), []);
  } finally {
    await context.close();
  }
});

test('logout ends the session on the server and shows the login page', async () => {
  const { page, context, problems } = await openPage(browser, DESKTOP, { server, as: 'demo.officer' });
  try {
    await page.goto(`${server.url}/officer`);
    await waitForMapIdle(page);
    await page.click('#logout');
    await page.waitForURL(/\/login$/);
    const res = await page.request.get(`${server.url}/api/session`);
    assert.equal(res.status(), 401, 'the session is over');
    assert.deepEqual(problems(), []);
  } finally {
    await context.close();
  }
});
