/**
 * View state kept in the URL, so a view can be shared or reloaded: reading typed values out
 * of a query string (anything unknown reads as the default) and writing a state back with
 * its defaults left out. The pure half (`readers`, `withQuery`) is tested without a browser.
 */

/** Typed readers of query parameters; each answers its default for anything it does not accept. */
export const readers = {
  /** One of `allowed`, or ''. */
  oneOf<T extends string>(params: URLSearchParams, name: string, allowed: readonly T[]): T | '' {
    const v = params.get(name) ?? '';
    return (allowed as readonly string[]).includes(v) ? (v as T) : '';
  },
  /** A local date `YYYY-MM-DD`, or ''. */
  date(params: URLSearchParams, name: string): string {
    const v = params.get(name) ?? '';
    return /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : '';
  },
  /** A whole number in `[min, max]`, or `fallback`. */
  int(params: URLSearchParams, name: string, min: number, max: number, fallback: number): number {
    const raw = params.get(name);
    const v = raw === null || raw.trim() === '' ? NaN : Number(raw);
    return Number.isInteger(v) && v >= min && v <= max ? v : fallback;
  },
  /** Any text, or null when absent or empty. */
  text(params: URLSearchParams, name: string): string | null {
    const v = params.get(name);
    return v ? v : null;
  },
};

/** `href` with the given parameters set, and those whose value is empty or null removed. */
export function withQuery(href: string, values: Record<string, string | number | null | undefined>): string {
  const url = new URL(href);
  for (const [k, v] of Object.entries(values)) {
    if (v === null || v === undefined || v === '') url.searchParams.delete(k);
    else url.searchParams.set(k, String(v));
  }
  return url.toString();
}

/** Replaces the page's URL with its state (no new history entry). */
export function saveToUrl(values: Record<string, string | number | null | undefined>): void {
  window.history.replaceState(null, '', withQuery(window.location.href, values));
}

/** The page's query parameters. */
export function pageParams(): URLSearchParams {
  return new URLSearchParams(window.location.search);
}
