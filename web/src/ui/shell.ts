/**
 * The page frame every view shares: a header with the views the signed-in role may open as
 * tabs, who is signed in with a logout button, and the language switch; a side panel (below
 * the map on a phone) and the map area with its status line.
 */
import { language, localize, setLanguage } from '../i18n';
import { logOut, viewsFor, type Session } from '../api/session';
import { h } from './dom';

export type ViewName = 'officer' | 'leader' | 'planner' | 'cases' | 'kpis';

export interface Shell {
  panel: HTMLElement;
  mapContainer: HTMLElement;
  /** A line over the map for loading and errors; empty hides it. */
  mapStatus: HTMLElement;
  /** A box over the map's lower left corner for a legend. */
  legend: HTMLElement;
  /** Room under the map on a wide screen (after the panel on a phone), for a table. */
  aux: HTMLElement;
}

/** The mark and the product's name, left in the top bar. */
export function brand(): HTMLElement {
  return h('div', { class: 'brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }), h('span', { class: 'brand-name', i18n: 'app.title' }));
}

/** The button that switches between Chinese and English. */
export function languageToggle(): HTMLElement {
  return h('button', {
    type: 'button',
    class: 'lang-toggle',
    id: 'lang-toggle',
    i18n: 'lang.toggle',
    i18nTitle: 'lang.toggleTitle',
    on: { click: () => setLanguage(language() === 'zh-CN' ? 'en' : 'zh-CN') },
  });
}

/** Who is signed in (name and role), with a logout button that returns to the login page. */
function userMenu(session: Session): HTMLElement {
  return h(
    'div',
    { class: 'user', id: 'user-menu' },
    h('span', { class: 'user-name', id: 'user-name', title: `${session.login} · ${session.role_zh}` }, session.display_name),
    h('button', {
      type: 'button',
      class: 'lang-toggle logout',
      id: 'logout',
      i18n: 'nav.logout',
      on: {
        click: () => {
          void logOut().finally(() => window.location.assign('/login'));
        },
      },
    }),
  );
}

export function renderShell(root: HTMLElement, view: ViewName, session: Session): Shell {
  const allowed = viewsFor(session.role);
  const tab = (name: ViewName, key: 'nav.officer' | 'nav.leader' | 'nav.planner' | 'nav.cases' | 'nav.kpis') =>
    h('a', {
      href: `/${name}`,
      class: name === view ? 'tab active' : 'tab',
      'aria-current': name === view ? 'page' : undefined,
      'data-view': name,
      i18n: key,
    });
  const panel = h('section', { class: 'panel', id: 'panel' });
  const mapContainer = h('div', { class: 'map', id: 'map' });
  const mapStatus = h('div', { class: 'map-status', id: 'map-status', role: 'status', hidden: true });
  const legend = h('div', { class: 'legend', id: 'legend', hidden: true });
  const aux = h('section', { class: 'aux', id: 'aux' });
  root.replaceChildren(
    h(
      'header',
      { class: 'topbar' },
      brand(),
      h(
        'nav',
        { class: 'tabs' },
        allowed.includes('officer') && tab('officer', 'nav.officer'),
        allowed.includes('leader') && tab('leader', 'nav.leader'),
        allowed.includes('planner') && tab('planner', 'nav.planner'),
        allowed.includes('cases') && tab('cases', 'nav.cases'),
        allowed.includes('kpis') && tab('kpis', 'nav.kpis'),
      ),
      userMenu(session),
      languageToggle(),
    ),
    h('main', { class: `layout view-${view}` }, h('div', { class: 'map-wrap' }, mapContainer, mapStatus, legend), panel, aux),
  );
  localize(document);
  return { panel, mapContainer, mapStatus, legend, aux };
}

/** Shows `text` over the map (a spinner with it when `loading`), or hides the line. */
export function setMapStatus(el: HTMLElement, text: string | null, kind: 'loading' | 'error' | 'info' = 'loading'): void {
  if (!text) {
    el.hidden = true;
    el.replaceChildren();
    return;
  }
  el.hidden = false;
  el.className = `map-status map-status-${kind}`;
  el.replaceChildren(kind === 'loading' ? h('span', { class: 'spinner', 'aria-hidden': 'true' }) : '', text);
}
