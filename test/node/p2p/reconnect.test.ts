import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { setImmediate as turn } from 'node:timers/promises';
import { REGTEST } from '#core/params.ts';
import { P2PErrorCode, PeerError } from '#node/p2p/errors.ts';
import { NodeIdentity } from '#node/p2p/identity.ts';
import type { Hello } from '#node/p2p/messages.ts';
import {
  backoffDelay,
  PeerManager,
  RECENT_BACKOFF_MAX_MS,
  RECENT_WINDOW_MS,
  RECONNECT_SLOTS,
} from '#node/p2p/peer-manager.ts';
import type { BlockIndexEntry } from '#node/store/blocks.ts';
import { FakeTransport, fakeHello, MemoryPeerBook } from '../../helpers/fake-transport.ts';

const X = 'http://x.example';
const Y = 'http://y.example';
const Z = 'http://z.example';
const W = 'http://w.example';

const down = (peer: string) => Promise.reject(new PeerError(P2PErrorCode.UNREACHABLE, `${peer} is cut off`));

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await turn();
}

/** A peer manager with 2 outbound slots over a FakeTransport whose `cut` peers are unreachable. */
function setup() {
  const cut = new Set<string>();
  const transport = new FakeTransport({
    handshake: (peer) => (cut.has(peer) ? down(peer) : Promise.resolve(fakeHello(peer) as Hello)),
  });
  const book = new MemoryPeerBook();
  const peers = new PeerManager({
    chain: {
      params: REGTEST,
      tip: { hash: REGTEST.genesisHash, height: 0, chainwork: 2n } as BlockIndexEntry,
    },
    store: book,
    transport,
    nonce: 'ab'.repeat(16),
    selfUrl: () => undefined,
    identity: NodeIdentity.ephemeral(),
    maxOutbound: 2,
    discourageMs: 60_000,
    agent: 'test',
    log: () => undefined,
    onConnected: () => undefined,
  });
  return { cut, transport, peers, book };
}

describe('reconnection after a partition', () => {
  it('the backoff of a recently lost peer is short and capped; others double to 5 minutes', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 10, 40].map((n) => backoffDelay(n, true)),
      [500, 1000, 1000, 1000, 1000, 1000],
    );
    assert.deepEqual(
      [1, 2, 3, 4, 10, 40].map((n) => backoffDelay(n, false)),
      [2000, 4000, 8000, 16_000, 300_000, 300_000],
    );
  });

  it('a peer lost to a partition is redialled within 2 s of the heal, in a reconnect slot if the others filled', async (t) => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: Date.now() });
    t.after(() => mock.timers.reset());
    const { cut, transport, peers } = setup();
    await peers.connect(X);
    await peers.connect(Y);
    // The split: X stops answering; three failures disconnect it.
    cut.add(X);
    for (let i = 0; i < 3; i++) peers.failed(X, new PeerError(P2PErrorCode.UNREACHABLE, 'reset'));
    assert.equal(peers.get(X), undefined);
    // Meanwhile the free slot is refilled from this side of the split.
    peers.remember(Z, 'addr');
    peers.remember(W, 'addr');
    // A minute of split: every redial of X fails (before: its backoff doubled to minutes).
    for (let elapsed = 500; elapsed <= 60_000; elapsed += 500) {
      mock.timers.tick(500);
      // The network's maintenance round (Network.keepLooking) every 5 s.
      if (elapsed % 5000 === 0) peers.maintain();
      await settle();
    }
    const redials = transport.callsOf('handshake').filter((call) => call.peer === X).length;
    assert.ok(redials >= 25, `X redialled every ≤ 2 s during the split (${redials} times)`);
    assert.equal(peers.counts().outbound, 2, 'the regular slots are full (Y and one of Z, W)');
    // The heal.
    cut.delete(X);
    for (let elapsed = 0; elapsed <= RECENT_BACKOFF_MAX_MS * 1.25 + 20 && !peers.get(X); elapsed += 100) {
      mock.timers.tick(100);
      await settle();
    }
    assert.equal(peers.get(X)?.direction, 'outbound', 'X is back within the capped backoff');
    assert.equal(peers.counts().outbound, 3, `one of the ${RECONNECT_SLOTS} reconnect slots`);
  });

  it('a peer that dropped our session (it evicted us), or refuses when redialled, is not on the short backoff', async (t) => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: Date.now() });
    t.after(() => mock.timers.reset());
    const { transport, peers } = setup();
    await peers.connect(X);
    peers.failed(X, new PeerError(P2PErrorCode.NO_SESSION, 'evicted'));
    const full = new Set([X]);
    transport.handlers.handshake = (peer) =>
      full.has(peer)
        ? Promise.reject(new PeerError(P2PErrorCode.TOO_MANY_PEERS, 'full'))
        : Promise.resolve(fakeHello(peer) as Hello);
    mock.timers.tick(1000);
    await settle();
    const first = transport.callsOf('handshake').filter((call) => call.peer === X).length;
    for (let elapsed = 0; elapsed < 20_000; elapsed += 500) {
      mock.timers.tick(500);
      await settle();
    }
    const later = transport.callsOf('handshake').filter((call) => call.peer === X).length;
    assert.equal(later, first, 'no more redials without a maintenance round');
    assert.equal(first, 1, 'the first connect only: an evicted session is not redialled on a timer');

    // Lost to failures, then refused when redialled (full): back to the normal backoff.
    await peers.connect(Y);
    full.add(Y);
    for (let i = 0; i < 3; i++) peers.failed(Y, new PeerError(P2PErrorCode.UNREACHABLE, 'reset'));
    for (let elapsed = 0; elapsed < 20_000; elapsed += 500) {
      mock.timers.tick(500);
      await settle();
    }
    const toY = transport.callsOf('handshake').filter((call) => call.peer === Y).length;
    assert.equal(toY, 2, 'one redial after the short backoff, refused, then none on a timer');
    // Lost to timeouts (a slow, overloaded peer, not a cut link): no redial on a timer either.
    await peers.connect(W);
    for (let i = 0; i < 3; i++) peers.failed(W, new PeerError(P2PErrorCode.TIMEOUT, 'slow'));
    for (let elapsed = 0; elapsed < 10_000; elapsed += 500) {
      mock.timers.tick(500);
      await settle();
    }
    assert.equal(transport.callsOf('handshake').filter((call) => call.peer === W).length, 1);
    assert.ok(RECENT_WINDOW_MS <= 5 * 60_000);
  });
});
