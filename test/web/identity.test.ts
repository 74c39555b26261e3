import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { newKeyFile, readKeyFile, writeKeyFile } from '#cli/keyfile.ts';
import { nobleCrypto } from '#core/crypto-noble.ts';
import { nodeCrypto } from '#node/crypto-node.ts';
import {
  avatarHue,
  avatarInitial,
  exportKeyFile,
  fingerprint,
  KEY_FILE_TYPE,
  nameProblem,
  newIdentity,
  parseKeyFile,
  shortFingerprint,
} from '../../web/src/lib/identity-format.ts';
import { normalizeNodeUrl } from '../../web/src/lib/node-url.ts';

const KEY = '3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29';

describe('web identity: fingerprints and avatars', () => {
  it('fingerprints a key as the CLI does, and shortly for the feed', () => {
    assert.equal(fingerprint(KEY), '3b6a:27bc:ceb6:a42d');
    assert.equal(shortFingerprint(KEY), '3b6a:27bc');
  });

  it("takes the avatar's letter from the first code point, upper-cased", () => {
    assert.equal(avatarInitial('satoshi'), 'S');
    assert.equal(avatarInitial('  émile'), 'É');
    assert.equal(avatarInitial('😀 smile'), '😀');
    assert.equal(avatarInitial('   '), '?');
  });

  it('gives each key a stable hue', () => {
    assert.equal(avatarHue(KEY), avatarHue(KEY));
    assert.ok(avatarHue(KEY) >= 0 && avatarHue(KEY) < 360);
    assert.notEqual(avatarHue('alice'), avatarHue('bob'));
  });

  it("checks display names by the protocol's author rule", () => {
    assert.equal(nameProblem('Alice'), undefined);
    assert.match(nameProblem('  ')!, /Enter your name/);
    assert.match(nameProblem('a\u0007b')!, /control/);
    assert.match(nameProblem('x'.repeat(65))!, /longer than 64/);
    assert.equal(nameProblem('x'.repeat(64)), undefined);
  });
});

describe('web identity: key files', () => {
  it('exports a key file that imports back to the same key and name', () => {
    const identity = newIdentity(nobleCrypto, new Date('2025-01-01T00:00:00Z'));
    const text = exportKeyFile(identity, 'Alice');
    const data = JSON.parse(text);
    assert.equal(data.type, KEY_FILE_TYPE);
    assert.equal(data.public_key, identity.publicKey);
    assert.equal(data.name, 'Alice');
    const parsed = parseKeyFile(text, nobleCrypto);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.identity, identity);
    assert.equal(parsed.name, 'Alice');
  });

  it('reads the key files `yournet keygen` writes (no name)', () => {
    const privateKey = nodeCrypto.randomPrivateKey();
    const publicKey = Buffer.from(nodeCrypto.publicKey(privateKey)).toString('hex');
    const text = JSON.stringify({
      type: 'yournet-ed25519',
      public_key: publicKey,
      private_key: Buffer.from(privateKey).toString('hex'),
      created_at: '2025-01-01T00:00:00.000Z',
    });
    const parsed = parseKeyFile(text, nobleCrypto);
    assert.ok(parsed.ok);
    assert.equal(parsed.identity.publicKey, publicKey);
    assert.equal(parsed.name, undefined);
  });

  it('refuses what is not a key file, with a reason', () => {
    const identity = newIdentity(nobleCrypto);
    const good = JSON.parse(exportKeyFile(identity, ''));
    const cases: [string, RegExp][] = [
      ['not json', /not JSON/],
      ['[]', /not a YourNet key file/],
      [JSON.stringify({ ...good, type: 'other' }), /type is not/],
      [JSON.stringify({ ...good, private_key: 'AB'.repeat(32) }), /64 lowercase hex/],
      [JSON.stringify({ ...good, private_key: 'ab' }), /64 lowercase hex/],
      [JSON.stringify({ ...good, public_key: '00'.repeat(32) }), /does not belong/],
    ];
    for (const [text, reason] of cases) {
      const parsed = parseKeyFile(text, nobleCrypto);
      assert.equal(parsed.ok, false, text);
      if (!parsed.ok) assert.match(parsed.message, reason);
    }
  });

  it('drops an unusable name but keeps the key', () => {
    const identity = newIdentity(nobleCrypto);
    const text = JSON.stringify({ ...JSON.parse(exportKeyFile(identity, '')), name: 'x'.repeat(100) });
    const parsed = parseKeyFile(text, nobleCrypto);
    assert.ok(parsed.ok);
    assert.equal(parsed.name, undefined);
  });
});

