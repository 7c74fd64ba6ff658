/**
 * Entry point: the path picks the view (`/officer`, `/leader`; `/` is the officer's), the
 * shell gives it a panel and a map area. The server answers index.html for both paths.
 */
import './styles.css';
import { t } from './i18n';
import { notice } from './ui/dom';
import { renderShell, type ViewName } from './ui/shell';
import { leaderView } from './views/leader';
import { officerView } from './views/officer';

function viewFor(path: string): ViewName {
  return path.replace(/\/+$/, '') === '/leader' ? 'leader' : 'officer';
}

const root = document.getElementById('app');
if (root) {
  const view = viewFor(window.location.pathname);
  const shell = renderShell(root, view);
  const start = view === 'leader' ? leaderView : officerView;
  start(shell).catch((e: unknown) => {
    const message = e instanceof Error ? e.message : String(e);
    shell.panel.prepend(notice('error', t('common.error', { message })));
    console.error(e);
  });
}
