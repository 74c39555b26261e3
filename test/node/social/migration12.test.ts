import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { toHex } from '#core/bytes.ts';
import { REGTEST } from '#core/params.ts';
import { signPost } from '#core/post.ts';
import { nameCommitment } from '#core/social/index.ts';
import { nodeCrypto } from '#node/crypto-node.ts';
import { SocialQueries } from '#node/social/queries.ts';
import { MIGRATIONS } from '#node/store/schema.ts';
import { chainOn, extend, idOf, type TestChain } from '../../helpers/chain.ts';
import { testKey } from '../../helpers/core.ts';
import { downgradeToVersion10 } from '../../helpers/schema-downgrade.ts';

// Migration 12: the social pages read the action log through two partial indexes (actions on
// posts, name claims). A store written before them upgrades with its rows indexed: the pages
// read the same views before and after, the indexes hold exactly the rows of their WHERE, and
// key_heads each key's newest timeline place.

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const T = REGTEST.genesis.timestamp + 3600;
const KEYS = ['alice', 'bob'].map((name) => {
  const secret = testKey(name);
  return { name, secret, pub: toHex(nodeCrypto.publicKey(secret)) };
});
const [ALICE, BOB] = KEYS as [(typeof KEYS)[0], (typeof KEYS)[0]];
let stamp = 0;
function act(key: (typeof KEYS)[0], kind: string | undefined, content: string, ref?: string) {
  return signPost(
    { author: key.name, content, timestamp: T + ++stamp, ...(kind ? { kind } : {}), ...(ref ? { ref } : {}) },
    key.secret,
    nodeCrypto,
  );
}

const queries = (t: TestChain) =>
  new SocialQueries({
    db: t.store.database,
    network: 'regtest',
    crypto: nodeCrypto,
    tipHeight: () => t.chain.tip.height,
  });

/** The rows each partial index holds, and the rows its WHERE selects. */
function indexed(t: TestChain): { name: string; held: number; selected: number }[] {
  const db = t.store.database;
  const count = (sql: string) => db.prepare(sql).pluck().get() as number;
  return [
    {
      name: 'social_post_acts',
      held: count(
        `SELECT count(*) FROM social_actions INDEXED BY social_post_acts WHERE kind NOT IN ('follow', 'unfollow')`,
      ),
      selected: count(
        `SELECT count(*) FROM social_actions NOT INDEXED WHERE kind NOT IN ('follow', 'unfollow')`,
      ),
    },
    {
      name: 'social_names',
      held: count(`SELECT count(*) FROM social_actions INDEXED BY social_names WHERE kind = 'name'`),
      selected: count(`SELECT count(*) FROM social_actions NOT INDEXED WHERE kind = 'name'`),
    },
  ];
}

/** key_heads as stored, and each key's newest timeline place counted from timeline_posts. */
function heads(t: TestChain): { pubkey: string; place: number }[] {
  const db = t.store.database;
  const kept = db
    .prepare<[], { pubkey: string; place: number }>('SELECT pubkey, place FROM key_heads ORDER BY pubkey')
    .all();
  const counted = db
    .prepare('SELECT pubkey, max(place) AS place FROM timeline_posts GROUP BY pubkey ORDER BY pubkey')
    .all();
  assert.deepEqual(kept, counted, 'key_heads is each key newest timeline place');
  return kept;
}

describe('store migration 12: partial indexes of the social pages', () => {
  it('a version-10 store upgrades: its actions indexed, the same pages before and after', () => {
    const dir = mkdtempSync(join(tmpdir(), 'yournet-migration12-'));
    dirs.push(dir);
    let t = chainOn(dir);
    const salt = 'ab'.repeat(32);
    let tip = extend(t.chain, t.chain.tip, [
      act(BOB, 'name_commit', 'name_commit', nameCommitment('bobby', BOB.pub, salt, nodeCrypto)),
      act(ALICE, 'follow', 'follow', BOB.pub),
    ]);
    tip = extend(t.chain, tip, []);
    const post = act(BOB, undefined, 'before the upgrade');
    const gone = act(BOB, undefined, 'deleted before the upgrade');
    tip = extend(t.chain, tip, [act(BOB, 'name', 'bobby', salt), post, gone]);
    tip = extend(t.chain, tip, [
      act(ALICE, 'react', '🎉', idOf(post)),
      act(BOB, 'edit', 'edited before', idOf(post)),
      act(BOB, 'delete', 'delete', idOf(gone)),
    ]);
    const before = queries(t).timeline(ALICE.pub, 10);
    assert.equal(before.items[0]?.social?.handle, 'bobby');
    downgradeToVersion10(t.store.database);
    t.store.close();

    t = chainOn(dir);
    assert.equal(t.store.database.pragma('user_version', { simple: true }), MIGRATIONS.length);
    for (const index of indexed(t)) assert.equal(index.held, index.selected, index.name);
    assert.deepEqual(heads(t), [{ pubkey: BOB.pub, place: heads(t)[0]?.place }]);
    assert.deepEqual(queries(t).timeline(ALICE.pub, 10), before, 'the same page after the upgrade');
    // Rows written after the upgrade are indexed too.
    extend(t.chain, t.chain.tip, [
      act(ALICE, 'react', '🔥', idOf(post)),
      act(BOB, 'edit', 'edited after', idOf(post)),
    ]);
    const [item] = queries(t).timeline(ALICE.pub, 10).items;
    assert.deepEqual(item?.social?.reactions, { '🎉': 1, '🔥': 1 });
    assert.equal(item?.social?.latest_content, 'edited after');
    for (const index of indexed(t)) assert.equal(index.held, index.selected, index.name);
    heads(t);
    t.store.close();
  });
});
