/**
 * Entry point: `/login` is the login page; every other page first asks who is signed in (no
 * session: to the login page, to come back after). The path picks the view (`/officer`,
 * `/leader`, `/planner`, `/cases`, `/kpis`); a view the role may not open, and `/`, go to the role's
 * landing view. `/wall`, the public problem wall, and `/api-docs`, the API reference, need no
 * session.
 * The server answers index.html for every page path.
 */
import './styles.css';
import { t } from './i18n';
import { currentSession, landingPath, toLogin, viewsFor } from './api/session';
import { notice } from './ui/dom';
import { renderShell, type ViewName } from './ui/shell';
import { casesView } from './views/cases/view';
import { kpisView } from './views/kpis/view';
import { leaderView } from './views/leader/view';
import { loginView } from './views/login/view';
import { officerView } from './views/officer/view';
import { plannerView } from './views/planner/view';
import { wallView } from './views/wall/view';
import { docsView } from './views/docs/view';

const STARTS = { officer: officerView, leader: leaderView, planner: plannerView, cases: casesView, kpis: kpisView };

function viewFor(path: string): ViewName | null {
  const p = path.replace(/\/+$/, '').slice(1);
  return p === 'officer' || p === 'leader' || p === 'planner' || p === 'cases' || p === 'kpis' ? p : null;
}

async function start(root: HTMLElement): Promise<void> {
  if (window.location.pathname.replace(/\/+$/, '') === '/login') {
    loginView(root);
    return;
  }
  // The public problem wall needs no login.
  if (window.location.pathname.replace(/\/+$/, '') === '/wall') {
    await wallView(root);
    return;
  }
  if (window.location.pathname.replace(/\/+$/, '') === '/api-docs') {
    await docsView(root);
    return;
  }
  const session = await currentSession();
  if (!session) {
    toLogin();
    return;
  }
  const asked = viewFor(window.location.pathname);
  if (!asked || !viewsFor(session.role).includes(asked)) {
    const landing = landingPath(session.role);
    if (landing) window.location.replace(landing);
    else window.location.replace('/login');
    return;
  }
  const shell = renderShell(root, asked, session);
  await STARTS[asked](shell, session).catch((e: unknown) => {
    const message = e instanceof Error ? e.message : String(e);
    shell.panel.prepend(notice('error', t('common.error', { message })));
    console.error(e);
  });
}

const root = document.getElementById('app');
if (root) void start(root);
