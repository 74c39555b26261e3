/**
 * Versioned schema migrations, applied in order inside one transaction each; the version lives
 * in `PRAGMA user_version`. Never edit a released migration: append a new one.
 */
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
  -- A key's timeline posts without its follows and reactions (social/queries.ts TIMELINE_KINDS).
  CREATE INDEX posts_timeline ON posts(pubkey, seq) WHERE kind IS NULL OR kind IN ('quote', 'repost');
  CREATE TRIGGER social_confirm AFTER INSERT ON confirmed BEGIN
    INSERT INTO social_actions (post_seq, id, kind, ref, pubkey, arg, height, position)
    SELECT p.seq, p.id, p.kind, p.ref, p.pubkey,
           CASE WHEN p.kind IN ('react', 'name') THEN p.content END, new.height, new.position
    FROM posts p WHERE p.seq = new.post_seq AND p.kind IS NOT NULL AND p.pubkey IS NOT NULL;
  END;
  CREATE TRIGGER social_unconfirm AFTER DELETE ON confirmed BEGIN
    DELETE FROM social_actions WHERE post_seq = old.post_seq;
  END;
  CREATE TABLE post_mentions (
    name TEXT NOT NULL,
    post_seq INTEGER NOT NULL,
    PRIMARY KEY (name, post_seq)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX mentions_by_post ON post_mentions(post_seq);
  CREATE TRIGGER post_mentions_delete AFTER DELETE ON posts BEGIN
    DELETE FROM post_mentions WHERE post_seq = old.seq;
  END;
  `,
];
