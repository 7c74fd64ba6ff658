/**
 * Every string a person reads goes through `t()`. The language is zh-CN unless the person
 * chose English (remembered in localStorage). Static labels are marked with `data-i18n*`
 * attributes and refreshed by `localize()`; views that render text themselves re-render on
 * `onLanguageChange`.
 */
import { zhCN, type MessageKey } from './zh-CN';
import { en } from './en';
import { readStored, writeStored } from '../lib/stored';
import type { Action, Category, Channel, Crs, PartyOrg, Satisfaction, Status } from '../api/codes';

export type Language = 'zh-CN' | 'en';
export type { MessageKey };

const DICTIONARIES: Record<Language, Record<MessageKey, string>> = { 'zh-CN': zhCN, en };
const STORAGE_KEY = 'gridd.lang';

function initialLanguage(): Language {
  const saved = readStored(STORAGE_KEY);
  return saved === 'en' || saved === 'zh-CN' ? saved : 'zh-CN';
}

let current: Language = initialLanguage();
const listeners = new Set<(lang: Language) => void>();

export function language(): Language {
  return current;
}

export type Params = Record<string, string | number>;

export function t(key: MessageKey, params?: Params): string {
  const template = DICTIONARIES[current][key] ?? zhCN[key] ?? key;
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (m, name: string) =>
    name in params ? String(params[name]) : m,
  );
}

export function setLanguage(lang: Language): void {
  if (lang === current) return;
  current = lang;
  writeStored(STORAGE_KEY, lang);
  // Outside a page (unit tests) there is nothing to relocalise.
  if (typeof document !== 'undefined') localize(document);
  for (const fn of listeners) fn(lang);
}

export function onLanguageChange(fn: (lang: Language) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/**
 * Refreshes the marked elements under `root`: `data-i18n` (text), `data-i18n-placeholder`,
 * `data-i18n-title`, `data-i18n-aria-label`, `data-i18n-label`; parameters in `data-i18n-params` (JSON).
 */
export function localize(root: ParentNode): void {
  if (root instanceof Document) {
    root.documentElement.lang = current;
    root.title = t('app.title');
  }
  const attrs: [string, string | null][] = [
    ['data-i18n', null],
    ['data-i18n-placeholder', 'placeholder'],
    ['data-i18n-title', 'title'],
    ['data-i18n-aria-label', 'aria-label'],
    ['data-i18n-label', 'label'],
  ];
  for (const [data, target] of attrs) {
    for (const el of root.querySelectorAll<HTMLElement>(`[${data}]`)) {
      const raw = el.getAttribute('data-i18n-params');
      const params = raw ? (JSON.parse(raw) as Params) : undefined;
      const text = t(el.getAttribute(data) as MessageKey, params);
      if (target) el.setAttribute(target, text);
      else el.textContent = text;
    }
  }
}

export const categoryName = (c: Category): string => t(`category.${c}`);
export const statusName = (s: Status): string => t(`status.${s}`);
export const channelName = (c: Channel): string => t(`channel.${c}`);
export const crsName = (c: Crs): string => t(`crs.${c}`);
export const actionName = (a: Action): string => t(`action.${a}`);
export const satisfactionName = (s: Satisfaction): string => t(`satisfaction.${s}`);
export const partyName = (p: PartyOrg): string => t(`party.${p}`);

/** A number written the way the current language writes it (grouping, decimals). */
export function formatNumber(v: number | null | undefined, digits = 0): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  return v.toLocaleString(current, { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

export function formatPercent(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  return v.toLocaleString(current, { style: 'percent', maximumFractionDigits: 0 });
}

/** A time as a person in the city reads it (China Standard Time). */
/** A day as people write it, whatever the browser's own locale: 2026年3月2日 / 2 March 2026 (China time). */
export function formatDay(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleDateString(current === 'zh-CN' ? 'zh-CN' : 'en-GB', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
  });
}

export function formatTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(current, {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** A code-and-params sentence from the server in the current language; its English text
 * when this frontend does not know the code. */
export function say(m: { code: string; params?: Record<string, unknown>; message: string }): string {
  const known = DICTIONARIES[current] as Record<string, string>;
  if (!(m.code in known)) return m.message;
  const p: Params = { message: m.message };
  for (const [k, v] of Object.entries(m.params ?? {})) {
    if (typeof v === 'number' || typeof v === 'string') p[k] = v;
  }
  const lookup = (key: string, fallback: string): string => (key in known ? known[key] : fallback);
  if (typeof p.measure === 'string') p.measure = lookup(`msg.measure.${p.measure}`, p.measure);
  if (typeof p.kind === 'string') p.kind = lookup(`msg.unitKind.${p.kind}`, p.kind);
  if (typeof p.field === 'string') p.field = lookup(`intake.field.${p.field}`, p.field);
  if (typeof p.feature === 'string') {
    p.feature = p.feature.replace(/^(building|compound) /, (_, kind: string) => `${lookup(`msg.unitKind.${kind}`, kind)} `);
  }
  return t(m.code as MessageKey, p);
}

/**
 * A server refusal that carries no message code: headed in Chinese by its kind (`error` in
 * the body: 冲突, 无权, 未找到, …) with the server's own sentence after it as the detail; in
 * English the server's sentence is already in the user's language.
 */
export function sayRefusal(kind: string, message: string): string {
  const key = `apiError.${kind}`;
  const known = DICTIONARIES[current] as Record<string, string>;
  if (current === 'en' || !(key in known)) return t('common.error', { message });
  return t('common.errorKind', { what: known[key], message });
}

/** A validation defect in the current language. */
export function sayDefect(d: { kind: string; feature: string; message: string; params?: Record<string, unknown> }): string {
  return say({ code: `defect.${d.kind}`, params: { ...d.params, feature: d.feature }, message: `${d.kind}: ${d.message}` });
}
