/**
 * 问题墙 / 回音壁, the public problem wall (`/wall`, no login): recent registered problems with
 * what, where (to the compound or grid, never the point), who owns it, by when, and how it
 * ended — newest first, as cards that read on a phone.
 */
import { api } from '../../api/client';
import type { WallItem } from '../../api/types';
import { categoryName, formatTime, localize, onLanguageChange, statusName, t } from '../../i18n';
import { fill, h, notice } from '../../ui/dom';
import { brand, languageToggle } from '../../ui/shell';
import { errorText } from '../common';

function card(p: WallItem): HTMLElement {
  const state = p.overdue ? 'overdue' : p.status === 'closed' || p.status === 'evaluated' ? 'done' : 'open';
  return h(
    'li',
    { class: `wall-card wall-${state}`, 'data-id': p.id },
    h(
      'div',
      { class: 'wall-head' },
      h('strong', {}, categoryName(p.category)),
      h('span', { class: `wall-status wall-status-${state}` }, p.overdue ? t('cases.overdue') : statusName(p.status)),
    ),
    h('div', { class: 'wall-place' }, p.place),
    h(
      'dl',
      { class: 'wall-facts' },
      h('dt', { i18n: 'wall.reported' }),
      h('dd', {}, p.reported_on),
      h('dt', { i18n: 'cases.department' }),
      h('dd', {}, p.department ?? t('wall.noDepartment')),
      p.due_at ? [h('dt', { i18n: 'cases.due' }), h('dd', {}, formatTime(p.due_at))] : [],
      p.outcome ? [h('dt', { i18n: 'wall.outcome' }), h('dd', {}, t(`wall.outcome.${p.outcome}` as 'wall.outcome.resolved'))] : [],
      p.satisfaction
        ? [h('dt', { i18n: 'cases.satisfaction' }), h('dd', {}, t(`satisfaction.${p.satisfaction}` as 'satisfaction.satisfied'))]
        : [],
    ),
  );
}

export async function wallView(root: HTMLElement): Promise<void> {
  const list = h('ul', { class: 'wall-list', id: 'wall-list' });
  const summary = h('p', { class: 'wall-summary', id: 'wall-summary' });
  root.replaceChildren(
    h('header', { class: 'topbar' }, brand(), h('span', { class: 'spacer' }), h('a', { class: 'tab', href: '/login', i18n: 'wall.staff' }), languageToggle()),
    h(
      'main',
      { class: 'wall-page' },
      h('h1', { i18n: 'wall.title' }),
      h('p', { class: 'wall-intro', i18n: 'wall.intro' }),
      summary,
      list,
    ),
  );
  let items: WallItem[] | null = null;
  let failure: string | null = null;
  const render = () => {
    if (failure) fill(list, h('li', {}, notice('error', failure)));
    else if (!items) fill(list, h('li', {}, notice('empty', t('wall.loading'))));
    else if (items.length === 0) fill(list, h('li', {}, notice('empty', t('wall.empty'))));
    else fill(list, items.map(card));
    const done = items?.filter((p) => p.status === 'closed' || p.status === 'evaluated').length ?? 0;
    summary.textContent = items ? t('wall.summary', { shown: items.length, done }) : '';
    localize(root);
  };
  onLanguageChange(render);
  render();
  try {
    items = (await api.wall()).problems;
  } catch (e) {
    failure = errorText(e);
  }
  render();
}
