import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type BlockHeader, headerHash } from '#core/header.ts';
import { REGTEST } from '#core/params.ts';
import { meetsTarget } from '#core/pow.ts';
import { searchNonces } from '#node/miner/search.ts';

const TEMPLATE: BlockHeader = {
  version: 1,
  index: 7,
  previous_hash: REGTEST.genesisHash,
  merkle_root: REGTEST.genesis.merkle_root,
  timestamp: REGTEST.genesis.timestamp + 600,
  bits: REGTEST.powLimitBits,
  nonce: 0,
};

/** The reference: the first (timestamp, nonce) in search order whose plain headerHash meets the target. */
function naive(target: bigint, nonceStart: number, nonceEnd: number) {
  for (let timestamp = TEMPLATE.timestamp; ; timestamp++) {
    for (let nonce = nonceStart; nonce < nonceEnd; nonce++) {
      if (meetsTarget(headerHash({ ...TEMPLATE, timestamp, nonce }), target)) return { nonce, timestamp };
    }
  }
}

const always = () => true;

describe('searchNonces', () => {
  it('finds the first nonce of its range that meets the target, as plain headerHash does', () => {
    const target = (1n << 256n) / 3000n;
    const start = 2 ** 50;
    const outcome = searchNonces(
      TEMPLATE,
      target,
      { nonceStart: start, nonceEnd: start + 1_000_000 },
      always,
    );
    assert.ok(outcome.found);
    assert.deepEqual(
      { nonce: outcome.nonce, timestamp: outcome.timestamp },
      naive(target, start, start + 1_000_000),
    );
  });

  it('rolls the timestamp and restarts its range when the range is exhausted', () => {
    const target = (1n << 256n) / 256n;
    const outcome = searchNonces(TEMPLATE, target, { nonceStart: 100, nonceEnd: 116 }, always);
    const expected = naive(target, 100, 116);
    assert.ok(expected.timestamp > TEMPLATE.timestamp, 'the fixture must need a roll');
    assert.ok(outcome.found);
    assert.deepEqual({ nonce: outcome.nonce, timestamp: outcome.timestamp }, expected);
  });

  it('reports progress once per batch and stops when told to', () => {
    const reports: number[] = [];
    const outcome = searchNonces(
      TEMPLATE,
      0n,
      { nonceStart: 0, nonceEnd: 2 ** 53 },
      (hashes) => reports.push(hashes) < 3,
      100,
    );
    assert.deepEqual(outcome, { found: false });
    assert.deepEqual(reports, [100, 100, 100]);
  });

  it('counts the hashes up to and including the winning nonce', () => {
    let reported = 0;
    const outcome = searchNonces(REGTEST.genesis, REGTEST.powLimit, { nonceStart: 0, nonceEnd: 10 }, (h) => {
      reported += h;
      return true;
    });
    assert.deepEqual(outcome, { found: true, nonce: 0, timestamp: REGTEST.genesis.timestamp });
    assert.equal(reported, 1);
  });

  it('rejects nonce ranges beyond Number.MAX_SAFE_INTEGER', () => {
    assert.throws(
      () => searchNonces(TEMPLATE, 1n, { nonceStart: 0, nonceEnd: 2 ** 53 + 2 }, always),
      RangeError,
    );
    assert.throws(() => searchNonces(TEMPLATE, 1n, { nonceStart: 5, nonceEnd: 5 }, always), RangeError);
  });
});
