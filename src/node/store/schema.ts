/**
 * Versioned schema migrations, applied in order inside one transaction each; the version lives
 * in `PRAGMA user_version`. Never edit a released migration: append a new one.
 */
/** Chain order packed in one number: height × ORDER_SCALE + position (≤ 10,000 posts a block). */
export const ORDER_SCALE = 16_384;

/** Posts a timeline or the global feed shows: plain posts, quotes and reposts (no other action). */
export const TIMELINE_KIND = `(kind IS NULL OR kind IN ('quote', 'repost'))`;

/**
 * The actions on posts and names, not on keys: the WHERE of the partial index social_post_acts
 * (migration 12), which a statement must repeat word for word to use it. Never change it.
 */
export const POST_ACTS = `kind NOT IN ('follow', 'unfollow')`;

/** key_heads (migration 12) from scratch: each key's newest place in timeline_posts. */
export const KEY_HEADS_DERIVE = `
  INSERT INTO key_heads (pubkey, place) SELECT pubkey, max(place) FROM timeline_posts GROUP BY pubkey;`;

/** The action `a` is live: no delete by its own key targets it. */
const LIVE = `NOT EXISTS (SELECT 1 FROM social_actions d
  WHERE d.ref = a.id AND d.kind = 'delete' AND d.pubkey = a.pubkey)`;

/** The new follow or unfollow is live and no live action of its pair comes later in chain order. */
const NEW_LATEST_LIVE = `NOT EXISTS (SELECT 1 FROM social_actions d
    WHERE d.ref = new.id AND d.kind = 'delete' AND d.pubkey = new.pubkey)
  AND NOT EXISTS (SELECT 1 FROM social_actions a
    WHERE a.ref = new.ref AND a.kind IN ('follow', 'unfollow') AND a.pubkey = new.pubkey
      AND (a.height > new.height OR (a.height = new.height AND a.position > new.position)) AND ${LIVE})`;

/** The seq of the post a delete action (`new` or `old`) targets, when its own key wrote it. */
const ownPost = (row: string) => `(SELECT seq FROM posts WHERE id = ${row}.ref AND pubkey = ${row}.pubkey)`;

/** A column of the follow or unfollow a delete action (`new` or `old`) targets. */
const deletedFollow = (row: string, column: string) => `(SELECT ${column} FROM posts
  WHERE id = ${row}.ref AND pubkey = ${row}.pubkey AND kind IN ('follow', 'unfollow'))`;

/** The follows row of one pair: the latest live follow or unfollow is a follow, not of oneself. */
const followsRecompute = (follower: string, target: string) => `
    DELETE FROM follows WHERE follower = ${follower} AND target = ${target};
    INSERT INTO follows (follower, target, height, position)
    SELECT pubkey, ref, height, position FROM (
      SELECT a.pubkey, a.ref, a.kind, a.height, a.position FROM social_actions a
      WHERE a.ref = ${target} AND a.kind IN ('follow', 'unfollow') AND a.pubkey = ${follower} AND ${LIVE}
      ORDER BY a.height DESC, a.position DESC LIMIT 1
    ) WHERE kind = 'follow' AND pubkey <> ref;`;

/** The timeline_posts row of one post (its seq): confirmed, signed, a timeline kind, not deleted. */
const timelineRecompute = (seq: string) => `
    DELETE FROM timeline_posts WHERE pubkey = (SELECT pubkey FROM posts WHERE seq = ${seq})
      AND place = (SELECT height * ${ORDER_SCALE} + position FROM confirmed WHERE post_seq = ${seq});
    INSERT OR REPLACE INTO timeline_posts (pubkey, place, post_seq)
    SELECT p.pubkey, c.height * ${ORDER_SCALE} + c.position, p.seq
    FROM posts p JOIN confirmed c ON c.post_seq = p.seq
    WHERE p.seq = ${seq} AND p.pubkey IS NOT NULL AND ${TIMELINE_KIND.replaceAll('kind', 'p.kind')}
      AND NOT EXISTS (SELECT 1 FROM social_actions d
        WHERE d.ref = p.id AND d.kind = 'delete' AND d.pubkey = p.pubkey);`;