describe('key files between the CLI and the app (one format, both directions)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'yournet-keyfile-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('the app imports what `yournet keygen` writes, to the same key', () => {
    const path = join(dir, 'cli-key.json');
    const file = newKeyFile();
    writeKeyFile(path, file);
    if (process.platform !== 'win32') assert.equal(statSync(path).mode & 0o777, 0o600);
    const parsed = parseKeyFile(readFileSync(path, 'utf8'), nobleCrypto);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.identity, {
      privateKey: file.private_key,
      publicKey: file.public_key,
      createdAt: file.created_at,
    });
  });

  it('the CLI reads what the app exports (the name is only extra)', () => {
    const identity = newIdentity(nobleCrypto);
    const path = join(dir, 'app-key.json');
    writeFileSync(path, exportKeyFile(identity, 'Alice'));
    const key = readKeyFile(path);
    assert.equal(key.publicKey, identity.publicKey);
    assert.equal(Buffer.from(key.privateKey).toString('hex'), identity.privateKey);
  });

  it('both read the files the old CLI and the old app wrote, and refuse the same bad ones', () => {
    const publicKey = Buffer.from(nodeCrypto.publicKey(Buffer.from(KEY, 'hex'))).toString('hex');
    const oldCli = `${JSON.stringify({ type: 'yournet-ed25519', public_key: publicKey, private_key: KEY, created_at: '2025-01-01T00:00:00.000Z' }, null, 2)}\n`;
    const oldApp = JSON.stringify({ ...JSON.parse(oldCli), name: 'Zoë' });
    const noPublicKey = JSON.stringify({ type: 'yournet-ed25519', private_key: KEY });
    for (const [label, text] of [
      ['old CLI file', oldCli],
      ['old app file', oldApp],
      ['file without public_key', noPublicKey],
    ]) {
      const path = join(dir, 'old.json');
      writeFileSync(path, text!);
      assert.equal(readKeyFile(path).publicKey, publicKey, label);
      const parsed = parseKeyFile(text!, nobleCrypto);
      assert.ok(parsed.ok, label);
      assert.equal(parsed.identity.publicKey, publicKey, label);
    }
    const mismatched = JSON.stringify({ ...JSON.parse(oldCli), public_key: '00'.repeat(32) });
    writeFileSync(join(dir, 'bad.json'), mismatched);
    assert.throws(() => readKeyFile(join(dir, 'bad.json')), /bad\.json: .*does not belong/);
    assert.equal(parseKeyFile(mismatched, nobleCrypto).ok, false);
  });
});

describe('web node addresses', () => {
  it('normalises what a person types', () => {
    assert.equal(normalizeNodeUrl('http://127.0.0.1:8000/'), 'http://127.0.0.1:8000');
    assert.equal(normalizeNodeUrl(' 127.0.0.1:8001 '), 'http://127.0.0.1:8001');
    assert.equal(normalizeNodeUrl('https://node.example/yournet/'), 'https://node.example/yournet');
    assert.equal(normalizeNodeUrl(''), undefined);
    assert.equal(normalizeNodeUrl('ftp://host'), undefined);
    assert.equal(normalizeNodeUrl('http://host/?x=1'), undefined);
    assert.equal(normalizeNodeUrl('http://user:pw@host'), undefined);
  });
});
