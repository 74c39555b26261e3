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

/** A node syncing from a peer whose answers a FakeTransport serves from another in-memory chain. */
function setup(height: number) {
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
    assert.equal(peers.get(PEER)?.score, 20, 'P2P_UNREQUESTED: 20 points');
  });
});
