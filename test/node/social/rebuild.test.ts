import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { REGTEST } from '#core/params.ts';
import type { Post } from '#core/post.ts';
import { DERIVED_TABLES, rebuildSocialIndex } from '#node/social/rebuild.ts';
import type { Db } from '#node/store/database.ts';
import { Store } from '#node/store/store.ts';
import { fill } from '../../../bench/social.ts';
import { extend, idOf, testChain } from '../../helpers/chain.ts';
import { keysFor, SocialFixture } from '../../helpers/social-fixtures.ts';

// The set-based derivation (social/rebuild.ts) must end in the very rows the triggers keep one
// by one: after random actions, deletes and reorgs on a real chain, and on the bench's fill.

const KEYS = keysFor('alice', 'bob', 'carol', 'dave');
const fixture = new SocialFixture();
const { act } = fixture;

/** Every derived row, in a fixed order. */
function snapshot(db: Db): Record<string, unknown[]> {
  return Object.fromEntries(
    DERIVED_TABLES.map((table) => [
      table,
      db
        .prepare(
          `SELECT * FROM ${table} ORDER BY ${['reply_counts', 'key_heads'].includes(table) ? '1' : '1, 2, 3'}`,
        )
        .all(),
    ]),
  );
}

const triggerCount = (db: Db) =>
  db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'").pluck().get() as number;

describe('social index: the set-based rebuild equals the triggers', () => {
  it('after random actions, deletes and reorgs, and the triggers work again after it', () => {
    const t = testChain();
    const db = t.store.database;
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return Math.floor(seed / 2 ** 16) % n;
    };
    const posts: Post[] = [];
    const fresh = (): Post => {
      const from = KEYS[rand(KEYS.length)]!;
      const to = KEYS[rand(KEYS.length)]!;
      const target = posts.length > 0 ? posts[rand(posts.length)] : undefined;
      const choice = target === undefined ? rand(3) : rand(10);
      if (choice === 0) return act(from, 'follow', 'follow', to.pub);
      if (choice === 1) return act(from, 'unfollow', 'unfollow', to.pub);
      if (choice === 2) return act(from, undefined, `post ${fixture.stamp} @${to.name}`);
      const ref = idOf(target!);
      if (choice === 3) return act(from, 'react', '🎉', ref);
      if (choice === 4) return act(from, 'repost', 'repost', ref);
      if (choice === 5) return act(from, 'quote', `quote ${fixture.stamp}`, ref);
      if (choice === 6)
        return act(from, undefined, `reply ${fixture.stamp} @${to.name} @dave`, undefined, ref);
      const owner = KEYS.find((k) => k.pub === target!.pubkey) ?? from;
      return act(rand(4) === 0 ? from : owner, 'delete', 'delete', ref);
    };
    const triggers = triggerCount(db);
    let checked = 0;
    for (let round = 0; round < 12; round++) {
      const depth = round % 4 === 3 ? Math.min(2, t.chain.tip.height) : 0;
      let tip = t.chain.getEntry(t.chain.bestHashAt(t.chain.tip.height - depth)!)!;
      for (let b = 0; b <= depth; b++) {
        const block = Array.from({ length: 8 }, fresh);
        posts.push(...block);
        tip = extend(t.chain, tip, block, depth > 0 ? 2 : 1);
      }
      const byTriggers = snapshot(db);
      rebuildSocialIndex(db);
      assert.deepEqual(snapshot(db), byTriggers, `round ${round}`);
      assert.equal(triggerCount(db), triggers, 'the triggers are back');
      checked += byTriggers.social_actions!.length;
    }
    assert.ok(checked > 100, `${checked} action rows compared`);
    // Something was derived in every table (the comparison is not of empty tables).
    for (const table of DERIVED_TABLES) assert.ok(snapshot(db)[table]!.length > 0, table);
  });

  it("on the bench's fill: set-based and through the triggers, the same rows", () => {
    const size = { authors: 40, posts: 400, follows: 20, reactions: 300, replies: 80 };
    const tables = (derive: 'set' | 'triggers') => {
      const store = Store.open({ dataDir: ':memory:', params: REGTEST });
      try {
        fill(store, size, derive);
        return snapshot(store.database);
      } finally {
        store.close();
      }
    };
    const set = tables('set');
    assert.deepEqual(set, tables('triggers'));
    // The follows, the reactions, and one name's commit and reveal (a hundredth of 40 keys, at least one).
    assert.equal(set.social_actions!.length, 40 * 20 + 300 + 2);
    for (const table of DERIVED_TABLES) assert.ok(set[table]!.length > 0, table);
  });
});
