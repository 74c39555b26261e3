import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { BOOTSTRAP_ID, htmlSafeJson, withBootstrap } from '#node/api/app-bootstrap.ts';
import { acceptsEncoding, registerWebApp, sendAppNotFound } from '#node/api/webapp.ts';
import { parseBootstrap } from '../../../web/src/state/bootstrap.ts';

/** Post content written to break out of a script element, open a comment, or inject markup. */
const HOSTILE = [
  '</script><script>alert(1)</script>',
  '<!--',
  '<!-- <script>',
  '</SCRIPT >x',
  '<![CDATA[ ]]> & &amp; \u2028\u2029 "quotes" \\ back',
  '<img src=x onerror=alert(1)>',
];

const INDEX = `<!doctype html>
<html lang="en">
  <head><script type="module" crossorigin src="/assets/index-abc.js"></script></head>
  <body>
    <div id="app"></div>
  </body>
</html>
`;

const STATUS = { network: 'regtest', height: 3, pending: { count: 1, bytes: 90 } };
const FEED = {
  items: HOSTILE.map((content, i) => ({
    id: `${i}`.padStart(64, '0'),
    status: 'confirmed',
    post: { author: `<!--${i}`, content, timestamp: 1_700_000_000 + i },
  })),
};

/** The data block's text as a browser's HTML parser would end it: at the first `</script`. */
function dataBlock(html: string): string {
  const open = `<script type="application/json" id="${BOOTSTRAP_ID}">`;
  const start = html.indexOf(open);
  assert.ok(start >= 0, 'the page carries the data block');
  const body = html.slice(start + open.length);
  return body.slice(0, body.search(/<\/script/i));
}

describe('the page carries its node’s first data (src/node/api/app-bootstrap.ts, webapp.ts)', () => {
  let dist: string;
  let app: FastifyInstance;
  const asked: { url: string; ip: string }[] = [];

  before(async () => {
    dist = mkdtempSync(join(tmpdir(), 'yournet-dist-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), INDEX);
    app = Fastify();
    app.setNotFoundHandler(async (request, reply) =>
      (await sendAppNotFound(app, request, reply)) ? reply : reply.code(404).send({ error: 'NOT_FOUND' }),
    );
    app.get('/api/v1/status', async (request) => {
      asked.push({ url: request.url, ip: request.ip });
      return STATUS;
    });
    app.get('/api/v1/posts', async (request) => {
      asked.push({ url: request.url, ip: request.ip });
      return FEED;
    });
    await registerWebApp(app, { distDir: dist });
  });
  after(async () => {
    await app.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('escapes every <, > and & so that no content can end the element or open a comment', () => {
    const json = htmlSafeJson({ feed: FEED });
    assert.doesNotMatch(json, /[<>&\u2028\u2029]/);
    assert.deepEqual(JSON.parse(json), { feed: FEED }, 'the same JSON to JSON.parse');
    const html = withBootstrap(INDEX, { config: { node: null }, feed: FEED });
    assert.equal(html.match(/<script/gi)?.length, 2, 'the data block is the only script added');
    assert.ok(html.indexOf(BOOTSTRAP_ID) > html.indexOf('<div id="app">'), 'after the head and the app root');
    assert.ok(html.trimEnd().endsWith('</body>\n</html>'));
  });

  it('serves / with the status and the first feed page inline, which the app reads back exactly', async () => {
    const response = await app.inject({ url: '/', remoteAddress: '10.1.2.3' });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['cache-control'], 'no-cache', 'live data: never cached unchecked');
    assert.match(String(response.headers['content-type']), /^text\/html; charset=utf-8/);
    assert.equal(response.headers.link, undefined, 'nothing left to preload');
    const block = dataBlock(response.body);
    const data = parseBootstrap(block);
    assert.deepEqual(data, { config: { node: null }, status: STATUS, feed: FEED });
    for (const content of HOSTILE) assert.ok(!block.includes(content), content);
    // Asked as the visitor: its read budget, not another address's.
    assert.deepEqual(
      asked.splice(0).map((a) => a.ip),
      ['10.1.2.3', '10.1.2.3'],
    );
  });

  it('other routes and the 404 page carry the config only; an app server for another node too', async () => {
    const explorer = await app.inject('/explorer');
    assert.deepEqual(parseBootstrap(dataBlock(explorer.body)), { config: { node: null } });
    const missing = await app.inject({ url: '/nope', headers: { accept: 'text/html' } });
    assert.equal(missing.statusCode, 404);
    assert.deepEqual(parseBootstrap(dataBlock(missing.body)), { config: { node: null } });
    assert.deepEqual(asked.splice(0), [], 'no data asked off the feed page');
    const other = Fastify();
    await registerWebApp(other, { distDir: dist, node: 'http://127.0.0.1:8000' });
    const page = await other.inject('/');
    assert.deepEqual(parseBootstrap(dataBlock(page.body)), { config: { node: 'http://127.0.0.1:8000' } });
    await other.close();
  });

  it('compresses the page as the browser accepts (brotli, then gzip), Vary: Accept-Encoding', async () => {
    const br = await app.inject({ url: '/', headers: { 'accept-encoding': 'gzip, deflate, br' } });
    assert.equal(br.headers['content-encoding'], 'br');
    assert.match(String(br.headers.vary), /accept-encoding/i);
    assert.ok(brotliDecompressSync(br.rawPayload).toString().includes(BOOTSTRAP_ID));
    const gz = await app.inject({ url: '/', headers: { 'accept-encoding': 'gzip, br;q=0' } });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.ok(gunzipSync(gz.rawPayload).toString().includes(BOOTSTRAP_ID));
    const plain = await app.inject({ url: '/', headers: { 'accept-encoding': 'identity' } });
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.ok(plain.body.includes(BOOTSTRAP_ID));
    assert.equal(acceptsEncoding('BR;q=0.5', 'br'), true);
    assert.equal(acceptsEncoding('br;q=0, gzip', 'br'), false);
    assert.equal(acceptsEncoding(undefined, 'gzip'), false);
  });

  it('a failing status or feed route leaves the page without that part (the app fetches it)', async () => {
    const bare = Fastify();
    bare.get('/api/v1/status', async () => {
      throw new Error('broken');
    });
    await registerWebApp(bare, { distDir: dist });
    const page = await bare.inject('/');
    assert.equal(page.statusCode, 200);
    assert.deepEqual(parseBootstrap(dataBlock(page.body)), { config: { node: null } });
    assert.match(String(page.headers.link), /\/api\/v1\/status>; rel=preload/);
    assert.match(String(page.headers.link), /\/api\/v1\/posts\?limit=50>; rel=preload/);
    await bare.close();
  });

  it('a page built without its data is sent but not kept: the next load is built again', async () => {
    let failing = true;
    const flaky = Fastify();
    flaky.get('/api/v1/status', async (_request, reply) =>
      failing ? reply.code(429).send({ error: 'RATE_LIMITED' }) : STATUS,
    );
    flaky.get('/api/v1/posts', async () => FEED);
    await registerWebApp(flaky, { distDir: dist, pageKey: () => 'unchanged' });
    const limited = await flaky.inject('/');
    assert.deepEqual(parseBootstrap(dataBlock(limited.body)), { config: { node: null }, feed: FEED });
    failing = false;
    const full = await flaky.inject('/');
    assert.deepEqual(parseBootstrap(dataBlock(full.body)), {
      config: { node: null },
      status: STATUS,
      feed: FEED,
    });
    failing = true;
    const kept = await flaky.inject('/');
    assert.equal(kept.body, full.body, 'a complete page is kept for the same key');
    await flaky.close();
  });
});
