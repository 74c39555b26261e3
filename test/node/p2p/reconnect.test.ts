import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { setImmediate as turn } from 'node:timers/promises';
import { REGTEST } from '#core/params.ts';
import { P2PErrorCode, PeerError } from '#node/p2p/errors.ts';
import { handshakeTranscript, NodeIdentity } from '#node/p2p/identity.ts';
import type { Hello } from '#node/p2p/messages.ts';
import {
  backoffDelay,
  PeerManager,
  RECENT_BACKOFF_MAX_MS,
  RECENT_WINDOW_MS,
  RECONNECT_SLOTS,
  UNREACHABLE_GRACE_MS,
} from '#node/p2p/peer-manager.ts';
import type { BlockIndexEntry } from '#node/store/blocks.ts';
import { FakeTransport, fakeHello, MemoryPeerBook } from '../../helpers/fake-transport.ts';

const X = 'http://x.example';
const Y = 'http://y.example';
const Z = 'http://z.example';
const W = 'http://w.example';

const down = (peer: string) => Promise.reject(new PeerError(P2PErrorCode.UNREACHABLE, `${peer} is cut off`));

const reset = () => new PeerError(P2PErrorCode.UNREACHABLE, 'reset');

/** A link that stays down past the grace (mock timers on): three failures then disconnect. */
function downPastGrace(peers: PeerManager, url: string): void {
  peers.failed(url, reset());
  mock.timers.tick(UNREACHABLE_GRACE_MS);
  peers.failed(url, reset());
  peers.failed(url, reset());
}

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await turn();
}

