import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toHex } from '#core/bytes.ts';
import {
  fingerprint,
  generateKeyFile,
  KEY_FILE_TYPE,
  keyFile,
  parseKeyFile,
  serializeKeyFile,
} from '#core/keyfile.ts';
import { PORTS, testKey } from '../helpers/core.ts';

const PRIVATE = toHex(testKey('alice'));

describe('key file format (core)', () => {
  for (const [name, crypto] of PORTS) {
    const PUBLIC = toHex(crypto.publicKey(testKey('alice')));

    it(`${name}: a generated file serialises to pretty JSON in field order and parses back`, () => {
      const file = generateKeyFile(crypto, new Date('2025-01-01T00:00:00Z'));
      const text = serializeKeyFile(file);
      assert.ok(text.endsWith('}\n'));
      assert.deepEqual(Object.keys(JSON.parse(text)), ['type', 'public_key', 'private_key', 'created_at']);
      const parsed = parseKeyFile(text, crypto);
      assert.ok(parsed.ok);
      assert.deepEqual(parsed.key, {
        privateKey: file.private_key,
        publicKey: file.public_key,
        createdAt: '2025-01-01T00:00:00.000Z',
      });
    });

    it(`${name}: the name is written only when not blank, and read back`, () => {
      const base = { privateKey: PRIVATE, publicKey: PUBLIC, createdAt: '2025-01-01T00:00:00.000Z' };
      assert.equal(keyFile({ ...base, name: '  ' }).name, undefined);
      const text = serializeKeyFile(keyFile({ ...base, name: 'Alice' }));
      assert.deepEqual(Object.keys(JSON.parse(text)), [
        'type',
        'public_key',
        'private_key',
        'created_at',
        'name',
      ]);
      const parsed = parseKeyFile(text, crypto);
      assert.ok(parsed.ok);
      assert.equal(parsed.key.name, 'Alice');
    });

    it(`${name}: derives a missing public key and defaults a missing creation date`, () => {
      const parsed = parseKeyFile(JSON.stringify({ type: KEY_FILE_TYPE, private_key: PRIVATE }), crypto);
      assert.ok(parsed.ok);
      assert.equal(parsed.key.publicKey, PUBLIC);
      assert.equal(parsed.key.createdAt, '1970-01-01T00:00:00.000Z');
    });

    it(`${name}: refuses what is not a key file, with a reason`, () => {
      const good = { type: KEY_FILE_TYPE, public_key: PUBLIC, private_key: PRIVATE, created_at: 'x' };
      const cases: [string, RegExp][] = [
        ['not json', /not a YourNet key file \(it is not JSON\)/],
        ['[]', /not a YourNet key file\.$/],
        ['null', /not a YourNet key file\.$/],
        [JSON.stringify({ ...good, type: 'other' }), /type is not "yournet-ed25519"/],
        [
          JSON.stringify({ ...good, private_key: PRIVATE.toUpperCase() }),
          /private key must be 64 lowercase hex/,
        ],
        [JSON.stringify({ ...good, private_key: 'ab' }), /private key must be 64 lowercase hex/],
        [JSON.stringify({ ...good, private_key: undefined }), /private key must be 64 lowercase hex/],
        [
          JSON.stringify({ ...good, public_key: PUBLIC.toUpperCase() }),
          /public key must be 64 lowercase hex/,
        ],
        [JSON.stringify({ ...good, public_key: 7 }), /public key must be 64 lowercase hex/],
        [JSON.stringify({ ...good, public_key: '00'.repeat(32) }), /does not belong to its private key/],
      ];
      for (const [text, reason] of cases) {
        const parsed = parseKeyFile(text, crypto);
        assert.equal(parsed.ok, false, text);
        if (!parsed.ok) assert.match(parsed.message, reason, text);
      }
    });
  }

  it('fingerprints a public key as four groups of four hex digits', () => {
    assert.equal(fingerprint('0123456789abcdef'.repeat(4)), '0123:4567:89ab:cdef');
  });
});
