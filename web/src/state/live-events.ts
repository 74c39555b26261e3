/**
 * The node's server-sent events as the app reads them, and the view of a post the node has not
 * paged yet (a live post, or one this browser just sent). Pure (tested in test/web).
 */
import { type Post, parsePost } from '#core/post.ts';
import type { PostView } from '../api.ts';
import { UNPAGED_SEQ } from './post-lists.ts';

/** A block joined the best chain (from the `block` event's BlockSummary, or the app's own mining). */
export interface BlockEvent {
  readonly hash: string;
  readonly height: number;
  readonly posts: number;
}

/** A pending post, shown at once with the newest seq until a page or a block says more. */
export function unpagedView(id: string, post: Post, now: number): PostView {
  return {
    id,
    seq: UNPAGED_SEQ,
    post,
    status: 'pending',
    signed: post.signature !== undefined,
    received_at: now,
    replies: 0,
  };
}

/** `post`: a post entered the node's pending pool; `undefined` when the payload is not a post. */
export function postEventView(data: unknown, now: number): PostView | undefined {
  const event = data as { id?: unknown; post?: unknown };
  const parsed = parsePost(event.post);
  if (!parsed.ok || typeof event.id !== 'string') return undefined;
  return unpagedView(event.id, parsed.value, now);
}
