/**
 * localStorage that never throws (private browsing, storage disabled, quota): the app keeps
 * working, it just forgets between visits.
 */
export const storage = {
  get(key: string): string | undefined {
    try {
      return globalThis.localStorage?.getItem(key) ?? undefined;
    } catch {
      return undefined;
    }
  },
  set(key: string, value: string): void {
    try {
      globalThis.localStorage?.setItem(key, value);
    } catch {
      // not remembered
    }
  },
  remove(key: string): void {
    try {
      globalThis.localStorage?.removeItem(key);
    } catch {
      // nothing to forget
    }
  },
};
