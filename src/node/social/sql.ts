/**
 * SQL fragments of the social index (docs/PROTOCOL.md §13.4), over the action log
 * social_actions (store migration 7). Chain order is (height, position); a cursor packs it into
 * one number, height × 16384 + position (a block holds at most 10,000 posts).
 */
export const ORDER_SCALE = 16_384;

/** The action `a` is not deleted: no delete by its own key targets it. */
export const ACTION_LIVE = `NOT EXISTS (SELECT 1 FROM social_actions d
  WHERE d.ref = a.id AND d.kind = 'delete' AND d.pubkey = a.pubkey)`;

/** The post `p` is deleted: a delete by its own key targets it (and it is not itself a delete). */
export const POST_DELETED = `(p.pubkey IS NOT NULL AND coalesce(p.kind, '') <> 'delete' AND EXISTS (
  SELECT 1 FROM social_actions d WHERE d.ref = p.id AND d.kind = 'delete' AND d.pubkey = p.pubkey))`;

/**
 * The follow edges of the log as (follower, target, latest action place): the last not-deleted
 * follow or unfollow per pair in chain order, kept when it is a follow and not a self-follow.
 * `where` restricts the actions read (by follower or by target, for the indexes).
 */
export function followEdges(where: string): string {
  return `SELECT follower, target, height, position FROM (
    SELECT a.pubkey AS follower, a.ref AS target, a.kind, a.height, a.position,
      row_number() OVER (PARTITION BY a.pubkey, a.ref ORDER BY a.height DESC, a.position DESC) AS rn
    FROM social_actions a
    WHERE a.kind IN ('follow', 'unfollow') AND ${where} AND ${ACTION_LIVE}
  ) WHERE rn = 1 AND kind = 'follow' AND follower <> target`;
}
