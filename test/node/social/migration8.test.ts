import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nameCommitment } from '#core/social/index.ts';
import { nodeCrypto } from '#node/crypto-node.ts';
import type { Db } from '#node/store/database.ts';
import { MIGRATIONS } from '#node/store/schema.ts';
import { chainOn, extend, idOf, type TestChain } from '../../helpers/chain.ts';
import { downgradeToVersion7 } from '../../helpers/schema-downgrade.ts';
import { keysFor, SocialFixture, socialQueries } from '../../helpers/social-fixtures.ts';
import { tempDirs } from '../../helpers/temp-dirs.ts';

// Migration 8 (mention_places): a store of version 7 upgrades with its confirmed mentions filled
// in, and the notifications of a name's holder read them from there, before and after a reorg.

const tempDir = tempDirs('yournet-migration8-');

const [ALICE, BOB, CAROL] = keysFor('alice', 'bob', 'carol');
const { act } = new SocialFixture();

const mentionRows = (db: Db) => db.prepare('SELECT * FROM mention_places ORDER BY name, place').all();
const mentionIds = (t: TestChain) =>
  socialQueries(t)
    .notifications(ALICE.pub, 50)
    .items.filter((n) => n.type === 'mention')
    .map((n) => n.post.id);

describe('store migration 8: mentions by name and chain place', () => {
  it('a version-7 store upgrades with its confirmed mentions, and the triggers keep them after', () => {
    const dir = tempDir();
    let t = chainOn(dir);
    const salt = 'ab'.repeat(32);
    let tip = extend(t.chain, t.chain.tip, [
      act(ALICE, 'name_commit', 'name_commit', nameCommitment('alice', ALICE.pub, salt, nodeCrypto)),
    ]);
    tip = extend(t.chain, tip, []);
    const first = act(BOB, undefined, 'hello @alice');
    const own = act(ALICE, undefined, 'I am @alice');
    const second = act(CAROL, undefined, 'also @alice and @nobody');
    tip = extend(t.chain, tip, [act(ALICE, 'name', 'alice', salt), first, own]);
    tip = extend(t.chain, tip, [second]);
    const expected = mentionRows(t.store.database);
    assert.equal(expected.length, 4, 'three posts, four mentions');
    assert.deepEqual(mentionIds(t), [idOf(second), idOf(first)], 'her own mention is no notification');

    // Back to version 7, as the previous release left the store (rows kept).
    downgradeToVersion7(t.store.database);
    t.store.close();

    t = chainOn(dir);
    assert.equal(t.store.database.pragma('user_version', { simple: true }), MIGRATIONS.length);
    assert.deepEqual(mentionRows(t.store.database), expected, 'the upgrade fills the confirmed mentions in');
    assert.deepEqual(mentionIds(t), [idOf(second), idOf(first)]);

    // After the upgrade the triggers keep the table: a reorg takes the last block's mention out...
    const fork = t.chain.getEntry(t.chain.bestHashAt(tip.height - 1)!)!;
    const side = extend(t.chain, extend(t.chain, fork, [], 2), []);
    assert.equal(t.chain.tip.hash, side.hash);
    assert.deepEqual(mentionIds(t), [idOf(first)]);
    assert.equal(mentionRows(t.store.database).length, 2);
    // ...and mining it again brings it back at its new place.
    extend(t.chain, side, [second]);
    assert.deepEqual(mentionIds(t), [idOf(second), idOf(first)]);
    assert.equal(mentionRows(t.store.database).length, 4);
    t.store.close();
  });
});
