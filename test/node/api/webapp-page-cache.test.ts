import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { brotliDecompressSync } from 'node:zlib';
import { REGTEST } from '#core/params.ts';
import { BOOTSTRAP_ID } from '#node/api/app-bootstrap.ts';
import { nodePageKey, PAGE_MAX_AGE_MS, registerWebApp } from '#node/api/webapp.ts';
import type { YourNetNode } from '#node/node.ts';
import { parseBootstrap } from '../../../web/src/state/bootstrap.ts';
import { idOf } from '../../helpers/chain.ts';
import { startTestNode } from '../../helpers/node.ts';
import { postBy } from '../../helpers/queries.ts';

// GET / of a node is built once per state of its chain and pool (and at most PAGE_MAX_AGE_MS
// old), then served again: repeated loads ask nothing and compress nothing.

const INDEX = '<!doctype html><html><body><div id="app"></div></body></html>';

interface Page {
  status: { height: number; tip: string; pending: { count: number } };
  feed: { items: { id: string; status: string }[] };
}

function pageData(html: string): Page {
  const open = `<script type="application/json" id="${BOOTSTRAP_ID}">`;
  const start = html.indexOf(open);
  assert.ok(start >= 0, 'the page carries the data block');
  const body = html.slice(start + open.length);
  return parseBootstrap(body.slice(0, body.indexOf('</script>'))) as unknown as Page;
}

describe('the served page is kept while the node is unchanged (src/node/api/page-cache.ts)', () => {
  let dist: string;
  let node: YourNetNode;
  let close: () => Promise<void>;
  let clock = 1_000_000;
  /** The page's own asks: the status and feed routes the page is built from. */
  const asked: string[] = [];

  before(async () => {
    dist = mkdtempSync(join(tmpdir(), 'yournet-dist-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), INDEX);
    ({ node, close } = await startTestNode({
      extraRoutes: async (app, context) => {
        app.addHook('onRequest', async (request) => {
          if (request.url.startsWith('/api/v1/')) asked.push(request.url);
        });
        await registerWebApp(app, { distDir: dist, pageKey: nodePageKey(context), now: () => clock });
      },
    }));
  });
  after(async () => {
    await close();
    rmSync(dist, { recursive: true, force: true });
  });

  const load = async () => {
    const response = await node.server.inject({ url: '/' });
    assert.equal(response.statusCode, 200);
    return response.body;
  };

  it('two loads with no change: the same body, built once', async () => {
    const first = await load();
    assert.deepEqual(asked.splice(0).sort(), ['/api/v1/posts?limit=50', '/api/v1/status']);
    const second = await load();
    assert.equal(second, first);
    assert.deepEqual(asked.splice(0), [], 'served again: nothing asked');
    const data = pageData(second);
    assert.equal(data.status.height, 0);
    assert.deepEqual(data.feed.items, []);
  });

  it('its compressed form is made once and is the same page', async () => {
    const plain = await load();
    const br = () => node.server.inject({ url: '/', headers: { 'accept-encoding': 'br' } });
    const [a, b] = [await br(), await br()];
    assert.equal(a.headers['content-encoding'], 'br');
    assert.deepEqual(a.rawPayload, b.rawPayload);
    assert.equal(brotliDecompressSync(a.rawPayload).toString(), plain);
    assert.deepEqual(asked.splice(0), []);
  });

  it('a new pending post, then a new block, are on the next load', async () => {
    const before = await load();
    const post = postBy('alice', 'a post for the page');
    const created = await node.server.inject({ method: 'POST', url: '/api/v1/posts', payload: post });
    assert.equal(created.statusCode, 201);
    asked.splice(0);

    const pending = pageData(await load());
    assert.equal(pending.status.pending.count, 1);
    assert.deepEqual(
      pending.feed.items.map((item) => [item.id, item.status]),
      [[idOf(post), 'pending']],
    );
    assert.equal(asked.splice(0).length, 2, 'built again');

    const mined = await node.server.inject({ method: 'POST', url: '/api/v1/mine' });
    assert.equal(mined.statusCode, 201);
    asked.splice(0);
    const confirmed = pageData(await load());
    assert.equal(confirmed.status.height, 1);
    assert.equal(confirmed.status.tip, mined.json().hash);
    assert.notEqual(confirmed.status.tip, REGTEST.genesisHash);
    assert.equal(confirmed.status.pending.count, 0);
    assert.deepEqual(
      confirmed.feed.items.map((item) => [item.id, item.status]),
      [[idOf(post), 'confirmed']],
    );
    assert.equal(asked.splice(0).length, 2, 'built again');
    assert.notEqual(await load(), before);
    assert.deepEqual(asked.splice(0), [], 'then served again');
  });

  it('is built again once it is PAGE_MAX_AGE_MS old (what changes with time alone)', async () => {
    await load();
    asked.splice(0);
    clock += PAGE_MAX_AGE_MS - 1;
    await load();
    assert.deepEqual(asked.splice(0), [], 'still current');
    clock += 1;
    await load();
    assert.equal(asked.splice(0).length, 2, 'built again');
  });
});
