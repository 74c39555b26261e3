import { randomBytes } from 'node:crypto';
import type { CryptoPort } from '../../core/crypto.ts';
import { blockJsonLimits } from '../api/bounded-json.ts';
import type { Chain } from '../chain/chain.ts';
import { NodeError } from '../errors.ts';
import type { Mempool } from '../mempool.ts';
import type { PostReader } from '../store/store.ts';
import type { BulkSignatureVerifier } from '../verifier/block-signatures.ts';
import { chainView, pendingPool, postLookup } from './adapters.ts';
import { checkOutbound, normalizePeerAddress } from './address.ts';
import { CompactRelay } from './compact-relay.ts';
import { P2PErrorCode, PeerError } from './errors.ts';
import { Gossip } from './gossip.ts';
import { HttpTransport } from './http-transport.ts';
import { identifyTranscript, NodeIdentity } from './identity.ts';
import { BlockIntake } from './intake.ts';
import { MempoolSync } from './mempool-sync.ts';
import type { IdentifyAnswer } from './messages.ts';
import { OrphanPool } from './orphans.ts';
import { type Log, type Peer, PeerManager } from './peer-manager.ts';
import type { ChainView, PeerBook, PendingPool, PostLookup } from './ports.ts';
import { SyncProgress } from './progress.ts';
import { RateLimiter } from './rate-limit.ts';
import { SyncManager } from './sync.ts';
import { NetStats, type PeerTransport } from './transport.ts';

export interface NetworkConfig {
  /** Connections this node opens itself, to peers it chooses (default 8). */
  readonly maxOutbound?: number;
  /** Connections other nodes open to this one (default 16); full slots evict (eviction.ts). */
  readonly maxInbound?: number;
  /** Allow loopback, private and link-local peers (always allowed on regtest). */
  readonly allowPrivatePeers?: boolean;
  /** The node key; an ephemeral one when absent (node.ts loads `<data>/node-key`). */
  readonly identity?: NodeIdentity;
  /** Slot filling, keep-alive and feelers, ms (default 5 s). */
  readonly maintainIntervalMs?: number;
  /** How long a misbehaving peer stays discouraged, ms (default 24 h). */
  readonly discourageMs?: number;
  /** Periodic sync and reconnection, ms (default 30 s). */
  readonly syncIntervalMs?: number;
  /** Timeout of small peer requests, ms (default 5 s). */
  readonly requestTimeoutMs?: number;
  /** Peer-protocol requests per second per peer, and the burst (default 200/s, 1000). */
  readonly rateLimit?: { readonly perSecond: number; readonly burst: number };
  readonly agent?: string;
  /** The local IP outbound peer connections leave from (`--outbound-address`). */
  readonly outboundAddress?: string;
  readonly transport?: PeerTransport;
}

export interface NetworkDeps {
  readonly chain: Chain;
  readonly mempool: Mempool;
  /** Stored posts by id (the Store's read side), for gossip and GET /p2p/posts. */
  readonly posts: PostReader;
  readonly store: PeerBook;
  readonly crypto: CryptoPort;
  /** Verifies the signatures of synced blocks on worker threads (src/node/verifier/). */
  readonly verifier?: BulkSignatureVerifier;
}

/**
 * The peer network of one node (docs/ARCHITECTURE.md "Network"): the peer manager, gossip,
 * headers-first sync and the orphan pool behind one facade that node.ts starts and stops and
 * the peer-facing routes (serve.ts) call. It is also where the node's Chain and Mempool are
 * narrowed to the ports of ports.ts that every other p2p module receives.
 */
export class Network {
  /** The chain as the peer layer sees it (ports.ts). */
  readonly chain: ChainView;
  /** Relayable posts by id, for gossip and GET /p2p/posts. */
  readonly posts: PostLookup;
  readonly nonce = randomBytes(16).toString('hex');
  readonly stats = new NetStats();
  readonly peers: PeerManager;
  readonly gossip: Gossip;
  readonly sync: SyncManager;
  readonly orphans = new OrphanPool();
  readonly intake: BlockIntake;
  /** Compact block relay, both sides (§11.8). */
  readonly relay: CompactRelay;
  readonly mempoolSync: MempoolSync;
  /** The pending pool as the peer layer sees it (GET /p2p/pending pages it). */
  readonly pending: PendingPool;
  readonly limiter: RateLimiter;
  private selfUrl: string | undefined;
  private log: Log = () => undefined;
  private timer: NodeJS.Timeout | undefined;
  private maintainTimer: NodeJS.Timeout | undefined;
  private maintainRounds = 0;
  private readonly syncIntervalMs: number;
  private readonly maintainIntervalMs: number;
  readonly identity: NodeIdentity;

