/**
 * "Latest request wins": each `run` aborts the one before it, and a run that was overtaken
 * says so instead of answering late. One helper for every view that asks the server again
 * when the user changes something (statistics, a grid's detail, a located point, a list).
 */

/** How a run ended. */
export type Outcome<T> = { kind: 'done'; value: T } | { kind: 'failed'; error: unknown } | { kind: 'superseded' };

export class Latest {
  private current: AbortController | null = null;

  /** Runs `work` with a signal that is aborted as soon as another run starts. */
  async run<T>(work: (signal: AbortSignal) => Promise<T>): Promise<Outcome<T>> {
    this.current?.abort();
    const ctrl = new AbortController();
    this.current = ctrl;
    try {
      const value = await work(ctrl.signal);
      return ctrl.signal.aborted ? { kind: 'superseded' } : { kind: 'done', value };
    } catch (error) {
      return ctrl.signal.aborted ? { kind: 'superseded' } : { kind: 'failed', error };
    }
  }

  /** Abandons the run in flight, if any (its outcome is `superseded`). */
  cancel(): void {
    this.current?.abort();
    this.current = null;
  }
}
