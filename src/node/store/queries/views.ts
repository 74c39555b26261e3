import type { Page, PostDetail, PostView } from '../../../core/api/schemas.ts';
import type { Post } from '../../../core/post.ts';
import { type PostRow, postFromRow } from '../posts.ts';

// The views are the API contract's types (src/core/api/schemas.ts): one definition for the
// store that builds them, the routes that serialise them and the clients that read them.
export type { Page, PostDetail, PostView };

/** A post row with where it stands, as VIEW_SELECT returns it. */
export interface ViewRow extends PostRow {
  height: number | null;
  position: number | null;
  block_hash: string | null;
  is_pending: number;
  replies: number;
}

/** A post is visible when it is pending or confirmed on the best chain. */
export const VISIBLE = '(c.post_seq IS NOT NULL OR q.post_seq IS NOT NULL)';

/**
 * Visible replies to the post whose id is `id` (confirmed on the best chain or pending): one row
 * of reply_counts, which triggers keep (store migration 10), whatever the size of the thread.
 */
const repliesOf = (id: string) => `coalesce((SELECT n FROM reply_counts WHERE id = ${id}), 0)`;

/** The columns of a PostView and the joins they need; `p` is the post. */
export const VIEW_SELECT = `
  SELECT p.*, c.height AS height, c.position AS position, bc.hash AS block_hash,
    (q.post_seq IS NOT NULL) AS is_pending,
    (${repliesOf('p.id')}) AS replies`;

/** The reply count of one post by id (for views built from rows read elsewhere). */
export const REPLIES_SQL = 'SELECT coalesce(max(n), 0) FROM reply_counts WHERE id = ?';

export const VIEW_JOINS = `
  LEFT JOIN confirmed c ON c.post_seq = p.seq
  LEFT JOIN best_chain bc ON bc.height = c.height
  LEFT JOIN pending q ON q.post_seq = p.seq`;

/**
 * The columns of a PostView as one array per row, for statements run in raw mode: a page of 50
 * posts read as objects costs better-sqlite3 about 1,000 property stores (half the CPU of the
 * newest-posts page) and the view then reads them back; arrays cost neither. The indexes below
 * follow this order; `p` is the post, with VIEW_JOINS.
 */
export const RAW_VIEW_SELECT = `
  SELECT p.id, p.seq, p.author, p.content, p.timestamp, p.pubkey, p.reply_to, p.signature,
    p.stamp_bits, p.stamp_nonce, p.kind, p.ref, p.received_at, p.evicted_at,
    c.height, c.position, bc.hash, (q.post_seq IS NOT NULL), (${repliesOf('p.id')})`;

/** A row of RAW_VIEW_SELECT. */
export type RawViewRow = readonly unknown[];

/** The view of a RAW_VIEW_SELECT row: the same object, keys in the same order, as toView. */
export function viewFromRaw(v: RawViewRow, tipHeight: number): PostView {
  const post: Post = { author: v[2] as string, content: v[3] as string, timestamp: v[4] as number };
  if (v[5] !== null) post.pubkey = v[5] as string;
  if (v[6] !== null) post.reply_to = v[6] as string;
  if (v[7] !== null) post.signature = v[7] as string;
  if (v[8] !== null && v[9] !== null) post.stamp = { bits: v[8] as number, nonce: v[9] as number };
  if (v[10] !== null) post.kind = v[10] as string;
  if (v[11] !== null) post.ref = v[11] as string;
  const id = v[0] as string;
  const seq = v[1] as number;
  const signed = v[7] !== null;
  const received_at = v[12] as number;
  const replies = v[18] as number;
  const height = v[14] as number | null;
  if (height !== null && v[15] !== null && v[16] !== null) {
    const block = { hash: v[16] as string, height, position: v[15] as number };
    const confirmations = tipHeight - height + 1;
    return { id, seq, post, status: 'confirmed', block, confirmations, signed, received_at, replies };
  }
  // Neither confirmed nor pending: shown only by the post detail, for a post the pool evicted.
  const status = v[17] === 0 && v[13] !== null ? 'evicted' : 'pending';
  return { id, seq, post, status, signed, received_at, replies };
}

/** The view of a row; `tipHeight` gives a confirmed post its confirmations. */
export function toView(row: ViewRow, tipHeight: number): PostView {
  const base = {
    id: row.id,
    seq: row.seq,
    post: postFromRow(row),
  };
  const tail = { signed: row.signature !== null, received_at: row.received_at, replies: row.replies };
  if (row.height !== null && row.position !== null && row.block_hash !== null) {
    return {
      ...base,
      status: 'confirmed',
      block: { hash: row.block_hash, height: row.height, position: row.position },
      confirmations: tipHeight - row.height + 1,
      ...tail,
    };
  }
  // Neither confirmed nor pending: shown only by the post detail, for a post the pool evicted.
  if (row.is_pending === 0 && row.evicted_at !== null) return { ...base, status: 'evicted', ...tail };
  return { ...base, status: 'pending', ...tail };
}

/** The view of a pending post read from the pool, with its reply count. */
export function pendingView(row: PostRow, replies: number): PostView {
  return {
    id: row.id,
    seq: row.seq,
    post: postFromRow(row),
    status: 'pending',
    signed: row.signature !== null,
    received_at: row.received_at,
    replies,
  };
}
