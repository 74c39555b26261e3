import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nobleCrypto } from '#core/crypto-noble.ts';
import { newIdentity } from '../../web/src/lib/identity-format.ts';
import { openSealedKey, parseSealedKey, sealKey } from '../../web/src/state/key-vault.ts';
import { mineAvailability, miningRefusal } from '../../web/src/state/mine-access.ts';

/** Fewer PBKDF2 iterations than the app uses (the least parseSealedKey accepts): the test stays quick. */
const ITERATIONS = 100_000;

describe('web state: the key sealed with a passphrase', () => {
  it('opens with the passphrase only, to the same key and name; the stored entry holds no key in clear', async () => {
    const identity = newIdentity(nobleCrypto);
    const sealed = await sealKey(identity, 'Alice', 'correct horse battery', ITERATIONS);
    const text = JSON.stringify(sealed);
    assert.ok(!text.includes(identity.privateKey), 'the private key is not in the entry');
    assert.deepEqual(parseSealedKey(text), sealed);
    const opened = await openSealedKey(sealed, 'correct horse battery');
    assert.ok(opened.ok);
    assert.equal(opened.identity.privateKey, identity.privateKey);
    assert.equal(opened.identity.publicKey, identity.publicKey);
    assert.equal(opened.name, 'Alice');
    assert.deepEqual(await openSealedKey(sealed, 'wrong horse battery'), {
      ok: false,
      message: 'Wrong passphrase.',
    });
  });

  it('fails on an entry moved to another key or tampered with; never mistakes other JSON for a sealed key', async () => {
    const sealed = await sealKey(newIdentity(nobleCrypto), '', 'passphrase!', ITERATIONS);
    const other = newIdentity(nobleCrypto).publicKey;
    assert.equal((await openSealedKey({ ...sealed, publicKey: other }, 'passphrase!')).ok, false);
    const flipped = (sealed.ciphertext[0] === '0' ? '1' : '0') + sealed.ciphertext.slice(1);
    assert.equal((await openSealedKey({ ...sealed, ciphertext: flipped }, 'passphrase!')).ok, false);
    const plain = newIdentity(nobleCrypto);
    assert.equal(parseSealedKey(JSON.stringify(plain)), undefined, 'a key in clear is not sealed');
    assert.equal(
      parseSealedKey(JSON.stringify({ ...sealed, iterations: 10 })),
      undefined,
      'too few iterations',
    );
    assert.equal(parseSealedKey('{'), undefined);
    assert.equal(parseSealedKey(undefined), undefined);
  });
});

describe('web state: who may request mining', () => {
  it('shows the button when it can work, and says why not otherwise', () => {
    assert.equal(mineAvailability({ token: '' }).can, true, 'an older node: try');
    assert.equal(mineAvailability({ token: '', policy: { policy: 'open', operator: false } }).can, true);
    assert.equal(mineAvailability({ token: '', policy: { policy: 'off', operator: true } }).can, true);
    const off = mineAvailability({ token: '', policy: { policy: 'off', operator: false } });
    assert.ok(!off.can && /does not take mining requests/.test(off.why));
    const token = mineAvailability({ token: '', policy: { policy: 'token', operator: false } });
    assert.ok(!token.can && /enter it in Settings/.test(token.why));
    const wrong = mineAvailability({ token: 'nope', policy: { policy: 'token', operator: false } });
    assert.ok(!wrong.can && /not this node’s token/.test(wrong.why));
    assert.equal(mineAvailability({ token: 't', policy: { policy: 'token', operator: true } }).can, true);
  });

  it('words each refusal by its code', () => {
    assert.match(miningRefusal('UNAUTHORIZED', false, ''), /enter it in Settings/);
    assert.match(miningRefusal('UNAUTHORIZED', true, ''), /refused the mining token/);
    assert.match(miningRefusal('MINE_REQUESTS_OFF', false, ''), /does not take mining requests/);
    assert.match(miningRefusal('RATE_LIMITED', false, ''), /try again shortly/);
    assert.equal(miningRefusal('MINING_FAILED', false, 'boom'), 'Mining failed: boom');
  });
});
