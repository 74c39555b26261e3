import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateBlockStateless } from '#core/block.ts';
import { bigIntToHex256, toHex } from '#core/bytes.ts';
import { decodeBits, encodeBits } from '#core/compact.ts';
import { encodeHeader, headerHash } from '#core/header.ts';
import { EMPTY_MERKLE_ROOT } from '#core/merkle.ts';
import { asertAnchor, MAIN, NETWORKS, REGTEST } from '#core/params.ts';
import { blockWork, meetsTarget } from '#core/pow.ts';
import { PORTS } from '../helpers/core.ts';

describe('network parameters', () => {
  for (const params of Object.values(NETWORKS)) {
    it(`${params.name}: the pinned genesis hash is the hash of its header and meets its target`, () => {
      assert.equal(headerHash(params.genesis), params.genesisHash);
      assert.equal(params.genesis.hash, params.genesisHash);
      assert.ok(meetsTarget(params.genesisHash, decodeBits(params.genesis.bits)!));
      assert.equal(params.genesis.index, 0);
      assert.deepEqual(params.genesis.transactions, []);
    });

    it(`${params.name}: the genesis passes stateless validation on both crypto ports`, () => {
      for (const [, port] of PORTS) {
        const result = validateBlockStateless(params.genesis, params, port);
        assert.ok(result.ok, result.ok ? '' : result.message);
      }
    });

    it(`${params.name}: powLimitBits is the canonical encoding of powLimit, and the genesis uses it`, () => {
      assert.equal(encodeBits(params.powLimit), params.powLimitBits);
      assert.equal(decodeBits(params.powLimitBits), params.powLimit);
      assert.equal(params.genesis.bits, params.powLimitBits);
    });

    it(`${params.name}: the genesis is version 1, dated 2026-11-23, with 64 zeros as parent and no posts`, () => {
      assert.equal(params.genesis.version, 1);
      assert.equal(params.genesis.previous_hash, '0'.repeat(64));
      assert.equal(params.genesis.merkle_root, EMPTY_MERKLE_ROOT);
      assert.equal(new Date(params.genesis.timestamp * 1000).toISOString(), '2026-11-23T00:00:00.000Z');
    });
  }

  it('main and regtest have different genesis blocks', () => {
    assert.notEqual(NETWORKS.main.genesisHash, NETWORKS.regtest.genesisHash);
  });

  it('NETWORKS is keyed by each network’s name', () => {
    assert.deepEqual(Object.keys(NETWORKS).sort(), ['main', 'regtest']);
    for (const [name, params] of Object.entries(NETWORKS)) assert.equal(params.name, name);
    assert.equal(NETWORKS.main, MAIN);
    assert.equal(NETWORKS.regtest, REGTEST);
  });

  it('consensus constants of PROTOCOL.md §8', () => {
    for (const params of [MAIN, REGTEST]) {
      assert.equal(params.targetSpacing, 60);
      assert.equal(params.halfLife, 3600);
      assert.equal(params.maxFutureBlockTime, 7200);
      assert.equal(params.medianTimeSpan, 11);
      assert.equal(params.maxBlockPosts, 10_000);
      assert.equal(params.maxBlockBytes, 4_000_000);
      assert.equal(params.defaultPort, 8000);
    }
    assert.equal(MAIN.powLimitBits, 0x1e0fffff);
    assert.equal(REGTEST.powLimitBits, 0x207fffff);
    assert.equal(bigIntToHex256(MAIN.powLimit), `00000fffff${'0'.repeat(54)}`);
    assert.equal(bigIntToHex256(REGTEST.powLimit), `7fffff${'0'.repeat(58)}`);
    assert.equal(MAIN.difficultyAdjustment, true);
    assert.equal(REGTEST.difficultyAdjustment, false);
    assert.equal(blockWork(MAIN.powLimit), 1048577n);
    assert.equal(blockWork(REGTEST.powLimit), 2n);
  });

  it('the genesis headers are the 92 bytes printed in PROTOCOL.md §8', () => {
    const fixed = `00000001${'00000000'}${'0'.repeat(64)}${EMPTY_MERKLE_ROOT}000000006b038200`;
    assert.equal(toHex(encodeHeader(MAIN.genesis)), `${fixed}1e0fffff000000000006f74c`);
    assert.equal(toHex(encodeHeader(REGTEST.genesis)), `${fixed}207fffff0000000000000000`);
    assert.equal(MAIN.genesisHash, '000008459995b0ee62f67ff69af076b358de67a8657e80f9ba8c7da4403935ef');
    assert.equal(REGTEST.genesisHash, '1ee56b5e654877b8de5861117bd52d346333f48b9b6cfa2d0c2d189ac8b8fa69');
  });

  it('asertAnchor: the genesis, with a parent time one spacing before it', () => {
    assert.deepEqual(asertAnchor(MAIN), { height: 0, parentTime: 1795391940, target: MAIN.powLimit });
    assert.deepEqual(asertAnchor(REGTEST), {
      height: 0,
      parentTime: REGTEST.genesis.timestamp - 60,
      target: REGTEST.powLimit,
    });
  });
});