  constructor(
    private readonly deps: NetworkDeps,
    config: NetworkConfig = {},
  ) {
    this.identity = config.identity ?? NodeIdentity.ephemeral();
    const allowPrivate = config.allowPrivatePeers === true || deps.chain.params.name === 'regtest';
    const transport =
      config.transport ??
      new HttpTransport({
        identity: this.identity,
        sessionFor: (url) => this.peers.get(url)?.session,
        allowPrivate,
        stats: this.stats,
        blockLimits: blockJsonLimits(deps.chain.params),
        ...(config.requestTimeoutMs !== undefined ? { timeoutMs: config.requestTimeoutMs } : {}),
        ...(config.outboundAddress !== undefined ? { outboundAddress: config.outboundAddress } : {}),
      });
    const log: Log = (level, message, fields) => this.log(level, message, fields);
    const chain = chainView(deps.chain);
    const mempool = pendingPool(deps.mempool);
    this.chain = chain;
    this.pending = mempool;
    this.posts = postLookup(deps.posts);
    this.syncIntervalMs = config.syncIntervalMs ?? 30_000;
    this.maintainIntervalMs = config.maintainIntervalMs ?? 5000;
    this.limiter = new RateLimiter(config.rateLimit?.perSecond ?? 200, config.rateLimit?.burst ?? 1000);
    this.peers = new PeerManager({
      chain,
      store: deps.store,
      transport,
      identity: this.identity,
      nonce: this.nonce,
      selfUrl: () => this.selfUrl,
      maxOutbound: config.maxOutbound ?? 8,
      maxInbound: config.maxInbound ?? 16,
      allowPrivate,
      discourageMs: config.discourageMs ?? 24 * 3600 * 1000,
      agent: config.agent ?? 'yournet',
      log,
      onConnected: (peer) => this.onConnected(peer),
    });
    this.intake = new BlockIntake(chain, this.orphans, this.peers);
    this.sync = new SyncManager({
      chain,
      peers: this.peers,
      transport,
      intake: this.intake,
      progress: new SyncProgress(log),
      log,
      ...(deps.verifier !== undefined ? { verifier: deps.verifier } : {}),
    });
    this.relay = new CompactRelay({
      chain,
      posts: this.posts,
      peers: this.peers,
      transport,
      intake: this.intake,
      crypto: deps.crypto,
      stats: this.stats,
      log,
    });
    this.gossip = new Gossip({
      chain,
      posts: this.posts,
      mempool,
      peers: this.peers,
      transport,
      intake: this.intake,
      orphans: this.orphans,
      log,
      requestSync: (url) => void this.sync.request(url),
      compact: this.relay,
      stats: this.stats,
    });
    this.relay.relayEarly = (hash, form, from) => this.gossip.relayEarly(hash, form, from);
    this.mempoolSync = new MempoolSync({
      transport,
      peers: this.peers,
      posts: this.posts,
      fetch: (url, ids) => this.gossip.fetchPosts(url, ids),
      stats: this.stats,
    });
    for (let after = 0, page = mempool.page(1000, 0); page.length > 0; page = mempool.page(1000, after)) {
      for (const row of page) this.relay.remember(row.id);
      after = page[page.length - 1]!.seq;
    }
    // Only valid data reaches these hooks, so only valid data is announced.
    mempool.onAdded((accepted) => {
      this.relay.remember(accepted.id);
      this.gossip.announcePost(accepted.id);
    });
    chain.on('block', (event) => {
      this.relay.connected(event.hash, event.postIds);
      this.gossip.announceBlock(event.hash);
    });
  }

  /** The URL this node announces (set once the server listens). */
  get url(): string | undefined {
    return this.selfUrl;
  }

  setSelfUrl(url: string): void {
    const normal = normalizePeerAddress(url);
    this.selfUrl = normal.ok ? normal.url : url;
  }

  setLogger(log: Log): void {
    this.log = log;
  }

  /** Connects to stored peers (those of --peer and the seeds included) and starts the periodic work. */
  start(): void {
    this.peers.maintain();
    this.timer = setInterval(() => this.tick(), this.syncIntervalMs);
    this.timer.unref();
    this.maintainTimer = setInterval(() => this.keepLooking(), this.maintainIntervalMs);
    this.maintainTimer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    if (this.maintainTimer !== undefined) clearInterval(this.maintainTimer);
    this.gossip.stop();
    this.sync.stop();
  }

  /**
   * Every few seconds (issue 14): keeps the outbound slots filled from learned addresses
   * (retrying with backoff), pings idle peers so dropped sessions are noticed, asks a peer
   * for addresses while the node has few, and every sixth round sends a feeler.
   */
  private keepLooking(): void {
    this.maintainRounds++;
    void this.peers.keepAlive(Math.max(15_000, this.maintainIntervalMs * 3)).then(() => {
      this.peers.maintain();
      // A ping answered with a heavier tip (announcements lost while a link was down): sync now.
      const work = this.chain.tip.chainwork;
      for (const peer of this.peers.connected) if (peer.chainwork > work) void this.sync.request(peer.url);
    });
    const connected = this.peers.connected;
    if (connected.length > 0 && connected.length < this.peers.maxOutbound) {
      void this.peers.exchangeAddresses(connected[Math.floor(Math.random() * connected.length)]!);
    }
    if (this.maintainRounds % 6 === 0) void this.peers.feeler();
  }

