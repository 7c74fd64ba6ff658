/**
 * A calendar day as people type it, read into the `YYYY-MM-DD` the API and the URL take:
 * 2026-03-01, 2026-3-1, 2026/3/1, 2026.3.1, 2026年3月1日 and 20260301 all read the same, in
 * any browser locale. Pure (no DOM), so it is unit-tested.
 */

/** `YYYY-MM-DD` for a typed day, '' for nothing typed, null when it is not a real day. */
export function readDay(text: string): string | null {
  const s = text.trim();
  if (!s) return '';
  const m =
    /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(s) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1900 || y > 2999 || mo < 1 || mo > 12 || d < 1) return null;
  // The last day of the month (a Date of day 0 of the next month), leap years included.
  if (d > new Date(Date.UTC(y, mo, 0)).getUTCDate()) return null;
  return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
