/**
 * The browser's crypto port, loaded on first use: @noble/curves builds the Ed25519 curve when
 * its module is evaluated (~100 ms on a slow phone), and the first page needs no key. Loaded
 * when a key is made or opened, a post signed, or a signature checked; one chunk, fetched once.
 */
import type { CryptoPort } from '#core/crypto.ts';

let loading: Promise<CryptoPort> | undefined;

export function loadCrypto(): Promise<CryptoPort> {
  loading ??= import('#core/crypto-noble.ts').then(
    (module) => module.nobleCrypto,
    (error: unknown) => {
      // A failed fetch (offline before the chunk was cached) may succeed later.
      loading = undefined;
      throw error;
    },
  );
  return loading;
}