  /** Connected inbound and outbound peers, and stored addresses (for /api/v1/status). */
  peerCounts(): { inbound: number; outbound: number; known: number } {
    return { ...this.peers.counts(), known: this.deps.store.count() };
  }

  /** GET /p2p/identify: this node's key and its signature over the caller's nonce and our URL. */
  identify(challenge: string): IdentifyAnswer {
    const message = identifyTranscript(this.chain.params.name, challenge, this.selfUrl ?? '');
    return { key: this.identity.publicKey, signature: this.identity.sign(message) };
  }

  /**
   * Periodic: reconnect, then sync with heavier peers and with one random peer to catch up, and
   * an incremental pending sync with another random peer.
   */
  private tick(): void {
    this.peers.maintain();
    const connected = this.peers.connected;
    const tipWork = this.chain.tip.chainwork;
    for (const peer of connected) if (peer.chainwork > tipWork) void this.sync.request(peer.url);
    const random = connected[Math.floor(Math.random() * connected.length)];
    if (random !== undefined) void this.sync.request(random.url);
    // Pending posts a session start missed (relayed while a link was down): one peer a tick.
    const other = connected[Math.floor(Math.random() * connected.length)];
    if (other !== undefined) void this.mempoolSync.run(other.url, true);
  }

  private onConnected(peer: Peer): void {
    void this.peers.exchangeAddresses(peer).then(() => this.peers.maintain());
    if (peer.chainwork > this.chain.tip.chainwork) void this.sync.request(peer.url);
    // Pending posts made while apart (§11.8). An inbound peer learns its session only from our
    // answer to its confirm, so this side waits a moment before using it.
    const delay = peer.direction === 'inbound' ? 1000 : 0;
    setTimeout(() => void this.mempoolSync.run(peer.url), delay).unref();
  }

  /**
   * `/register_with`: handshakes with the node at `address` (which then knows us too) and syncs
   * from it, adopting its chain only if it carries more work and validates fully. Waits for
   * the sync up to `waitMs`; a longer sync continues in the background.
   */
  async registerWith(address: string, waitMs = 30_000): Promise<{ peer: Peer; synced: boolean }> {
    const normal = normalizePeerAddress(address);
    if (!normal.ok) throw new PeerError(P2PErrorCode.BAD_MESSAGE, normal.message);
    // The operator's own choice: it may take an outbound slot beyond the limit.
    const peer = await this.peers.connect(normal.url, 'register', true);
    let timer: NodeJS.Timeout | undefined;
    const synced = await Promise.race([
      this.sync.request(peer.url).then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), waitMs);
      }),
    ]);
    clearTimeout(timer);
    return { peer, synced };
  }

  /**
   * `/register_node`: remembers the address (bounded, never-connected ones evicted first) and
   * dials it in the background if an outbound slot is free. The caller's claim stays a claim:
   * the address is passed on to others only once a handshake there proved a node key.
   */
  registerNode(url: string): void {
    const address = checkOutbound(url, this.peers.allowPrivate);
    // A NodeError: the API's error handler answers it 400 with the code (never a 500).
    if (!address.ok) throw new NodeError(P2PErrorCode.ADDRESS_REFUSED, address.message);
    if (this.peers.isSelf(address.url)) return;
    this.peers.remember(address.url, 'register');
    this.peers.maintain();
  }

  status() {
    const now = Date.now();
    return {
      url: this.selfUrl ?? null,
      nonce: this.nonce,
      syncing: this.sync.active,
      height: this.chain.tip.height,
      bestKnownHeight: Math.max(
        this.sync.bestKnownHeight,
        this.chain.tip.height,
        ...this.peers.connected.map((p) => p.height),
      ),
      orphans: this.orphans.size,
      stats: { ...this.stats },
      blocksRejected: this.intake.rejected,
      pushedBlocksFailedUnscored: this.intake.unscored,
      counts: this.peerCounts(),
      connected: this.peers.connected.map((peer) => ({
        url: peer.url,
        key: peer.key,
        direction: peer.direction,
        height: peer.height,
        tip: peer.tip,
        score: peer.score,
        failures: peer.failures,
        agent: peer.agent,
      })),
      // Bounded: the table holds up to 1,000 addresses; the counts above give the total.
      known: this.deps.store
        .list()
        .slice(0, 200)
        .map((row) => ({
          url: row.url,
          source: row.source,
          lastSeen: row.last_seen,
          score: row.score,
          discouragedUntil: row.banned_until !== null && row.banned_until > now ? row.banned_until : null,
          reason: row.ban_reason,
        })),
    };
  }
}
