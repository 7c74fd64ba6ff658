/**
 * What this device remembers between visits (localStorage), for choices that are only
 * conveniences: where storage is off (private mode, a full quota) a read finds nothing and a
 * write is dropped, and the page goes on without it.
 */

export function readStored(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

/** Remembers `value` under `key`, or forgets the key when `value` is null. */
export function writeStored(key: string, value: string | null): void {
  try {
    if (value === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
  } catch {
    // Not remembered; the choice still holds for this visit.
  }
}
