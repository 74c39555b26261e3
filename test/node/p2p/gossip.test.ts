import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setImmediate as turn } from 'node:timers/promises';
import fc from 'fast-check';
import { REGTEST } from '#core/params.ts';
import { NodeError } from '#node/errors.ts';
import type { AcceptedPost } from '#node/mempool.ts';
import { P2PErrorCode, PeerError } from '#node/p2p/errors.ts';
import { ANNOUNCE_RETRY_MS, Gossip } from '#node/p2p/gossip.ts';
import { NodeIdentity } from '#node/p2p/identity.ts';
import type { IntakeOutcome } from '#node/p2p/intake.ts';
import { PeerManager } from '#node/p2p/peer-manager.ts';
import type { BlockIndexEntry } from '#node/store/blocks.ts';
import { deferred, FakeTransport, fakeHello, MemoryPeerBook } from '../../helpers/fake-transport.ts';

const A = 'http://a.example';
const B = 'http://b.example';
const h = (n: number) => n.toString(16).padStart(64, '0');

interface Setup {
  transport: FakeTransport;
  gossip: Gossip;
  peers: PeerManager;
  book: MemoryPeerBook;
  knownPosts: Set<string>;
  knownBlocks: Set<string>;
  orphans: Set<string>;
  submitted: unknown[];
  accepted: unknown[];
  syncRequests: string[];
}

/** Gossip over a FakeTransport, with a real PeerManager (scores) and two connected peers. */
async function setup(
  options: {
    submit?: (input: unknown) => Promise<AcceptedPost>;
    accept?: (input: unknown) => IntakeOutcome;
  } = {},
): Promise<Setup> {
  const transport = new FakeTransport({
    handshake: async (peer) => fakeHello(peer),
    announce: async () => undefined,
  });
  const tip = { hash: REGTEST.genesisHash, height: 0, chainwork: 2n } as BlockIndexEntry;
  const book = new MemoryPeerBook();
  const peers = new PeerManager({
    chain: { params: REGTEST, tip },
    store: book,
    transport,
    nonce: 'ab'.repeat(16),
    selfUrl: () => undefined,
    identity: NodeIdentity.ephemeral(),
    maxOutbound: 8,
    discourageMs: 60_000,
    agent: 'test',
    log: () => undefined,
    onConnected: () => undefined,
  });
  const s = {
    knownPosts: new Set<string>(),
    knownBlocks: new Set<string>(),
    orphans: new Set<string>(),
    submitted: [] as unknown[],
    accepted: [] as unknown[],
    syncRequests: [] as string[],
  };
  const gossip = new Gossip({
    chain: { tip, hasBlock: (hash) => s.knownBlocks.has(hash) },
    posts: { holdsPost: (id) => s.knownPosts.has(id) },
    mempool: {
      submit: (input) => {
        s.submitted.push(input);
        return (
          options.submit?.(input) ?? Promise.resolve({ id: (input as { id: string }).id } as AcceptedPost)
        );
      },
    },
    peers,
    transport,
    intake: {
      accept: (input) => {
        s.accepted.push(input);
        return options.accept?.(input) ?? ({ ok: true, status: 'connected' } as IntakeOutcome);
      },
    },
    orphans: { has: (hash) => s.orphans.has(hash) },
    log: () => undefined,
    requestSync: (url) => s.syncRequests.push(url),
  });
  await peers.connect(A);
  await peers.connect(B);
  transport.calls.length = 0;
  return { transport, gossip, peers, book, ...s };
}

const noInv = { posts: [], blocks: [], tip: undefined };

