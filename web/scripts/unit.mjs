// Unit tests of the frontend's pure modules (state, URL, latest-request, i18n), without a
// browser: each test/*.test.ts is bundled by rolldown (which comes with Vite) for Node and
// run by node's own test runner.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(web, 'node_modules', '.unit');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const tests = readdirSync(join(web, 'test')).filter((f) => f.endsWith('.test.ts'));
const rolldown = join(web, 'node_modules', '.bin', 'rolldown');
for (const t of tests) {
  execFileSync(rolldown, [join('test', t), '-p', 'node', '-f', 'esm', '-o', join(out, t.replace(/\.ts$/, '.mjs'))], {
    cwd: web,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
execFileSync(process.execPath, ['--test', ...tests.map((t) => join(out, t.replace(/\.ts$/, '.mjs')))], {
  cwd: web,
  stdio: 'inherit',
});
