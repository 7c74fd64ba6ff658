import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readDay } from '../src/lib/day';

void test('a day typed with dashes, slashes, dots, 年月日 or as eight digits reads as YYYY-MM-DD', () => {
  for (const typed of ['2026-03-01', '2026-3-1', ' 2026/3/1 ', '2026.03.01', '2026年3月1日', '2026 年 3 月 1 日', '20260301']) {
    assert.equal(readDay(typed), '2026-03-01', typed);
  }
  assert.equal(readDay(''), '', 'nothing typed is no day, not an error');
  assert.equal(readDay('   '), '');
});

void test('text that is not a real day is refused: 30 February, month 13, US order, words', () => {
  for (const typed of ['2026-02-30', '2026-13-01', '2026-00-10', '03/01/2026', '1 March 2026', 'abc', '2026-3', '202631']) {
    assert.equal(readDay(typed), null, typed);
  }
  assert.equal(readDay('2024-02-29'), '2024-02-29', 'a leap day');
  assert.equal(readDay('2026-02-29'), null, 'not a leap year');
});