/** A peer manager with 2 outbound slots over a FakeTransport whose `cut` peers are unreachable. */
function setup(maxOutbound = 2) {
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
    maxOutbound,
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
    // The split: X stops answering; failures past the grace disconnect it.
    cut.add(X);
    downPastGrace(peers, X);
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

  it('a link down for less than the grace keeps the session; one answer resets it; timeouts still disconnect after three', async (t) => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: Date.now() });
    t.after(() => mock.timers.reset());
    const { peers } = setup();
    await peers.connect(X);
    const session = peers.get(X)!.session;
    // Ten refused requests over most of the grace: still connected, same session.
    for (let i = 0; i < 10; i++) {
      peers.failed(X, reset());
      mock.timers.tick((UNREACHABLE_GRACE_MS - 1000) / 10);
    }
    assert.equal(peers.get(X)?.session, session, 'the session outlives a short outage');
    // The link is back: the count starts again, so a new outage gets the whole grace.
    peers.succeeded(X);
    peers.failed(X, reset());
    mock.timers.tick(UNREACHABLE_GRACE_MS - 1000);
    peers.failed(X, reset());
    peers.failed(X, reset());
    assert.equal(peers.get(X)?.session, session);
    // Past the grace: disconnected (and on the short redial, as a lost outbound peer).
    mock.timers.tick(1000);
    peers.failed(X, reset());
    assert.equal(peers.get(X), undefined);
    // Timeouts (a slow peer, not a cut link) get no grace: three in a row disconnect.
    await peers.connect(Y);
    for (let i = 0; i < 2; i++) peers.failed(Y, new PeerError(P2PErrorCode.TIMEOUT, 'slow'));
    assert.ok(peers.get(Y));
    peers.failed(Y, new PeerError(P2PErrorCode.TIMEOUT, 'slow'));
    assert.equal(peers.get(Y), undefined);
  });

  it("a peer that keeps calling while refusing every request of ours is dropped at the grace's end", async (t) => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: Date.now() });
    t.after(() => mock.timers.reset());
    const { peers } = setup();
    await peers.connect(X);
    for (let elapsed = 0; elapsed < UNREACHABLE_GRACE_MS; elapsed += 5000) {
      peers.get(X)!.lastSeen = Date.now(); // its own request arrived (serve.ts)
      peers.failed(X, reset());
      mock.timers.tick(5000);
    }
    peers.get(X)!.lastSeen = Date.now();
    peers.failed(X, reset());
    assert.equal(peers.get(X), undefined, 'its own requests do not extend the grace');
  });

  it('a peer whose link is down keeps its session but frees its slot; once back, the surplus beyond the reconnect slots goes', async (t) => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: Date.now() });
    t.after(() => mock.timers.reset());
    const { cut, peers } = setup(3);
    const V = 'http://v.example';
    const [U, T, S] = ['http://u.example', 'http://t.example', 'http://s.example'];
    for (const url of [X, Y, V]) await peers.connect(url);
    for (const url of [U, T, S, Z]) peers.remember(url, 'addr');
    // A split cuts X, Y and V off: three refusals each, within the grace.
    for (const url of [X, Y, V]) {
      cut.add(url);
      mock.timers.tick(10);
      for (let i = 0; i < 3; i++) peers.failed(url, reset());
    }
    await settle();
    assert.ok(
      [X, Y, V].every((url) => peers.get(url)),
      'the sessions are kept',
    );
    const dialled = [U, T, S, Z].filter((url) => peers.get(url) !== undefined);
    assert.equal(dialled.length, 3, 'their three slots were refilled from this side');
    // The heal: 6 healthy outbound peers for 3 slots + 2 reconnect slots.
    mock.timers.tick(1000);
    for (const url of [X, Y, V]) peers.succeeded(url);
    assert.equal(peers.counts().outbound, 6);
    peers.maintain();
    assert.equal(peers.counts().outbound, 5, 'the youngest beyond the reconnect slots is let go');
    assert.ok(
      [X, Y, V].every((url) => peers.get(url)),
      'the older sessions stay',
    );
    assert.equal(dialled.filter((url) => peers.get(url) !== undefined).length, 2);
    // A peer the operator asked for beyond the limit is never trimmed.
    await peers.connect(W, 'register', true);
    for (let i = 0; i < 3; i++) peers.failed(X, reset());
    peers.succeeded(X);
    peers.maintain();
    assert.ok(peers.get(W), "the operator's peer stays");
    assert.equal(peers.counts().outbound, 6);
  });

  it('a peer that restarted while its link looked down dials in and replaces the old session; a live one is a duplicate', async (t) => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: Date.now() });
    t.after(() => mock.timers.reset());
    const remote = NodeIdentity.ephemeral();
    const { transport, peers } = setup();
    transport.handlers.handshake = (peer) => Promise.resolve({ ...fakeHello(peer), key: remote.publicKey });
    transport.handlers.identify = () => Promise.resolve(remote.publicKey);
    await peers.connect(X);
    const old = peers.get(X)!.session;
    /** X's own handshake into this node (steps 1 and 2, signed with X's key). */
    const dialIn = async () => {
      const challenge = 'cd'.repeat(32);
      const answer = peers.beginInbound({ ...fakeHello(X), key: remote.publicKey, challenge }, '127.0.0.9');
      const transcript = handshakeTranscript(
        'initiator',
        'regtest',
        { key: remote.publicKey, challenge },
        { key: answer.key, challenge: answer.challenge },
      );
      return peers.confirmInbound(answer.session, { signature: remote.sign(transcript) });
    };
    // While the outbound session is healthy, X dialling in is a duplicate.
    assert.throws(
      () =>
        peers.beginInbound(
          { ...fakeHello(X), key: remote.publicKey, challenge: 'ab'.repeat(32) },
          '127.0.0.9',
        ),
      {
        code: P2PErrorCode.DUPLICATE,
      },
    );
    // X goes down (three refusals: the link looks down) and comes back restarted, dialling in.
    for (let i = 0; i < 3; i++) peers.failed(X, reset());
    assert.equal(peers.get(X)?.session, old, 'kept within the grace');
    assert.deepEqual(await dialIn(), { admitted: true });
    assert.equal(peers.get(X)?.direction, 'inbound', 'the new session replaced the old one');
    assert.notEqual(peers.get(X)?.session, old);
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
    downPastGrace(peers, Y);
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
