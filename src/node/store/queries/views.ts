import type { Page, PostDetail, PostView } from '../../../core/api/schemas.ts';
import { type PostRow, postFromRow } from '../posts.ts';
import { QUERY_LIMITS } from './limits.ts';

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
 * Visible replies to the post whose id is `id`, counted up to repliesCountCap with the partial index
 * posts_by_reply, so that a much-answered post costs a bounded time.
 */
const repliesOf = (id: string) => `SELECT count(*) FROM (SELECT 1 FROM posts r
       WHERE r.reply_to = ${id}
         AND (EXISTS (SELECT 1 FROM confirmed rc WHERE rc.post_seq = r.seq)
              OR EXISTS (SELECT 1 FROM pending rq WHERE rq.post_seq = r.seq))
       LIMIT ${QUERY_LIMITS.repliesCountCap})`;

/** The columns of a PostView and the joins they need; `p` is the post. */
export const VIEW_SELECT = `
  SELECT p.*, c.height AS height, c.position AS position, bc.hash AS block_hash,
    (q.post_seq IS NOT NULL) AS is_pending,
    (${repliesOf('p.id')}) AS replies`;

/** The reply count of one post by id (for views built from rows read elsewhere). */
export const REPLIES_SQL = repliesOf('?');

export const VIEW_JOINS = `
  LEFT JOIN confirmed c ON c.post_seq = p.seq
  LEFT JOIN best_chain bc ON bc.height = c.height
  LEFT JOIN pending q ON q.post_seq = p.seq`;

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
