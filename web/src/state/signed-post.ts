/** A post this browser writes: signed with its key, checked, and shown at once as pending. */
import { fromHex } from '#core/bytes.ts';
import type { CryptoPort } from '#core/crypto.ts';
import { checkPost, type Post, postSize, signPost, type UnsignedPost } from '#core/post.ts';
import { expectedAttempts, type Stamp } from '#core/stamp.ts';
import type { PostView } from '../api.ts';
import type { Identity } from '../lib/identity-format.ts';
import { unpagedView } from './live-events.ts';

export type SignedPost =
  | { readonly ok: true; readonly id: string; readonly post: Post; readonly view: PostView }
  | { readonly ok: false; readonly message: string };

/**
 * The post as it will be stamped and signed: its key set (the stamp commits to it, §12), no
 * stamp, no signature.
 */
export function draftPost(
  identity: Identity,
  name: string,
  content: string,
  replyTo: string | undefined,
  now: number,
): UnsignedPost {
  return {
    author: name,
    content,
    timestamp: Math.round(now) / 1000,
    pubkey: identity.publicKey,
    ...(replyTo !== undefined ? { reply_to: replyTo } : {}),
  };
}

/** Signs a new post; refuses one the node would refuse for its form (the reason in words). */
export function signNewPost(
  crypto: CryptoPort,
  identity: Identity,
  name: string,
  content: string,
  replyTo: string | undefined,
  now: number,
  stamp?: Stamp,
): SignedPost {
  return signDraft(crypto, identity, draftPost(identity, name, content, replyTo, now), now, stamp);
}

/** Signs a draft (with its stamp, when it has one) and checks it as the node will. */
export function signDraft(
  crypto: CryptoPort,
  identity: Identity,
  draft: UnsignedPost,
  now: number,
  stamp?: Stamp,
): SignedPost {
  const unsigned: UnsignedPost = stamp === undefined ? draft : { ...draft, stamp };
  const post = signPost(unsigned, fromHex(identity.privateKey), crypto);
  const checked = checkPost(post, crypto);
  if (!checked.ok) return { ok: false, message: checked.message };
  const { id } = checked.value;
  return { ok: true, id, post, view: unpagedView(id, post, now) };
}

/** What a stamp and a signature add at most to a post's size (what the node prices). */
export const STAMP_AND_SIGNATURE_BYTES =
  ',"stamp":{"bits":4294967295,"nonce":9007199254740991}'.length + ',"signature":""'.length + 128;

/** The size the node will price for this unsigned post once stamped and signed. */
export function pricedSize(post: UnsignedPost): number {
  return postSize(post) + STAMP_AND_SIGNATURE_BYTES;
}

/** Seconds a stamp of `bits` takes on average at `hashRate` hashes per second ("≈ 0.8 s"). */
export function expectedSeconds(bits: number, hashRate: number): number {
  return expectedAttempts(bits) / Math.max(1, hashRate);
}

/** Nonces per worker chunk: ~10 ms on a phone core, the progress bar's step and cancel latency. */
const CHUNK = 4096;

export interface StampProgress {
  readonly hashes: number;
  readonly expected: number;
}

/**
 * Grinds a stamp of `bits` for `post` (pubkey already set: the stamp commits to it) in Web Workers
 * on all the device's cores; the first to find one wins. `signal` cancels: every worker is
 * terminated and the promise rejects with an AbortError. The page's thread never grinds.
 */
export function stampInWorkers(
  post: UnsignedPost,
  bits: number,
  options: { signal?: AbortSignal; onProgress?: (progress: StampProgress) => void; workers?: number } = {},
): Promise<{ stamp: Stamp; hashes: number; seconds: number }> {
  const count = options.workers ?? Math.max(1, navigator.hardwareConcurrency || 2);
  const expected = expectedAttempts(bits);
  const started = performance.now();
  const workers: Worker[] = [];
  let hashes = 0;
  const stopAll = () => {
    for (const worker of workers) worker.terminate();
  };
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) return reject(new DOMException('stamping cancelled', 'AbortError'));
    options.signal?.addEventListener('abort', () => {
      stopAll();
      reject(new DOMException('stamping cancelled', 'AbortError'));
    });
    for (let index = 0; index < count; index++) {
      const worker = new Worker(new URL('../workers/stamp-worker.ts', import.meta.url), { type: 'module' });
      workers.push(worker);
      worker.onmessage = (event: MessageEvent<{ type: string; hashes: number; nonce?: number }>) => {
        hashes += event.data.hashes;
        options.onProgress?.({ hashes, expected });
        if (event.data.type === 'found') {
          stopAll();
          resolve({
            stamp: { bits, nonce: event.data.nonce! },
            hashes,
            seconds: (performance.now() - started) / 1000,
          });
        }
      };
      worker.onerror = (error) => {
        stopAll();
        reject(new Error(`a stamping worker failed: ${error.message}`));
      };
      worker.postMessage({ post, bits, index, workers: count, chunk: CHUNK });
    }
  });
}
