/**
 * Loads post-code.ts (signing, stamping, the key vault, live posts' parsing) on first use, as
 * lib/ed25519.ts loads the curve: one chunk, fetched once. `preloadPostCode` fetches it in idle
 * time (main.tsx: after the page's load event), so the Composer seldom waits for it.
 */
export type PostCode = typeof import('./post-code.ts');

let loading: Promise<PostCode> | undefined;
let loaded: PostCode | undefined;

export function loadPostCode(): Promise<PostCode> {
  loading ??= import('./post-code.ts').then(
    (module) => {
      loaded = module;
      return module;
    },
    (error: unknown) => {
      // A failed fetch (offline before the chunk was cached) may succeed later.
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

/** The module once loaded, else undefined (for work that must stay in order, done at once when it can). */
export function loadedPostCode(): PostCode | undefined {
  return loaded;
}

/** Starts the fetch when the page is idle (a failure is retried on first use). */
export function preloadPostCode(): void {
  const start = () => void loadPostCode().catch(() => undefined);
  if (typeof requestIdleCallback === 'function') requestIdleCallback(start, { timeout: 2_000 });
  else setTimeout(start, 200);
}
