/**
 * A few DOM helpers, so views read as the structure they build. Text a person reads is set with
 * `i18n` (a message key, refreshed on language change) or computed by the caller through `t()`.
 */
import { t, type MessageKey, type Params } from '../i18n';

type Attrs = {
  class?: string;
  i18n?: MessageKey;
  i18nParams?: Params;
  i18nPlaceholder?: MessageKey;
  i18nTitle?: MessageKey;
  i18nAriaLabel?: MessageKey;
  text?: string;
  on?: Partial<{ [K in keyof HTMLElementEventMap]: (e: HTMLElementEventMap[K]) => void }>;
  [attr: string]: unknown;
};

type Child = Node | string | null | undefined | false;

/** An attribute value as text: strings and numbers as they are, anything else as JSON. */
function text(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries<unknown>(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    switch (k) {
      case 'class':
        el.className = text(v);
        break;
      case 'text':
        el.textContent = text(v);
        break;
      case 'i18n':
        el.setAttribute('data-i18n', text(v));
        el.textContent = t(v as MessageKey, attrs.i18nParams);
        break;
      case 'i18nParams':
        el.setAttribute('data-i18n-params', JSON.stringify(v));
        break;
      case 'i18nPlaceholder':
        el.setAttribute('data-i18n-placeholder', text(v));
        el.setAttribute('placeholder', t(v as MessageKey));
        break;
      case 'i18nTitle':
        el.setAttribute('data-i18n-title', text(v));
        el.setAttribute('title', t(v as MessageKey));
        break;
      case 'i18nAriaLabel':
        el.setAttribute('data-i18n-aria-label', text(v));
        el.setAttribute('aria-label', t(v as MessageKey));
        break;
      case 'on':
        for (const [ev, fn] of Object.entries(v as Record<string, EventListener>)) {
          el.addEventListener(ev, fn);
        }
        break;
      default:
        if (v === true) el.setAttribute(k, '');
        else el.setAttribute(k, text(v));
    }
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c);
  }
  return el;
}

/** Replaces an element's children. */
export function fill(el: Element, ...children: (Child | Child[])[]): void {
  el.replaceChildren(
    ...children.flat().filter((c): c is Node | string => c !== null && c !== undefined && c !== false),
  );
}

export type NoticeKind = 'info' | 'loading' | 'error' | 'success' | 'empty';

/** A line of state in words: loading, empty, an error or a success, with its role for readers. */
export function notice(kind: NoticeKind, text: string): HTMLElement {
  return h(
    'p',
    { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status' },
    kind === 'loading' ? h('span', { class: 'spinner', 'aria-hidden': 'true' }) : null,
    text,
  );
}

/** A labelled form field. */
export function field(labelKey: MessageKey, control: HTMLElement, id: string): HTMLElement {
  control.id = id;
  return h('div', { class: 'field' }, h('label', { for: id, i18n: labelKey }), control);
}

/** A `<select>` of codes whose names come from i18n, optionally led by "all". */
export function codeSelect<C extends string>(
  codes: readonly C[],
  nameKey: (c: C) => MessageKey,
  lead?: MessageKey,
): HTMLSelectElement {
  return h(
    'select',
    {},
    lead ? h('option', { value: '', i18n: lead }) : null,
    codes.map((c) => h('option', { value: c, i18n: nameKey(c) })),
  );
}
