import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stampOnWorkers } from '#cli/stamping.ts';
import { bitsForWork, checkStamp } from '#core/stamp.ts';
import { nodeCrypto } from '#node/crypto-node.ts';

describe('yournet post: stamping on worker threads', () => {
  it('two threads find a stamp that checks, counting the hashes they tried', async () => {
    const post = { author: 'cli', content: 'stamped on threads', timestamp: 1795392200 };
    const bits = bitsForWork(1n << 14n);
    const result = await stampOnWorkers(post, bits, { workers: 2 });
    const work = checkStamp({ ...post, stamp: result.stamp }, nodeCrypto);
    assert.ok(work.ok && work.value >= 1n << 14n);
    assert.ok(result.hashes >= 1);
  });
});
