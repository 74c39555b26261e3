import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { REGTEST } from '#core/params.ts';
import { type Post, postSize } from '#core/post.ts';
import type { Db } from '#node/store/database.ts';
import { CHECKPOINT_SPACING, StoreMaintenance, WAL_BACKSTOP_PAGES } from '#node/store/maintenance.ts';
import { MIGRATIONS } from '#node/store/schema.ts';
import { FTS_BATCH, FTS_INDEXED_SEQ_KEY } from '#node/store/search-index.ts';
import { Store } from '#node/store/store.ts';
import { chainOn, extend, idOf, testChain } from '../../helpers/chain.ts';
import { addPending, feedIds, postBy, queriesOf } from '../../helpers/queries.ts';
import { tempDirs } from '../../helpers/temp-dirs.ts';

const tempDir = tempDirs('yournet-search-');

/** FTS5's own consistency check of the index against `posts`; throws when they disagree. */
function assertIndexConsistent(db: Db): void {
  db.prepare(`INSERT INTO posts_fts (posts_fts, rank) VALUES ('integrity-check', 1)`).run();
}

function mark(db: Db): string | undefined {
  return db
    .prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?')
    .get(FTS_INDEXED_SEQ_KEY)?.value;
}

/** Rows of the full-text index (its document-size table holds one row per indexed post). */
function indexedRows(db: Db): number {
  return (db.prepare('SELECT count(*) AS n FROM posts_fts_docsize').get() as { n: number }).n;
}

describe('SearchIndex: the full-text index filled in batches', () => {
  it('a search finds a post stored a moment ago, pending or confirmed, and indexes it once', () => {
    const test = testChain();
    const { chain, store } = test;
    const queries = queriesOf(test);
    const db = store.database;
    const first = postBy('alice', 'fresh words about zebras');
    addPending(store, first);
    assert.equal(queries.searchIndex.backlog(), 1, 'stored, not indexed yet');
    assert.equal(indexedRows(db), 0);
    assert.deepEqual(feedIds(queries, { limit: 50, q: 'zebras' }), [idOf(first)]);
    assert.equal(queries.searchIndex.backlog(), 0);
    assert.equal(indexedRows(db), 1);

    const second = postBy('bob', 'more zebras, confirmed right away');
    extend(chain, chain.tip, [second]);
    assert.deepEqual(feedIds(queries, { limit: 50, q: 'zebras' }), [idOf(second), idOf(first)]);
    assert.deepEqual(feedIds(queries, { limit: 50, q: 'zebras', author: 'bob' }), [idOf(second)]);
    // Searching again indexes nothing twice.
    assert.deepEqual(feedIds(queries, { limit: 50, q: 'zebras' }), [idOf(second), idOf(first)]);
    assert.equal(indexedRows(db), 2);
    assertIndexConsistent(db);
  });

  it('indexes in batches of at most the given size, advancing the high-water mark', () => {
    const { store } = testChain();
    const db = store.database;
    const index = store.searchIndex;
    const seqs = Array.from({ length: 7 }, (_, i) => addPending(store, postBy('carol', `batch post ${i}`)));
    assert.equal(mark(db), '0');
    assert.equal(index.indexBatch(3), 3);
    assert.equal(index.indexedSeq(), seqs[2]);
    assert.equal(index.backlog(), 4);
    assert.equal(index.catchUp(), 4);
    assert.equal(index.indexedSeq(), seqs[6]);
    assert.equal(index.indexBatch(3), 0);
    assert.equal(indexedRows(db), 7);
    assertIndexConsistent(db);
  });

  it('rebuilds the index from posts when the high-water mark is missing', () => {
    const test = testChain();
    const { store } = test;
    const queries = queriesOf(test);
    const db = store.database;
    const posts = [postBy('dave', 'rebuild me please'), postBy('dave', 'rebuild me too')];
    for (const post of posts) addPending(store, post);
    queries.searchIndex.indexBatch(1);
    db.prepare('DELETE FROM meta WHERE key = ?').run(FTS_INDEXED_SEQ_KEY);
    assert.deepEqual(feedIds(queries, { limit: 50, q: 'rebuild' }), posts.map(idOf).reverse());
    assert.equal(indexedRows(db), 2);
    assert.equal(mark(db), String(store.posts.seqOf(idOf(posts[1]!))));
    assertIndexConsistent(db);
  });

  it('removes a deleted post from the index only if it was indexed', () => {
    const { store } = testChain();
    const db = store.database;
    const index = store.searchIndex;
    const indexed = addPending(store, postBy('erin', 'indexed then deleted'));
    index.catchUp();
    const unindexed = addPending(store, postBy('erin', 'deleted before indexing'));
    for (const seq of [indexed, unindexed]) {
      db.prepare('DELETE FROM pending WHERE post_seq = ?').run(seq);
      db.prepare('DELETE FROM posts WHERE seq = ?').run(seq);
    }
    assert.equal(indexedRows(db), 0);
    assertIndexConsistent(db);
  });
});

