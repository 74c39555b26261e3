/** A post this browser writes: signed with its key, checked, and shown at once as pending. */
import { fromHex } from '#core/bytes.ts';
import { nobleCrypto } from '#core/crypto-noble.ts';
import { checkPost, type Post, signPost, type UnsignedPost } from '#core/post.ts';
import type { PostView } from '../api.ts';
import type { Identity } from '../lib/identity-format.ts';
import { unpagedView } from './live-events.ts';

export type SignedPost =
  | { readonly ok: true; readonly id: string; readonly post: Post; readonly view: PostView }
  | { readonly ok: false; readonly message: string };

/** Signs a new post; refuses one the node would refuse for its form (the reason in words). */
export function signNewPost(
  identity: Identity,
  name: string,
  content: string,
  replyTo: string | undefined,
  now: number,
): SignedPost {
  const unsigned: UnsignedPost = {
    author: name,
    content,
    timestamp: Math.round(now) / 1000,
    ...(replyTo !== undefined ? { reply_to: replyTo } : {}),
  };
  const post = signPost(unsigned, fromHex(identity.privateKey), nobleCrypto);
  const checked = checkPost(post, nobleCrypto);
  if (!checked.ok) return { ok: false, message: checked.message };
  const { id } = checked.value;
  return { ok: true, id, post, view: unpagedView(id, post, now) };
}
