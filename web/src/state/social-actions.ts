/**
 * Signing and sending social actions (docs/PROTOCOL.md §13): profile, follow, react, repost,
 * quote, edit, delete and name claims. Loaded only with the pages and bars that act, so the
 * signing code stays out of the first page's chunk.
 */
import type { CryptoPort } from '#core/crypto.ts';
import { bitsForWork } from '#core/stamp.ts';
import { loadCrypto } from '../lib/ed25519.ts';
import { newIdentity } from '../lib/identity-format.ts';
import { store } from '../store.ts';
import { hashRate } from './hash-rate.ts';
import { pricedSize, signDraft, stampInWorkers } from './signed-post.ts';
import { addPending, type SocialKind } from './social.ts';

export type ActionResult = { ok: true; id: string } | { ok: false; message: string };

/** The key to sign with: the unlocked one, else a new one (never over a sealed key). */
function signingIdentity(crypto: CryptoPort) {
  const { identity, lockedKey } = store.state;
  if (identity !== undefined) return identity;
  if (lockedKey !== undefined) return undefined;
  const created = newIdentity(crypto);
  store.setIdentity(created);
  return created;
}

/** The free-text author of an action: the reader's name; never handle-like (§13.6). */
function authorName(): string {
  const name = store.state.name.trim().replace(/^[\s@\uFF20\uFE6B]+/u, '');
  return name === '' ? 'Anonymous' : name.slice(0, 64);
}

/**
 * Signs and sends one action (stamped when the node asks for work, in Web Workers); it shows as
 * pending until a block confirms it. Returns the node's reason on refusal.
 */
export async function sendAction(kind: SocialKind, content: string, ref?: string): Promise<ActionResult> {
  let crypto: CryptoPort;
  try {
    crypto = await loadCrypto();
  } catch (error) {
    return { ok: false, message: `The signing code could not be loaded: ${(error as Error).message}` };
  }
  const identity = signingIdentity(crypto);
  if (identity === undefined) return { ok: false, message: 'Your key is locked: unlock it first.' };
  const now = Date.now();
  const draft = {
    author: authorName(),
    content,
    timestamp: Math.round(now) / 1000,
    pubkey: identity.publicKey,
    kind,
    ...(ref !== undefined ? { ref } : {}),
  };
  let signed = signDraft(crypto, identity, draft, now);
  if (!signed.ok) return signed;
  try {
    const policy = await store.nodeApi.policy(pricedSize(draft)).catch(() => undefined);
    const work = policy === undefined ? 0 : Math.max(policy.required_work, policy.next_block_work);
    if (work > 0) {
      const stamped = await stampInWorkers(draft, bitsForWork(BigInt(work)));
      hashRate.observe(stamped.hashes, stamped.seconds);
      signed = signDraft(crypto, identity, draft, now, stamped.stamp);
      if (!signed.ok) return signed;
    }
    await store.nodeApi.submit(signed.post);
  } catch (error) {
    return { ok: false, message: `The node did not take it: ${(error as Error).message}` };
  }
  addPending({ id: signed.id, kind, content, ...(ref !== undefined ? { ref } : {}) });
  return { ok: true, id: signed.id };
}
