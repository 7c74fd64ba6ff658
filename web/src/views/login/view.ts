/**
 * The login page: login name and password, the server's answer in words when it refuses (a
 * wrong password and an unknown login read the same; too many tries says how long to wait),
 * and on success the page the person came from or their role's landing view.
 */
import { afterLogin, logIn, LoginRefused } from '../../api/session';
import { localize, t } from '../../i18n';
import { h } from '../../ui/dom';
import { brand, languageToggle } from '../../ui/shell';

export function loginView(root: HTMLElement): void {
  const next = new URLSearchParams(window.location.search).get('next');
  const login = h('input', { id: 'login-name', name: 'login', autocomplete: 'username', required: true, autofocus: true });
  const password = h('input', {
    id: 'login-password',
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
  });
  const message = h('p', { class: 'login-message', id: 'login-message', role: 'alert', hidden: true });
  const submit = h('button', { type: 'submit', class: 'primary', id: 'login-submit', i18n: 'login.submit' });
  const say = (text: string) => {
    message.textContent = text;
    message.hidden = false;
  };
  const form = h(
    'form',
    {
      class: 'login-form',
      id: 'login-form',
      on: {
        submit: (e) => {
          e.preventDefault();
          submit.disabled = true;
          message.hidden = true;
          logIn(login.value, password.value)
            .then((s) => {
              const to = afterLogin(s.role, next);
              if (to) window.location.assign(to);
              else say(t('login.noView', { role: s.role_zh }));
            })
            .catch((err: unknown) => {
              password.value = '';
              if (err instanceof LoginRefused && err.status === 429) say(t('login.tooMany', { message: err.message }));
              else if (err instanceof LoginRefused && err.status === 401) say(t('login.wrong'));
              else say(t('common.error', { message: err instanceof Error ? err.message : String(err) }));
            })
            .finally(() => {
              submit.disabled = false;
            });
        },
      },
    },
    h('h1', { i18n: 'login.title' }),
    next ? h('p', { class: 'login-hint', i18n: 'login.again' }) : null,
    h('label', { for: 'login-name', i18n: 'login.login' }),
    login,
    h('label', { for: 'login-password', i18n: 'login.password' }),
    password,
    message,
    submit,
  );
  root.replaceChildren(
    h(
      'header',
      { class: 'topbar' },
      brand(),
      h('span', { class: 'spacer' }),
      languageToggle(),
    ),
    h('main', { class: 'login-page' }, form),
  );
  localize(document);
}
