import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { boundFetch } from '#node/p2p/bound-fetch.ts';
import { PeerError, RefusedError } from '#node/p2p/errors.ts';
import { HttpTransport } from '#node/p2p/http-transport.ts';
import { NodeIdentity } from '#node/p2p/identity.ts';
import { NetStats } from '#node/p2p/transport.ts';

/** `--outbound-address`: peer requests leave from the given local IP, with the transport's defences intact. */
describe('boundFetch and HttpTransport with an outbound address', () => {
  let server: Server;
  let url: string;
  const sources: string[] = [];
  const hanging: ServerResponse[] = [];

  before(async () => {
    server = createServer((request, response) => {
      sources.push(request.socket.remoteAddress ?? '');
      const path = request.url ?? '';
      if (path.startsWith('/p2p/addr')) response.end('{"peers":["http://127.0.0.1:1"]}');
      else if (path === '/p2p/headers') response.writeHead(302, { location: 'http://127.0.0.1:1/' }).end();
      else if (path === '/p2p/blocks') {
        response.writeHead(200, { 'content-type': 'application/json' });
        for (let i = 0; i < 30; i++) response.write('x'.repeat(1024 * 1024));
        response.end();
      } else if (path === '/p2p/handshake') {
        response
          .writeHead(503, { 'content-type': 'application/json' })
          .end('{"error":"P2P_TOO_MANY_PEERS","message":"full","peers":["http://127.0.0.1:2"]}');
      } else if (path === '/empty') response.writeHead(204).end();
      else hanging.push(response); // /p2p/inv: never answers
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const transport = new HttpTransport({
    identity: NodeIdentity.ephemeral(),
    sessionFor: () => undefined,
    allowPrivate: true,
    stats: new NetStats(),
    timeoutMs: 300,
    outboundAddress: '127.0.1.7',
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

  it('sends every request from the outbound address, on kept-alive connections', async () => {
    assert.deepEqual(await transport.addresses(url), ['http://127.0.0.1:1']);
    assert.deepEqual(await transport.addresses(url), ['http://127.0.0.1:1']);
    assert.deepEqual(sources.slice(-2), ['127.0.1.7', '127.0.1.7']);
  });

  it('keeps the defences: no redirect followed, the size cap while streaming, timeouts, refusals with addresses', async () => {
    assert.equal(await code(transport.headers(url, ['00'.repeat(32)])), 'P2P_REDIRECT');
    assert.equal(await code(transport.blocks(url, ['00'.repeat(32)])), 'P2P_TOO_LARGE');
    assert.equal(
      await code(transport.announce(url, { posts: [], blocks: [], tip: undefined })),
      'P2P_TIMEOUT',
    );
    await assert.rejects(
      transport.handshake(url, {
        protocol: 2,
        network: 'regtest',
        genesis: '00'.repeat(32),
        nonce: 'ab'.repeat(16),
        url: null,
        height: 0,
        tip: '00'.repeat(32),
        chainwork: '1',
        agent: 'test',
        key: NodeIdentity.ephemeral().publicKey,
      }),
      (error) =>
        error instanceof RefusedError &&
        error.code === 'P2P_TOO_MANY_PEERS' &&
        error.addresses[0] === 'http://127.0.0.1:2',
    );
    assert.equal(await code(transport.addresses('http://127.0.0.1:1')), 'P2P_UNREACHABLE');
  });

  it('answers a body-less status, and refuses an address that is not an IP', async () => {
    const response = await boundFetch('127.0.1.7')(`${url}/empty`, {});
    assert.equal(response.status, 204);
    assert.equal(await response.text(), '');
    assert.throws(() => boundFetch('localhost'), /not an IP address/);
  });
});