describe('gossip', () => {
  it('batches the announcements of one event-loop turn: one block inv and one post inv per peer', async () => {
    const { transport, gossip } = await setup();
    gossip.announcePost(h(1));
    gossip.announcePost(h(2));
    gossip.announceBlock(h(9));
    assert.equal(transport.calls.length, 0, 'nothing is sent within the turn');
    await turn();
    const sent = transport.callsOf('announce');
    assert.deepEqual(sent.map((call) => call.peer).sort(), [A, A, B, B]);
    for (const peer of [A, B]) {
      const [blocks, posts] = sent.filter((call) => call.peer === peer);
      assert.deepEqual([blocks?.inv.posts, blocks?.inv.blocks], [[], [h(9)]], 'the block first, alone');
      assert.equal(blocks?.inv.tip?.hash, REGTEST.genesisHash, 'the block inv carries the tip');
      assert.deepEqual([posts?.inv.posts, posts?.inv.blocks], [[h(1), h(2)], []]);
    }
  });

  it('a block is announced at once even while a post inv to that peer is in flight', async () => {
    const { transport, gossip } = await setup();
    const slow = deferred<void>();
    transport.handlers.announce = (peer, inv) =>
      peer === A && inv.posts.length > 0 ? slow.promise : Promise.resolve();
    gossip.announcePost(h(1));
    await turn();
    gossip.announceBlock(h(9));
    await turn();
    const toA = transport.callsOf('announce').filter((call) => call.peer === A);
    assert.deepEqual(
      toA.map((call) => call.inv.blocks),
      [[], [h(9)]],
      'the block did not wait for the post inv',
    );
    slow.resolve();
  });

  it('keeps one request in flight per peer; what queues meanwhile goes in the next one', async () => {
    const { transport, gossip } = await setup();
    const slow = deferred<void>();
    transport.handlers.announce = (peer) => (peer === A ? slow.promise : Promise.resolve());
    gossip.announcePost(h(1));
    await turn();
    gossip.announcePost(h(2));
    gossip.announcePost(h(3));
    await turn();
    const toA = () => transport.callsOf('announce').filter((call) => call.peer === A);
    const toB = () => transport.callsOf('announce').filter((call) => call.peer === B);
    assert.equal(toA().length, 1, 'A is busy: nothing more is sent to it');
    assert.equal(toB().length, 2, 'a slow peer only delays itself');
    slow.resolve();
    await turn();
    assert.deepEqual(
      toA().map((call) => call.inv.posts),
      [[h(1)], [h(2), h(3)]],
    );
  });

  it('never announces to a peer what it announced to us, nor the same thing twice', async () => {
    const { transport, gossip, peers } = await setup();
    transport.handlers.posts = async () => [];
    gossip.receive(peers.get(A)!, { ...noInv, posts: [h(5)] });
    gossip.announcePost(h(5));
    await turn();
    assert.deepEqual(
      transport.callsOf('announce').map((call) => call.peer),
      [B],
    );
    gossip.announcePost(h(5));
    await turn();
    assert.equal(transport.callsOf('announce').length, 1, 'B already has it');
  });

  it('fetches only what the node lacks and is not already fetching', async () => {
    const { transport, gossip, peers, knownPosts, knownBlocks, orphans } = await setup();
    const held = deferred<readonly unknown[]>();
    transport.handlers.posts = (_peer, ids) => (ids.includes(h(2)) ? held.promise : Promise.resolve([]));
    transport.handlers.blocks = async () => [];
    knownPosts.add(h(1));
    knownBlocks.add(h(11));
    orphans.add(h(12));
    gossip.receive(peers.get(A)!, { ...noInv, posts: [h(1), h(2), h(3)], blocks: [h(11), h(12), h(13)] });
    gossip.receive(peers.get(B)!, { ...noInv, posts: [h(2), h(3), h(4)] });
    await turn();
    assert.deepEqual(
      transport.callsOf('posts').map((call) => [call.peer, call.ids]),
      [
        [A, [h(2), h(3)]],
        [B, [h(4)]],
      ],
    );
    assert.deepEqual(
      transport.callsOf('blocks').map((call) => call.hashes),
      [[h(13)]],
    );
    held.resolve([]);
  });

  it('announcements that fail (a link down for a moment) are sent again after a second, not lost', async (t) => {
    const { transport, gossip, peers } = await setup();
    t.mock.timers.enable({ apis: ['setTimeout'] });
    let down = true;
    transport.handlers.announce = (peer) =>
      peer === A && down ? Promise.reject(new PeerError(P2PErrorCode.UNREACHABLE, 'cut')) : Promise.resolve();
    gossip.announcePost(h(1));
    gossip.announceBlock(h(9));
    await turn();
    await turn();
    const toA = () => transport.callsOf('announce').filter((call) => call.peer === A);
    assert.equal(toA().length, 2, 'the block inv and the post inv, both failed');
    assert.equal(peers.get(A)?.failures, 2);
    down = false;
    t.mock.timers.tick(ANNOUNCE_RETRY_MS);
    await turn();
    await turn();
    assert.deepEqual(
      toA()
        .slice(2)
        .map((call) => [call.inv.blocks, call.inv.posts]),
      [
        [[h(9)], []],
        [[], [h(1)]],
      ],
      'both sent again',
    );
    assert.equal(peers.get(A)?.failures, 0);
  });

  it('a post fetch that fails, or is answered without a post, is asked of another peer that announced it', async () => {
    const { transport, gossip, peers } = await setup();
    const held = deferred<readonly unknown[]>();
    transport.handlers.posts = (peer, ids) =>
      peer === A ? held.promise : Promise.resolve(ids.map((id) => ({ id })));
    gossip.receive(peers.get(A)!, { ...noInv, posts: [h(1), h(2)] });
    gossip.receive(peers.get(B)!, { ...noInv, posts: [h(1), h(2)] });
    await turn();
    assert.deepEqual(
      transport.callsOf('posts').map((call) => [call.peer, call.ids]),
      [[A, [h(1), h(2)]]],
      'asked once, of the first announcer',
    );
    held.reject(new PeerError(P2PErrorCode.TIMEOUT, 'slow'));
    for (let i = 0; i < 10 && transport.callsOf('posts').length < 2; i++) await turn();
    assert.deepEqual(transport.callsOf('posts')[1]?.peer, B, 'asked of the other announcer');
    assert.deepEqual(transport.callsOf('posts')[1]?.ids, [h(1), h(2)]);

    // Served without one of them (A no longer has it): that one is asked of B.
    transport.calls.length = 0;
    transport.handlers.posts = (peer, ids) =>
      Promise.resolve(ids.filter((id) => peer === B || id === h(3)).map((id) => ({ id })));
    gossip.receive(peers.get(A)!, { ...noInv, posts: [h(3), h(4)] });
    gossip.receive(peers.get(B)!, { ...noInv, posts: [h(4)] });
    for (let i = 0; i < 10 && transport.callsOf('posts').length < 2; i++) await turn();
    assert.deepEqual(
      transport.callsOf('posts').map((call) => [call.peer, call.ids]),
      [
        [A, [h(3), h(4)]],
        [B, [h(4)]],
      ],
    );
    // Each peer is asked once per post: nothing loops.
    for (let i = 0; i < 5; i++) await turn();
    assert.equal(transport.callsOf('posts').length, 2);
  });

  it('posts of an answer go to the pool together; unrequested or invalid ones are scored', async () => {
    const { transport, gossip, peers, book, submitted } = await setup({
      submit: async (input) => {
        const id = (input as { id: string }).id;
        if (id === h(7)) throw new NodeError('POST_BAD_SIGNATURE', 'bad signature');
        return { id } as AcceptedPost;
      },
    });
    transport.handlers.posts = async () => [{ id: h(1) }, { id: h(6) }];
    gossip.receive(peers.get(A)!, { ...noInv, posts: [h(1), h(2)] });
    await turn();
    await turn();
    assert.equal(submitted.length, 2);
    assert.equal(peers.get(A)?.score, 20, 'one post not asked for: 20 points');
    transport.handlers.posts = async () => [{ id: h(7) }];
    gossip.receive(peers.get(B)!, { ...noInv, posts: [h(7)] });
    await turn();
    await turn();
    assert.equal(book.isDiscouraged(B), true, 'an invalid post: discouraged');
    assert.equal(peers.get(B), undefined);
  });

  it('a block answer of an unasked hash is scored; an orphan asks for a headers-first sync', async () => {
    const { transport, gossip, peers, accepted, syncRequests } = await setup({
      accept: () => ({ ok: false, code: P2PErrorCode.ORPHAN, message: 'parent unknown' }),
    });
    transport.handlers.blocks = async (_peer, hashes) => hashes.map((hash) => ({ hash }));
    gossip.receive(peers.get(A)!, { ...noInv, blocks: [h(21)] });
    await turn();
    assert.deepEqual(accepted, [{ hash: h(21) }]);
    assert.deepEqual(syncRequests, [A]);
    transport.handlers.blocks = async () => [{ hash: h(99) }];
    gossip.receive(peers.get(B)!, { ...noInv, blocks: [h(22)] });
    await turn();
    assert.equal(peers.get(B)?.score, 20);
    assert.equal(accepted.length, 1, 'the unasked block never reaches the chain');
  });

  it('any announcements of one turn reach every peer once, with nothing lost or repeated', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(40), { maxLength: 60 }), async (ids) => {
        const { transport, gossip } = await setup();
        for (const id of ids) gossip.announcePost(h(id));
        await turn();
        for (const peer of [A, B]) {
          const sent = transport
            .callsOf('announce')
            .filter((call) => call.peer === peer)
            .flatMap((call) => call.inv.posts);
          assert.deepEqual(sent, [...new Set(ids.map(h))]);
        }
      }),
      { numRuns: 30 },
    );
  });
});