describe('schema migration 3 (batched full-text index)', () => {
  it('upgrades a version-2 data dir: old posts stay indexed once, new ones are found too', () => {
    const dir = tempDir();
    // A data dir as the previous release left it: migrations 1 and 2, posts indexed by the trigger.
    const old = new Database(join(dir, 'yournet.sqlite'));
    old.pragma('journal_mode = WAL');
    for (const [version, sql] of MIGRATIONS.slice(0, 2).entries()) {
      old.exec(sql);
      old.pragma(`user_version = ${version + 1}`);
    }
    const insertMeta = old.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
    insertMeta.run('network', REGTEST.name);
    insertMeta.run('genesis', REGTEST.genesisHash);
    const oldPosts: Post[] = [postBy('frank', 'written before the upgrade'), postBy('grace', 'also before')];
    const insertPost = old.prepare(
      `INSERT INTO posts (id, author, content, timestamp, pubkey, reply_to, signature, size, received_at)
       VALUES (?, ?, ?, ?, ?, NULL, ?, ?, 0)`,
    );
    for (const post of oldPosts) {
      const { lastInsertRowid } = insertPost.run(
        idOf(post),
        post.author,
        post.content,
        post.timestamp,
        post.pubkey ?? null,
        post.signature ?? null,
        postSize(post),
      );
      old.prepare('INSERT INTO pending (post_seq, size) VALUES (?, ?)').run(lastInsertRowid, postSize(post));
    }
    assert.equal(indexedRows(old), 2, 'the old trigger indexed them');
    old.close();

    const test = chainOn(dir);
    const { store } = test;
    const db = store.database;
    try {
      assert.equal(db.pragma('user_version', { simple: true }), MIGRATIONS.length);
      assert.equal(mark(db), '2', 'everything stored before the upgrade counts as indexed');
      const queries = queriesOf(test);
      const fresh = postBy('frank', 'written after the upgrade');
      addPending(store, fresh);
      assert.equal(indexedRows(db), 2, 'no trigger indexes new posts any more');
      assert.deepEqual(feedIds(queries, { limit: 50, q: 'upgrade' }), [idOf(fresh), idOf(oldPosts[0]!)]);
      assert.deepEqual(feedIds(queries, { limit: 50, q: 'before' }), oldPosts.map(idOf).reverse());
      assert.equal(indexedRows(db), 3);
      assertIndexConsistent(db);
    } finally {
      store.close();
    }
  });

  it('a fresh data dir starts with an empty index and a mark of 0', () => {
    const store = Store.open({ dataDir: ':memory:', params: REGTEST });
    assert.equal(mark(store.database), '0');
    assert.equal(indexedRows(store.database), 0);
    store.close();
  });
});

