import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setImmediate as turn } from 'node:timers/promises';
import type { Block } from '#core/block.ts';
import { decodeBits } from '#core/compact.ts';
import { REGTEST } from '#core/params.ts';
import type { Post } from '#core/post.ts';
import { blockWork } from '#core/pow.ts';
import { nodeCrypto } from '#node/crypto-node.ts';
import { NodeErrorCode } from '#node/errors.ts';
import { compactForm, rebuild, ShortIdIndex, shortId } from '#node/p2p/compact-block.ts';
import { CompactRelay } from '#node/p2p/compact-relay.ts';
import { PeerError } from '#node/p2p/errors.ts';
import { Gossip } from '#node/p2p/gossip.ts';
import type { IntakeOutcome } from '#node/p2p/intake.ts';
import type { CompactBlock } from '#node/p2p/messages.ts';
import type { PeerManager } from '#node/p2p/peer-manager.ts';
import { NetStats } from '#node/p2p/transport.ts';
import { extend, idOf, makePost, mineOn, testChain } from '../../helpers/chain.ts';
import { FakeTransport, fakeHello } from '../../helpers/fake-transport.ts';
import { GENESIS_TIP, genesisPeerManager } from '../../helpers/peer-manager.ts';

const A = 'http://a.example';

/** One valid regtest block on the genesis with `count` signed posts (mined once per file). */
const { block, posts, ids, base } = (() => {
  const { chain } = testChain();
  const made = Array.from({ length: 12 }, (_, i) => makePost(`compact ${i}`));
  const mined = mineOn(chain, chain.tip, made);
  return { block: mined, posts: made, ids: made.map(idOf), base: chain };
})();

interface Setup {
  relay: CompactRelay;
  transport: FakeTransport;
  peers: PeerManager;
  stats: NetStats;
  accepted: Block[];
  store: Map<string, Post>;
}

/**
 * A CompactRelay over a FakeTransport whose peer A serves `block` (compactly and by position,
 * unless the test replaces a handler), with a real PeerManager for the scores. This node stores
 * the genesis and the posts of `stored` (their positions in the block).
 */
async function setup(stored: readonly number[], tipWorkAbove = 0n): Promise<Setup> {
  const transport = new FakeTransport({
    handshake: async (peer) => fakeHello(peer),
    compactBlock: async () => compactForm(block, ids) as CompactBlock,
    blockPosts: async (_peer, _hash, indexes) => indexes.map((i) => posts[i]),
  });
  const peers = genesisPeerManager(transport);
  await peers.connect(A);
  transport.calls.length = 0;
  const store = new Map<string, Post>();
  const accepted: Block[] = [];
  const stats = new NetStats();
  const relay = new CompactRelay({
    chain: {
      params: REGTEST,
      // The genesis tip of the chain the block was mined on: header checks read its context.
      tip: { ...base.tip, chainwork: base.tip.chainwork + tipWorkAbove },
      getEntry: (hash) => base.getEntry(hash),
      parentContext: (parent) => base.parentContext(parent),
      hasBlock: (hash) => hash === REGTEST.genesisHash || accepted.some((b) => b.hash === hash),
      blockBody: () => undefined,
    },
    posts: { storedPost: (id) => store.get(id) },
    peers,
    transport,
    intake: {
      accept: (input) => {
        accepted.push(input as Block);
        return { ok: true, status: 'connected' } as IntakeOutcome;
      },
    },
    crypto: nodeCrypto,
    stats,
    log: () => undefined,
  });
  for (const i of stored) {
    store.set(ids[i]!, posts[i]!);
    relay.remember(ids[i]!);
  }
  return { relay, transport, peers, stats, accepted, store };
}

const all = posts.map((_, i) => i);
/** The work of one regtest block. */
const ONE_BLOCK = blockWork(decodeBits(block.bits)!);

