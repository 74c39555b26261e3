/**
 * Post proofs from the stored 64-post subtree roots of each block (store migration 11): the
 * same proofs as core's merkleProof over the whole block, whatever the block's size, across
 * reorganisations, from a row that does not match its block, and on a store from before the
 * migration (rows derived at the first proof).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { merkleProof, merkleSubtreeLevel, verifyMerkleProof } from '#core/merkle.ts';
import type { Post } from '#core/post.ts';
import type { BlockIndexEntry } from '#node/store/blocks.ts';
import type { Db } from '#node/store/database.ts';
import { MIGRATIONS } from '#node/store/schema.ts';
import { chainOn, extend, idOf, type TestChain, testChain } from '../../helpers/chain.ts';
import { postBy, queriesOf } from '../../helpers/queries.ts';
import { downgradeToVersion10 } from '../../helpers/schema-downgrade.ts';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

let serial = 0;
/** `n` distinct unsigned posts (signing 5,000 would only slow the test). */
const posts = (n: number): Post[] =>
  Array.from({ length: n }, () =>
    postBy(`author${serial % 7}`, `proof post ${++serial}`, { unsigned: true }),
  );

const subtreeRow = (db: Db, hash: string): Buffer | undefined =>
  db.prepare('SELECT roots FROM block_merkle_subtrees WHERE block_hash = ?').pluck().get(hash) as
    | Buffer
    | undefined;

/** Asserts that the proofs of `indexes` of `block` (holding `block posts`) are core's, and verify. */
function assertProofs(
  t: TestChain,
  block: BlockIndexEntry,
  blockPosts: readonly Post[],
  indexes: Iterable<number>,
) {
  const queries = queriesOf(t);
  const ids = blockPosts.map(idOf);
  for (const index of indexes) {
    const detail = queries.post(ids[index]!)!;
    assert.deepEqual(detail.block, { hash: block.hash, height: block.height, position: index });
    assert.deepEqual(detail.proof, merkleProof(ids, index), `leaf ${index} of ${ids.length}`);
    assert.ok(verifyMerkleProof(ids[index]!, detail.proof!, block.merkle_root));
  }
}

describe('post proofs from the 64-post subtree roots', () => {
  it("equal core's proofs for every post of blocks of 1 to 129 posts, rows kept only above 64", () => {
    const t = testChain();
    for (const n of [1, 2, 63, 64, 65, 127, 128, 129]) {
      const blockPosts = posts(n);
      const block = extend(t.chain, t.chain.tip, blockPosts);
      const row = subtreeRow(t.store.database, block.hash);
      if (n <= 64) assert.equal(row, undefined, `no row for ${n} posts`);
      else
        assert.deepEqual(new Uint8Array(row!), merkleSubtreeLevel(blockPosts.map(idOf)), `row of ${n} posts`);
      assertProofs(t, block, blockPosts, blockPosts.keys());
    }
  });

  it("equal core's proofs for a sample of a 5,000-post block, every subtree edge included", () => {
    const t = testChain();
    const blockPosts = posts(5000);
    const block = extend(t.chain, t.chain.tip, blockPosts);
    assert.equal(subtreeRow(t.store.database, block.hash)?.length, 79 * 32);
    const sample = [0, 1, 63, 64, 127, 128, 4095, 4096, 4927, 4928, 4929, 4999];
    for (let i = 0; i < 30; i++) sample.push((i * 7919) % 5000);
    assertProofs(t, block, blockPosts, sample);
  });

  it('follow reorganisations: the same posts in another order in the winning block', () => {
    const t = testChain();
    const base = extend(t.chain, t.chain.tip);
    const blockPosts = posts(130);
    const a = extend(t.chain, base, blockPosts);
    assertProofs(t, a, blockPosts, [0, 64, 100, 129]);
    // A heavier branch holds the same posts reversed: every proof changes.
    const reversed = [...blockPosts].reverse();
    const b = extend(t.chain, base, reversed, 2);
    const b2 = extend(t.chain, b);
    assert.equal(t.chain.tip.hash, b2.hash);
    assertProofs(t, b, reversed, reversed.keys());
    // And back: the first block's row still gives its proofs.
    extend(t.chain, extend(t.chain, a));
    assertProofs(t, a, blockPosts, blockPosts.keys());
    // A side block pruned takes its row with it.
    t.store.blocks.deleteBlock(b2.hash);
    t.store.blocks.deleteBlock(b.hash);
    assert.equal(subtreeRow(t.store.database, b.hash), undefined);
    assert.ok(subtreeRow(t.store.database, a.hash) !== undefined);
  });

  it('are right from a row that does not match its block, and repair the row', () => {
    const t = testChain();
    const blockPosts = posts(200);
    const block = extend(t.chain, t.chain.tip, blockPosts);
    const good = subtreeRow(t.store.database, block.hash)!;
    const db = t.store.database;
    const write = db.prepare('UPDATE block_merkle_subtrees SET roots = ? WHERE block_hash = ?');
    write.run(Buffer.alloc(good.length, 7), block.hash);
    assertProofs(t, block, blockPosts, [5]);
    assert.deepEqual(subtreeRow(db, block.hash), good);
    write.run(Buffer.alloc(32), block.hash); // the wrong number of roots
    assertProofs(t, block, blockPosts, [199]);
    assert.deepEqual(subtreeRow(db, block.hash), good);
  });

  it('work on a store from before migration 11: the row is derived at the first proof', () => {
    const dir = mkdtempSync(join(tmpdir(), 'yournet-proofs-'));
    dirs.push(dir);
    let t = chainOn(dir);
    const big = posts(150);
    const small = posts(10);
    const b1 = extend(t.chain, t.chain.tip, big);
    const b2 = extend(t.chain, b1, small);
    downgradeToVersion10(t.store.database);
    t.store.close();

    t = chainOn(dir);
    const db = t.store.database;
    assert.equal(db.pragma('user_version', { simple: true }), MIGRATIONS.length);
    assert.equal(db.prepare('SELECT count(*) FROM block_merkle_subtrees').pluck().get(), 0);
    assertProofs(t, b1, big, [149]);
    assert.deepEqual(new Uint8Array(subtreeRow(db, b1.hash)!), merkleSubtreeLevel(big.map(idOf)));
    assertProofs(t, b1, big, big.keys());
    assertProofs(t, b2, small, small.keys());
    assert.equal(subtreeRow(db, b2.hash), undefined);
    t.store.close();
  });
});
