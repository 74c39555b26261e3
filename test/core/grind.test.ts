import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { GRIND_BATCH, grindNonce, NONCE_LIMIT } from '#core/grind.ts';
import { type BlockHeader, headerHash } from '#core/header.ts';
import { REGTEST } from '#core/params.ts';
import { meetsTarget } from '#core/pow.ts';

const HEADER: BlockHeader = {
  version: 1,
  index: 3,
  previous_hash: REGTEST.genesisHash,
  merkle_root: REGTEST.genesis.merkle_root,
  timestamp: REGTEST.genesis.timestamp + 600,
  bits: REGTEST.powLimitBits,
  nonce: 12345,
};

/** The reference: the first nonce of [start, end) whose plain headerHash meets the target. */
function naive(header: BlockHeader, target: bigint, start: number, end: number): number | undefined {
  for (let nonce = start; nonce < end; nonce++) {
    if (meetsTarget(headerHash({ ...header, nonce }), target)) return nonce;
  }
  return undefined;
}

describe('grindNonce', () => {
  it('finds the first winning nonce from `start` with its hash, as plain headerHash does (random targets)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 64 }), fc.integer({ min: 0, max: 2 ** 40 }), (divisor, start) => {
        const target = (1n << 256n) / BigInt(divisor);
        const outcome = grindNonce(HEADER, target, { start, count: 2000 });
        const expected = naive(HEADER, target, start, start + 2000);
        if (expected === undefined) {
          assert.deepEqual(outcome, { found: false, stopped: false });
          return;
        }
        assert.ok(outcome.found);
        assert.equal(outcome.nonce, expected);
        assert.equal(outcome.hash, headerHash({ ...HEADER, nonce: expected }));
      }),
      { numRuns: 40 },
    );
  });

  it("ignores the header's own nonce and starts at 0 by default", () => {
    const outcome = grindNonce(REGTEST.genesis, REGTEST.powLimit);
    assert.deepEqual(outcome, { found: true, nonce: REGTEST.genesis.nonce, hash: REGTEST.genesisHash });
  });

  it('reports exhaustion when no nonce of the range wins', () => {
    assert.deepEqual(grindNonce(HEADER, 0n, { start: 10, count: 50 }), { found: false, stopped: false });
    assert.deepEqual(grindNonce(HEADER, 0n, { start: 10, count: 0 }), { found: false, stopped: false });
  });

  it('calls onProgress once per batch, then asks shouldStop', () => {
    const calls: string[] = [];
    let batches = 0;
    const outcome = grindNonce(HEADER, 0n, {
      batch: 100,
      onProgress: (hashes) => calls.push(`progress ${hashes}`),
      shouldStop: () => {
        calls.push('stop?');
        return ++batches === 2;
      },
    });
    assert.deepEqual(outcome, { found: false, stopped: true });
    assert.deepEqual(calls, ['progress 100', 'stop?', 'progress 100', 'stop?']);
  });

  it('counts a partial last batch and the hashes up to and including the winning nonce', () => {
    const reports: number[] = [];
    const exhausted = grindNonce(HEADER, 0n, { count: 250, batch: 100, onProgress: (h) => reports.push(h) });
    assert.deepEqual(exhausted, { found: false, stopped: false });
    assert.deepEqual(reports, [100, 100, 50]);
    const target = (1n << 256n) / 500n;
    const winner = naive(HEADER, target, 0, 100_000)!;
    let total = 0;
    const found = grindNonce(HEADER, target, { batch: 64, onProgress: (h) => (total += h) });
    assert.ok(found.found);
    assert.equal(total, winner + 1);
  });

  it('rejects ranges beyond Number.MAX_SAFE_INTEGER and bad batches', () => {
    assert.throws(() => grindNonce(HEADER, 1n, { start: NONCE_LIMIT - 1, count: 2 }), RangeError);
    assert.throws(() => grindNonce(HEADER, 1n, { start: -1 }), RangeError);
    assert.throws(() => grindNonce(HEADER, 1n, { start: 0.5 }), RangeError);
    assert.throws(() => grindNonce(HEADER, 1n, { batch: 0 }), RangeError);
    assert.equal(GRIND_BATCH, 4096);
  });
});
