import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NodeErrorCode } from '#node/errors.ts';
import { P2PErrorCode, PeerError } from '#node/p2p/errors.ts';
import { MempoolSync } from '#node/p2p/mempool-sync.ts';
import { LIMITS, type PendingPage } from '#node/p2p/messages.ts';
import { NetStats } from '#node/p2p/transport.ts';
import { FakeTransport, fakeHello } from '../../helpers/fake-transport.ts';
import { genesisPeerManager } from '../../helpers/peer-manager.ts';

const A = 'http://a.example';
const h = (n: number) => n.toString(16).padStart(64, '0');

/** A MempoolSync over a FakeTransport whose peer A pages `pages`; this node stores `known`. */
async function setup(pages: (after: number) => Promise<PendingPage>, known: ReadonlySet<string> = new Set()) {
  const transport = new FakeTransport({
    handshake: async (peer) => fakeHello(peer),
    pendingIds: (_p, after) => pages(after),
  });
  const peers = genesisPeerManager(transport);
  await peers.connect(A);
  const fetched: string[][] = [];
  const stats = new NetStats();
  const sync = new MempoolSync({
    transport,
    peers,
    posts: { holdsPost: (id) => known.has(id) },
    fetch: async (url, ids) => {
      assert.equal(url, A);
      fetched.push([...ids]);
    },
    stats,
  });
  return { sync, transport, peers, fetched, stats };
}

describe('mempool sync', () => {
  it('a periodic (incremental) run starts after the last full page read, a session start from the beginning', async () => {
    const asked: number[] = [];
    const s = await setup(async (after) => {
      asked.push(after);
      if (after === 0) return { ids: [h(1)], next: 7 };
      if (after === 7) return { ids: [h(2)], next: 9 };
      return { ids: [h(3)], next: null };
    });
    await s.sync.run(A);
    assert.deepEqual(asked, [0, 7, 9]);
    asked.length = 0;
    await s.sync.run(A, true);
    assert.deepEqual(asked, [9], 'only the last (partial) page and what follows it');
    asked.length = 0;
    await s.sync.run(A);
    assert.deepEqual(asked, [0, 7, 9]);
  });

  it('reads every page of the peer pending ids and fetches only those never stored here', async () => {
    const s = await setup(
      async (after) =>
        after === 0 ? { ids: [h(1), h(2), h(3)], next: 7 } : { ids: [h(4), h(5)], next: null },
      new Set([h(2), h(5)]),
    );
    assert.equal(await s.sync.run(A), 3);
    assert.deepEqual(
      s.transport.callsOf('pendingIds').map((call) => call.after),
      [0, 7],
    );
    assert.deepEqual(s.fetched, [[h(1), h(3)], [h(4)]]);
    assert.equal(s.stats.relay.pendingIdsRead, 5);
    assert.equal(s.stats.relay.pendingPostsAsked, 3);
  });

  it('stops at a cursor that does not advance, and after LIMITS.pendingPages pages whatever the peer says', async () => {
    const stuck = await setup(async () => ({ ids: [h(1)], next: 0 }));
    await stuck.sync.run(A);
    assert.equal(stuck.transport.callsOf('pendingIds').length, 1);

    const endless = await setup(async (after) => ({ ids: [], next: after + 1 }));
    await endless.sync.run(A);
    assert.equal(endless.transport.callsOf('pendingIds').length, LIMITS.pendingPages);
  });

  it('leaves an older peer (404) alone and counts a malformed page against the peer', async () => {
    const old = await setup(() => Promise.reject(new PeerError(NodeErrorCode.NOT_FOUND, 'no route')));
    assert.equal(await old.sync.run(A), 0);
    assert.equal(old.peers.get(A)?.failures, 0);
    assert.equal(old.peers.get(A)?.score, 0);

    const bad = await setup(() => Promise.reject(new PeerError(P2PErrorCode.BAD_MESSAGE, 'pending: ids')));
    await bad.sync.run(A);
    assert.equal(bad.peers.get(A), undefined, 'P2P_BAD_MESSAGE is 100 points');
  });

  it('runs once per peer at a time', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const s = await setup(async () => {
      await gate;
      return { ids: [h(1)], next: null };
    });
    const first = s.sync.run(A);
    assert.equal(await s.sync.run(A), 0, 'the second run returns at once');
    release();
    assert.equal(await first, 1);
    assert.equal(s.transport.callsOf('pendingIds').length, 1);
  });
});