/**
 * The notices rows of a set of posts (a SELECT of seqs): the author of the post each replies to,
 * or (live) reacts to, reposts or quotes, and the key each (live) follow names; never its own
 * author for the post kinds. One row per (target, post), of the smallest rank.
 */
const noticesRecompute = (seqs: string) => `
    DELETE FROM notices WHERE post_seq IN (${seqs});
    INSERT INTO notices (target, post_seq, rank, place)
    SELECT target, seq, min(rank), max(place) FROM (
      SELECT par.pubkey AS target, r.seq AS seq, 0 AS rank, c.height * ${ORDER_SCALE} + c.position AS place
        FROM posts r JOIN confirmed c ON c.post_seq = r.seq JOIN posts par ON par.id = r.reply_to
        WHERE r.seq IN (${seqs}) AND par.pubkey IS NOT NULL AND coalesce(r.pubkey, '') <> par.pubkey
      UNION ALL
      SELECT par.pubkey, a.post_seq, CASE a.kind WHEN 'quote' THEN 1 WHEN 'react' THEN 3 ELSE 4 END,
             a.height * ${ORDER_SCALE} + a.position
        FROM social_actions a JOIN posts par ON par.id = a.ref
        WHERE a.post_seq IN (${seqs}) AND a.kind IN ('react', 'repost', 'quote')
          AND par.pubkey IS NOT NULL AND a.pubkey <> par.pubkey AND ${LIVE}
      UNION ALL
      SELECT a.ref, a.post_seq, 5, a.height * ${ORDER_SCALE} + a.position FROM social_actions a
        WHERE a.post_seq IN (${seqs}) AND a.kind = 'follow' AND ${LIVE}
    ) GROUP BY target, seq;`;

/**
 * reply_counts (migration 10) from scratch: the visible replies of each post, by the id they
 * reply to. The migration fills the table with it; the rebuild and the bulk fill too.
 */
export const REPLY_COUNTS_DERIVE = `
  INSERT INTO reply_counts (id, n)
  SELECT r.reply_to, count(*) FROM posts r
  WHERE r.reply_to IS NOT NULL
    AND (EXISTS (SELECT 1 FROM confirmed c WHERE c.post_seq = r.seq)
         OR EXISTS (SELECT 1 FROM pending q WHERE q.post_seq = r.seq))
  GROUP BY r.reply_to ORDER BY r.reply_to;`;

/** The post `row.post_seq` is a reply (most are not: the triggers' bodies then do not run). */
const isReply = (row: string) => `(SELECT reply_to FROM posts WHERE seq = ${row}.post_seq) IS NOT NULL`;

/** The post `row.post_seq` became visible: one more reply to its parent, if it is a reply. */
const replyCountUp = (row: string) => `
    INSERT INTO reply_counts (id, n)
    SELECT reply_to, 1 FROM posts WHERE seq = ${row}.post_seq AND reply_to IS NOT NULL
    ON CONFLICT (id) DO UPDATE SET n = n + 1;`;

/** The post `row.post_seq` is no longer visible: one reply fewer (the row goes at 0). */
const replyCountDown = (row: string) => `
    UPDATE reply_counts SET n = n - 1
    WHERE id = (SELECT reply_to FROM posts WHERE seq = ${row}.post_seq);
    DELETE FROM reply_counts WHERE n = 0
      AND id = (SELECT reply_to FROM posts WHERE seq = ${row}.post_seq);`;

/** The confirmed posts that reply to or act on the post `row` (`new` or `old`). */
const referrers = (row: string) =>
  `SELECT seq FROM posts WHERE reply_to = ${row}.id UNION SELECT post_seq FROM social_actions WHERE ref = ${row}.id`;

