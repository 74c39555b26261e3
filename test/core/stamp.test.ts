import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type Block, checkBlockBeforeSignatures } from '#core/block.ts';
import { decodeBits, encodeBits } from '#core/compact.ts';
import { ErrorCode } from '#core/errors.ts';
import { merkleRoot } from '#core/merkle.ts';
import { MAIN, REGTEST } from '#core/params.ts';
import { checkPost, type Post, postId, signPost, validatePost } from '#core/post.ts';
import { blockWork } from '#core/pow.ts';
import {
  bitsForWork,
  checkStamp,
  grindStamp,
  parseStamp,
  stampDigest,
  stampHash,
  stampWork,
} from '#core/stamp.ts';
import { mined, PORTS, testKey } from '../helpers/core.ts';

const [, crypto] = PORTS[0]!;
const BASE: Post = { author: 'alice', content: 'stamped hello', timestamp: 1795392060 };
/** 2^8 expected attempts: quick to grind in a test. */
const BITS_256 = bitsForWork(256n);

/** The stamp hash from the spec's text, with node:crypto only (an independent reference). */
function referenceStampHash(post: Post): string {
  const { signature: _s, stamp, ...rest } = post;
  const keys = Object.keys(rest).sort();
  const canonical = JSON.stringify(rest, keys);
  const d = createHash('sha256').update(canonical, 'utf8').digest();
  const pre = Buffer.alloc(52);
  pre.write('YNSTAMP\u0001', 0, 'latin1');
  d.copy(pre, 8);
  pre.writeUInt32BE(stamp!.bits, 40);
  pre.writeUInt32BE(Math.floor(stamp!.nonce / 2 ** 32), 44);
  pre.writeUInt32BE(stamp!.nonce >>> 0, 48);
  return createHash('sha256').update(pre).digest('hex');
}

function stamped(post: Post, bits = BITS_256): Post {
  const found = grindStamp(post, bits, crypto, { count: 1_000_000 });
  assert.ok(found.found);
  return { ...post, stamp: found.stamp };
}

