import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { utf8 } from '#core/bytes.ts';
import { nodeCrypto } from '#node/crypto-node.ts';
import { SignatureVerifierPool, verifierWorkers } from '#node/verifier/pool.ts';

interface Case {
  readonly signature: Uint8Array;
  readonly message: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly valid: boolean;
}

/** `count` signatures of 32-byte messages by a few keys; every third one is corrupted. */
function cases(count: number): Case[] {
  const keys = [1, 2, 3].map((k) => nodeCrypto.sha256(utf8(`verifier test key ${k}`)));
  return Array.from({ length: count }, (_, i) => {
    const key = keys[i % keys.length]!;
    const message = nodeCrypto.sha256(utf8(`message ${i}`));
    const signature = nodeCrypto.sign(message, key);
    const valid = i % 3 !== 0;
    if (!valid) signature[i % 64]! ^= 0x01;
    return { signature, message, publicKey: nodeCrypto.publicKey(key), valid };
  });
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

describe('SignatureVerifierPool', () => {
  const pools: SignatureVerifierPool[] = [];
  const open = (workers = 1) => {
    const pool = new SignatureVerifierPool(nodeCrypto, { workers });
    pools.push(pool);
    return pool;
  };
  after(async () => {
    await Promise.all(pools.map((pool) => pool.close()));
  });

  it('answers as node:crypto does for valid and corrupted signatures, one at a time and in bulk', async () => {
    const pool = open(2);
    const all = cases(300);
    const one = all[1]!;
    assert.equal(await pool.verify(one.signature, one.message, one.publicKey), true);
    const bad = all[0]!;
    assert.equal(await pool.verify(bad.signature, bad.message, bad.publicKey), false);
    // 300 requests in one turn: several batches, over both workers.
    const answers = await Promise.all(all.map((c) => pool.verify(c.signature, c.message, c.publicKey)));
    assert.deepEqual(
      answers,
      all.map((c) => c.valid),
    );
  });

  it('answers false for a wrong key, and for signatures or keys of the wrong length', async () => {
    const pool = open();
    const [c] = cases(2).slice(1);
    const other = nodeCrypto.publicKey(nodeCrypto.sha256(utf8('someone else')));
    assert.equal(await pool.verify(c!.signature, c!.message, other), false);
    assert.equal(await pool.verify(c!.signature.subarray(1), c!.message, c!.publicKey), false);
    assert.equal(await pool.verify(c!.signature, c!.message, c!.publicKey.subarray(1)), false);
    // A message that is not 32 bytes is checked on the calling thread, with the same answer.
    const long = utf8('a message longer than thirty-two bytes, not a post id');
    const key = nodeCrypto.sha256(utf8('verifier test key 1'));
    assert.equal(await pool.verify(nodeCrypto.sign(long, key), long, nodeCrypto.publicKey(key)), true);
  });

  it('still answers every request when its worker dies mid-batch, and replaces the worker', async () => {
    const pool = open();
    await waitFor(() => verifierWorkers(pool)[0] !== undefined, 'a worker');
    const first = verifierWorkers(pool)[0]!;
    const all = cases(200);
    const answers = Promise.all(all.map((c) => pool.verify(c.signature, c.message, c.publicKey)));
    // Let the batch go out, then kill the worker before (or while) it answers.
    await sleep(2);
    await first.terminate();
    assert.deepEqual(
      await answers,
      all.map((c) => c.valid),
    );
    await waitFor(() => verifierWorkers(pool)[0] !== undefined, 'the replacement worker');
    assert.notEqual(verifierWorkers(pool)[0], first);
    const c = all[2]!;
    assert.equal(await pool.verify(c.signature, c.message, c.publicKey), true);
  });

  it('answers requests made around and after close() on the calling thread', async () => {
    const pool = open();
    const all = cases(30);
    const pending = all.map((c) => pool.verify(c.signature, c.message, c.publicKey));
    await pool.close();
    assert.deepEqual(
      await Promise.all(pending),
      all.map((c) => c.valid),
    );
    const late = all[4]!;
    assert.equal(await pool.verify(late.signature, late.message, late.publicKey), late.valid);
    assert.ok(verifierWorkers(pool).every((worker) => worker === undefined));
  });
});
