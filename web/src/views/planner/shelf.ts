/**
 * The planner's kept drafts: the list shown when no draft is open, deleting one (the first
 * click asks, the second deletes), and renaming the open one. Holds that list and those two
 * questions; the view lends it the draft box (`DraftBoxHost`) to show messages and redraw.
 */
import { api } from '../../api/client';
import type { Draft, DraftSummary } from '../../api/types';
import { t } from '../../i18n';
import { h } from '../../ui/dom';
import { errorText } from '../common';
import type { Message } from './panel';

/** What the shelf needs of the view's draft box. */
export interface DraftBoxHost {
  /** The draft open now, if any. */
  draft: () => Draft | null;
  /** Shows the draft as the server answered (renamed). */
  setDraft: (d: Draft) => void;
  say: (m: Message | null) => void;
  /** Runs `work` with the draft box's buttons held, an error said in the box. */
  inBox: (work: () => Promise<void>) => Promise<void>;
  render: () => void;
}

export class DraftShelf {
  /** The drafts kept on the server (listed when none is open). */
  drafts: DraftSummary[] = [];
  /** The draft whose deletion waits for a second click, if any. */
  deleting: number | null = null;
  /** Whether the open draft's name is being edited, in `renameInput`. */
  renaming = false;
  readonly renameInput = h('input', { type: 'text', maxlength: 60 });

  constructor(private readonly host: DraftBoxHost) {}

  async load(): Promise<void> {
    try {
      this.drafts = (await api.drafts()).drafts;
    } catch (e) {
      this.host.say({ kind: 'error', text: () => errorText(e) });
    }
  }

  /** The first click asks, the second deletes; null takes the question back. */
  async remove(id: number | null): Promise<void> {
    if (id === null || this.deleting !== id) {
      this.deleting = id;
      this.host.render();
      return;
    }
    const name = this.drafts.find((d) => d.id === id)?.name ?? String(id);
    await this.host.inBox(async () => {
      try {
        await api.deleteDraft(id);
        this.host.say({ kind: 'success', text: () => t('plan.draftDeleted', { name }) });
      } finally {
        this.deleting = null;
        await this.load();
      }
    });
  }

  startRename(): void {
    this.renaming = true;
    this.renameInput.value = this.host.draft()?.name ?? '';
    this.host.render();
    this.renameInput.focus();
  }

  cancelRename(): void {
    this.renaming = false;
    this.host.render();
  }

  async rename(): Promise<void> {
    const draft = this.host.draft();
    if (!draft) return;
    const name = this.renameInput.value.trim();
    if (!name) {
      this.host.say({ kind: 'error', text: () => t('plan.draftNameBlank') });
      this.host.render();
      return;
    }
    await this.host.inBox(async () => {
      this.host.setDraft(await api.renameDraft(draft.id, name));
      this.host.say({ kind: 'success', text: () => t('plan.draftRenamed', { name }) });
      this.renaming = false;
    });
  }
}