describe('stamps: credited work', () => {
  it('is 2^256 / (target + 1) of the bits, as a block', () => {
    for (const bits of [0x207fffff, 0x1f00ffff, 0x1d00ffff, REGTEST.powLimitBits]) {
      assert.equal(stampWork(bits), blockWork(decodeBits(bits)!));
    }
    assert.equal(stampWork(0x00800000), undefined);
  });

  it('bitsForWork gives the easiest bits crediting at least the work asked', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 1n << 200n }), (work) => {
        const bits = bitsForWork(work);
        const credited = stampWork(bits)!;
        assert.ok(credited >= work, `${credited} < ${work}`);
        // One step easier in the last mantissa unit would credit less (or the target is the top).
        const target = decodeBits(bits)!;
        const easier = target + (target >> 22n) + 1n;
        if (easier < 1n << 256n) {
          const eb = encodeBits(easier);
          if (eb !== bits) assert.ok(stampWork(eb)! < work || decodeBits(eb)! <= target);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('stamps: form and validity', () => {
  it('a ground stamp checks and matches the reference hash', () => {
    const post = stamped(BASE);
    assert.equal(
      stampHash(post as Post & { stamp: { bits: number; nonce: number } }, crypto),
      referenceStampHash(post),
    );
    const checked = checkStamp(post, crypto);
    assert.ok(checked.ok);
    assert.equal(checked.value, stampWork(BITS_256));
    assert.ok(checkPost(post, crypto).ok);
  });

  it('a stamp above its target is POST_BAD_STAMP', () => {
    const good = stamped(BASE);
    // The first nonce before the winner failed (grind returns the first success).
    let nonce = good.stamp!.nonce - 1;
    if (nonce < 0) nonce = good.stamp!.nonce + 1;
    const bad = { ...good, stamp: { bits: BITS_256, nonce } };
    const hash = BigInt(`0x${referenceStampHash(bad)}`);
    if (hash > decodeBits(BITS_256)!) {
      const result = checkPost(bad, crypto);
      assert.equal(result.ok, false);
      assert.equal(!result.ok && result.code, ErrorCode.POST_BAD_STAMP);
    }
  });

  it('a lucky hash far below a weak target is credited only the target', () => {
    const weak = 0x207fffff; // target ≈ 2^255: work 2
    let best: Post | undefined;
    for (let n = 0; n < 4096 && best === undefined; n++) {
      const post = { ...BASE, stamp: { bits: weak, nonce: n } };
      if (BigInt(`0x${referenceStampHash(post)}`) < decodeBits(weak)! >> 8n) best = post;
    }
    assert.ok(best, 'a hash 256× below the weak target within 4096 nonces');
    const checked = checkStamp(best, crypto);
    assert.ok(checked.ok);
    assert.equal(checked.value, stampWork(weak));
  });

  it('a stamp no longer matches when the content changes', () => {
    const good = stamped(BASE, bitsForWork(1n << 16n));
    const changed = { ...good, content: 'stamped hellO' };
    const result = checkPost(changed, crypto);
    // 2^-16 chance that the old nonce still fits: the reference decides.
    const fits = BigInt(`0x${referenceStampHash(changed)}`) <= decodeBits(good.stamp!.bits)!;
    assert.equal(result.ok, fits);
  });

  it('the id and the signature commit to the stamp; unstamped ids do not change', () => {
    const unsignedId = postId(BASE, crypto);
    const withStamp = stamped(BASE);
    assert.notEqual(postId(withStamp, crypto), unsignedId);
    const key = testKey('stamp-signer');
    // Sign after grinding: the stamp digest commits to the pubkey, so grind with the key set.
    const withKey = { ...BASE, pubkey: signPost(BASE, key, crypto).pubkey! };
    const signed = signPost(stamped(withKey), key, crypto);
    assert.ok(validatePost(signed, crypto).ok);
    const moved = { ...signed, stamp: { ...signed.stamp!, nonce: signed.stamp!.nonce + 1 } };
    const result = validatePost(moved, crypto);
    assert.equal(result.ok, false);
  });

  it('the form: exactly {bits, nonce}, canonical bits, a safe nonce', () => {
    for (const bad of [
      null,
      [],
      {},
      { bits: BITS_256 },
      { bits: BITS_256, nonce: 1, x: 1 },
      { bits: 0x00800000, nonce: 1 },
      { bits: 0x03000000, nonce: 1 },
      { bits: BITS_256, nonce: -1 },
      { bits: BITS_256, nonce: 1.5 },
      { bits: BITS_256, nonce: 2 ** 53 },
      { bits: '1', nonce: 1 },
    ]) {
      const parsed = parseStamp(bad);
      assert.equal(parsed.ok, false, JSON.stringify(bad));
      assert.equal(!parsed.ok && parsed.code, ErrorCode.POST_BAD_STAMP);
    }
    assert.ok(parseStamp({ nonce: 0, bits: BITS_256 }).ok);
  });

  it('grinding splits into ranges: the same first nonce from any split', () => {
    const digest = stampDigest(BASE, crypto);
    const whole = grindStamp(BASE, BITS_256, crypto, { count: 100_000 }, digest);
    assert.ok(whole.found);
    let found: number | undefined;
    for (let start = 0; found === undefined && start < 100_000; start += 37) {
      const part = grindStamp(BASE, BITS_256, crypto, { start, count: 37 }, digest);
      if (part.found) found = part.stamp.nonce;
    }
    assert.equal(found, whole.stamp.nonce);
    let stops = 0;
    const stopped = grindStamp(BASE, bitsForWork(1n << 60n), crypto, {
      batch: 10,
      shouldStop: () => ++stops === 3,
    });
    assert.deepEqual(stopped, { found: false, stopped: true });
  });
});

describe('stamps: the consensus floor in blocks', () => {
  function blockWith(posts: Post[]): Block {
    const ids = posts.map((p) => postId(p, crypto));
    return mined({
      version: 1,
      index: 1,
      previous_hash: REGTEST.genesisHash,
      merkle_root: merkleRoot(ids),
      timestamp: REGTEST.genesis.timestamp + 60,
      bits: REGTEST.powLimitBits,
      nonce: 0,
      hash: '',
      transactions: posts,
    });
  }

  it('regtest (floor 0) takes unstamped posts; a raised floor refuses them', () => {
    const block = blockWith([BASE]);
    assert.ok(checkBlockBeforeSignatures(block, REGTEST, crypto).ok);
    const raised = { ...REGTEST, minStampWork: 256 };
    const refused = checkBlockBeforeSignatures(block, raised, crypto);
    assert.equal(!refused.ok && refused.code, ErrorCode.BLOCK_POST_STAMP_TOO_WEAK);
    assert.ok(checkBlockBeforeSignatures(blockWith([stamped(BASE)]), raised, crypto).ok);
  });

  it('main has a floor of 2^12 and a bad stamp in a block is POST_BAD_STAMP', () => {
    assert.equal(MAIN.minStampWork, 4096);
    const good = stamped(BASE);
    const bad = { ...good, stamp: { bits: good.stamp!.bits, nonce: good.stamp!.nonce + 1 } };
    if (BigInt(`0x${referenceStampHash(bad)}`) > decodeBits(BITS_256)!) {
      const result = checkBlockBeforeSignatures(blockWith([bad]), REGTEST, crypto);
      assert.equal(!result.ok && result.code, ErrorCode.POST_BAD_STAMP);
    }
  });
});
