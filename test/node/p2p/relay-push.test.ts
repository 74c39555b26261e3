import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setImmediate as turn } from 'node:timers/promises';
import type { Block } from '#core/block.ts';
import { REGTEST } from '#core/params.ts';
import type { Post } from '#core/post.ts';
import { nodeCrypto } from '#node/crypto-node.ts';
import { NodeErrorCode } from '#node/errors.ts';
import { compactForm } from '#node/p2p/compact-block.ts';
import { CompactRelay } from '#node/p2p/compact-relay.ts';
import { PeerError } from '#node/p2p/errors.ts';
import { Gossip, HIGH_BANDWIDTH_PEERS } from '#node/p2p/gossip.ts';
import type { IntakeOutcome } from '#node/p2p/intake.ts';
import type { CompactBlock } from '#node/p2p/messages.ts';
import { NetStats } from '#node/p2p/transport.ts';
import { idOf, makePost, mineOn, testChain } from '../../helpers/chain.ts';
import { FakeTransport, fakeHello } from '../../helpers/fake-transport.ts';
import { GENESIS_TIP, genesisPeerManager } from '../../helpers/peer-manager.ts';

const OUT = 'http://out.example';
const IN = 'http://in.example';

const { block, posts, ids, base } = (() => {
  const { chain } = testChain();
  const made = Array.from({ length: 6 }, (_, i) => makePost(`push ${i}`));
  return { block: mineOn(chain, chain.tip, made), posts: made, ids: made.map(idOf), base: chain };
})();
/** A chain that holds `block`, and an empty child of it (a reorganisation pushes both at once). */
const { after, child } = (() => {
  const { chain } = testChain();
  assert.ok(chain.acceptBlock(block).ok);
  return { after: chain, child: mineOn(chain, chain.tip, []) };
})();
/** The same posts in a block with valid proof of work whose time is not after its parent's median (§7.2). */
const stale = mineOn(base, base.tip, posts, -1);

/** A FakeTransport that also takes pushes (high-bandwidth relay). */
class PushTransport extends FakeTransport {
  readonly pushes: { peer: string; compact: CompactBlock }[] = [];
  pushHandler: (peer: string) => Promise<void> = async () => undefined;

  pushCompact(peer: string, compact: CompactBlock): Promise<void> {
    this.pushes.push({ peer, compact });
    return this.pushHandler(peer);
  }
}

/**
 * A node with one outbound peer (OUT) and one inbound peer (IN), a CompactRelay over its store
 * (the posts of `stored`) and Gossip over both. This node holds `block` when `holds`.
 */
async function setup(stored: readonly number[], holds: boolean, headers = base) {
  const transport = new PushTransport({
    handshake: async (peer) => fakeHello(peer),
    announce: async () => undefined,
    blockPosts: async (_peer, _hash, indexes) => indexes.map((i) => posts[i]),
  });
  const tip = GENESIS_TIP;
  const peers = genesisPeerManager(transport);
  await peers.connect(OUT);
  await peers.connect(IN);
  // IN as an inbound peer: the peer manager's map holds it as the other direction.
  (peers.get(IN) as { direction: string }).direction = 'inbound';
  transport.calls.length = 0;
  const accepted: Block[] = [];
  const store = new Map<string, Post>();
  const hasBlock = (hash: string) =>
    hash === REGTEST.genesisHash || (holds && hash === block.hash) || accepted.some((b) => b.hash === hash);
  const stats = new NetStats();
  /** What the pushes held when the intake was called (the early relay comes before validation). */
  const pushesAtAccept: number[] = [];
  const verdict: { outcome: IntakeOutcome } = { outcome: { ok: true, status: 'connected' } as IntakeOutcome };
  const unvalidatedAccepts: boolean[] = [];
  const intake = {
    accept: (input: unknown, _from: string, _size: number, _options?: unknown, unvalidated = false) => {
      pushesAtAccept.push(transport.pushes.length);
      unvalidatedAccepts.push(unvalidated);
      if (verdict.outcome.ok) accepted.push(input as Block);
      return verdict.outcome;
    },
  };
  const relay = new CompactRelay({
    chain: {
      params: REGTEST,
      // The genesis tip of the chain the block was mined on: header checks read its context.
      tip: headers.tip,
      getEntry: (hash) => headers.getEntry(hash),
      parentContext: (parent) => headers.parentContext(parent),
      hasBlock,
      blockBody: (hash) => (holds && hash === block.hash ? block : undefined),
    },
    posts: { storedPost: (id) => store.get(id) },
    peers,
    transport,
    intake,
    crypto: nodeCrypto,
    stats,
    log: () => undefined,
  });
  for (const i of stored) {
    store.set(ids[i]!, posts[i]!);
    relay.remember(ids[i]!);
  }
  const gossip = new Gossip({
    chain: { tip, hasBlock },
    posts: { holdsPost: (id) => store.has(id) },
    mempool: { submit: () => Promise.reject(new Error('unused')) },
    peers,
    transport,
    intake,
    orphans: { has: () => false },
    log: () => undefined,
    requestSync: () => undefined,
    compact: relay,
    stats,
  });
  relay.relayEarly = (hash, form, from) => gossip.relayEarly(hash, form, from);
  return { transport, peers, gossip, accepted, stats, pushesAtAccept, verdict, unvalidatedAccepts };
}