describe('compact block relay', () => {
  it('rebuilds a block whose posts are all stored here without asking for any post', async () => {
    const s = await setup(all);
    assert.equal(await s.relay.receive(A, block.hash), 'done');
    assert.deepEqual(s.accepted, [block], 'the intake gets exactly the block that was mined');
    assert.equal(s.transport.callsOf('blockPosts').length, 0);
    assert.deepEqual(s.stats.relay, {
      ...s.stats.relay,
      compactBlocks: 1,
      postsFromPool: 12,
      postsFetched: 0,
    });
  });

  it('leaves alone a block whose branch weighs less than the tip: no post asked, nothing validated', async () => {
    // The tip is two blocks' work above the block's parent; the block adds one.
    const s = await setup([0], 2n * ONE_BLOCK);
    assert.equal(await s.relay.receive(A, block.hash), 'lighter');
    assert.equal(s.transport.callsOf('blockPosts').length, 0);
    assert.equal(s.accepted.length, 0);
    assert.equal(s.stats.relay.lighterSkipped, 1);
    assert.equal(s.peers.get(A)?.score, 0, 'a lighter branch is no misbehaviour');
  });

  it('takes a block of equal work (a race at the tip), and one whose run ends heavier than the tip', async () => {
    const equal = await setup(all, ONE_BLOCK);
    assert.equal(await equal.relay.receive(A, block.hash), 'done');
    assert.deepEqual(equal.accepted, [block]);
    const run = await setup([0], 2n * ONE_BLOCK);
    // Two more blocks announced after it: their claimed work counts for it.
    assert.equal(await run.relay.receive(A, block.hash, undefined, undefined, 2n * ONE_BLOCK), 'done');
    assert.equal(run.transport.callsOf('blockPosts').length, 1);
    assert.deepEqual(run.accepted, [block]);
  });

  it('asks the same peer, in one request, for the posts at exactly the positions it lacks', async () => {
    const s = await setup([0, 2, 3, 5, 6, 7, 8, 10]);
    assert.equal(await s.relay.receive(A, block.hash), 'done');
    assert.deepEqual(
      s.transport.callsOf('blockPosts').map((call) => [call.peer, call.indexes]),
      [[A, [1, 4, 9, 11]]],
    );
    assert.deepEqual(s.accepted, [block]);
    assert.equal(s.stats.relay.postsFetched, 4);
  });

  it('asks by position for a short id that names two stored posts (a collision here)', async () => {
    const s = await setup(all);
    // A post that is not in the block but shares post 3's short id.
    const twin = `${ids[3]!.slice(0, 16)}${'0'.repeat(48)}`;
    s.store.set(twin, makePost('a twin'));
    s.relay.remember(twin);
    assert.equal(await s.relay.receive(A, block.hash), 'done');
    assert.deepEqual(s.transport.callsOf('blockPosts')[0]?.indexes, [3]);
    assert.deepEqual(s.accepted, [block]);
  });

  it('falls back to the full block when the rebuilt merkle root differs, scoring nobody', async () => {
    const s = await setup(all);
    // Short ids in another order: every post is found, the root is not the header's.
    s.transport.handlers.compactBlock = async () => compactForm(block, [...ids].reverse()) as CompactBlock;
    assert.equal(await s.relay.receive(A, block.hash), 'fallback');
    assert.equal(s.accepted.length, 0);
    assert.equal(s.peers.get(A)?.score, 0, 'P2P_COMPACT_MISMATCH is free: it may be our collision');
  });

  it('falls back and scores P2P_COMPACT_UNSERVED when the posts asked are not served, or not the ones named', async () => {
    const fewer = await setup([0]);
    fewer.transport.handlers.blockPosts = async (_p, _h, indexes) => indexes.slice(1).map((i) => posts[i]);
    assert.equal(await fewer.relay.receive(A, block.hash), 'fallback');
    assert.equal(fewer.peers.get(A)?.score, 50);

    const other = await setup([0]);
    other.transport.handlers.blockPosts = async (_p, _h, indexes) => indexes.map(() => makePost('not it'));
    assert.equal(await other.relay.receive(A, block.hash), 'fallback');
    assert.equal(other.peers.get(A)?.score, 50);
    assert.equal(other.accepted.length, 0);
  });

  it('scores a malformed post served by position with its own code (100) and asks nothing more', async () => {
    const s = await setup([0]);
    s.transport.handlers.blockPosts = async (_p, _h, indexes) => indexes.map(() => ({ author: 'x' }));
    assert.equal(await s.relay.receive(A, block.hash), 'failed');
    assert.equal(s.peers.get(A), undefined, 'discouraged and disconnected');
  });

  it('checks the header before anything else: a header without its proof of work is scored and no post is asked', async () => {
    const s = await setup([]);
    s.transport.handlers.compactBlock = async () => {
      const form = compactForm(block, ids);
      return { ...form, header: { ...(form.header as object), nonce: block.nonce + 1 } } as CompactBlock;
    };
    assert.equal(await s.relay.receive(A, block.hash), 'failed');
    assert.equal(s.transport.callsOf('blockPosts').length, 0);
    assert.equal(s.peers.get(A), undefined, 'BLOCK_BAD_HASH is 100 points');
  });

  it('falls back quietly for an older peer without the route (404), and for a block whose parent is unknown', async () => {
    const old = await setup(all);
    delete old.transport.handlers.compactBlock;
    assert.equal(await old.relay.receive(A, block.hash), 'fallback');
    assert.equal(old.peers.get(A)?.failures, 0, 'a 404 is not a failure of the peer');
    assert.equal(old.peers.get(A)?.score, 0);

    // A valid block whose parent this node lacks: the orphan path takes the full block.
    const { chain } = testChain();
    const parent = extend(chain, chain.tip);
    const child = mineOn(chain, parent, []);
    const orphan = await setup(all);
    orphan.transport.handlers.compactBlock = async () => compactForm(child, []) as CompactBlock;
    assert.equal(await orphan.relay.receive(A, child.hash), 'fallback');
    assert.equal(orphan.transport.callsOf('blockPosts').length, 0);
    assert.equal(orphan.accepted.length, 0);
  });

  it('gossip fetches an announced block compactly, and whole only after a fallback', async () => {
    const s = await setup(all);
    const gossip = new Gossip({
      chain: {
        tip: GENESIS_TIP,
        hasBlock: () => false,
      },
      posts: { holdsPost: () => false },
      mempool: { submit: () => Promise.reject(new Error('unused')) },
      peers: s.peers,
      transport: s.transport,
      intake: { accept: () => ({ ok: true, status: 'connected' }) as IntakeOutcome },
      orphans: { has: () => false },
      log: () => undefined,
      requestSync: () => undefined,
      compact: s.relay,
    });
    s.transport.handlers.blocks = async () => [block];
    gossip.receive(s.peers.get(A)!, { posts: [], blocks: [block.hash], tip: undefined });
    for (let i = 0; i < 20 && s.accepted.length === 0; i++) await turn();
    assert.equal(s.accepted.length, 1);
    assert.equal(s.transport.callsOf('blocks').length, 0, 'no full block fetched');

    const other = { ...block, hash: 'cd'.repeat(32) };
    s.transport.handlers.compactBlock = () => Promise.reject(new PeerError(NodeErrorCode.NOT_FOUND, 'old'));
    gossip.receive(s.peers.get(A)!, { posts: [], blocks: [other.hash], tip: undefined });
    for (let i = 0; i < 20 && s.transport.callsOf('blocks').length === 0; i++) await turn();
    assert.deepEqual(
      s.transport.callsOf('blocks')[0]?.hashes,
      [other.hash],
      'fetched whole after the fallback',
    );
  });
});

