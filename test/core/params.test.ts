import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeBits } from '../../src/core/compact.ts';
import { headerHash } from '../../src/core/header.ts';
import { NETWORKS } from '../../src/core/params.ts';
import { meetsTarget } from '../../src/core/pow.ts';

describe('network parameters', () => {
  for (const params of Object.values(NETWORKS)) {
    it(`${params.name}: the pinned genesis hash is the hash of its header and meets its target`, () => {
      assert.equal(headerHash(params.genesis), params.genesisHash);
      assert.equal(params.genesis.hash, params.genesisHash);
      assert.ok(meetsTarget(params.genesisHash, decodeBits(params.genesis.bits)!));
      assert.equal(params.genesis.index, 0);
      assert.deepEqual(params.genesis.transactions, []);
    });
  }
  it('main and regtest have different genesis blocks', () => {
    assert.notEqual(NETWORKS.main.genesisHash, NETWORKS.regtest.genesisHash);
  });
});
