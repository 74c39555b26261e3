import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { REGTEST } from '#core/params.ts';
import { WAL_BACKSTOP_PAGES } from '#node/store/maintenance.ts';
import { DataDirError, Store } from '#node/store/store.ts';
import { extend, idOf, testChain } from '../../helpers/chain.ts';
import { addPending, postBy, queriesOf } from '../../helpers/queries.ts';
import { tempDirs } from '../../helpers/temp-dirs.ts';

const tempDir = tempDirs('yournet-store-');

describe('Store: the one owner of the database', () => {
  it('holds exactly one SearchIndex, which the queries and the maintenance use', () => {
    const test = testChain();
    const { store } = test;
    const queries = queriesOf(test);
    assert.equal(queries.searchIndex, store.searchIndex);
    assert.equal(store.startMaintenance({ tickMs: 60_000 }).searchIndex, store.searchIndex);
    store.close();
  });

  it('checkpoints the WAL after writes, and skips the checkpoint of an idle node', () => {
    const store = Store.open({ dataDir: tempDir(), params: REGTEST });
    const maintenance = store.startMaintenance({ tickMs: 60_000, checkpointMs: 1 });
    const checkpoints: number[] = [];
    const checkpoint = maintenance.checkpoint.bind(maintenance);
    maintenance.checkpoint = () => {
      const result = checkpoint();
      checkpoints.push(result.walFrames);
      return result;
    };
    let now = Date.now() + 10_000;
    store.database.exec("INSERT INTO peers (url, added_at) VALUES ('http://127.0.0.1:1', 0)");
    maintenance.tick(now);
    assert.equal(checkpoints.length, 1, 'a write is checkpointed');
    now += 10_000;
    maintenance.tick(now);
    now += 10_000;
    maintenance.tick(now);
    assert.equal(checkpoints.length, 1, 'nothing written since: no checkpoint');
    store.database.exec("INSERT INTO peers (url, added_at) VALUES ('http://127.0.0.1:2', 0)");
    now += 10_000;
    maintenance.tick(now);
    assert.equal(checkpoints.length, 2, 'the next write is checkpointed again');
    store.close();
  });

  it('starts no background work when opened; maintenance starts and stops only when asked', () => {
    const store = Store.open({ dataDir: tempDir(), params: REGTEST });
    const autocheckpoint = () => store.database.pragma('wal_autocheckpoint', { simple: true });
    assert.equal(store.maintenanceRunning, false);
    assert.equal(autocheckpoint(), 1000, "SQLite's own checkpoints");
    const maintenance = store.startMaintenance({ tickMs: 60_000 });
    assert.equal(store.maintenanceRunning, true);
    assert.equal(store.startMaintenance(), maintenance, 'starting twice keeps the one running');
    assert.equal(autocheckpoint(), WAL_BACKSTOP_PAGES);
    store.stopMaintenance();
    assert.equal(store.maintenanceRunning, false);
    assert.equal(maintenance.running, false);
    assert.equal(autocheckpoint(), 1000, 'checkpoints handed back to SQLite');
    store.stopMaintenance(); // stopping twice is harmless
    store.startMaintenance({ tickMs: 60_000 });
    store.close();
    assert.equal(store.maintenanceRunning, false, 'close stops it');
    assert.equal(store.isOpen, false);
    store.close(); // closing twice is harmless
  });

  it('transaction() keeps everything or nothing', () => {
    const { store } = testChain();
    const kept = postBy('tx', 'kept');
    store.transaction(() => addPending(store, kept));
    assert.equal(store.pending.totals().count, 1);
    assert.throws(() =>
      store.transaction(() => {
        addPending(store, postBy('tx', 'rolled back'));
        throw new Error('abort');
      }),
    );
    assert.equal(store.pending.totals().count, 1);
    assert.equal(store.posts.bySeq(2), undefined);
    store.close();
  });

  it('a block stores its post links and confirms its posts in block order, one statement each', () => {
    const t = testChain();
    const posts = ['c', 'a', 'b'].map((name) => postBy(name, `post of ${name}`));
    // A post stored earlier (pending) keeps its seq: the block's order is not the seq order.
    const early = addPending(t.store, posts[2]!);
    const entry = extend(t.chain, t.chain.tip, posts);
    const seqs = t.store.blocks.postSeqs(entry.hash);
    assert.equal(seqs.length, 3);
    assert.equal(seqs[2], early);
    assert.deepEqual(
      t.store.blocks.bodyRows(entry.hash).map((row) => row.id),
      posts.map(idOf),
    );
    const confirmed = t.store.database
      .prepare('SELECT post_seq, height, position FROM confirmed ORDER BY position')
      .all();
    assert.deepEqual(
      confirmed,
      seqs.map((seq, position) => ({ post_seq: seq, height: entry.height, position })),
    );
    assert.equal(t.store.pending.totals().count, 0, 'the pending one left the pool');
    t.store.close();
  });

  it('refuses a data directory of another network', () => {
    const dir = tempDir();
    Store.open({ dataDir: dir, params: REGTEST }).close();
    assert.throws(() => Store.open({ dataDir: dir, params: { ...REGTEST, name: 'main' } }), DataDirError);
  });
});
