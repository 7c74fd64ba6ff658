/**
 * Who is signed in, and where each role works: the session calls (`/api/session`), the views a
 * role may open and the one it lands on, and the way back to the login page (with the page to
 * return to) when a session ends.
 */
import type { SessionView } from './generated';
import type { ViewName } from '../ui/shell';

export type Session = SessionView;

/** The views each role may open, its landing view first. Roles without a map view get none. */
const VIEWS: Record<string, ViewName[]> = {
  admin: ['officer', 'leader', 'planner', 'cases', 'kpis'],
  officer: ['officer', 'cases'],
  street_leader: ['leader', 'kpis', 'cases'],
  community: ['leader', 'kpis', 'cases'],
  dispatcher: ['cases', 'leader', 'kpis'],
  planner: ['planner'],
  department: ['cases'],
  reporter: [],
};

export function viewsFor(role: string): ViewName[] {
  return VIEWS[role] ?? [];
}

/** The path a role lands on after logging in (`null`: no map view of its own). */
export function landingPath(role: string): string | null {
  const first = viewsFor(role)[0];
  return first ? `/${first}` : null;
}

/** Where to go after logging in: `next` when it is a page of ours the role may open, else the landing. */
export function afterLogin(role: string, next: string | null): string | null {
  const landing = landingPath(role);
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/login')) return landing;
  const view = next.split(/[?#]/)[0].replace(/\/+$/, '').slice(1);
  return viewsFor(role).includes(view as ViewName) ? next : landing;
}

/** The login page, remembering `next` to come back to. */
export function loginPath(next: string): string {
  return next && next !== '/' ? `/login?next=${encodeURIComponent(next)}` : '/login';
}

/** Sends the browser to the login page, to come back here after. */
export function toLogin(): void {
  window.location.assign(loginPath(window.location.pathname + window.location.search));
}

/** The signed-in account, or `null` when there is no live session. */
export async function currentSession(): Promise<Session | null> {
  const res = await fetch('/api/session', { headers: { Accept: 'application/json' } });
  if (res.status === 401) return null;
  if (!res.ok) throw new Error(`/api/session: HTTP ${res.status}`);
  return (await res.json()) as Session;
}

/** What a refused login said: the status (401 wrong, 429 too many) and the server's words. */
export class LoginRefused extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'LoginRefused';
  }
}

export async function logIn(login: string, password: string): Promise<Session> {
  const res = await fetch('/api/session', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ login, password }),
  });
  const body = (await res.json().catch(() => ({}))) as { message?: string };
  if (!res.ok) throw new LoginRefused(res.status, body.message ?? `HTTP ${res.status}`);
  return body as Session;
}

export async function logOut(): Promise<void> {
  await fetch('/api/session', { method: 'DELETE' });
}