const all = posts.map((_, i) => i);

describe('high-bandwidth compact relay (push)', () => {
  it('pushes a new block compactly to outbound peers and announces it by inv only to the others', async () => {
    const s = await setup(all, true);
    s.gossip.announceBlock(block.hash);
    await turn();
    assert.deepEqual(
      s.transport.pushes.map((p) => p.peer),
      [OUT],
    );
    assert.deepEqual(s.transport.pushes[0]!.compact, compactForm(block, ids), 'the header and short ids');
    const invs = s.transport.callsOf('announce');
    assert.deepEqual(
      invs.map((call) => [call.peer, call.inv.blocks]),
      [[IN, [block.hash]]],
      'no inv of the block to a peer it was pushed to',
    );
    assert.equal(s.stats.relay.pushesSent, 1);
  });

  it('pushes to at most HIGH_BANDWIDTH_PEERS outbound peers, the longest connected; the rest get inv', async () => {
    const s = await setup(all, true);
    const more = ['http://o2.example', 'http://o3.example', 'http://o4.example'];
    for (const url of more) await s.peers.connect(url);
    s.transport.calls.length = 0;
    s.gossip.announceBlock(block.hash);
    await turn();
    const pushed = [OUT, ...more].slice(0, HIGH_BANDWIDTH_PEERS);
    assert.deepEqual(
      s.transport.pushes.map((p) => p.peer),
      pushed,
    );
    assert.deepEqual(
      s.transport
        .callsOf('announce')
        .map((call) => call.peer)
        .sort(),
      [IN, ...[OUT, ...more].slice(HIGH_BANDWIDTH_PEERS)].sort(),
    );
  });

  it('an older peer (404 to the push) gets the inv instead, and no more pushes', async () => {
    const s = await setup(all, true);
    s.transport.pushHandler = () => Promise.reject(new PeerError(NodeErrorCode.NOT_FOUND, 'old'));
    s.gossip.announceBlock(block.hash);
    for (let i = 0; i < 10 && s.transport.callsOf('announce').length < 2; i++) await turn();
    const toOut = s.transport.callsOf('announce').filter((call) => call.peer === OUT);
    assert.deepEqual(
      toOut.map((call) => call.inv.blocks),
      [[block.hash]],
    );
    assert.equal(s.peers.get(OUT)?.failures, 0, 'a 404 is not a failure');
  });

  it('a pushed block whose posts are stored is accepted with no request at all (one one-way per hop)', async () => {
    const s = await setup(all, false);
    s.gossip.receiveCompact(s.peers.get(IN)!, compactForm(block, ids) as CompactBlock);
    for (let i = 0; i < 20 && s.accepted.length === 0; i++) await turn();
    assert.equal(s.accepted.length, 1);
    assert.equal(s.accepted[0]!.hash, block.hash);
    assert.equal(s.transport.calls.length, 0, 'no compact, blocktxn or blocks request');
    assert.equal(s.stats.relay.pushesReceived, 1);
    // The same block pushed again (by another peer) is not processed twice.
    s.gossip.receiveCompact(s.peers.get(OUT)!, compactForm(block, ids) as CompactBlock);
    for (let i = 0; i < 5; i++) await turn();
    assert.equal(s.accepted.length, 1);
  });

  it('a pushed block missing two posts asks only for those positions, of the pusher', async () => {
    const s = await setup([0, 1, 3, 5], false);
    s.gossip.receiveCompact(s.peers.get(IN)!, compactForm(block, ids) as CompactBlock);
    for (let i = 0; i < 20 && s.accepted.length === 0; i++) await turn();
    assert.equal(s.accepted.length, 1);
    assert.deepEqual(
      s.transport.calls.map((call) => [call.method, call.peer, 'indexes' in call ? call.indexes : undefined]),
      [['blockPosts', IN, [2, 4]]],
    );
  });

  it('a pushed header without its proof of work is scored and nothing is asked', async () => {
    const s = await setup([], false);
    const forged = compactForm({ ...block, nonce: block.nonce + 1 }, ids) as CompactBlock;
    s.gossip.receiveCompact(s.peers.get(IN)!, forged);
    for (let i = 0; i < 10; i++) await turn();
    assert.equal(s.accepted.length, 0);
    assert.ok((s.peers.get(IN)?.score ?? 100) > 0, 'the pusher is scored');
    assert.equal(s.transport.callsOf('blockPosts').length, 0);
  });

  it('relays a pushed block that extends the tip to its own outbound peers before validating and storing it', async () => {
    const s = await setup(all, false);
    const form = compactForm(block, ids) as CompactBlock;
    s.gossip.receiveCompact(s.peers.get(IN)!, form);
    for (let i = 0; i < 20 && s.accepted.length === 0; i++) await turn();
    assert.equal(s.accepted.length, 1);
    assert.deepEqual(
      s.transport.pushes.map((p) => p.peer),
      [OUT],
      'pushed on to the outbound peer, never back to the pusher',
    );
    assert.deepEqual(s.transport.pushes[0]!.compact, form, 'the header and short ids as received');
    assert.deepEqual(s.pushesAtAccept, [1], 'the push left before the intake was called');
    assert.deepEqual(s.unvalidatedAccepts, [true], 'the intake knows the sender may not have validated it');
    assert.equal(s.stats.relay.pushesEarly, 1);
    // Once it connects, the announcement skips the peer it was already pushed to.
    s.gossip.announceBlock(block.hash);
    for (let i = 0; i < 5; i++) await turn();
    assert.equal(s.transport.pushes.length, 1);
    assert.deepEqual(
      s.transport.callsOf('announce').map((call) => call.peer),
      [],
      'the pusher already has it: no inv back',
    );
  });

  it('a pushed block that then fails validation is not announced further and its pusher is not scored (BIP152)', async () => {
    const s = await setup(all, false);
    s.verdict.outcome = {
      ok: false,
      code: 'BLOCK_BAD_SIGNATURE',
      message: 'bad',
    } as unknown as IntakeOutcome;
    s.gossip.receiveCompact(s.peers.get(IN)!, compactForm(block, ids) as CompactBlock);
    for (let i = 0; i < 20 && s.pushesAtAccept.length === 0; i++) await turn();
    assert.equal(s.accepted.length, 0);
    assert.equal(s.transport.pushes.length, 1, 'relayed once, after the header checks');
    assert.equal(s.transport.callsOf('announce').length, 0, 'never announced by inv');
    assert.deepEqual(s.unvalidatedAccepts, [true], 'so the real intake does not score the pusher');
  });

  it('a pushed block whose header breaks the context rules (time before the median) is scored and not relayed', async () => {
    const s = await setup(all, false);
    s.gossip.receiveCompact(s.peers.get(IN)!, compactForm(stale, ids) as CompactBlock);
    for (let i = 0; i < 20; i++) await turn();
    assert.equal(s.transport.pushes.length, 0);
    assert.equal(s.pushesAtAccept.length, 0);
    assert.ok((s.peers.get(IN)?.score ?? 100) > 0, 'the pusher is scored for the header');
  });

  it('pushes several new blocks at once, without waiting for each answer', async () => {
    const s = await setup(all, true);
    const answers: (() => void)[] = [];
    s.transport.pushHandler = () => new Promise<void>((resolve) => answers.push(resolve));
    const formOf = (hash: string) => (hash === block.hash ? compactForm(block, ids) : compactForm(child, []));
    (s.gossip as unknown as { options: { compact: { compactOf: unknown } } }).options.compact.compactOf =
      formOf;
    s.gossip.announceBlock(block.hash);
    s.gossip.announceBlock(child.hash);
    for (let i = 0; i < 5; i++) await turn();
    assert.deepEqual(
      s.transport.pushes.map((p) => (p.compact.header as { hash: string }).hash),
      [block.hash, child.hash],
      'both sent, the parent first, before any answer',
    );
    for (const answer of answers) answer();
  });

  it('a pushed child whose parent is still being rebuilt waits for it instead of fetching anything whole', async () => {
    let release: () => void = () => {};
    const s = await setup([0, 1, 2, 3, 4], false, after);
    s.transport.handlers.blockPosts = (_peer, _hash, indexes) =>
      new Promise((resolve) => {
        release = () => resolve(indexes.map((i) => posts[i]));
      });
    s.gossip.receiveCompact(s.peers.get(IN)!, compactForm(block, ids) as CompactBlock);
    for (let i = 0; i < 5; i++) await turn();
    s.gossip.receiveCompact(s.peers.get(IN)!, compactForm(child, []) as CompactBlock);
    for (let i = 0; i < 5; i++) await turn();
    assert.equal(s.accepted.length, 0, 'the parent waits for its missing post, the child for its parent');
    release();
    for (let i = 0; i < 40 && s.accepted.length < 2; i++) await turn();
    assert.deepEqual(
      s.accepted.map((b) => b.hash),
      [block.hash, child.hash],
    );
    assert.equal(s.transport.callsOf('blocks').length, 0, 'no block fetched whole');
  });

  it('an announced run of blocks (a reorganisation) has its compact forms asked for at once, then accepted in order', async () => {
    const s = await setup(all, false, after);
    const answers = new Map<string, () => void>();
    s.transport.handlers.compactBlock = (_peer, hash) =>
      new Promise<CompactBlock>((resolve) => {
        const form = hash === block.hash ? compactForm(block, ids) : compactForm(child, []);
        answers.set(hash, () => resolve(form as CompactBlock));
      });
    s.gossip.receive(s.peers.get(OUT)!, { posts: [], blocks: [block.hash, child.hash], tip: undefined });
    for (let i = 0; i < 5; i++) await turn();
    assert.deepEqual(
      s.transport.callsOf('compactBlock').map((call) => call.hash),
      [block.hash, child.hash],
      'both asked for before either answered (one latency, not one per block)',
    );
    // The child's answer first: it still waits for its parent's to be rebuilt and accepted.
    answers.get(child.hash)!();
    for (let i = 0; i < 5; i++) await turn();
    assert.equal(s.accepted.length, 0);
    answers.get(block.hash)!();
    for (let i = 0; i < 40 && s.accepted.length < 2; i++) await turn();
    assert.deepEqual(
      s.accepted.map((b) => b.hash),
      [block.hash, child.hash],
    );
    assert.equal(s.transport.callsOf('blocks').length, 0, 'no block fetched whole');
  });
});