export const MIGRATIONS: readonly string[] = [
  // 1: block index, bodies, best chain, posts with full-text search, pending pool, peers.
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;

  -- Every block whose header and body passed stateless validation and whose header fits its
  -- parent, on any branch. status: 1 valid so far, 2 invalid (failed when connecting, or a
  -- descendant of an invalid block).
  CREATE TABLE blocks (
    hash TEXT PRIMARY KEY,
    previous_hash TEXT NOT NULL,
    height INTEGER NOT NULL,
    version INTEGER NOT NULL,
    merkle_root TEXT NOT NULL,
    timestamp INTEGER NOT NULL,
    bits INTEGER NOT NULL,
    nonce INTEGER NOT NULL,
    chainwork TEXT NOT NULL,
    status INTEGER NOT NULL,
    post_count INTEGER NOT NULL,
    size INTEGER NOT NULL,
    received_at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX blocks_by_previous ON blocks(previous_hash);
  CREATE INDEX blocks_by_work ON blocks(status, chainwork);

  CREATE TABLE block_posts (
    block_hash TEXT NOT NULL,
    position INTEGER NOT NULL,
    post_seq INTEGER NOT NULL,
    PRIMARY KEY (block_hash, position)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX block_posts_by_post ON block_posts(post_seq);

  -- Every post the node has seen in a valid form. seq is the arrival order, the order in which
  -- pending posts are mined, and the rowid of the full-text index.
  CREATE TABLE posts (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    author TEXT NOT NULL,
    content TEXT NOT NULL,
    timestamp REAL NOT NULL,
    pubkey TEXT,
    reply_to TEXT,
    signature TEXT,
    size INTEGER NOT NULL,
    received_at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX posts_by_author ON posts(author, seq);
  CREATE INDEX posts_by_pubkey ON posts(pubkey, seq) WHERE pubkey IS NOT NULL;
  CREATE INDEX posts_by_reply ON posts(reply_to, seq) WHERE reply_to IS NOT NULL;

  CREATE VIRTUAL TABLE posts_fts USING fts5(author, content, content='posts', content_rowid='seq');
  CREATE TRIGGER posts_fts_insert AFTER INSERT ON posts BEGIN
    INSERT INTO posts_fts(rowid, author, content) VALUES (new.seq, new.author, new.content);
  END;
  CREATE TRIGGER posts_fts_delete AFTER DELETE ON posts BEGIN
    INSERT INTO posts_fts(posts_fts, rowid, author, content) VALUES ('delete', old.seq, old.author, old.content);
  END;

  -- The best chain by height, and the posts it confirms.
  CREATE TABLE best_chain (height INTEGER PRIMARY KEY, hash TEXT NOT NULL UNIQUE) STRICT;
  CREATE TABLE confirmed (
    post_seq INTEGER PRIMARY KEY,
    height INTEGER NOT NULL,
    position INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX confirmed_by_height ON confirmed(height);

  -- The pending pool: posts waiting for a block, mined in seq order.
  CREATE TABLE pending (post_seq INTEGER PRIMARY KEY, size INTEGER NOT NULL) STRICT;

  CREATE TABLE peers (
    url TEXT PRIMARY KEY,
    added_at INTEGER NOT NULL,
    last_seen INTEGER,
    banned_until INTEGER
  ) STRICT;
  `,
  // 2: peer misbehaviour (docs/ARCHITECTURE.md "Network"): score, discouragement reason, how the
  // address was learned. banned_until (migration 1) holds the end of a discouragement, in ms.
  `
  ALTER TABLE peers ADD COLUMN score INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE peers ADD COLUMN ban_reason TEXT;
  ALTER TABLE peers ADD COLUMN source TEXT NOT NULL DEFAULT 'config';
  `,
  // 3: the full-text index is filled in batches (store/search-index.ts), no longer by a trigger
  // on every insert, which was about half the cost of storing a post. meta 'fts_indexed_seq'
  // is the high-water mark: every post with seq <= it is indexed, none above it is. Every post
  // stored before this migration was indexed by the trigger. The delete trigger now removes
  // only posts that are indexed (an FTS5 'delete' of a row it never held corrupts the index).
  `
  DROP TRIGGER posts_fts_insert;
  DROP TRIGGER posts_fts_delete;
  INSERT INTO meta (key, value)
    VALUES ('fts_indexed_seq', CAST((SELECT coalesce(max(seq), 0) FROM posts) AS TEXT));
  CREATE TRIGGER posts_fts_delete AFTER DELETE ON posts
  WHEN old.seq <= (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'fts_indexed_seq')
  BEGIN
    INSERT INTO posts_fts(posts_fts, rowid, author, content) VALUES ('delete', old.seq, old.author, old.content);
  END;
  `,
  // 4: blocks by height, so that side-branch pruning (chain/side-branches.ts) reads only the
  // heights it has not looked at yet instead of the whole index.
  `
  CREATE INDEX blocks_by_height ON blocks(height);
  `,
  // 5: post stamps (docs/PROTOCOL.md §12), part of a post's id; and when the pool evicted a
  // post for a denser one (GET /api/v1/posts/:id answers "evicted" until it is pending again).
  `
  ALTER TABLE posts ADD COLUMN stamp_bits INTEGER;
  ALTER TABLE posts ADD COLUMN stamp_nonce INTEGER;
  ALTER TABLE posts ADD COLUMN evicted_at INTEGER;
  `,
  // 6: peer identity (docs/PROTOCOL.md §11): discouragement binds to what a caller cannot forge,
  // the node key a peer proved in the handshake and the source IP address, besides the URL.
  // kind: 'key' (hex Ed25519 public key) or 'ip'. until: end of the discouragement, ms.
  `
  CREATE TABLE discouraged (
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    until INTEGER NOT NULL,
    reason TEXT,
    PRIMARY KEY (kind, value)
  ) STRICT;
  `,
  // 7: social actions (docs/PROTOCOL.md §13). posts gain kind and ref (part of the id). The
  // action log social_actions holds the best chain's confirmed actions with their place in chain
  // order; triggers on `confirmed` write it, so it changes in the same transaction as the
  // chain's own writes and a reorg undoes and redoes it exactly. arg: a react's emoji or a
  // name action's name. post_mentions: the names a post's content mentions (§13.5), written
  // with the post (posts never change) and removed with it.
  // Three derived tables make the reads bounded (issue 11), each kept by triggers that recompute
  // the rows a change touches from the current state (never by applying a delta), so every order
  // of connects and disconnects ends in the same rows:
  // - follows: the follow graph (the latest live follow/unfollow per pair is a follow).
  // - timeline_posts: each key's confirmed, not deleted timeline posts by chain place.
  // - notices: whom each confirmed post notifies (reply, quote, react, repost, follow), by place.
  // posts_top_level drives the global feed of conversations (plain posts, quotes, reposts).
  `
  ALTER TABLE posts ADD COLUMN kind TEXT;
  ALTER TABLE posts ADD COLUMN ref TEXT;
  CREATE TABLE social_actions (
    post_seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    kind TEXT NOT NULL,
    ref TEXT,
    pubkey TEXT NOT NULL,
    arg TEXT,
    height INTEGER NOT NULL,
    position INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX social_by_ref ON social_actions(ref, kind, pubkey);
  CREATE INDEX social_by_key ON social_actions(pubkey, kind, height, position);
  CREATE INDEX social_by_arg ON social_actions(kind, arg) WHERE arg IS NOT NULL;
  -- (reply_to and kind in the index make it covering: the planner rechecks the WHERE terms.)
  CREATE INDEX posts_top_level ON posts(seq, reply_to, kind) WHERE reply_to IS NULL AND ${TIMELINE_KIND};
  CREATE TABLE post_mentions (
    name TEXT NOT NULL,
    post_seq INTEGER NOT NULL,
    PRIMARY KEY (name, post_seq)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX mentions_by_post ON post_mentions(post_seq);
  CREATE TRIGGER post_mentions_delete AFTER DELETE ON posts BEGIN
    DELETE FROM post_mentions WHERE post_seq = old.seq;
  END;
  CREATE TABLE follows (
    follower TEXT NOT NULL,
    target TEXT NOT NULL,
    height INTEGER NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (follower, target)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX follows_by_target ON follows(target, follower);
  -- place = height × 16384 + position (ORDER_SCALE).
  CREATE TABLE timeline_posts (
    pubkey TEXT NOT NULL,
    place INTEGER NOT NULL,
    post_seq INTEGER NOT NULL,
    PRIMARY KEY (pubkey, place)
  ) STRICT, WITHOUT ROWID;
  -- rank: 0 reply, 1 quote, 3 react, 4 repost, 5 follow (social/queries.ts rankType; 2 mention
  -- is read at query time, since a name's holder changes with the tip).
  CREATE TABLE notices (
    target TEXT NOT NULL,
    post_seq INTEGER NOT NULL,
    rank INTEGER NOT NULL,
    place INTEGER NOT NULL,
    PRIMARY KEY (target, post_seq)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX notices_by_place ON notices(target, place);
  CREATE INDEX notices_by_post ON notices(post_seq);

  -- Connect: the common path, one trigger and single-row statements (the upkeep of a block).
  CREATE TRIGGER social_confirm AFTER INSERT ON confirmed BEGIN
    INSERT INTO social_actions (post_seq, id, kind, ref, pubkey, arg, height, position)
    SELECT p.seq, p.id, p.kind, p.ref, p.pubkey,
           CASE WHEN p.kind IN ('react', 'name') THEN p.content END, new.height, new.position
    FROM posts p WHERE p.seq = new.post_seq AND p.kind IS NOT NULL AND p.pubkey IS NOT NULL;
    INSERT OR REPLACE INTO timeline_posts (pubkey, place, post_seq)
    SELECT p.pubkey, new.height * ${ORDER_SCALE} + new.position, p.seq FROM posts p
    WHERE p.seq = new.post_seq AND p.pubkey IS NOT NULL AND ${TIMELINE_KIND.replaceAll('kind', 'p.kind')}
      AND NOT EXISTS (SELECT 1 FROM social_actions d
        WHERE d.ref = p.id AND d.kind = 'delete' AND d.pubkey = p.pubkey);
    INSERT INTO notices (target, post_seq, rank, place)
    SELECT par.pubkey, r.seq, 0, new.height * ${ORDER_SCALE} + new.position
    FROM posts r JOIN posts par ON par.id = r.reply_to
    WHERE r.seq = new.post_seq AND par.pubkey IS NOT NULL AND coalesce(r.pubkey, '') <> par.pubkey
    ON CONFLICT (target, post_seq) DO UPDATE SET rank = min(rank, excluded.rank);
  END;
  -- A follow or unfollow that is live and the latest live one of its pair sets the pair's edge;
  -- otherwise the pair does not change.
  CREATE TRIGGER follows_action_in AFTER INSERT ON social_actions
  WHEN new.kind IN ('follow', 'unfollow') AND new.pubkey <> new.ref AND ${NEW_LATEST_LIVE} BEGIN
    DELETE FROM follows WHERE new.kind = 'unfollow' AND follower = new.pubkey AND target = new.ref;
    INSERT OR REPLACE INTO follows (follower, target, height, position)
    SELECT new.pubkey, new.ref, new.height, new.position WHERE new.kind = 'follow';
  END;
  CREATE TRIGGER notices_action_in AFTER INSERT ON social_actions
  WHEN new.kind IN ('react', 'repost', 'quote', 'follow') AND NOT EXISTS (SELECT 1 FROM social_actions d
    WHERE d.ref = new.id AND d.kind = 'delete' AND d.pubkey = new.pubkey) BEGIN
    INSERT INTO notices (target, post_seq, rank, place)
    SELECT target, new.post_seq, rank, new.height * ${ORDER_SCALE} + new.position FROM (
      SELECT par.pubkey AS target, CASE new.kind WHEN 'quote' THEN 1 WHEN 'react' THEN 3 ELSE 4 END AS rank
        FROM posts par WHERE new.kind <> 'follow' AND par.id = new.ref AND par.pubkey IS NOT NULL
          AND par.pubkey <> new.pubkey
      UNION ALL
      SELECT new.ref, 5 WHERE new.kind = 'follow'
    ) WHERE true
    ON CONFLICT (target, post_seq) DO UPDATE SET rank = min(rank, excluded.rank);
  END;

  -- Disconnect, deletes and late subjects (rarer): rows recomputed from the current state.
  CREATE TRIGGER social_unconfirm AFTER DELETE ON confirmed BEGIN
    DELETE FROM social_actions WHERE post_seq = old.post_seq;
    DELETE FROM timeline_posts WHERE pubkey = (SELECT pubkey FROM posts WHERE seq = old.post_seq)
      AND place = old.height * ${ORDER_SCALE} + old.position;
    DELETE FROM notices WHERE post_seq = old.post_seq;
  END;
  CREATE TRIGGER follows_action_out AFTER DELETE ON social_actions
  WHEN old.kind IN ('follow', 'unfollow') BEGIN ${followsRecompute('old.pubkey', 'old.ref')} END;
  CREATE TRIGGER social_delete_in AFTER INSERT ON social_actions WHEN new.kind = 'delete' BEGIN
    ${followsRecompute(deletedFollow('new', 'pubkey'), deletedFollow('new', 'ref'))}
    ${timelineRecompute(ownPost('new'))}
    ${noticesRecompute(`SELECT ${ownPost('new')}`)}
  END;
  CREATE TRIGGER social_delete_out AFTER DELETE ON social_actions WHEN old.kind = 'delete' BEGIN
    ${followsRecompute(deletedFollow('old', 'pubkey'), deletedFollow('old', 'ref'))}
    ${timelineRecompute(ownPost('old'))}
    ${noticesRecompute(`SELECT ${ownPost('old')}`)}
  END;
  -- The post a notice is about may arrive after the post that refers to it, or leave with a
  -- pruned side branch: the referring posts are recomputed.
  CREATE TRIGGER notices_subject_in AFTER INSERT ON posts
  WHEN EXISTS (SELECT 1 FROM posts WHERE reply_to = new.id)
    OR EXISTS (SELECT 1 FROM social_actions WHERE ref = new.id) BEGIN
    ${noticesRecompute(referrers('new'))}
  END;
  CREATE TRIGGER notices_subject_out AFTER DELETE ON posts
  WHEN EXISTS (SELECT 1 FROM posts WHERE reply_to = old.id)
    OR EXISTS (SELECT 1 FROM social_actions WHERE ref = old.id) BEGIN
    ${noticesRecompute(referrers('old'))}
  END;
  `,
  // 8: mentions in chain order (issue 11, the notifications bound): mention_places holds each
  // confirmed mention by (name, place) with the mentioning post's key, so that a name's newest
  // mentions are an index range (its own author's left out on the way) instead of every mention
  // of the name joined with confirmed and sorted. Kept by triggers like the tables of migration 7:
  // on confirm and unconfirm, and for a mention stored after its post was confirmed.
  `
  CREATE TABLE mention_places (
    name TEXT NOT NULL,
    place INTEGER NOT NULL,
    post_seq INTEGER NOT NULL,
    author TEXT,
    PRIMARY KEY (name, place)
  ) STRICT, WITHOUT ROWID;
  INSERT INTO mention_places (name, place, post_seq, author)
  SELECT m.name, c.height * ${ORDER_SCALE} + c.position, m.post_seq, p.pubkey
  FROM post_mentions m JOIN confirmed c ON c.post_seq = m.post_seq JOIN posts p ON p.seq = m.post_seq;
  CREATE TRIGGER mention_places_confirm AFTER INSERT ON confirmed
  WHEN EXISTS (SELECT 1 FROM post_mentions WHERE post_seq = new.post_seq) BEGIN
    INSERT OR REPLACE INTO mention_places (name, place, post_seq, author)
    SELECT m.name, new.height * ${ORDER_SCALE} + new.position, new.post_seq,
      (SELECT pubkey FROM posts WHERE seq = new.post_seq)
    FROM post_mentions m WHERE m.post_seq = new.post_seq;
  END;
  CREATE TRIGGER mention_places_unconfirm AFTER DELETE ON confirmed
  WHEN EXISTS (SELECT 1 FROM post_mentions WHERE post_seq = old.post_seq) BEGIN
    DELETE FROM mention_places WHERE place = old.height * ${ORDER_SCALE} + old.position
      AND name IN (SELECT name FROM post_mentions WHERE post_seq = old.post_seq);
  END;
  CREATE TRIGGER mention_places_in AFTER INSERT ON post_mentions
  WHEN EXISTS (SELECT 1 FROM confirmed WHERE post_seq = new.post_seq) BEGIN
    INSERT OR REPLACE INTO mention_places (name, place, post_seq, author)
    SELECT new.name, c.height * ${ORDER_SCALE} + c.position, new.post_seq,
      (SELECT pubkey FROM posts WHERE seq = new.post_seq)
    FROM confirmed c WHERE c.post_seq = new.post_seq;
  END;
  CREATE TRIGGER mention_places_out AFTER DELETE ON post_mentions BEGIN
    DELETE FROM mention_places WHERE name = old.name
      AND place = (SELECT height * ${ORDER_SCALE} + position FROM confirmed WHERE post_seq = old.post_seq);
  END;
  `,
  // 9 (issue 13, initial sync): social_confirm split in two, with
  // the same statements. Its first statement, the INSERT into social_actions, cost about as much
  // as the rest of a block's writes to confirmed even when it inserted nothing (an insert into a
  // table with three indexes and three triggers of its own, prepared for every row), and most
  // posts are plain posts: it now runs only for a post with a kind, behind a WHEN. The order of
  // the two triggers does not matter: the timeline and reply-notice statements read no row of
  // social_actions that the post itself adds (a post never refers to itself), and notices from
  // either side merge by min(rank) at the same place.
  `
  DROP TRIGGER social_confirm;
  CREATE TRIGGER social_confirm_action AFTER INSERT ON confirmed
  WHEN (SELECT kind FROM posts WHERE seq = new.post_seq) IS NOT NULL BEGIN
    INSERT INTO social_actions (post_seq, id, kind, ref, pubkey, arg, height, position)
    SELECT p.seq, p.id, p.kind, p.ref, p.pubkey,
           CASE WHEN p.kind IN ('react', 'name') THEN p.content END, new.height, new.position
    FROM posts p WHERE p.seq = new.post_seq AND p.kind IS NOT NULL AND p.pubkey IS NOT NULL;
  END;
  CREATE TRIGGER social_confirm AFTER INSERT ON confirmed BEGIN
    INSERT OR REPLACE INTO timeline_posts (pubkey, place, post_seq)
    SELECT p.pubkey, new.height * ${ORDER_SCALE} + new.position, p.seq FROM posts p
    WHERE p.seq = new.post_seq AND p.pubkey IS NOT NULL AND ${TIMELINE_KIND.replaceAll('kind', 'p.kind')}
      AND NOT EXISTS (SELECT 1 FROM social_actions d
        WHERE d.ref = p.id AND d.kind = 'delete' AND d.pubkey = p.pubkey);
    INSERT INTO notices (target, post_seq, rank, place)
    SELECT par.pubkey, r.seq, 0, new.height * ${ORDER_SCALE} + new.position
    FROM posts r JOIN posts par ON par.id = r.reply_to
    WHERE r.seq = new.post_seq AND par.pubkey IS NOT NULL AND coalesce(r.pubkey, '') <> par.pubkey
    ON CONFLICT (target, post_seq) DO UPDATE SET rank = min(rank, excluded.rank);
  END;
  `,
  // 10 (issue 13, feed reads): the visible replies of each post (confirmed on the best chain or
  // pending, what `replies` shows), kept by triggers on confirmed and pending, so that a page
  // reads one row per post instead of probing every reply (a post of the oldest conversations
  // has thousands). Each trigger counts a change only when the other table does not hold the
  // post, so a reorganisation (confirmed → pending, or back) moves nothing whatever the order of
  // its writes, and a post leaving both (evicted, or dropped with its side branch) counts down.
  // A post whose count falls to 0 loses its row: the table is exactly the replies' GROUP BY,
  // which the rebuild (src/node/social/rebuild.ts) and the bulk fill derive in one statement.
  `
  CREATE TABLE reply_counts (id TEXT PRIMARY KEY, n INTEGER NOT NULL) STRICT, WITHOUT ROWID;
  ${REPLY_COUNTS_DERIVE}
  CREATE TRIGGER reply_count_confirm AFTER INSERT ON confirmed
  WHEN ${isReply('new')} AND NOT EXISTS (SELECT 1 FROM pending WHERE post_seq = new.post_seq) BEGIN
    ${replyCountUp('new')}
  END;
  CREATE TRIGGER reply_count_unconfirm AFTER DELETE ON confirmed
  WHEN ${isReply('old')} AND NOT EXISTS (SELECT 1 FROM pending WHERE post_seq = old.post_seq) BEGIN
    ${replyCountDown('old')}
  END;
  CREATE TRIGGER reply_count_pend AFTER INSERT ON pending
  WHEN ${isReply('new')} AND NOT EXISTS (SELECT 1 FROM confirmed WHERE post_seq = new.post_seq) BEGIN
    ${replyCountUp('new')}
  END;
  CREATE TRIGGER reply_count_unpend AFTER DELETE ON pending
  WHEN ${isReply('old')} AND NOT EXISTS (SELECT 1 FROM confirmed WHERE post_seq = old.post_seq) BEGIN
    ${replyCountDown('old')}
  END;
  `,
  // 11 (issue 13, proofs): for each stored block of more than 64 posts, the roots of its 64-post
  // merkle subtrees (core merkleSubtreeLevel, 32 bytes each: 2.5 KB for 5,000 posts), so that a
  // post's proof reads the 64 ids of its subtree and this row instead of the whole block. A
  // function of the block's content, keyed by its hash: written with the block, deleted with
  // it, right whatever the reorganisations. Blocks stored before this migration get theirs at
  // the first proof asked of them (queries/proofs.ts), so the migration itself costs nothing.
  `
  CREATE TABLE block_merkle_subtrees (block_hash TEXT PRIMARY KEY, roots BLOB NOT NULL) STRICT;
  `,
  // 12 (issue 11): small partial indexes of the action log for the social pages (social/page.ts).
  // Follows are most of social_actions (about 9 in 10 rows at the bench's size), so a page's
  // seeks by ref in social_by_ref land on a cold leaf of a 300 MB index each; without the follows
  // the same seeks stay in a few MB the page cache holds. The names of a key: a few hundred rows.
  // A statement uses them only with the index's own WHERE among its terms (SQLite's rule for
  // partial indexes): POST_ACTS and kind = 'name'.
  // key_heads: each key's newest timeline_posts place, so that a home timeline's heads (one per
  // followed key, social/timeline.ts) are a join on a table of one row per key, not a seek of
  // the newest entry in each key's range of timeline_posts. Kept by triggers on timeline_posts:
  // an insert can only raise the head; a delete of the head recomputes it (the key's max).
  `
  CREATE INDEX social_post_acts ON social_actions(ref, kind, pubkey) WHERE ${POST_ACTS};
  CREATE INDEX social_names ON social_actions(pubkey, arg) WHERE kind = 'name';
  CREATE TABLE key_heads (pubkey TEXT PRIMARY KEY, place INTEGER NOT NULL) STRICT, WITHOUT ROWID;
  ${KEY_HEADS_DERIVE}
  CREATE TRIGGER key_heads_in AFTER INSERT ON timeline_posts BEGIN
    INSERT INTO key_heads (pubkey, place) VALUES (new.pubkey, new.place)
      ON CONFLICT (pubkey) DO UPDATE SET place = excluded.place WHERE excluded.place > key_heads.place;
  END;
  CREATE TRIGGER key_heads_out AFTER DELETE ON timeline_posts
  WHEN old.place = (SELECT place FROM key_heads WHERE pubkey = old.pubkey) BEGIN
    DELETE FROM key_heads WHERE pubkey = old.pubkey;
    INSERT INTO key_heads (pubkey, place)
    SELECT pubkey, max(place) FROM timeline_posts WHERE pubkey = old.pubkey GROUP BY pubkey;
  END;
  `,
];
