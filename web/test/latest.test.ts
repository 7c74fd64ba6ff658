import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Latest } from '../src/lib/latest';

/** A request the test answers by hand, that rejects like fetch when aborted. */
function pending<T>(signal: AbortSignal): { promise: Promise<T>; answer: (v: T) => void } {
  let answer!: (v: T) => void;
  const promise = new Promise<T>((resolve, reject) => {
    answer = resolve;
    signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
  });
  return { promise, answer };
}

void test('a request overtaken by a newer one says it was superseded and the newer one answers', async () => {
  const latest = new Latest();
  const calls: { answer: (v: string) => void }[] = [];
  const first = latest.run((signal) => {
    const p = pending<string>(signal);
    calls.push(p);
    return p.promise;
  });
  const second = latest.run((signal) => {
    const p = pending<string>(signal);
    calls.push(p);
    return p.promise;
  });
  calls[1].answer('new');
  assert.deepEqual(await first, { kind: 'superseded' });
  assert.deepEqual(await second, { kind: 'done', value: 'new' });
});

void test('a late answer to an abandoned request is not shown', async () => {
  const latest = new Latest();
  let answer!: (v: number) => void;
  // A server that ignores the abort and answers anyway.
  const run = latest.run(() => new Promise<number>((r) => (answer = r)));
  latest.cancel();
  answer(42);
  assert.deepEqual(await run, { kind: 'superseded' });
});

void test('a failure of the latest request is reported with its error', async () => {
  const latest = new Latest();
  const boom = new Error('HTTP 500');
  assert.deepEqual(await latest.run(() => Promise.reject(boom)), { kind: 'failed', error: boom });
});