describe('StoreMaintenance', () => {
  it('the index catches up after a restart: posts stored before a close are indexed by the timer', async () => {
    const dir = tempDir();
    const posts = Array.from({ length: 5 }, (_, i) => postBy('heidi', `restart post ${i}`));
    const first = chainOn(dir).store;
    for (const post of posts) addPending(first, post);
    first.close(); // never searched, no maintenance: nothing indexed

    const store = Store.open({ dataDir: dir, params: REGTEST });
    const db = store.database;
    try {
      const index = store.searchIndex;
      assert.equal(index.backlog(), 5);
      assert.equal(store.maintenanceRunning, false, 'opening a store starts no background work');
      store.startMaintenance({ tickMs: 10 });
      assert.equal(store.maintenanceRunning, true);
      const deadline = Date.now() + 10_000;
      while (index.backlog() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.equal(index.backlog(), 0, 'the maintenance timer indexed the backlog');
      assert.equal(indexedRows(db), 5);
      assertIndexConsistent(db);
    } finally {
      store.close();
    }
    assert.equal(store.maintenanceRunning, false, 'close stops the background work');
    assert.equal(db.open, false);
  });

  it('checkpoints the WAL between commits and moves the automatic checkpoint to a backstop', () => {
    const dir = tempDir();
    const store = Store.open({ dataDir: dir, params: REGTEST });
    const db = store.database;
    try {
      const maintenance = new StoreMaintenance(db, store.searchIndex, { tickMs: 60_000, checkpointMs: 0 });
      assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), 1000);
      maintenance.start();
      assert.ok(maintenance.running);
      assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), WAL_BACKSTOP_PAGES);
      for (let i = 0; i < 20; i++) addPending(store, postBy('ivan', `wal post ${i}`));
      const result = maintenance.checkpoint();
      assert.equal(result.busy, false);
      assert.ok(result.walFrames > 0, 'the commits went to the WAL');
      assert.equal(result.checkpointed, result.walFrames, 'a passive checkpoint with no reader copies all');
      maintenance.tick();
      assert.equal(store.searchIndex.backlog(), 0, 'a tick indexes the backlog');
      maintenance.stop();
      assert.equal(maintenance.running, false);
      assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), 1000);
    } finally {
      store.close();
    }
  });

  it('spaces timer checkpoints by their own cost: the next waits CHECKPOINT_SPACING times as long', () => {
    const { store } = testChain();
    const maintenance = new StoreMaintenance(store.database, store.searchIndex, {
      tickMs: 60_000,
      checkpointMs: 0,
    });
    let checkpoints = 0;
    const real = maintenance.checkpoint.bind(maintenance);
    maintenance.checkpoint = () => {
      checkpoints++;
      const until = performance.now() + 5; // a checkpoint that takes 5 ms, as under a heavy write load
      while (performance.now() < until) {}
      return real();
    };
    // Pretend the journal is a WAL (the in-memory test store has none).
    (maintenance as unknown as { wal: boolean }).wal = true;
    maintenance.tick(Date.now());
    assert.equal(checkpoints, 1);
    maintenance.tick(Date.now() + 2 * CHECKPOINT_SPACING); // well under 20 × 5 ms later
    assert.equal(checkpoints, 1, 'too soon after a 5 ms checkpoint');
    store.database.exec("INSERT INTO peers (url, added_at) VALUES ('http://127.0.0.1:1', 0)"); // something to copy
    maintenance.tick(Date.now() + 1000);
    assert.equal(checkpoints, 2, 'due once CHECKPOINT_SPACING × its duration has passed');
  });

  it('a tick never runs inside a transaction, and stops itself once the database is closed', () => {
    const { store } = testChain();
    const db = store.database;
    const maintenance = new StoreMaintenance(db, store.searchIndex, { tickMs: 60_000 });
    maintenance.start();
    addPending(store, postBy('judy', 'inside a transaction'));
    store.transaction(() => maintenance.tick());
    assert.equal(store.searchIndex.backlog(), 1);
    db.close();
    maintenance.tick();
    assert.equal(maintenance.running, false);
  });

  it('indexes at most a batch beyond its time budget per tick', () => {
    const { store } = testChain();
    const db = store.database;
    store.transaction(() => {
      for (let i = 0; i < FTS_BATCH + 10; i++)
        addPending(store, postBy('kim', `many ${i}`, { unsigned: true }));
    });
    const maintenance = new StoreMaintenance(db, store.searchIndex, { indexBudgetMs: 0 });
    assert.equal(maintenance.indexBacklog(), FTS_BATCH, 'one full batch, then the budget is spent');
    assert.equal(maintenance.indexBacklog(), 10);
    assertIndexConsistent(db);
  });
});
