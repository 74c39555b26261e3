import type { Db } from '../store/database.ts';
import { KEY_HEADS_DERIVE, REPLY_COUNTS_DERIVE } from '../store/schema.ts';
import { ACTION_LIVE, ORDER_SCALE } from './sql.ts';

/** The tables the triggers derive from posts, post_mentions and confirmed (migrations 7, 8, 10, 12). */
export const DERIVED_TABLES = [
  'social_actions',
  'follows',
  'timeline_posts',
  'key_heads',
  'notices',
  'mention_places',
  'reply_counts',
] as const;

/** The post `p` is deleted by a delete action of its own key. */
const DELETED_BY_OWNER = `EXISTS (SELECT 1 FROM social_actions d
  WHERE d.ref = p.id AND d.kind = 'delete' AND d.pubkey = p.pubkey)`;

/**
 * The derived tables recomputed in one pass each, from the confirmed posts, by the definitions
 * the triggers keep row by row (docs/PROTOCOL.md §13.4; store migration 7): the action log,
 * the follow graph (the latest live follow or unfollow of each pair is a follow, not of
 * oneself), each key's live timeline posts, whom each confirmed post notifies (one row per
 * target and post, of the smallest rank), and the confirmed mentions by name and place. Set-based, so a bulk load can fill posts and
 * confirmed with the triggers dropped and derive the rest here: test/node/social/rebuild.test.ts
 * checks that both ways end in the same rows.
 */
export const REBUILD_STEPS: Readonly<Record<(typeof DERIVED_TABLES)[number] | 'clear', string>> = {
  clear: `
  DELETE FROM reply_counts;
  DELETE FROM mention_places;
  DELETE FROM notices;
  DELETE FROM key_heads;
  DELETE FROM timeline_posts;
  DELETE FROM follows;
  DELETE FROM social_actions;`,
  social_actions: `
  INSERT INTO social_actions (post_seq, id, kind, ref, pubkey, arg, height, position)
  SELECT p.seq, p.id, p.kind, p.ref, p.pubkey,
         CASE WHEN p.kind IN ('react', 'name') THEN p.content END, c.height, c.position
  FROM confirmed c JOIN posts p ON p.seq = c.post_seq
  WHERE p.kind IS NOT NULL AND p.pubkey IS NOT NULL
  ORDER BY c.post_seq;`,
  follows: `
  INSERT INTO follows (follower, target, height, position)
  SELECT pubkey, ref, height, position FROM (
    SELECT a.pubkey, a.ref, a.kind, a.height, a.position,
      row_number() OVER (PARTITION BY a.pubkey, a.ref ORDER BY a.height DESC, a.position DESC) AS rn
    FROM social_actions a WHERE a.kind IN ('follow', 'unfollow') AND ${ACTION_LIVE}
  ) WHERE rn = 1 AND kind = 'follow' AND pubkey <> ref
  ORDER BY pubkey, ref;`,
  timeline_posts: `
  INSERT INTO timeline_posts (pubkey, place, post_seq)
  SELECT p.pubkey, c.height * ${ORDER_SCALE} + c.position, p.seq
  FROM confirmed c JOIN posts p ON p.seq = c.post_seq
  WHERE p.pubkey IS NOT NULL AND (p.kind IS NULL OR p.kind IN ('quote', 'repost'))
    AND NOT ${DELETED_BY_OWNER}
  ORDER BY 1, 2;`,
  // Each key's newest timeline place (store migration 12), from timeline_posts.
  key_heads: KEY_HEADS_DERIVE,
  notices: `
  INSERT INTO notices (target, post_seq, rank, place)
  SELECT target, seq, min(rank), max(place) FROM (
    SELECT par.pubkey AS target, r.seq AS seq, 0 AS rank, c.height * ${ORDER_SCALE} + c.position AS place
      FROM confirmed c JOIN posts r ON r.seq = c.post_seq JOIN posts par ON par.id = r.reply_to
      WHERE par.pubkey IS NOT NULL AND coalesce(r.pubkey, '') <> par.pubkey
    UNION ALL
    SELECT par.pubkey, a.post_seq, CASE a.kind WHEN 'quote' THEN 1 WHEN 'react' THEN 3 ELSE 4 END,
           a.height * ${ORDER_SCALE} + a.position
      FROM social_actions a JOIN posts par ON par.id = a.ref
      WHERE a.kind IN ('react', 'repost', 'quote') AND par.pubkey IS NOT NULL AND a.pubkey <> par.pubkey
        AND ${ACTION_LIVE}
    UNION ALL
    SELECT a.ref, a.post_seq, 5, a.height * ${ORDER_SCALE} + a.position FROM social_actions a
      WHERE a.kind = 'follow' AND ${ACTION_LIVE}
  ) GROUP BY target, seq;`,
  mention_places: `
  INSERT INTO mention_places (name, place, post_seq, author)
  SELECT m.name, c.height * ${ORDER_SCALE} + c.position, m.post_seq, p.pubkey
  FROM post_mentions m JOIN confirmed c ON c.post_seq = m.post_seq JOIN posts p ON p.seq = m.post_seq
  ORDER BY 1, 2;`,
  // Not a social table: the visible replies of each post (store migration 10), from confirmed and pending.
  reply_counts: REPLY_COUNTS_DERIVE,
};

/** The steps in order: social_actions first, every other table is derived from it. */
export const REBUILD_SQL = (['clear', ...DERIVED_TABLES] as const)
  .map((step) => REBUILD_STEPS[step])
  .join('\n');

/**
 * Runs `body` with every trigger dropped, and creates them again from their own SQL after it;
 * in one transaction, so that no write outside it ever misses a trigger.
 */
export function withoutTriggers<T>(db: Db, body: () => T): T {
  const triggers = db
    .prepare<[], { name: string; sql: string }>("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
    .all();
  return db.transaction(() => {
    for (const { name } of triggers) db.exec(`DROP TRIGGER "${name}"`);
    const result = body();
    for (const { sql } of triggers) db.exec(sql);
    return result;
  })();
}

/**
 * Recomputes the derived social tables from posts and confirmed, with the triggers off (they
 * would answer each of these writes with row-by-row recomputes of their own).
 */
export function rebuildSocialIndex(db: Db): void {
  withoutTriggers(db, () => db.exec(REBUILD_SQL));
}
