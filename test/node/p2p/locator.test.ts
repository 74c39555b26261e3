import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chainView } from '#node/p2p/adapters.ts';
import { buildLocator, headersAfter, MAX_HEADERS_PER_ANSWER } from '#node/p2p/locator.ts';
import type { BlockIndexEntry } from '#node/store/blocks.ts';
import { extend, testChain } from '../../helpers/chain.ts';

function grow(count: number) {
  const { chain } = testChain();
  const entries: BlockIndexEntry[] = [chain.tip];
  for (let i = 0; i < count; i++) entries.push(extend(chain, chain.tip));
  return { chain, entries };
}

describe('block locators and headers answers', () => {
  it('a locator holds the 10 newest hashes, then exponential steps back, ending at the genesis', () => {
    const { chain, entries } = grow(40);
    const locator = buildLocator(chainView(chain));
    const heights = locator.map((hash) => chain.getEntry(hash)!.height);
    assert.deepEqual(heights, [40, 39, 38, 37, 36, 35, 34, 33, 32, 31, 29, 25, 17, 1, 0]);
    assert.equal(locator.at(-1), entries[0]!.hash);
  });

  it('a genesis-only chain has the genesis as its locator', () => {
    const { chain } = testChain();
    assert.deepEqual(buildLocator(chainView(chain)), [chain.params.genesisHash]);
  });

  it('answers the headers after the first locator hash on the best chain, through stop', () => {
    const { chain, entries } = grow(12);
    const after5 = headersAfter(
      chainView(chain),
      ['00'.repeat(32), entries[5]!.hash, entries[2]!.hash],
      undefined,
    );
    assert.deepEqual(
      after5.map((header) => header.index),
      [6, 7, 8, 9, 10, 11, 12],
    );
    assert.equal(after5[0]!.previous_hash, entries[5]!.hash);
    const stopped = headersAfter(chainView(chain), [entries[5]!.hash], entries[8]!.hash);
    assert.deepEqual(
      stopped.map((header) => header.hash),
      [entries[6]!.hash, entries[7]!.hash, entries[8]!.hash],
    );
    // No locator hash known: from the genesis.
    assert.equal(headersAfter(chainView(chain), ['11'.repeat(32)], undefined).length, 12);
    assert.deepEqual(headersAfter(chainView(chain), [chain.tip.hash], undefined), []);
  });

  it('a locator entry on a side branch is skipped for the fork point', () => {
    const { chain, entries } = grow(6);
    const side = extend(chain, entries[3]!, [], 7); // lighter side branch at height 4
    const headers = headersAfter(chainView(chain), [side.hash, entries[3]!.hash], undefined);
    assert.deepEqual(
      headers.map((header) => header.index),
      [4, 5, 6],
    );
  });

  it('never answers more than 2000 headers', () => {
    assert.equal(MAX_HEADERS_PER_ANSWER, 2000);
    const { chain } = grow(30);
    assert.equal(headersAfter(chainView(chain), [], undefined, 7).length, 7);
  });
});
