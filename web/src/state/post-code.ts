/**
 * The code that writes posts and reads live ones, as one chunk loaded on first use
 * (load-post-code.ts): signing and checking a post (core/post.ts), stamps and their hashing
 * (core/stamp.ts, sha256-fixed.ts), the device's hash rate, new keys and the key vault. The first
 * page shows posts the node already checked: none of this is on its path.
 */
export { bitsForWork } from '#core/stamp.ts';
export { newIdentity } from '../lib/identity-format.ts';
export { hashRate } from './hash-rate.ts';
export { openSealedKey, sealKey } from './key-vault.ts';
export { postEventView } from './live-events.ts';
export { draftPost, expectedSeconds, pricedSize, signDraft, stampInWorkers } from './signed-post.ts';
