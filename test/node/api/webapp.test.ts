import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerCors } from '#node/api/cors.ts';
import { APP_CSP, registerWebApp, sendAppNotFound } from '#node/api/webapp.ts';

function appWith(distDir: string, node?: string): Promise<FastifyInstance> {
  const app = Fastify();
  // As the node's server does (src/node/api/server.ts): browsers get the app, clients JSON.
  app.setNotFoundHandler(async (request, reply) =>
    (await sendAppNotFound(app, request, reply))
      ? reply
      : reply.code(404).send({ error: 'NOT_FOUND', message: `no route ${request.method} ${request.url}` }),
  );
  registerCors(app);
  app.get('/api/v1/status', async () => ({ ok: true }));
  return registerWebApp(app, { distDir, ...(node !== undefined ? { node } : {}) }).then(() => app);
}

/** A bundle big enough to be worth compressing, as scripts/compress-web.mjs would leave it. */
const BUNDLE = `export const words = ${JSON.stringify(Array.from({ length: 400 }, (_, i) => `word${i % 37}`))};\n`;

describe('web app serving (src/node/api/webapp.ts, cors.ts)', () => {
  let dist: string;
  let app: FastifyInstance;

  before(async () => {
    dist = mkdtempSync(join(tmpdir(), 'yournet-dist-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>app</title>');
    writeFileSync(join(dist, 'assets', 'index-abc.js'), 'console.log(1)');
    writeFileSync(join(dist, 'favicon.svg'), '<svg/>');
    writeFileSync(join(dist, 'assets', 'app-def.js'), BUNDLE);
    writeFileSync(join(dist, 'assets', 'app-def.js.br'), brotliCompressSync(BUNDLE));
    writeFileSync(join(dist, 'assets', 'app-def.js.gz'), gzipSync(BUNDLE));
    writeFileSync(join(dist, 'manifest.webmanifest'), '{"name":"YourNet"}');
    writeFileSync(join(dist, 'sw.js'), 'self.addEventListener("fetch", () => {})');
    app = await appWith(dist);
  });
  after(async () => {
    await app.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('serves index.html with the CSP at / and at every app route', async () => {
    for (const url of [
      '/',
      '/post/abc',
      '/block/12',
      '/author/ab12',
      '/search?q=x',
      '/explorer',
      '/identity',
    ]) {
      const response = await app.inject(url);
      assert.equal(response.statusCode, 200, url);
      // index.html with the app's data block (app-bootstrap.ts; webapp-bootstrap.test.ts).
      assert.ok(
        response.body.startsWith('<!doctype html><title>app</title><script type="application/json"'),
        url,
      );
      assert.equal(response.headers['content-security-policy'], APP_CSP);
      assert.match(response.headers['content-type'] as string, /text\/html/);
    }
    assert.match(APP_CSP, /script-src 'self';/);
    assert.doesNotMatch(APP_CSP, /unsafe/);
  });

  it('serves hashed assets with a long cache, and /config.json', async () => {
    const asset = await app.inject('/assets/index-abc.js');
    assert.equal(asset.statusCode, 200);
    assert.match(asset.headers['cache-control'] as string, /immutable/);
    assert.match(asset.headers['content-type'] as string, /javascript/);
    assert.equal((await app.inject('/favicon.svg')).statusCode, 200);
    assert.deepEqual((await app.inject('/config.json')).json(), { node: null });
    const other = await appWith(dist, 'http://127.0.0.1:8000');
    assert.deepEqual((await other.inject('/config.json')).json(), { node: 'http://127.0.0.1:8000' });
    await other.close();
  });

  it('sends the precompressed bundle the browser accepts (brotli, then gzip), identity otherwise', async () => {
    const cases = [
      { accept: 'gzip, deflate, br, zstd', encoding: 'br', decode: brotliDecompressSync },
      { accept: 'br;q=1.0, gzip;q=0.8', encoding: 'br', decode: brotliDecompressSync },
      { accept: 'gzip, deflate', encoding: 'gzip', decode: gunzipSync },
      { accept: 'identity', encoding: undefined, decode: (body: Buffer) => body },
      { accept: undefined, encoding: undefined, decode: (body: Buffer) => body },
    ];
    for (const { accept, encoding, decode } of cases) {
      const response = await app.inject({
        url: '/assets/app-def.js',
        headers: accept === undefined ? {} : { 'accept-encoding': accept },
      });
      assert.equal(response.statusCode, 200, accept);
      assert.equal(response.headers['content-encoding'], encoding, accept);
      assert.match(response.headers.vary as string, /accept-encoding/i, accept);
      assert.match(response.headers['content-type'] as string, /javascript/, accept);
      assert.equal(response.headers['cache-control'], 'public, max-age=31536000, immutable', accept);
      assert.equal(response.headers['content-security-policy'], APP_CSP);
      assert.equal(decode(response.rawPayload).toString(), BUNDLE, accept);
      if (encoding !== undefined) assert.ok(response.rawPayload.length < BUNDLE.length / 2, accept);
    }
    // A file without compressed siblings is sent as it is, whatever the browser accepts.
    const plain = await app.inject({
      url: '/assets/index-abc.js',
      headers: { 'accept-encoding': 'br, gzip' },
    });
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(plain.body, 'console.log(1)');
  });

  it("index.html preloads what the app fetches first and the page does not carry: its node's status and first feed page", async () => {
    // The status is inlined on / (this server answers it); the feed route is missing here, so
    // the feed page is preloaded instead of inlined.
    assert.equal(
      (await app.inject('/')).headers.link,
      '</api/v1/posts?limit=50>; rel=preload; as=fetch; crossorigin=anonymous',
    );
    const explorer = (await app.inject('/explorer')).headers.link as string;
    assert.match(explorer, /<\/api\/v1\/status>; rel=preload; as=fetch/);
    assert.doesNotMatch(explorer, /\/api\/v1\/posts/, 'the feed only where it is shown');
    assert.doesNotMatch(explorer, /config\.json/, 'the config is in the page');
    // An app server for another node (yournet app --node) cannot preload that node's answers.
    const other = await appWith(dist, 'http://127.0.0.1:8000');
    assert.equal((await other.inject('/')).headers.link, undefined);
    await other.close();
  });

  it('index.html, the service worker and the manifest are revalidated on every load', async () => {
    assert.equal((await app.inject('/')).headers['cache-control'], 'no-cache');
    const worker = await app.inject('/sw.js');
    assert.equal(worker.statusCode, 200);
    assert.equal(worker.headers['cache-control'], 'no-cache');
    assert.match(worker.headers['content-type'] as string, /javascript/);
    const manifest = await app.inject('/manifest.webmanifest');
    assert.equal(manifest.statusCode, 200);
    assert.equal(manifest.headers['cache-control'], 'no-cache');
    assert.match(manifest.headers['content-type'] as string, /application\/manifest\+json/);
    assert.deepEqual(manifest.json(), { name: 'YourNet' });
    // Root files missing from a build are 404s, not 500s.
    assert.equal((await app.inject('/icon-192.png')).statusCode, 404);
  });

  it('does not swallow 404s: unknown API paths and files keep the JSON error', async () => {
    for (const url of ['/api/v1/nope', '/assets/missing.js', '/nope', '/assets/../index.html']) {
      const response = await app.inject(url);
      assert.equal(response.statusCode, 404, url);
      assert.equal(response.json().error, 'NOT_FOUND');
    }
  });

  it("a browser's page load of an unknown path gets the app with 404; other requests keep JSON", async () => {
    const html = 'text/html,application/xhtml+xml,*/*;q=0.8';
    for (const url of ['/nope', '/api/v1/nope', '/post/a/b']) {
      const response = await app.inject({ url, headers: { accept: html } });
      assert.equal(response.statusCode, 404, url);
      assert.match(String(response.headers['content-type']), /^text\/html/);
      assert.equal(response.headers['content-security-policy'], APP_CSP);
      assert.match(response.body, /<title>app<\/title>/);
    }
    const posted = await app.inject({ method: 'POST', url: '/nope', headers: { accept: html } });
    assert.equal(posted.statusCode, 404);
    assert.equal(posted.json().error, 'NOT_FOUND');
    const empty = mkdtempSync(join(tmpdir(), 'yournet-nodist-'));
    const bare = await appWith(empty);
    const unbuilt = await bare.inject({ url: '/nope', headers: { accept: html } });
    assert.equal(unbuilt.json().error, 'NOT_FOUND');
    await bare.close();
    rmSync(empty, { recursive: true, force: true });
  });

  it('keeps the placeholder page when the app is not built', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'yournet-nodist-'));
    const bare = await appWith(empty);
    const response = await bare.inject('/');
    assert.equal(response.statusCode, 200);
    assert.match(response.body, /The web app is not built/);
    await bare.close();
    rmSync(empty, { recursive: true, force: true });
  });

  it('allows cross-origin requests and answers preflights', async () => {
    const simple = await app.inject({ url: '/api/v1/status', headers: { origin: 'http://127.0.0.1:5000' } });
    assert.equal(simple.headers['access-control-allow-origin'], '*');
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/api/v1/posts',
      headers: {
        origin: 'http://127.0.0.1:5000',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    assert.equal(preflight.statusCode, 204);
    assert.match(preflight.headers['access-control-allow-methods'] as string, /POST/);
    assert.match(preflight.headers['access-control-allow-headers'] as string, /content-type/);
    const sameOrigin = await app.inject('/api/v1/status');
    assert.equal(sameOrigin.headers['access-control-allow-origin'], undefined);
  });
});
