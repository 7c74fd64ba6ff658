// Debian's Chromium driven by playwright-core, with the flags DESIGN.md gives for this machine
// (software WebGL through SwiftShader, nothing fetched in the background), and what the tests
// look at: console errors, the map's first full render, and the pixels of the map canvas.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';
import { chromium } from 'playwright-core';

export const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'screenshots');

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: CHROMIUM_FLAGS,
    // The flags above already say headless; playwright must not add its own variant.
    headless: false,
  });
}

/** The password of every demo account (`gridd serve --demo-accounts`). */
export const DEMO_PASSWORD = 'gridd-demo-2026';

/** Logs the page's context in as a demo account (the session cookie is the context's). */
export async function logIn(context, server, login) {
  const res = await context.request.post(`${server.url}/api/session`, {
    data: { login, password: DEMO_PASSWORD },
  });
  if (!res.ok()) throw new Error(`logging in as ${login}: ${res.status()} ${await res.text()}`);
  return res.json();
}

/**
 * A fresh context and page at a viewport size (a phone one is touch-enabled, as a phone is),
 * collecting every console error, uncaught exception and failed request: `problems()` lists them.
 * With `server`, the context is logged in as `as` (the demo admin unless told otherwise).
 */
export async function openPage(browser, viewport, { locale = 'zh-CN', server = null, as = 'demo.admin' } = {}) {
  const phone = viewport.width < 760;
  const context = await browser.newContext({
    viewport,
    deviceScaleFactor: 1,
    isMobile: phone,
    hasTouch: phone,
    locale,
    timezoneId: 'Asia/Shanghai',
  });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`exception: ${err.message}`));
  page.on('requestfailed', (req) => {
    // Requests the app cancels on purpose (a newer filter, a newer view) are not failures.
    const why = req.failure()?.errorText ?? '';
    if (!why.includes('ERR_ABORTED')) problems.push(`request failed: ${req.url()} ${why}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  // Everything the app needs comes from our server: no CDN, no basemap, no fonts from elsewhere.
  context.on('request', (req) => {
    const url = new URL(req.url());
    if (!['http:', 'https:'].includes(url.protocol)) return;
    if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') problems.push(`outside request: ${req.url()}`);
  });
  if (server && as) await logIn(context, server, as);
  return { context, page, problems: () => [...problems] };
}

/** Waits for the map's first `idle` (everything asked for is loaded and drawn). */
export async function waitForMapIdle(page, timeout = 30_000) {
  await page.waitForFunction(() => document.documentElement.dataset.mapIdle === 'true', null, { timeout });
}

/**
 * Waits for the map's compounds and buildings to be loaded for the view (`data-places` on the
 * map element); on timeout the error says which state it was stuck in, and the zoom.
 */
export async function waitForPlaces(page, timeout = 30_000) {
  try {
    await page.waitForFunction(() => document.querySelector('#map')?.dataset.places === 'ready', null, { timeout });
  } catch (e) {
    const seen = await page.evaluate(() => ({
      places: document.querySelector('#map')?.dataset.places ?? null,
      status: document.querySelector('.map-status')?.textContent ?? null,
      url: location.href,
    }));
    throw new Error(`the map's places never became ready: ${JSON.stringify(seen)} (${e.message.split('\n')[0]})`);
  }
}

/** How many times the map has settled (`idle`) so far. */
export async function settledCount(page) {
  return page.evaluate(() => Number(document.documentElement.dataset.mapSettled ?? 0));
}

/** Waits for the map to settle again after `count` (from `settledCount` before an action). */
export async function waitForSettle(page, count, timeout = 30_000) {
  await page.waitForFunction((n) => Number(document.documentElement.dataset.mapSettled ?? 0) > n, count, {
    timeout,
  });
}

/** Milliseconds from navigation start to the map's first full render. */
export async function firstIdleMs(page) {
  return page.evaluate(() => performance.getEntriesByName('gridd:map-idle')[0]?.startTime ?? null);
}

/** Elements of the top bar that stick out of the viewport (a language switch pushed off a phone). */
export async function offscreenControls(page) {
  // The window as the test set it: a phone's layout viewport may widen to what overflows.
  const width = page.viewportSize()?.width ?? 0;
  return page.evaluate((width) => {
    const bar = document.querySelector('.topbar')?.getBoundingClientRect();
    // The bar's buttons and its row of tabs (which may scroll sideways on a phone) must sit
    // inside the window and inside the bar (not wrapped below it).
    return [...document.querySelectorAll('.topbar button, .topbar .tabs, .topbar > a')]
      .filter((el) => {
        const r = el.getBoundingClientRect();
        const out = r.right > Math.min(width, window.innerWidth) + 0.5 || r.left < -0.5;
        return out || (bar && (r.top < bar.top - 0.5 || r.bottom > bar.bottom + 0.5));
      })
      .map((el) => el.textContent);
  }, width);
}

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

// ---- a small PNG reader (8-bit RGB/RGBA, not interlaced: what Chromium writes)

function paeth(a, b, c) {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

export function decodePng(buf) {
  if (buf.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG');
  let pos = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('ascii', pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const depth = data[8];
      const colour = data[9];
      const interlace = data[12];
      if (depth !== 8 || interlace !== 0 || (colour !== 2 && colour !== 6)) {
        throw new Error(`unsupported PNG: depth ${depth}, colour type ${colour}, interlace ${interlace}`);
      }
      channels = colour === 6 ? 4 : 3;
    } else if (type === 'IDAT') {
      idat.push(data);
    } else if (type === 'IEND') {
      break;
    }
    pos += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = Buffer.alloc(width * height * 4);
  let prev = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = Buffer.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? line[i - channels] : 0;
      const b = prev[i];
      const c = i >= channels ? prev[i - channels] : 0;
      const add = filter === 0 ? 0 : filter === 1 ? a : filter === 2 ? b : filter === 3 ? (a + b) >> 1 : paeth(a, b, c);
      line[i] = (line[i] + add) & 0xff;
    }
    for (let x = 0; x < width; x++) {
      out[(y * width + x) * 4] = line[x * channels];
      out[(y * width + x) * 4 + 1] = line[x * channels + 1];
      out[(y * width + x) * 4 + 2] = line[x * channels + 2];
      out[(y * width + x) * 4 + 3] = channels === 4 ? line[x * channels + 3] : 255;
    }
    prev = line;
  }
  return { width, height, pixels: out };
}

/**
 * What the map canvas shows: how many distinct colours, and which share of its pixels differs
 * from the background colour (the most common one). A blank or failed WebGL canvas has one colour.
 */
export async function canvasPixels(page) {
  const png = await page.locator('#map canvas.maplibregl-canvas').screenshot();
  const { width, height, pixels } = decodePng(png);
  const counts = new Map();
  for (let i = 0; i < pixels.length; i += 4) {
    const key = (pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2];
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  let background = 0;
  let most = 0;
  for (const [k, n] of counts) {
    if (n > most) {
      most = n;
      background = k;
    }
  }
  const total = width * height;
  return {
    width,
    height,
    colours: counts.size,
    background: `#${background.toString(16).padStart(6, '0')}`,
    drawnShare: 1 - most / total,
    /** Share of pixels near a colour, e.g. to see a heatmap's reds. */
    share(test) {
      let n = 0;
      for (let i = 0; i < pixels.length; i += 4) if (test(pixels[i], pixels[i + 1], pixels[i + 2])) n++;
      return n / total;
    },
  };
}
