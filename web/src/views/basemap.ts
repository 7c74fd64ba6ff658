/**
 * The basemap chooser every view has (a map control, top left): our own data only, the
 * basemap the server was configured with, or a tile URL the user pastes with its CRS. The
 * server reads the URL (`/api/basemap/check`); a provider in GCJ-02 or BD-09 leaves a
 * warning on the map saying how many metres its pictures are off our data here. The choice is
 * kept in this browser.
 */
import type * as maplibregl from 'maplibre-gl';
import { api } from '../api/client';
import { BASEMAP_CRSES, type BasemapAnswer, type BasemapCrs } from '../api/types';
import { onLanguageChange, t } from '../i18n';
import { readStored, writeStored } from '../lib/stored';
import { showBasemap } from '../map/basemap';
import { codeSelect, field, fill, h, notice } from '../ui/dom';

type Choice = 'none' | 'configured' | 'custom';
interface Saved {
  choice: Choice;
  url: string;
  crs: BasemapCrs;
}

const STORAGE_KEY = 'gridd.basemap';

function load(): Saved {
  try {
    const v = JSON.parse(readStored(STORAGE_KEY) ?? 'null') as Partial<Saved> | null;
    if (v && ['none', 'configured', 'custom'].includes(v.choice ?? '')) {
      return {
        choice: v.choice as Choice,
        url: typeof v.url === 'string' ? v.url : '',
        crs: BASEMAP_CRSES.includes(v.crs as BasemapCrs) ? (v.crs as BasemapCrs) : 'cgcs2000',
      };
    }
  } catch {
    // A damaged entry is the same as none.
  }
  return { choice: 'configured', url: '', crs: 'cgcs2000' };
}

/** The sentence under the control for a basemap that misplaces our data, or null. */
function warningText(a: BasemapAnswer): string | null {
  const params = { crs: t(`basemap.crs.${a.crs}`), metres: String(Math.round(a.offset_m)) };
  if (a.misplacement === 'shifted') return t('basemap.warnShifted', params);
  if (a.misplacement === 'shifted_and_retiled') return t('basemap.warnRetiled', params);
  return null;
}

export class BasemapControl implements maplibregl.IControl {
  private map: maplibregl.Map | null = null;
  private readonly root = h('div', { class: 'maplibregl-ctrl basemap-ctrl' });
  private readonly panel = h('form', { class: 'basemap-panel', hidden: true, id: 'basemap-panel' });
  private readonly warning = h('p', { class: 'basemap-warning', id: 'basemap-warning', role: 'alert', hidden: true });
  private readonly message = h('div', { class: 'basemap-message', id: 'basemap-message' });
  private readonly choice = h('select', {});
  private readonly url = h('input', { type: 'url', i18nPlaceholder: 'basemap.urlHint', spellcheck: 'false' });
  private readonly crs = codeSelect(BASEMAP_CRSES, (c) => `basemap.crs.${c}` as const);
  private saved = load();
  private configured: (BasemapAnswer & { attribution: string | null }) | null = null;
  private current: BasemapAnswer | null = null;
  private styleLoaded: Promise<void> = Promise.resolve();

  onAdd(map: maplibregl.Map): HTMLElement {
    this.map = map;
    // Sources can only be added once the style is in; the control is added before that.
    this.styleLoaded = new Promise((resolve) => {
      if (map.getStyle()?.layers?.length) resolve();
      else map.once('style.load', () => resolve());
    });
    const toggle = h('button', {
      type: 'button',
      class: 'basemap-toggle',
      id: 'basemap-toggle',
      i18n: 'basemap.button',
      i18nTitle: 'basemap.title',
      'aria-expanded': 'false',
      'aria-controls': 'basemap-panel',
      on: {
        click: () => {
          this.panel.hidden = !this.panel.hidden;
          toggle.setAttribute('aria-expanded', String(!this.panel.hidden));
        },
      },
    });
    this.url.value = this.saved.url;
    this.crs.value = this.saved.crs;
    this.choice.addEventListener('change', () => this.renderForm());
    this.panel.addEventListener('submit', (e) => {
      e.preventDefault();
      this.saved = { choice: this.choice.value as Choice, url: this.url.value.trim(), crs: this.crs.value as BasemapCrs };
      writeStored(STORAGE_KEY, JSON.stringify(this.saved));
      // Out of the way once the map shows what was asked for; left open to read an error.
      void this.apply().then((ok) => {
        if (ok) {
          this.panel.hidden = true;
          toggle.setAttribute('aria-expanded', 'false');
        }
      });
    });
    fill(
      this.panel,
      h('h3', { i18n: 'basemap.title' }),
      field('basemap.source', this.choice, 'basemap-choice'),
      h('div', { class: 'basemap-custom' }, field('basemap.url', this.url, 'basemap-url'), field('basemap.crs', this.crs, 'basemap-crs')),
      h('p', { class: 'basemap-note', i18n: 'basemap.note' }),
      this.message,
      h('button', { type: 'submit', class: 'primary', id: 'basemap-apply', i18n: 'basemap.apply' }),
    );
    fill(this.root, toggle, this.panel, this.warning);
    onLanguageChange(() => {
      this.renderForm();
      this.renderWarning();
    });
    this.renderForm();
    void api.basemap().then(
      (b) => {
        this.configured = b.configured;
        this.renderForm();
        void this.apply();
      },
      () => void this.apply(),
    );
    return this.root;
  }

  onRemove(): void {
    this.root.remove();
    this.map = null;
  }

  private renderForm(): void {
    const value = this.choice.value || this.saved.choice;
    const options: Choice[] = this.configured ? ['none', 'configured', 'custom'] : ['none', 'custom'];
    fill(
      this.choice,
      options.map((c) => h('option', { value: c, i18n: `basemap.choice.${c}` as const })),
    );
    this.choice.value = options.includes(value as Choice) ? value : 'none';
    const custom = this.panel.querySelector<HTMLElement>('.basemap-custom');
    if (custom) custom.hidden = this.choice.value !== 'custom';
  }

  private renderWarning(): void {
    const text = this.current ? warningText(this.current) : null;
    this.warning.hidden = !text;
    this.warning.textContent = text ?? '';
  }

  /** Shows the saved choice; false when it was refused. */
  private async apply(): Promise<boolean> {
    const map = this.map;
    if (!map) return false;
    const choice = this.saved.choice === 'configured' && !this.configured ? 'none' : this.saved.choice;
    this.current = null;
    fill(this.message);
    await this.styleLoaded;
    try {
      if (choice === 'configured' && this.configured) {
        const c = map.getCenter();
        const at = await api.checkBasemap(this.configured.tiles[0], this.configured.crs, [c.lng, c.lat]);
        this.current = { ...this.configured, offset_m: at.offset_m };
        showBasemap(map, this.configured.tiles, this.configured.attribution);
      } else if (choice === 'custom' && this.saved.url) {
        fill(this.message, notice('loading', t('common.loading')));
        const c = map.getCenter();
        this.current = await api.checkBasemap(this.saved.url, this.saved.crs, [c.lng, c.lat]);
        showBasemap(map, this.current.tiles);
        fill(this.message, notice('success', t('basemap.applied', { scheme: this.current.scheme })));
      } else {
        showBasemap(map, null);
      }
    } catch (e) {
      showBasemap(map, null);
      fill(this.message, notice('error', t('common.error', { message: e instanceof Error ? e.message : String(e) })));
      this.renderWarning();
      return false;
    }
    this.renderWarning();
    return true;
  }
}
