import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
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

describe('web app serving (src/node/api/webapp.ts, cors.ts)', () => {
  let dist: string;
  let app: FastifyInstance;

  before(async () => {
    dist = mkdtempSync(join(tmpdir(), 'yournet-dist-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>app</title>');
    writeFileSync(join(dist, 'assets', 'index-abc.js'), 'console.log(1)');
    writeFileSync(join(dist, 'favicon.svg'), '<svg/>');
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
      assert.equal(response.body, '<!doctype html><title>app</title>');
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
