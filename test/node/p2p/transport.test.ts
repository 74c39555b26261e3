import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { merkleRoot } from '#core/merkle.ts';
import { REGTEST } from '#core/params.ts';
import { blockJsonLimits, scanJson } from '#node/api/bounded-json.ts';
import { PeerError } from '#node/p2p/errors.ts';
import { blocksAnswerLimits, HttpTransport } from '#node/p2p/http-transport.ts';
import { NodeIdentity } from '#node/p2p/identity.ts';
import { NetStats } from '#node/p2p/transport.ts';
import { idOf, makePost } from '../../helpers/chain.ts';
import { blockOnGenesis } from '../../helpers/fake-peer.ts';

const POSTS = Array.from({ length: 40 }, (_, i) => makePost(`answer ${i}`));
const BLOCK = blockOnGenesis(POSTS, merkleRoot(POSTS.map(idOf)));

/** /p2p/blocks answers by the first hash asked: 00 too many bytes, 01 a flood of `{}`, 02 honest, 03 cut. */
function blocksAnswer(first: string): string | undefined {
  if (first === '01'.repeat(32)) return `{"blocks":[${'{},'.repeat(200_000)}{}]}`;
  if (first === '02'.repeat(32)) return JSON.stringify({ blocks: [BLOCK] });
  if (first === '03'.repeat(32)) return '{"blocks":[{"index":';
  return undefined;
}

/** The HTTP transport's defences, against a local server answering whatever each path says. */
describe('HttpTransport', () => {
  let server: Server;
  let url: string;
  const seenHeaders: (string | undefined)[] = [];
  const hanging: ServerResponse[] = [];

  before(async () => {
    server = createServer((request, response) => {
      seenHeaders.push(request.headers.authorization);
      const path = request.url ?? '';
      if (path.startsWith('/p2p/addr')) response.end('{"peers":["http://127.0.0.1:1"]}');
      else if (path === '/p2p/headers') {
        response.writeHead(302, { location: 'http://127.0.0.1:1/' }).end();
      } else if (path === '/p2p/blocks') {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          const asked = JSON.parse(Buffer.concat(chunks).toString()) as { hashes: string[] };
          const answer = blocksAnswer(asked.hashes[0]!);
          if (answer !== undefined) {
            response.writeHead(200, { 'content-type': 'application/json' }).end(answer);
            return;
          }
          // Chunked (no content-length): the cap must hold while streaming.
          response.writeHead(200, { 'content-type': 'application/json' });
          const chunk = 'x'.repeat(1024 * 1024);
          for (let i = 0; i < 30; i++) response.write(chunk);
          response.end();
        });
      } else if (path === '/p2p/handshake') {
        response
          .writeHead(400, { 'content-type': 'application/json' })
          .end('{"error":"P2P_WRONG_NETWORK","message":"<script>remote text</script>"}');
      } else if (path.startsWith('/p2p/posts')) response.end('not json');
      else hanging.push(response); // /p2p/inv: never answers
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const stats = new NetStats();
  const session = 'ab'.repeat(32);
  const transport = new HttpTransport({
    identity: NodeIdentity.ephemeral(),
    sessionFor: () => session,
    allowPrivate: true,
    stats,
    timeoutMs: 300,
  });

  async function code(promise: Promise<unknown>): Promise<string> {
    try {
      await promise;
    } catch (error) {
      assert.ok(error instanceof PeerError);
      return error.code;
    }
    return 'resolved';
  }

  it('answers parsed, typed values and names its session, never a URL it claims', async () => {
    assert.deepEqual(await transport.addresses(url), ['http://127.0.0.1:1']);
    assert.equal(seenHeaders.at(-1), `YourNet-Session ${session}`);
    assert.ok(stats.bytesReceived > 0 && stats.requestsSent > 0);
  });

  it('never follows a redirect', async () => {
    assert.equal(await code(transport.headers(url, ['00'.repeat(32)])), 'P2P_REDIRECT');
  });

  it('stops reading past the size cap, even without a content-length', async () => {
    assert.equal(await code(transport.blocks(url, ['00'.repeat(32)])), 'P2P_TOO_LARGE');
  });

  it('scans a block answer before parsing it: a flood of tiny objects is P2P_TOO_LARGE, a cut one P2P_BAD_MESSAGE', async () => {
    assert.equal(await code(transport.blocks(url, ['01'.repeat(32)])), 'P2P_TOO_LARGE');
    assert.equal(await code(transport.blocks(url, ['03'.repeat(32)])), 'P2P_BAD_MESSAGE');
    assert.deepEqual(await transport.blocks(url, ['02'.repeat(32)]), [BLOCK]);
  });

  it("the answer limits hold honest answers of the densest valid posts, within each block's limits", () => {
    const dense = { author: 'a', content: 'b', timestamp: 0, stamp: { bits: 1, nonce: 0 } };
    const block = { ...BLOCK, transactions: Array.from({ length: 1000 }, () => dense) };
    const text = JSON.stringify({ blocks: [block, block, block] });
    const limits = blocksAnswerLimits(blockJsonLimits(REGTEST), 3, text.length);
    assert.equal(scanJson(text, limits).ok, true);
    assert.equal(
      blocksAnswerLimits(blockJsonLimits(REGTEST), 1, 1e9).maxElements,
      3 + blockJsonLimits(REGTEST).maxElements + 1,
    );
  });

  it('times out on a silent peer', async () => {
    const started = Date.now();
    assert.equal(
      await code(transport.announce(url, { posts: [], blocks: [], tip: undefined })),
      'P2P_TIMEOUT',
    );
    assert.ok(Date.now() - started < 5000);
  });

  it("keeps the peer's error code, never its text, and refuses non-JSON", async () => {
    const hello = { network: 'regtest', key: 'cd'.repeat(32) } as never;
    await assert.rejects(transport.handshake(url, hello), (error: Error) => {
      assert.ok(error instanceof PeerError);
      assert.equal(error.code, 'P2P_WRONG_NETWORK');
      assert.doesNotMatch(error.message, /script|remote text/);
      return true;
    });
    assert.equal(await code(transport.posts(url, ['00'.repeat(32)])), 'P2P_BAD_MESSAGE');
  });

  it('reports an unreachable peer', async () => {
    assert.equal(await code(transport.addresses('http://127.0.0.1:1')), 'P2P_UNREACHABLE');
  });

  it('refuses loopback, private and link-local targets unless allowed, whatever the spelling', async () => {
    const strict = new HttpTransport({
      identity: NodeIdentity.ephemeral(),
      sessionFor: () => undefined,
      allowPrivate: false,
      stats: new NetStats(),
      timeoutMs: 300,
    });
    const sent = stats.requestsSent;
    for (const target of [url, 'http://10.1.2.3:80', 'http://169.254.169.254', 'http://[::1]:8000']) {
      assert.equal(await code(strict.addresses(target)), 'P2P_ADDRESS_REFUSED', target);
    }
    assert.equal(stats.requestsSent, sent);
  });
});
