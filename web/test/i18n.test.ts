import assert from 'node:assert/strict';
import { test } from 'node:test';
import { language, say, sayDefect, sayRefusal, setLanguage } from '../src/i18n';

void test('planner reasons from the server read in Chinese, with the measure and unit kind translated', () => {
  assert.equal(language(), 'zh-CN');
  const text = say({
    code: 'plan.unit_over_band',
    params: { kind: 'compound', unit: '金城花园', load: 812, measure: 'households', max: 500 },
    message: 'compound 金城花园 has 812 households on its own, more than 500: …',
  });
  assert.match(text, /小区“金城花园”单独就有 812户/);
  assert.doesNotMatch(text, /households|compound/);
});

void test('a code this frontend does not know shows the server’s English sentence', () => {
  assert.equal(say({ code: 'plan.something_new', params: {}, message: 'in English' }), 'in English');
});

void test('validation defects and report errors name their feature and field in Chinese', () => {
  const d = sayDefect({
    kind: 'building_cut',
    feature: 'building B001',
    message: 'its footprint is split …',
    params: { grids: '610581001001001 (12.0 m²)' },
  });
  assert.match(d, /^楼栋 B001：占地被三级网格分割/);
  assert.equal(say({ code: 'intake.required', params: { field: 'category' }, message: 'category: is required' }), '请填写事件类别');
});

void test('the same codes read in English after the switch', () => {
  setLanguage('en');
  assert.equal(
    say({ code: 'plan.divided_by_building', params: { compounds: '瑞景公寓' }, message: '' }),
    'Divided by building to meet the band: 瑞景公寓 (a compound then spans several grids)',
  );
});

void test('a server refusal without a code is headed in Chinese by its kind, the server sentence kept as the detail', () => {
  setLanguage('zh-CN');
  const text = sayRefusal('stale_version', 'draft 3 is at version 5, not 4');
  assert.match(text, /^草稿已在别处修改.*服务器说明：draft 3 is at version 5, not 4$/);
  assert.match(sayRefusal('forbidden', 'grid 610581002001001 is outside your scope'), /^您的账号无权进行此操作/);
  // An unknown kind still says what the server said.
  assert.equal(sayRefusal('something_new', 'x'), '出错了：x');
  setLanguage('en');
  assert.equal(sayRefusal('stale_version', 'draft 3 is at version 5, not 4'), 'Something went wrong: draft 3 is at version 5, not 4');
  setLanguage('zh-CN');
});
