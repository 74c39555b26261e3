import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chainView } from '#node/p2p/adapters.ts';
import { NodeIdentity } from '#node/p2p/identity.ts';
import { BlockIntake } from '#node/p2p/intake.ts';
import { headersAfter } from '#node/p2p/locator.ts';
import { OrphanPool } from '#node/p2p/orphans.ts';
import { PeerManager } from '#node/p2p/peer-manager.ts';
import { SyncProgress } from '#node/p2p/progress.ts';
import { BATCH_SIZE } from '#node/p2p/sync/range.ts';
import { SyncManager } from '#node/p2p/sync.ts';
import { chainworkHex } from '#node/store/blocks.ts';
import { extend, testChain } from '../../helpers/chain.ts';
import { FakeTransport, fakeHello, MemoryPeerBook } from '../../helpers/fake-transport.ts';

const PEER = 'http://source.example';
const HELPER = 'http://helper.example';

/** A node syncing from a peer whose answers a FakeTransport serves from another in-memory chain. */
function setup(height: number, bodyTimeout?: { min: number; max: number; factor: number }) {
  const { chain: sourceChain } = testChain();
  for (let i = 0; i < height; i++) extend(sourceChain, sourceChain.tip);
  const source = chainView(sourceChain);
  let inFlight = 0;
  let maxInFlight = 0;
  const transport = new FakeTransport({
    handshake: async (peer) => ({
      ...fakeHello(peer, chainworkHex(source.tip.chainwork)),
      height: source.tip.height,
      tip: source.tip.hash,
    }),
    headers: async (_peer, locator) => headersAfter(source, locator, undefined),
    blocks: async (_peer, hashes) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2));
      inFlight--;
      return hashes.map((hash) => source.blockBody(hash));
    },
  });
  const { chain: real } = testChain();
  const chain = chainView(real);
  const book = new MemoryPeerBook();
  const log = () => undefined;
  const peers = new PeerManager({
    chain,
    store: book,
    transport,
    nonce: 'ab'.repeat(16),
    selfUrl: () => undefined,
    identity: NodeIdentity.ephemeral(),
    maxOutbound: 8,
    discourageMs: 60_000,
    agent: 'test',
    log,
    onConnected: () => undefined,
  });
  const sync = new SyncManager({
    chain,
    peers,
    transport,
    intake: new BlockIntake(chain, new OrphanPool(), peers),
    progress: new SyncProgress(log, undefined),
    log,
    ...(bodyTimeout !== undefined ? { bodyTimeout } : {}),
  });
  return { source, chain, peers, sync, transport, book, maxInFlight: () => maxInFlight };
}

describe('range sync over a fake transport', () => {
  it('checks the headers first, then downloads the bodies in batches of 100, at most 2 at once', async () => {
    const { source, chain, peers, sync, transport, maxInFlight } = setup(250);
    await peers.connect(PEER);
    await sync.request(PEER);
    assert.equal(chain.tip.hash, source.tip.hash);
    const asked = transport.callsOf('blocks').map((call) => call.hashes.length);
    assert.deepEqual(asked, [BATCH_SIZE, BATCH_SIZE, 50]);
    assert.ok(maxInFlight() <= 2 && maxInFlight() >= 2, `at most 2 batches in flight (${maxInFlight()})`);
    const methods = transport.calls.map((call) => call.method);
    assert.ok(methods.indexOf('headers') < methods.indexOf('blocks'), 'headers first');
  });

  it('a batch answered with a block that was not asked for fails the sync and scores the peer', async () => {
    const { chain, peers, sync, transport } = setup(120);
    transport.handlers.blocks = async (_peer, hashes) => hashes.map((_hash, i) => ({ hash: `${i}` }));
    await peers.connect(PEER);
    await sync.request(PEER);
    assert.equal(chain.tip.height, 0);
    assert.equal(peers.get(PEER)?.score, 40, 'P2P_UNREQUESTED: 20 points for each of the 2 bad answers');
  });

  it('a peer that served headers but serves no bodies is scored P2P_STALLING, and the batch comes from another peer (finding 9)', async () => {
    const { source, chain, peers, sync, transport, book } = setup(150);
    const serve = transport.handlers.blocks!;
    transport.handlers.blocks = async (peer, hashes) => (peer === PEER ? [] : serve(peer, hashes));
    await peers.connect(PEER);
    await peers.connect(HELPER);
    await sync.request(PEER);
    assert.equal(chain.tip.hash, source.tip.hash, 'caught up from the helper');
    assert.equal(peers.get(PEER)?.score, 50);
    assert.equal(peers.get(HELPER)?.score, 0);
    assert.equal(book.isDiscouraged(PEER), false);
    const asked = transport.callsOf('blocks').map((call) => call.peer);
    assert.deepEqual(
      asked,
      [PEER, HELPER, HELPER],
      'batch 0: the origin, then the helper; batch 1: the helper',
    );
  });

  it('a peer holding a download just under the timeout gets a timeout adapted to the others, is scored and bypassed (finding 9)', async () => {
    const { source, chain, peers, sync, transport } = setup(450, { min: 50, max: 1000, factor: 4 });
    const serve = transport.handlers.blocks!;
    transport.handlers.blocks = async (peer, hashes) => {
      if (peer === HELPER) await new Promise((resolve) => setTimeout(resolve, 900));
      return serve(peer, hashes);
    };
    await peers.connect(PEER);
    await peers.connect(HELPER);
    const started = Date.now();
    await sync.request(PEER);
    const elapsed = Date.now() - started;
    assert.equal(chain.tip.hash, source.tip.hash);
    const helperTimeouts = transport
      .callsOf('blocks')
      .filter((call) => call.peer === HELPER)
      .map((call) => call.timeoutMs);
    assert.equal(helperTimeouts[0], 1000, 'nothing timed yet: the cap');
    assert.ok((helperTimeouts[1] ?? 1000) < 200, `then 4 × the median, not the cap (${helperTimeouts[1]})`);
    assert.equal(peers.get(HELPER)?.score, 50, 'P2P_STALLING once it held a batch past the adapted timeout');
    assert.ok(elapsed < 1800, `one slow batch, not two (${elapsed} ms)`);
  });
});
