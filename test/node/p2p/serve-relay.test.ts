import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { compactForm } from '#node/p2p/compact-block.ts';
import { HttpTransport } from '#node/p2p/http-transport.ts';
import { NetStats } from '#node/p2p/transport.ts';
import { extend, idOf, makePost } from '../../helpers/chain.ts';
import { startTestNode } from '../../helpers/node.ts';

type TestNode = Awaited<ReturnType<typeof startTestNode>>;

/** The serving side of compact relay and pending sync (§11.8), over real HTTP between in-process nodes. */
describe('serving /p2p/compact, /p2p/blocktxn and /p2p/pending', () => {
  const nodes: TestNode[] = [];
  after(async () => {
    for (const node of nodes) await node.close();
  });

  it('serves them on a live session only, bounded and checked, and answers 4xx JSON to bad requests', async () => {
    const a = await startTestNode({ p2p: { syncIntervalMs: 3_600_000 } });
    nodes.push(a);
    const b = await startTestNode({ p2p: { syncIntervalMs: 3_600_000 } });
    nodes.push(b);
    const chain = a.node.context.chain;
    const posts = [makePost('served 1'), makePost('served 2'), makePost('served 3')];
    const entry = extend(chain, chain.tip, posts);
    const pending = makePost('still pending');
    await a.node.context.mempool.submit(pending);
    await b.node.context.network.registerWith(a.node.url, 10_000);
    const net = b.node.context.network;
    // B's session with A, through a transport of its own so the calls are this test's.
    const transport = new HttpTransport({
      identity: net.identity,
      sessionFor: (url) => net.peers.get(url)?.session,
      allowPrivate: true,
      stats: new NetStats(),
    });

    const compact = await transport.compactBlock(a.node.url, entry.hash);
    const block = chain.blockBody(entry.hash)!;
    assert.deepEqual(compact, compactForm(block, posts.map(idOf)));
    assert.deepEqual(await transport.blockPosts(a.node.url, entry.hash, [0, 2]), [posts[0], posts[2]]);
    assert.deepEqual(await transport.pendingIds(a.node.url, 0), { ids: [idOf(pending)], next: null });

    const raw = async (path: string, body?: unknown, session = true) => {
      const headers: Record<string, string> =
        body === undefined ? {} : { 'content-type': 'application/json' };
      if (session) headers.authorization = `YourNet-Session ${net.peers.get(a.node.url)!.session}`;
      const response = await fetch(`${a.node.url}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as { error?: string } };
    };
    const refusals: [string, unknown, boolean, number, string][] = [
      [`/p2p/compact?hash=${entry.hash}`, undefined, false, 401, 'P2P_NO_SESSION'],
      [`/p2p/pending`, undefined, false, 401, 'P2P_NO_SESSION'],
      ['/p2p/blocktxn', { hash: entry.hash, indexes: [0] }, false, 401, 'P2P_NO_SESSION'],
      ['/p2p/compact?hash=xyz', undefined, true, 400, 'P2P_BAD_MESSAGE'],
      [`/p2p/compact?hash=${'ab'.repeat(32)}`, undefined, true, 404, 'NOT_FOUND'],
      ['/p2p/blocktxn', { hash: entry.hash, indexes: [3] }, true, 404, 'NOT_FOUND'],
      ['/p2p/blocktxn', { hash: entry.hash, indexes: [1, 0] }, true, 400, 'P2P_BAD_MESSAGE'],
      ['/p2p/blocktxn', { hash: entry.hash, indexes: [] }, true, 400, 'P2P_BAD_MESSAGE'],
      ['/p2p/blocktxn', [1, 2], true, 400, 'P2P_BAD_MESSAGE'],
      ['/p2p/pending?after=-1', undefined, true, 400, 'P2P_BAD_MESSAGE'],
    ];
    for (const [path, body, session, status, code] of refusals) {
      const answer = await raw(path, body, session);
      assert.deepEqual([answer.status, answer.body.error], [status, code], path);
    }
    // A served answer is counted by kind on both sides.
    const served = a.node.context.network.stats.byKind.compact!;
    assert.ok(served.messages >= 1 && served.bytesSent > 0);
  });

  it('a new block is pushed compactly to the outbound peer, which rebuilds it from its pool without asking', async () => {
    const a = await startTestNode({ p2p: { syncIntervalMs: 3_600_000 } });
    nodes.push(a);
    const b = await startTestNode({ p2p: { syncIntervalMs: 3_600_000 } });
    nodes.push(b);
    // A is B's outbound peer.
    await b.node.context.network.registerWith(a.node.url, 10_000);
    const posts = [makePost('pushed 1'), makePost('pushed 2')];
    for (const post of posts) await a.node.context.mempool.submit(post);
    const chainB = b.node.context.chain;
    const entry = extend(chainB, chainB.tip, posts);
    const netA = a.node.context.network;
    const statsB = b.node.context.network.stats;
    for (
      let i = 0;
      i < 100 && (a.node.context.chain.tip.hash !== entry.hash || statsB.relay.pushesSent === 0);
      i++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(a.node.context.chain.tip.hash, entry.hash, 'A connected the pushed block');
    assert.equal(netA.stats.relay.pushesReceived, 1);
    assert.equal(statsB.relay.pushesSent, 1);
    assert.equal(netA.stats.relay.postsFetched, 0, 'every post came from the pool');
    for (const kind of ['compact', 'blocktxn', 'blocks']) {
      assert.equal(netA.stats.byKind[kind], undefined, `A asked nothing (${kind})`);
    }
    // B's session with A names B on every request it makes there.
    const session = b.node.context.network.peers.get(a.node.url)!.session;
    const push = async (body: unknown, withSession: boolean) => {
      const response = await fetch(`${a.node.url}/p2p/cmpctblock`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(withSession ? { authorization: `YourNet-Session ${session}` } : {}),
        },
        body: JSON.stringify(body),
      });
      return [response.status, ((await response.json()) as { error?: string }).error];
    };
    assert.deepEqual(await push({ header: {}, ids: [] }, false), [401, 'P2P_NO_SESSION']);
    assert.deepEqual(await push({ header: { hash: 'xyz' }, ids: [] }, true), [400, 'P2P_BAD_MESSAGE']);
    assert.equal(netA.peers.get(b.node.url), undefined, 'a malformed push is misbehaviour (100 points)');
  });
});
