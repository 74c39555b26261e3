import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildLocator, headersAfter, MAX_HEADERS_PER_ANSWER } from '../../../src/node/chain/locator.ts';
import type { BlockIndexEntry } from '../../../src/node/store/blocks.ts';
import { extend, testChain } from '../../helpers/chain.ts';

function grow(count: number) {
  const { chain, store } = testChain();
  const entries: BlockIndexEntry[] = [chain.tip];
  for (let i = 0; i < count; i++) entries.push(extend(chain, chain.tip));
  return { chain, blocks: store.blocks, entries };
}

describe('block locators and headers answers', () => {
  it('a locator holds the 10 newest hashes, then exponential steps back, ending at the genesis', () => {
    const { chain, entries } = grow(40);
    const locator = buildLocator(chain);
    const heights = locator.map((hash) => chain.getEntry(hash)!.height);
    assert.deepEqual(heights, [40, 39, 38, 37, 36, 35, 34, 33, 32, 31, 29, 25, 17, 1, 0]);
    assert.equal(locator.at(-1), entries[0]!.hash);
  });

  it('a genesis-only chain has the genesis as its locator', () => {
    const { chain } = testChain();
    assert.deepEqual(buildLocator(chain), [chain.params.genesisHash]);
  });

  it('answers the headers after the first locator hash on the best chain, through stop', () => {
    const { chain, blocks, entries } = grow(12);
    const after5 = headersAfter(
      blocks,
      chain.tip.height,
      ['00'.repeat(32), entries[5]!.hash, entries[2]!.hash],
      undefined,
    );
    assert.deepEqual(
      after5.map((header) => header.index),
      [6, 7, 8, 9, 10, 11, 12],
    );
    assert.equal(after5[0]!.previous_hash, entries[5]!.hash);
    const stopped = headersAfter(blocks, chain.tip.height, [entries[5]!.hash], entries[8]!.hash);
    assert.deepEqual(
      stopped.map((header) => header.hash),
      [entries[6]!.hash, entries[7]!.hash, entries[8]!.hash],
    );
    // No locator hash known: from the genesis.
    assert.equal(headersAfter(blocks, chain.tip.height, ['11'.repeat(32)], undefined).length, 12);
    assert.deepEqual(headersAfter(blocks, chain.tip.height, [chain.tip.hash], undefined), []);
  });

  it('a locator entry on a side branch is skipped for the fork point', () => {
    const { chain, blocks, entries } = grow(6);
    const side = extend(chain, entries[3]!, [], 7); // lighter side branch at height 4
    const headers = headersAfter(blocks, chain.tip.height, [side.hash, entries[3]!.hash], undefined);
    assert.deepEqual(
      headers.map((header) => header.index),
      [4, 5, 6],
    );
  });

  it('never answers more than 2000 headers', () => {
    assert.equal(MAX_HEADERS_PER_ANSWER, 2000);
    const { chain, blocks } = grow(30);
    assert.equal(headersAfter(blocks, chain.tip.height, [], undefined, 7).length, 7);
  });
});
