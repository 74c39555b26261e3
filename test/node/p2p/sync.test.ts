import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { P2PErrorCode } from '#node/p2p/errors.ts';
import { extend, makePost } from '../../helpers/chain.ts';
import { startTestNode } from '../../helpers/node.ts';

type TestNode = Awaited<ReturnType<typeof startTestNode>>;

/** Headers-first sync between in-process nodes over real HTTP on loopback. */
describe('headers-first sync', () => {
  const nodes: TestNode[] = [];
  const leftovers: string[] = [];
  after(async () => {
    for (const node of nodes) await node.close();
    for (const dir of leftovers) rmSync(dir, { recursive: true, force: true });
  });
  const start = async (dataDir?: string) => {
    const node = await startTestNode({
      p2p: { syncIntervalMs: 3_600_000 },
      ...(dataDir !== undefined ? { dataDir } : {}),
    });
    nodes.push(node);
    return node;
  };

  it('fetches more than one 2,000-header answer, then the bodies, and reaches the same tip', async () => {
    const a = await start();
    const chain = a.node.context.chain;
    for (let i = 0; i < 2050; i++) extend(chain, chain.tip, i % 500 === 0 ? [makePost(`sync ${i}`)] : []);
    const b = await start();
    const { synced } = await b.node.context.network.registerWith(a.node.url, 60_000);
    assert.equal(synced, true);
    assert.equal(b.node.context.chain.tip.hash, chain.tip.hash);
    assert.equal(b.node.context.chain.tip.height, 2050);
    assert.ok(
      b.node.context.network.stats.requestsSent >= 3 + Math.ceil(2050 / 100),
      'headers twice, bodies in batches',
    );
    // A third node syncs from both; bodies may come from either.
    const c = await start();
    await c.node.context.network.peers.connect(b.node.url);
    await c.node.context.network.registerWith(a.node.url, 60_000);
    assert.equal(c.node.context.chain.tip.hash, chain.tip.hash);
  });

  it('keeps a discouragement across a restart and refuses the peer afterwards, by URL and by node key', async () => {
    const d = await start();
    const e = await start();
    const evil = e.node.url;
    await d.node.context.network.peers.connect(evil);
    d.node.context.network.peers.misbehaved(evil, P2PErrorCode.HEADERS_NOT_LINKED, 'scripted');
    assert.equal(d.node.context.network.peers.get(evil), undefined, 'disconnected');
    const dataDir = d.dataDir;
    leftovers.push(dataDir);
    await d.node.stop();
    nodes.splice(nodes.indexOf(d), 1);
    const again = await start(dataDir);
    const net = again.node.context.network;
    assert.equal(net.peers.isDiscouraged(evil), true);
    await assert.rejects(net.peers.connect(evil), { code: 'P2P_DISCOURAGED' });
    const row = net.status().known.find((peer) => peer.url === evil);
    assert.match(row?.reason ?? '', /^P2P_HEADERS_NOT_LINKED: scripted/);
    // The same node key, dialing in: refused by its key, whatever URL it gives.
    await assert.rejects(e.node.context.network.peers.connect(again.node.url), { code: 'P2P_DISCOURAGED' });
    assert.equal(net.peerCounts().inbound, 0);
  });
});
