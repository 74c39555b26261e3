import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nobleCrypto } from '#core/crypto-noble.ts';
import { postSize, validatePost } from '#core/post.ts';
import { bitsForWork, checkStamp, grindStamp, postWork } from '#core/stamp.ts';
import { newIdentity } from '../../web/src/lib/identity-format.ts';
import { describeWorkTime, HashRate } from '../../web/src/state/hash-rate.ts';
import { draftPost, pricedSize, signDraft } from '../../web/src/state/signed-post.ts';

describe('web stamping', () => {
  it('stamps the draft (key set), then signs: the node credits the work and accepts the signature', () => {
    const identity = newIdentity(nobleCrypto);
    const draft = draftPost(identity, 'alice', 'hello', undefined, 1_700_000_000_000);
    assert.equal(draft.pubkey, identity.publicKey, 'the stamp commits to the key');
    const bits = bitsForWork(256n);
    const ground = grindStamp(draft, bits, nobleCrypto, { count: 1_000_000 });
    assert.ok(ground.found);
    const signed = signDraft(nobleCrypto, identity, draft, 1_700_000_000_000, ground.stamp);
    assert.ok(signed.ok);
    assert.deepEqual(signed.post.stamp, ground.stamp);
    assert.ok(validatePost(signed.post, nobleCrypto).ok);
    const credited = checkStamp(signed.post, nobleCrypto);
    assert.ok(credited.ok && credited.value >= 256n);
    assert.ok(postWork(signed.post) >= 256n);
    assert.ok(pricedSize(draft) >= postSize(signed.post), 'the priced size covers stamp and signature');
  });

  it('a stamp ground before the content changed no longer matches', () => {
    const identity = newIdentity(nobleCrypto);
    const draft = draftPost(identity, 'alice', 'hello', undefined, 1_700_000_000_000);
    const bits = bitsForWork(1n << 16n);
    const ground = grindStamp(draft, bits, nobleCrypto, { count: 4_000_000 });
    assert.ok(ground.found);
    const changed = signDraft(
      nobleCrypto,
      identity,
      { ...draft, content: 'hello!' },
      1_700_000_000_000,
      ground.stamp,
    );
    // The form check (checkPost) runs the stamp check: 1 in 2^16 that the old nonce still meets it.
    assert.equal(changed.ok, false);
  });

  it('estimates from a probe on all cores, then from what a real run measured', () => {
    let probes = 0;
    const rate = new HashRate(
      () => {
        probes++;
        return 100_000;
      },
      () => 4,
    );
    assert.equal(rate.estimate(nobleCrypto), 400_000);
    assert.equal(rate.estimate(nobleCrypto), 400_000);
    assert.equal(probes, 1, 'the probe runs once');
    rate.observe(10, 0.01);
    assert.equal(rate.estimate(nobleCrypto), 400_000, 'a lucky run too short to time is ignored');
    rate.observe(1_000_000, 2);
    assert.equal(rate.estimate(nobleCrypto), 500_000);
  });

  it('says the expected time in words', () => {
    assert.equal(describeWorkTime(0.01), '< 0.1 s');
    assert.equal(describeWorkTime(0.83), '≈ 0.8 s');
    assert.equal(describeWorkTime(42.4), '≈ 42 s');
    assert.equal(describeWorkTime(600), '≈ 10 min');
    assert.equal(describeWorkTime(Number.POSITIVE_INFINITY), 'too long');
  });
});
