/**
 * Entry point: the path picks the view (`/officer`, `/leader`, `/planner`; `/` is the officer's), the
 * shell gives it a panel and a map area. The server answers index.html for both paths.
 */
import './styles.css';
import { t } from './i18n';
import { notice } from './ui/dom';
import { renderShell, type ViewName } from './ui/shell';
import { leaderView } from './views/leader/view';
import { officerView } from './views/officer/view';
import { plannerView } from './views/planner/view';

function viewFor(path: string): ViewName {
  const p = path.replace(/\/+$/, '');
  return p === '/leader' ? 'leader' : p === '/planner' ? 'planner' : 'officer';
}

const root = document.getElementById('app');
if (root) {
  const view = viewFor(window.location.pathname);
  const shell = renderShell(root, view);
  const start = view === 'leader' ? leaderView : view === 'planner' ? plannerView : officerView;
  start(shell).catch((e: unknown) => {
    const message = e instanceof Error ? e.message : String(e);
    shell.panel.prepend(notice('error', t('common.error', { message })));
    console.error(e);
  });
}
