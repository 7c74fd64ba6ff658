// What the cluster tests run: release `gridd` servers as processes on a store of their own
// (a fresh database on the throwaway PostGIS `make test` starts, or a SQLite file), haproxy
// in front of them, and control of that PostGIS server (stop and start it, for outages).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, freePort, sleep } from '../../browser/lib/server.mjs';

export { ROOT, freePort, sleep };
export const GRIDD = join(ROOT, 'target/release/gridd');
export const PASSWORD = 'a long cluster test password';

/** Runs a gridd command to completion; its standard output. */
export function gridd(args, input) {
  return execFileSync(GRIDD, args, {
    cwd: ROOT,
    input,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, GRIDD_LOG: 'warn' },
  }).toString();
}

/** The PostGIS server `make test` started (scripts/with-postgis.sh), or null outside it. */
export function postgis() {
  const url = process.env.GRIDD_TEST_PG;
  if (!url) return null;
  const bin = process.env.GRIDD_TEST_PG_BIN;
  const data = process.env.GRIDD_TEST_PG_DATA;
  const asPostgres = (cmd, args) =>
    process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
  const pgCtl = (...args) => {
    const [cmd, full] = asPostgres(join(bin, 'pg_ctl'), ['-D', data, ...args]);
    execFileSync(cmd, full, { stdio: 'ignore' });
  };
  const admin = new URL(url);
  return {
    url,
    /** A new database with PostGIS; its URL. */
    fresh(name) {
      const db = `${name}_${Date.now()}`;
      const psql = (d, sql) =>
        execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', admin.hostname, '-p', admin.port,
          '-U', admin.username, '-d', d, '-c', sql], { stdio: 'pipe' });
      psql('postgres', `CREATE DATABASE ${db}`);
      psql(db, 'CREATE EXTENSION postgis');
      const u = new URL(url);
      u.pathname = `/${db}`;
      return u.toString();
    },
    stop() { pgCtl('-m', 'fast', '-w', 'stop'); },
    start() { pgCtl('-l', process.env.GRIDD_TEST_PG_LOG, '-w', '-t', '60', 'start', '-o', process.env.GRIDD_TEST_PG_OPTIONS); },
  };
}

/** Prepares a store for serving: the city, the first admin, an admin token; the token. */
export function prepareStore(db, city) {
  gridd(['import', '--db', db, city]);
  gridd(['user', 'add', '--db', db, '--login', 'cluster.admin', '--role', 'admin', '--password-stdin'], `${PASSWORD}\n`);
  return gridd(['token', 'create', '--db', db, '--name', `cluster-${Date.now()}`, '--role', 'admin']).trim();
}

/** A `gridd serve` on `db` at `port`; resolves once `/api/health` answers. */
export async function serve(db, port) {
  const child = spawn(GRIDD, ['serve', '--db', db, '--bind', '127.0.0.1', '--port', String(port), '--web-dir', '/nonexistent'], {
    cwd: ROOT,
    env: { ...process.env, GRIDD_LOG: process.env.GRIDD_LOG ?? 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gridd serve exited with ${child.exitCode}: ${stderr}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) throw new Error(`gridd serve on ${port} did not answer within 90 s: ${stderr}`);
    await sleep(100);
  }
  return { child, url, port, log: () => stderr };
}

/** Stops a server; `signal` SIGKILL for a crash. */
export async function stop(server, signal = 'SIGTERM') {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  const done = new Promise((r) => server.child.once('exit', r));
  server.child.kill(signal);
  await done;
}

/**
 * haproxy on a free port, round robin over `servers`, telling which one answered in
 * `X-Served-By`; a server that stops answering its health check is taken out, and a request
 * whose connection was refused is sent to the other.
 */
export async function balance(servers) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'gridd-haproxy-'));
  const config = join(dir, 'haproxy.cfg');
  writeFileSync(config, [
    'global',
    '  maxconn 2000',
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 30s',
    '  timeout server 30s',
    '  retries 3',
    '  option redispatch',
    `frontend front`,
    `  bind 127.0.0.1:${port}`,
    '  default_backend gridd',
    'backend gridd',
    '  balance roundrobin',
    '  option httpchk GET /api/health',
    '  http-response set-header X-Served-By %s',
    ...servers.map((s, i) => `  server s${i + 1} 127.0.0.1:${s.port} check inter 500ms fall 2 rise 1`),
    '',
  ].join('\n'));
  const child = spawn('haproxy', ['-f', config, '-db'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`haproxy exited with ${child.exitCode}: ${stderr}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch { /* not yet */ }
    if (Date.now() > deadline) throw new Error(`haproxy did not answer within 20 s: ${stderr}`);
    await sleep(100);
  }
  return { child, url, port };
}

/** A JSON request with a bearer token (or a cookie); `{ status, body, headers }`. */
export async function call(base, method, path, { token, cookie, body, timeout = 10_000 } = {}) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (cookie) headers.cookie = cookie;
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && cookie) headers.origin = base;
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeout),
  });
  const text = await res.text();
  let parsed = text;
  try { parsed = JSON.parse(text); } catch { /* not JSON (a tile) */ }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** Every incident a listing names, following its pages' `next` links. */
export async function listAll(base, path, token) {
  const features = [];
  for (let next = path; next;) {
    const { status, body } = await call(base, 'GET', next, { token });
    if (status !== 200) throw new Error(`${next}: ${status} ${JSON.stringify(body)}`);
    features.push(...body.features);
    next = body.next;
  }
  return features;
}

/** Waits until `check()` resolves `true` (anything else is shown when it fails); how long it took in ms. */
export async function within(limit, what, check) {
  const start = Date.now();
  let last;
  for (;;) {
    try {
      last = await check();
      if (last === true) return Date.now() - start;
    } catch (e) { last = e; }
    if (Date.now() - start > limit) throw new Error(`${what} did not happen within ${limit} ms (last: ${last})`);
    await sleep(25);
  }
}
