import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Db } from '#node/store/database.ts';
import { MIGRATIONS } from '#node/store/schema.ts';
import { chainOn, extend, idOf, type TestChain, testChain } from '../../helpers/chain.ts';
import { addPending, postBy, queriesOf } from '../../helpers/queries.ts';
import { downgradeToVersion9 } from '../../helpers/schema-downgrade.ts';
import { tempDirs } from '../../helpers/temp-dirs.ts';

// Migration 10: `replies` reads reply_counts, kept by triggers on confirmed and pending. It must
// always equal the visible replies (confirmed on the best chain or pending), counted the slow way.

const tempDir = tempDirs('yournet-migration10-');

/** reply_counts as stored, and the visible replies of each post counted from scratch. */
function counts(db: Db): { kept: unknown[]; counted: unknown[] } {
  return {
    kept: db.prepare('SELECT id, n FROM reply_counts ORDER BY id').all(),
    counted: db
      .prepare(
        `SELECT reply_to AS id, count(*) AS n FROM posts r WHERE reply_to IS NOT NULL
           AND (r.seq IN (SELECT post_seq FROM confirmed) OR r.seq IN (SELECT post_seq FROM pending))
         GROUP BY reply_to ORDER BY reply_to`,
      )
      .all(),
  };
}

function assertCounts(t: TestChain, rootId: string, expected: number, label: string): void {
  const { kept, counted } = counts(t.store.database);
  assert.deepEqual(kept, counted, `${label}: reply_counts is the visible replies' GROUP BY`);
  const queries = queriesOf(t);
  assert.equal(queries.post(rootId)?.replies, expected, `${label}: the post detail`);
  const inFeed = queries.posts({ limit: 50 }).items.find((view) => view.id === rootId);
  assert.equal(inFeed?.replies, expected, `${label}: the feed`);
}

describe('reply counts (store migration 10)', () => {
  it('stay right through confirmations, reorganisations both ways and evictions', () => {
    const t = testChain();
    const { chain, store } = t;
    const root = postBy('alice', 'the root');
    const r1 = postBy('bob', 'first reply', { reply_to: idOf(root) });
    const r2 = postBy('carol', 'pending reply', { reply_to: idOf(root) });
    const r3 = postBy('dave', 'side-branch reply', { reply_to: idOf(root) });
    const b1 = extend(chain, chain.tip, [root]);
    assertCounts(t, idOf(root), 0, 'no reply yet');
    const b2 = extend(chain, b1, [r1]);
    addPending(store, r2);
    assertCounts(t, idOf(root), 2, 'one confirmed, one pending');

    // A heavier branch from b1 confirms r3 and displaces b2: r1 goes back to pending.
    const s2 = extend(chain, b1, [r3], 2);
    assertCounts(t, idOf(root), 2, 'a lighter side branch counts nothing');
    extend(chain, s2, []);
    assert.notEqual(chain.bestHashAt(2), b2.hash);
    assert.equal(store.posts.status(idOf(r1))?.pending, true, 'r1 is pending again');
    assertCounts(t, idOf(root), 3, 'after the reorganisation: r1 and r2 pending, r3 confirmed');

    // Back to the first branch, now heavier: r3 is pending, r1 confirmed again.
    const b3 = extend(chain, b2, []);
    extend(chain, b3, [r2]);
    assertCounts(t, idOf(root), 3, 'after the reorganisation back');

    // A reply that leaves the pool without a block is no longer counted.
    store.pending.remove(store.posts.seqOf(idOf(r3))!);
    assertCounts(t, idOf(root), 2, 'after r3 leaves the pool');
  });

  it('a version-9 store upgrades with its counts filled in, and the triggers keep them after', () => {
    const dir = tempDir();
    let t = chainOn(dir);
    const root = postBy('alice', 'upgraded root');
    const b1 = extend(t.chain, t.chain.tip, [root]);
    extend(t.chain, b1, [postBy('bob', 'old reply', { reply_to: idOf(root) })]);
    addPending(t.store, postBy('carol', 'old pending reply', { reply_to: idOf(root) }));
    const expected = counts(t.store.database).kept;
    downgradeToVersion9(t.store.database);
    t.store.close();

    t = chainOn(dir);
    assert.equal(t.store.database.pragma('user_version', { simple: true }), MIGRATIONS.length);
    assert.deepEqual(counts(t.store.database).kept, expected, 'the upgrade counts the stored replies');
    assertCounts(t, idOf(root), 2, 'after the upgrade');
    extend(t.chain, t.chain.tip, [postBy('dave', 'new reply', { reply_to: idOf(root) })]);
    assertCounts(t, idOf(root), 3, 'a reply confirmed after the upgrade');
    t.store.close();
  });
});
