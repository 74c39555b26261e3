import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { ValidBlock } from '#core/block.ts';
import { utf8 } from '#core/bytes.ts';
import { nodeCrypto } from '#node/crypto-node.ts';
import { verifyBlockSignatures } from '#node/verifier/block-signatures.ts';
import { SignatureVerifierPool, verifierWorkers } from '#node/verifier/pool.ts';
import { MESSAGE_AT, PUBLIC_KEY_AT, RECORD_BYTES } from '#node/verifier/shared.ts';
import { makePost, mineOn, testChain } from '../../helpers/chain.ts';

/** `count` records of shared.ts's layout; every third signature is corrupted. */
function records(count: number): { records: Uint8Array; valid: number[] } {
  const key = nodeCrypto.sha256(utf8('bulk test key'));
  const publicKey = nodeCrypto.publicKey(key);
  const out = new Uint8Array(count * RECORD_BYTES);
  const valid: number[] = [];
  for (let i = 0; i < count; i++) {
    const message = nodeCrypto.sha256(utf8(`bulk message ${i}`));
    const signature = nodeCrypto.sign(message, key);
    if (i % 3 === 0) signature[i % 64]! ^= 0x01;
    out.set(signature, i * RECORD_BYTES);
    out.set(message, i * RECORD_BYTES + MESSAGE_AT);
    out.set(publicKey, i * RECORD_BYTES + PUBLIC_KEY_AT);
    valid.push(i % 3 === 0 ? 0 : 1);
  }
  return { records: out, valid };
}

describe('SignatureVerifierPool.verifyRecords and verifyBlockSignatures', () => {
  const pools: SignatureVerifierPool[] = [];
  const open = (workers: number) => {
    const pool = new SignatureVerifierPool(nodeCrypto, { workers });
    pools.push(pool);
    return pool;
  };
  after(async () => {
    await Promise.all(pools.map((pool) => pool.close()));
  });

  it('answers one byte per record, as node:crypto does, over several batches and workers', async () => {
    const pool = open(2);
    const { records: input, valid } = records(700); // more than two batches of 256
    const copy = input.slice();
    const answers = await pool.verifyRecords(input);
    assert.deepEqual([...answers], valid);
    assert.deepEqual(input, copy, 'the caller keeps its records');
  });

  it('answers the same when a worker dies mid-batch and after the pool is closed', async () => {
    const pool = open(1);
    const { records: input, valid } = records(300);
    const pending = pool.verifyRecords(input);
    await verifierWorkers(pool)[0]!.terminate();
    assert.deepEqual([...(await pending)], valid);
    await pool.close();
    assert.deepEqual([...(await pool.verifyRecords(input))], valid);
  });

  it('lets the calling thread verify the chunks waiting for a worker, with the same answers', async () => {
    const pool = open(1);
    const { records: input, valid } = records(256 * 5); // five chunks: two go to the worker, three wait
    const pending = pool.verifyRecords(input);
    let here = 0;
    while (pool.verifyQueuedHere()) here++;
    assert.equal(here, 3, "the three chunks beyond the worker's two were taken here");
    assert.equal(pool.verifyQueuedHere(), false);
    assert.deepEqual([...(await pending)], valid);
    // A request made meanwhile is answered by the worker, not starved by bulk work.
    const key = nodeCrypto.sha256(utf8('single'));
    const message = nodeCrypto.sha256(utf8('single message'));
    assert.equal(await pool.verify(nodeCrypto.sign(message, key), message, nodeCrypto.publicKey(key)), true);
  });

  it('verifyBlockSignatures returns the (id, signature) pairs that verified, and only those', async () => {
    const pool = open(1);
    const { chain } = testChain();
    const good = makePost();
    const genuine = makePost();
    const bad = {
      ...genuine,
      signature: `${genuine.signature![0] === 'a' ? 'b' : 'a'}${genuine.signature!.slice(1)}`,
    };
    const block = mineOn(chain, chain.tip, [good, makePost('unsigned', true), bad]);
    const checked = chain.checkBlock(block);
    assert.ok(checked.ok);
    const valid: ValidBlock = checked.value.valid;
    const verified = await verifyBlockSignatures(pool, [valid]);
    assert.equal(verified.has(valid.ids[0]!, good.signature), true);
    assert.equal(verified.has(valid.ids[1]!, undefined), false);
    assert.equal(verified.has(valid.ids[2]!, bad.signature), false);
    assert.equal(verified.has(valid.ids[2]!, genuine.signature), false, 'never verified');
  });
});
