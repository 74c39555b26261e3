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
});
