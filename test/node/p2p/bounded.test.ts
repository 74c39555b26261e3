import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Block } from '#core/block.ts';
import { REGTEST } from '#core/params.ts';
import { normalizePeerAddress } from '#node/p2p/address.ts';
import { parseHello, parseInv } from '#node/p2p/messages.ts';
import { misbehaviourPoints } from '#node/p2p/misbehaviour.ts';
import { OrphanPool } from '#node/p2p/orphans.ts';
import { RateLimiter } from '#node/p2p/rate-limit.ts';
import { BoundedSet } from '#node/p2p/seen.ts';

const h = (n: number) => n.toString(16).padStart(64, '0');

function orphan(hash: number, parent: number, size = 10) {
  return { block: { hash: h(hash), previous_hash: h(parent) } as Block, from: 'http://x', size };
}

describe('bounded structures of the network layer', () => {
  it('BoundedSet forgets its oldest members first', () => {
    const set = new BoundedSet(2);
    assert.equal(set.add('a'), true);
    assert.equal(set.add('a'), false);
    set.add('b');
    set.add('c');
    assert.deepEqual([set.has('a'), set.has('b'), set.has('c'), set.size], [false, true, true, 2]);
  });

  it('RateLimiter allows a burst, then the refill rate', () => {
    let now = 0;
    const limiter = new RateLimiter(2, 3, 10, () => now);
    assert.deepEqual(
      [1, 2, 3, 4].map(() => limiter.take('p')),
      [true, true, true, false],
    );
    assert.equal(limiter.take('other'), true, 'buckets are per key');
    now += 500; // one token back
    assert.deepEqual([limiter.take('p'), limiter.take('p')], [true, false]);
  });

  it('OrphanPool is bounded by count and bytes and releases children of an arriving parent', () => {
    const pool = new OrphanPool(3, 100);
    pool.add(orphan(1, 0));
    pool.add(orphan(2, 1));
    pool.add(orphan(3, 1));
    pool.add(orphan(4, 9));
    assert.equal(pool.size, 3);
    assert.equal(pool.has(h(1)), false, 'the oldest was evicted');
    assert.deepEqual(pool.roots().sort(), [h(1), h(9)].sort());
    assert.deepEqual(
      pool
        .takeChildren(h(1))
        .map((o) => o.block.hash)
        .sort(),
      [h(2), h(3)],
    );
    assert.equal(pool.size, 1);
    pool.add(orphan(5, 0, 95));
    assert.equal(pool.has(h(4)), false, 'byte bound evicts too');
    pool.add(orphan(6, 0, 1000));
    assert.equal(pool.has(h(6)), false, 'a single oversized orphan is refused');
  });

  it('misbehaviour: invalid consensus data is 100 points; clock skew, missing parents and timeouts are free', () => {
    for (const code of [
      'BLOCK_BAD_POW',
      'BLOCK_BAD_MERKLE_ROOT',
      'POST_BAD_SIGNATURE',
      'P2P_HEADERS_NOT_LINKED',
      'P2P_LIGHTER_THAN_CLAIMED',
      'P2P_TOO_LARGE',
    ] as const) {
      assert.equal(misbehaviourPoints(code), 100, code);
    }
    for (const code of [
      'BLOCK_TIME_TOO_NEW',
      'BLOCK_PARENT_UNKNOWN',
      'POST_DUPLICATE',
      'P2P_TIMEOUT',
      'P2P_UNREACHABLE',
      'POOL_FULL',
    ] as const) {
      assert.equal(misbehaviourPoints(code), 0, code);
    }
  });

  it('normalises addresses and validates messages', () => {
    assert.deepEqual(normalizePeerAddress('HTTP://LocalHost:8001/'), {
      ok: true,
      url: 'http://localhost:8001',
    });
    assert.equal(normalizePeerAddress('file:///etc/passwd').ok, false);
    const hello = {
      protocol: 1,
      network: 'regtest',
      genesis: REGTEST.genesisHash,
      nonce: 'ab'.repeat(16),
      url: 'http://127.0.0.1:8000/',
      height: 0,
      tip: REGTEST.genesisHash,
      chainwork: '2',
      key: 'cd'.repeat(32),
    };
    const parsed = parseHello(hello);
    assert.ok(parsed.ok && parsed.value.url === 'http://127.0.0.1:8000');
    assert.equal(parseHello({ ...hello, nonce: 'short' }).ok, false);
    assert.equal(parseHello({ ...hello, url: 'ftp://x' }).ok, false);
    assert.equal(parseHello({ ...hello, key: undefined }).ok, false, 'a hello names its node key');
    assert.equal(parseInv({ blocks: ['AB'.repeat(32)] }).ok, false);
    assert.equal(parseInv({ posts: Array(1001).fill(h(1)) }).ok, false);
    assert.ok(parseInv({ posts: [h(1)], tip: { hash: h(2), height: 3, chainwork: 'ff' } }).ok);
  });
});
