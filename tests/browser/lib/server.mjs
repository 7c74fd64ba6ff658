// A gridd server of the test's own: the release binary on a free local port, a fresh SQLite
// database in a temp dir, the sample city loaded on start, the built frontend, and a year of
// synthetic incidents posted through the bulk endpoint so the heatmap has something to show.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const GRIDD = join(ROOT, 'target/release/gridd');
const CITY = join(ROOT, 'data/sample-city');
const WEB = join(ROOT, 'web/dist');

export function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The first day of a year of incidents that ends before today (the server refuses the future). */
function yearAgo() {
  const d = new Date(Date.now() - 380 * 86400e3);
  return d.toISOString().slice(0, 10);
}

/**
 * Starts the server and resolves once `/api/health` answers with the city loaded.
 * `incidents`: how many synthetic incidents to bulk-load (0 for none); `worked`: load them
 * before the server starts instead, worked through the loop (`gridd work-cases`, as `make
 * demo` does); `args`: more flags for `gridd serve`.
 */
export async function startServer({ incidents = 20000, worked = false, args: extra = [] } = {}) {
  if (!existsSync(GRIDD)) throw new Error(`${GRIDD} is missing: run \`make build\` first`);
  if (!existsSync(join(WEB, 'index.html'))) throw new Error(`${WEB}/index.html is missing: run \`make web\` first`);
  if (!existsSync(join(CITY, 'grids.geojson'))) {
    execFileSync(GRIDD, ['generate', '--seed', '42', '--out', CITY], { cwd: ROOT, stdio: 'inherit' });
  }
  const dir = mkdtempSync(join(tmpdir(), 'gridd-browser-'));
  const port = await freePort();
  const generate = () => {
    const out = join(dir, 'incidents');
    execFileSync(
      GRIDD,
      ['generate-incidents', '--seed', '7', '--count', String(incidents), '--start', yearAgo(), '--out', out],
      { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    return join(out, 'incidents.ndjson');
  };
  if (worked && incidents > 0) {
    const db = `sqlite:${join(dir, 'gridd.db')}`;
    const quiet = { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] };
    execFileSync(GRIDD, ['import', '--db', db, CITY], quiet);
    execFileSync(GRIDD, ['import-incidents', '--db', db, generate()], quiet);
    execFileSync(GRIDD, ['work-cases', '--db', db], quiet);
  }
  const args = [
    'serve',
    '--db', `sqlite:${join(dir, 'gridd.db')}`,
    '--bind', '127.0.0.1',
    '--port', String(port),
    '--load-if-empty', CITY,
    '--web-dir', WEB,
    '--demo-accounts',
    ...extra,
  ];
  const child = spawn(GRIDD, args, {
    cwd: ROOT,
    env: { ...process.env, GRIDD_LOG: process.env.GRIDD_LOG ?? 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (b) => (log += b));
  child.stderr.on('data', (b) => (log += b));
  let exited = null;
  child.on('exit', (code, signal) => (exited = { code, signal }));

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`gridd exited early (${JSON.stringify(exited)}):\n${log}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok && (await res.json()).grids?.['3'] > 0) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`gridd did not answer /api/health within 60 s:\n${log}`);
    }
    await sleep(100);
  }

  // The tests' own admin token (made as an operator would, with the CLI, on the live store).
  const db = `sqlite:${join(dir, 'gridd.db')}`;
  const token = execFileSync(GRIDD, ['token', 'create', '--db', db, '--name', 'browser-tests', '--role', 'admin'], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
  const auth = { Authorization: `Bearer ${token}` };
  const sessions = new Map();

  if (incidents > 0 && !worked) {
    const res = await fetch(`${url}/api/incidents/bulk`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-ndjson', ...auth },
      body: readFileSync(generate()),
    });
    const body = await res.text();
    if (!res.ok) throw new Error(`bulk load refused (${res.status}): ${body.slice(0, 2000)}`);
  }

  return {
    url,
    port,
    /** The headers that make a request the tests' admin's. */
    auth,
    log: () => log,
    /** A call as the tests' admin token. */
    async api(path, init) {
      const res = await fetch(`${url}${path}`, { ...init, headers: { ...auth, ...init?.headers } });
      const text = await res.text();
      if (!res.ok) throw new Error(`${path}: ${res.status} ${text}`);
      return JSON.parse(text);
    },
    /** A GET as a demo account (logged in once, by its session cookie). */
    async apiAs(login, path) {
      if (!sessions.has(login)) {
        const res = await fetch(`${url}/api/session`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ login, password: 'gridd-demo-2026' }),
        });
        if (!res.ok) throw new Error(`logging in as ${login}: ${res.status} ${await res.text()}`);
        sessions.set(login, res.headers.get('set-cookie').split(';')[0]);
      }
      const res = await fetch(`${url}${path}`, { headers: { Cookie: sessions.get(login) } });
      const text = await res.text();
      if (!res.ok) throw new Error(`${path} as ${login}: ${res.status} ${text}`);
      return JSON.parse(text);
    },
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        for (let i = 0; i < 50 && !exited; i++) await sleep(100);
        if (!exited) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
