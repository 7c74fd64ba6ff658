/**
 * The API reference (`/api-docs`, no login): every operation of `/api/openapi.json` — method,
 * path, what it does, its parameters, what it takes and what it answers, and whether it needs
 * a token or session — drawn from the document the server serves, with no script or style
 * from elsewhere.
 */
import { localize, onLanguageChange, t } from '../../i18n';
import { fill, h, notice } from '../../ui/dom';
import { brand, languageToggle } from '../../ui/shell';

type Schema = { $ref?: string; type?: string };
type Operation = {
  summary?: string;
  parameters?: { name: string; in: string; required?: boolean }[];
  requestBody?: { content: Record<string, { schema?: Schema }> };
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
  security?: unknown[];
};
type Document = { info: { title: string; version: string }; paths: Record<string, Record<string, Operation>> };

/** A schema's name, or what the body is when it has none. */
function schemaName(content?: Record<string, { schema?: Schema }>): string {
  if (!content) return '—';
  const [media, c] = Object.entries(content)[0] ?? ['', {}];
  const ref = c.schema?.$ref?.split('/').pop();
  return ref ? `${ref} (${media})` : media;
}

function operationRow(path: string, method: string, op: Operation): HTMLElement {
  const params = (op.parameters ?? []).map((p) => (p.in === 'path' ? `{${p.name}}` : p.name)).join(', ');
  const ok = Object.entries(op.responses).find(([code]) => code !== 'default');
  const open = Array.isArray(op.security) && op.security.length === 1 && Object.keys(op.security[0] as object).length === 0;
  return h(
    'tr',
    { 'data-operation': `${method.toUpperCase()} ${path}` },
    h('td', {}, h('code', { class: `docs-method docs-${method}` }, method.toUpperCase())),
    h('td', {}, h('code', {}, path)),
    h('td', {}, op.summary ?? ''),
    h('td', {}, params || '—'),
    h('td', {}, schemaName(op.requestBody?.content)),
    h('td', {}, ok ? `${ok[0]} ${schemaName(ok[1].content)}` : '—'),
    h('td', {}, open ? t('docs.public') : t('docs.token')),
  );
}

export async function docsView(root: HTMLElement): Promise<void> {
  const body = h('tbody', { id: 'docs-operations' });
  const status = h('div', { id: 'docs-status' });
  const heading = h('h1', { i18n: 'docs.title' });
  root.replaceChildren(
    h('header', { class: 'topbar' }, brand(), h('span', { class: 'spacer' }), h('a', { class: 'tab', href: '/login', i18n: 'wall.staff' }), languageToggle()),
    h(
      'main',
      { class: 'docs-page' },
      heading,
      h('p', { i18n: 'docs.intro' }),
      h('p', {}, h('a', { href: '/api/openapi.json', id: 'docs-json' }, '/api/openapi.json')),
      status,
      h(
        'div',
        { class: 'docs-scroll' },
        h(
        'table',
        { class: 'docs-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['docs.method', 'docs.path', 'docs.summary', 'docs.parameters', 'docs.body', 'docs.answer', 'docs.access'].map((k) =>
              h('th', { i18n: k as 'docs.method' }),
            ),
          ),
        ),
        body,
      ),
      ),
    ),
  );
  let doc: Document | null = null;
  let failure: string | null = null;
  const render = () => {
    if (failure) fill(status, notice('error', failure));
    else if (!doc) fill(status, notice('empty', t('docs.loading')));
    else {
      fill(status, h('p', {}, t('docs.count', { count: body.childElementCount, version: doc.info.version })));
    }
    localize(root);
  };
  onLanguageChange(render);
  render();
  try {
    const res = await fetch('/api/openapi.json');
    if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
    doc = (await res.json()) as Document;
    const rows: HTMLElement[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) rows.push(operationRow(path, method, op));
    }
    fill(body, rows);
  } catch (e) {
    failure = e instanceof Error ? e.message : String(e);
  }
  render();
}
