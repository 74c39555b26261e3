import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';

const DIST = new URL('../../web/dist/', import.meta.url).pathname;
const BUDGET = 100 * 1024;

/** A check of the build output (`npm test` builds first): the JavaScript budget. */
describe('web build output', () => {
  it('exists with index.html and hashed assets', () => {
    assert.ok(existsSync(join(DIST, 'index.html')), 'web/dist/index.html: run npm run build');
    const html = readFileSync(join(DIST, 'index.html'), 'utf8');
    assert.match(html, /<title>YourNet: Decentralized content sharing<\/title>/);
    assert.match(html, /<script type="module" crossorigin src="\/assets\/index-[\w-]+\.js"><\/script>/);
    assert.doesNotMatch(
      html.replace(/<script[^>]*src=[^>]*><\/script>/g, ''),
      /<script/,
      'no inline script (CSP)',
    );
  });

  it('keeps all JavaScript within 100 KB gzip', () => {
    const files = readdirSync(join(DIST, 'assets')).filter((name) => name.endsWith('.js'));
    assert.ok(files.length > 0);
    const total = files.reduce(
      (sum, name) => sum + gzipSync(readFileSync(join(DIST, 'assets', name)), { level: 9 }).length,
      0,
    );
    assert.ok(total <= BUDGET, `JavaScript is ${total} bytes gzip, over ${BUDGET}`);
  });

  it('loads no post-writing code and no preact/compat with the first page', () => {
    const html = readFileSync(join(DIST, 'index.html'), 'utf8');
    const first = [...html.matchAll(/(?:src|href)="\/assets\/([\w.-]+\.js)"/g)].map((match) => match[1]!);
    assert.ok(first.length > 0);
    const marks = {
      // SHA-256's first round constant (0x428a2f98): core/sha256-fixed.ts, the stamps' hashing.
      'stamp hashing': '1116352408',
      // A small-order Ed25519 point in core/post.ts's weak-key table: parsing and signing posts.
      'post code': 'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
      // The key vault's key derivation (WebCrypto).
      'key vault': 'deriveKey',
      // Set by preact/compat only.
      'preact/compat': 'isPureReactComponent',
    };
    for (const name of first) {
      const code = readFileSync(join(DIST, 'assets', name), 'utf8');
      for (const [what, mark] of Object.entries(marks)) {
        assert.ok(!code.includes(mark), `${name} holds the ${what}`);
      }
    }
  });

  it('loads no Ed25519 code with the first page; the service worker caches every chunk', () => {
    const html = readFileSync(join(DIST, 'index.html'), 'utf8');
    const first = [...html.matchAll(/(?:src|href)="\/assets\/([\w.-]+\.js)"/g)].map((match) => match[1]!);
    assert.ok(first.length > 0);
    // The Ed25519 field prime (2^255 - 19), in every build of @noble/curves' Ed25519.
    const prime = '7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffed';
    for (const name of first) {
      assert.ok(!readFileSync(join(DIST, 'assets', name), 'utf8').includes(prime), `${name} holds Ed25519`);
    }
    const chunks = readdirSync(join(DIST, 'assets')).filter((name) => /\.(js|css)$/.test(name));
    assert.ok(
      chunks.some((name) => readFileSync(join(DIST, 'assets', name), 'utf8').includes(prime)),
      'the Ed25519 code is a chunk of its own',
    );
    const worker = readFileSync(join(DIST, 'sw.js'), 'utf8');
    const listed = JSON.parse(/const BUILD_ASSETS = (\[.*?\]);/.exec(worker)?.[1] ?? '[]') as string[];
    assert.deepEqual([...listed].sort(), chunks.map((name) => `/assets/${name}`).sort());
    assert.doesNotMatch(worker, /const VERSION = 'dev';/);
  });
});