describe('short ids', () => {
  it('are the first 8 bytes of the id; the index keeps colliding ids apart and stays bounded', () => {
    assert.equal(shortId(ids[0]!), ids[0]!.slice(0, 16));
    const index = new ShortIdIndex(3);
    for (const id of ids.slice(0, 5)) index.add(id);
    assert.equal(index.size, 3);
    assert.deepEqual(index.candidates(shortId(ids[0]!)), [], 'the oldest forgotten first');
    assert.deepEqual(index.candidates(shortId(ids[4]!)), [ids[4]]);
  });

  it('rebuild leaves unknown and ambiguous positions missing', () => {
    const index = new ShortIdIndex(100);
    index.add(ids[0]!);
    index.add(ids[1]!);
    index.add(`${ids[1]!.slice(0, 16)}${'f'.repeat(48)}`);
    const stored = new Map([
      [ids[0]!, posts[0]!],
      [ids[1]!, posts[1]!],
      [`${ids[1]!.slice(0, 16)}${'f'.repeat(48)}`, posts[2]!],
    ]);
    const rebuilt = rebuild(ids.slice(0, 3).map(shortId), index, (id) => stored.get(id));
    assert.deepEqual(rebuilt.missing, [1, 2]);
    assert.equal(rebuilt.ids[0], ids[0]);
  });
});

