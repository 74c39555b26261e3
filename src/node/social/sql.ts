/**
 * SQL fragments of the social index (docs/PROTOCOL.md §13.4), over the action log
 * social_actions and the tables derived from it (store migration 7: follows, timeline_posts,
 * notices). Chain order is (height, position); a cursor packs it into one number, a place:
 * height × ORDER_SCALE + position.
 */
export { ORDER_SCALE, POST_ACTS } from '../store/schema.ts';

/** The action `a` is not deleted: no delete by its own key targets it. */
export const ACTION_LIVE = `NOT EXISTS (SELECT 1 FROM social_actions d
  WHERE d.ref = a.id AND d.kind = 'delete' AND d.pubkey = a.pubkey)`;

/** The post `p` is deleted: a delete by its own key targets it (and it is not itself a delete). */
export const POST_DELETED = `(p.pubkey IS NOT NULL AND coalesce(p.kind, '') <> 'delete' AND EXISTS (
  SELECT 1 FROM social_actions d WHERE d.ref = p.id AND d.kind = 'delete' AND d.pubkey = p.pubkey))`;
