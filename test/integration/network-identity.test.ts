import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { type FakePeer, startFakePeer } from '../helpers/fake-peer.ts';
import { call, waitFor } from '../helpers/network.ts';
import { type NodeProcess, startNodeProcess } from '../helpers/process.ts';

interface P2PStatus {
  counts: { inbound: number; outbound: number; known: number };
  connected: { url: string; key: string; direction: string }[];
  known: { url: string; discouragedUntil: number | null }[];
}

const p2pStatus = async (url: string): Promise<P2PStatus> => (await call(`${url}/p2p/status`)).body;
const discouraged = async (node: string, url: string) =>
  (await p2pStatus(node)).known.some((row) => row.url === url && row.discouragedUntil !== null);

/**
 * Issue 9, findings 1, 2, 5 and 6 (kept as tests): a peer is a connection with a proven node
 * key, not a claim in a header or a body. Real node processes on loopback, scripted fakes.
 */
describe('peer identity, slots and the outbound policy', () => {
  let a: NodeProcess;
  let b: NodeProcess;
  const fakes: FakePeer[] = [];
  const extra: NodeProcess[] = [];

  before(async () => {
    a = await startNodeProcess({ args: ['--max-inbound', '4'] });
    // Findings 5 and 6 register hundreds of addresses from one client; the per-address limit of
    // /register_node (tested in test/node/api/limits.test.ts) is lifted so the table itself is tested.
    b = await startNodeProcess({ args: ['--peer', a.url, '--rate-limit-scale', '100'] });
    await waitFor('B connected to A', async () => (await p2pStatus(a.url)).counts.inbound === 1, 15_000);
  });
  after(async () => {
    for (const fake of fakes) await fake.close();
    for (const node of [a, b, ...extra]) {
      await node.stop();
      rmSync(node.dataDir, { recursive: true, force: true });
    }
  });

  it('finding 1: a forged X-YourNet-Peer header gets nobody banned; /p2p/inv needs a session', async () => {
    for (let i = 0; i < 5; i++) {
      const forged = await call(`${a.url}/p2p/inv`, { posts: 'x' }, { 'x-yournet-peer': b.url });
      assert.equal(forged.status, 401);
      assert.equal(forged.body.error, 'P2P_NO_SESSION');
    }
    const bogus = await call(
      `${a.url}/p2p/inv`,
      { posts: 'x' },
      { authorization: `YourNet-Session ${'0'.repeat(64)}` },
    );
    assert.equal(bogus.status, 401);
    assert.equal(await discouraged(a.url, b.url), false);
    assert.ok(
      (await p2pStatus(a.url)).connected.some((peer) => peer.url === b.url),
      'B is still connected',
    );
  });

  it('finding 1, variant: a forged tip only costs its sender, never another peer', async () => {
    const fake = await startFakePeer({ '/p2p/addr': () => ({ peers: [] }) });
    fakes.push(fake);
    const session = await fake.connect(a.url);
    const tip = { hash: 'ee'.repeat(32), height: 1_000_000, chainwork: 'f'.repeat(60) };
    // Announced on the fake's own session: the claim is bound to the fake, not to B.
    const sent = await call(
      `${a.url}/p2p/inv`,
      { posts: [], blocks: [], tip },
      { authorization: `YourNet-Session ${session}` },
    );
    assert.equal(sent.status, 202);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(await discouraged(a.url, b.url), false, 'B is never blamed');
    assert.ok((await p2pStatus(a.url)).connected.some((peer) => peer.url === b.url));
  });

  it("finding 1, variant: a handshake with D's URL is refused by connecting back; D is never banned nor stored", async () => {
    const d = await startNodeProcess({});
    extra.push(d);
    const liar = await startFakePeer({});
    fakes.push(liar);
    const hello = { ...liar.hello(), url: d.url, challenge: 'ab'.repeat(32) };
    const step1 = await call(`${a.url}/p2p/handshake`, hello);
    assert.equal(step1.status, 200, 'step 1 only signs; nothing is stored yet');
    // The liar cannot finish with D's URL: D answers the connect-back with D's key.
    await assert.rejects(liar.connect(a.url, undefined, d.url), { code: 'P2P_BAD_HANDSHAKE' });
    const status = await p2pStatus(a.url);
    assert.equal(
      status.known.some((row) => row.url === d.url),
      false,
      "D's URL is not stored",
    );
    assert.equal(await discouraged(a.url, d.url), false);
  });

  it("finding 2: full inbound slots evict a fake for an honest node; outbound slots stay the node's own", async () => {
    // A has 4 inbound slots: B holds one, the fake of the tip test one; fill the rest and more.
    for (let i = 0; i < 6; i++) {
      const fake = await startFakePeer({ '/p2p/addr': () => ({ peers: [] }) });
      fakes.push(fake);
      await fake.connect(a.url).catch(() => undefined);
    }
    const full = await p2pStatus(a.url);
    assert.ok(full.counts.inbound <= 4, `inbound ${full.counts.inbound} within its limit`);
    const honest = await startNodeProcess({ args: ['--peer', a.url] });
    extra.push(honest);
    await waitFor(
      'the honest node to get an inbound slot',
      async () => (await p2pStatus(a.url)).connected.some((peer) => peer.url === honest.url),
      15_000,
    );
    // A's own outbound connections do not compete with inbound ones.
    const c = await startNodeProcess({});
    extra.push(c);
    const registered = await call(`${a.url}/register_with`, { node_address: c.url });
    assert.equal(registered.status, 200, JSON.stringify(registered.body));
    assert.ok((await p2pStatus(a.url)).counts.inbound <= 4);
  });

  it('finding 5: peer addresses are base URLs, in one canonical spelling, dialled once', async () => {
    const target = await startFakePeer({});
    fakes.push(target);
    const port = new URL(target.url).port;
    const withPath = await call(`${b.url}/register_node`, { node_address: `${target.url}/admin/x` });
    assert.equal(withPath.status, 400);
    for (const spelling of ['0x7f000001', '2130706433', '127.1', '[::ffff:127.0.0.1]']) {
      for (let i = 0; i < 20; i++) {
        const answer = await call(`${b.url}/register_node`, { node_address: `http://${spelling}:${port}` });
        assert.equal(answer.status, 200);
      }
    }
    const stored = (await p2pStatus(b.url)).known.filter((row) => row.url.endsWith(`:${port}`));
    assert.deepEqual(
      stored.map((row) => row.url),
      [`http://127.0.0.1:${port}`],
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    const dials = target.requests.filter((path) => path === '/p2p/handshake').length;
    assert.ok(dials <= 2, `80 registrations made ${dials} handshakes (backoff after a failure)`);
    assert.equal(
      target.requests.some((path) => path.startsWith('/admin')),
      false,
    );
  });

  it('finding 6: the peers table is bounded and /p2p/status stays small', async () => {
    const batch = 50;
    for (let i = 0; i < 1100; i += batch) {
      await Promise.all(
        Array.from({ length: batch }, (_, j) =>
          call(`${b.url}/register_node`, {
            node_address: `http://127.0.0.${2 + ((i + j) % 200)}:${20_000 + i + j}`,
          }),
        ),
      );
    }
    const status = await call(`${b.url}/p2p/status`);
    assert.ok(status.body.counts.known <= 1000, `known ${status.body.counts.known}`);
    assert.ok(JSON.stringify(status.body).length < 64 * 1024, 'status answer bounded');
  });
});