describe('compact relay of a branch pushed block by block', () => {
  it('leaves its first blocks alone while lighter, then takes them with the block that makes the branch heaviest', async () => {
    // This node: genesis ← a1 ← a2 (tip). A rival branch: genesis ← r1 ← r2 ← r3, pushed in order.
    const local = testChain();
    const genesis = local.chain.tip;
    const a1 = extend(local.chain, genesis, [makePost('a1')]);
    extend(local.chain, a1, [makePost('a2')]);
    const rival = testChain();
    const rivalBlocks: Block[] = [];
    let parent = rival.chain.tip;
    for (const name of ['r1', 'r2', 'r3']) {
      const mined = mineOn(rival.chain, parent, [makePost(name)], 3);
      assert.equal(rival.chain.acceptBlock(mined).ok, true);
      rivalBlocks.push(mined);
      parent = rival.chain.getEntry(mined.hash)!;
    }
    const store = new Map<string, Post>();
    for (const b of rivalBlocks) for (const post of b.transactions) store.set(idOf(post), post);
    const transport = new FakeTransport({ handshake: async (peer) => fakeHello(peer) });
    const peers = genesisPeerManager(transport);
    await peers.connect(A);
    const stats = new NetStats();
    const relay = new CompactRelay({
      chain: local.chain,
      posts: { storedPost: (id) => store.get(id) },
      peers,
      transport: { ...transport, blockPosts: async () => [] } as unknown as FakeTransport,
      intake: {
        accept: (input) => local.chain.acceptBlock(input) as IntakeOutcome,
      },
      crypto: nodeCrypto,
      stats,
      log: () => undefined,
    });
    for (const id of store.keys()) relay.remember(id);
    const push = (b: Block) =>
      relay.receive(A, b.hash, compactForm(b, b.transactions.map(idOf)) as CompactBlock);

    assert.equal(await push(rivalBlocks[0]!), 'lighter', 'r1: one block against two');
    assert.equal(local.chain.hasBlock(rivalBlocks[0]!.hash), false);
    assert.equal(await push(rivalBlocks[1]!), 'done', 'r2: two against two, r1 taken first');
    assert.equal(local.chain.hasBlock(rivalBlocks[0]!.hash), true);
    assert.equal(local.chain.hasBlock(rivalBlocks[1]!.hash), true);
    assert.equal(await push(rivalBlocks[2]!), 'done');
    assert.equal(local.chain.tip.hash, rivalBlocks[2]!.hash, 'the rival branch is now the best chain');
    assert.equal(stats.relay.lighterSkipped, 1);
  });
});
