import type { AnyErrorCode } from '../errors.ts';
import { chainworkHex } from '../store/blocks.ts';
import type { PeerSource } from '../store/peers.ts';
import { normalizePeerAddress } from './address.ts';
import { P2PErrorCode, PeerError } from './errors.ts';
import { type Hello, LIMITS, PROTOCOL_VERSION, parseHello, type TipInfo, workOf } from './messages.ts';
import { DISCOURAGE_SCORE, misbehaviourPoints } from './misbehaviour.ts';
import type { ChainView, PeerBook } from './ports.ts';
import type { PeerTransport } from './transport.ts';

/** A peer this node has completed a handshake with (in either direction). */
export interface Peer {
  readonly url: string;
  readonly nonce: string;
  readonly direction: 'outbound' | 'inbound';
  readonly agent: string;
  readonly connectedAt: number;
  height: number;
  tip: string;
  chainwork: bigint;
  lastSeen: number;
  /** Consecutive failed requests; the peer is dropped after MAX_FAILURES. */
  failures: number;
  score: number;
}

export interface PeerEvent {
  readonly peer: Peer;
}

export type Log = (
  level: 'debug' | 'info' | 'warn',
  message: string,
  fields?: Record<string, unknown>,
) => void;

export interface PeerManagerOptions {
  readonly chain: Pick<ChainView, 'tip' | 'params'>;
  readonly store: PeerBook;
  readonly transport: PeerTransport;
  readonly nonce: string;
  readonly selfUrl: () => string | undefined;
  readonly maxPeers: number;
  readonly discourageMs: number;
  readonly agent: string;
  readonly log: Log;
  /** Called after each new handshake (to sync with a heavier peer). */
  readonly onConnected: (peer: Peer) => void;
}

const MAX_FAILURES = 3;
/** Stored addresses kept at most (addresses learned from peers are bounded). */
const MAX_STORED_PEERS = 1000;

/**
 * Peers: handshakes (network, genesis and self checks), the connected set bounded by maxPeers,
 * misbehaviour scores and timed discouragement persisted in the peers table, address exchange
 * and reconnection to stored peers with backoff.
 */
export class PeerManager {
  private readonly peers = new Map<string, Peer>();
  private readonly connecting = new Map<string, Promise<Peer>>();
  /** Next time (ms) a failed address may be tried again. */
  private readonly backoff = new Map<string, { until: number; failures: number }>();

  constructor(private readonly options: PeerManagerOptions) {}

  get connected(): Peer[] {
    return [...this.peers.values()];
  }

  get(url: string): Peer | undefined {
    return this.peers.get(url);
  }

  /** The handshake this node sends and answers. */
  hello(): Hello {
    const tip = this.options.chain.tip;
    return {
      protocol: PROTOCOL_VERSION,
      network: this.options.chain.params.name,
      genesis: this.options.chain.params.genesisHash,
      nonce: this.options.nonce,
      url: this.options.selfUrl() ?? null,
      height: tip.height,
      tip: tip.hash,
      chainwork: chainworkHex(tip.chainwork),
      agent: this.options.agent,
    };
  }

  tipInfo(): TipInfo {
    const tip = this.options.chain.tip;
    return { hash: tip.hash, height: tip.height, chainwork: chainworkHex(tip.chainwork) };
  }

  isSelf(url: string): boolean {
    return url === this.options.selfUrl();
  }

  isDiscouraged(url: string): boolean {
    return this.options.store.isDiscouraged(url);
  }

  /** Parses an inbound handshake; throws a PeerError naming why it is refused. */
  private parse(input: unknown): Hello {
    const parsed = parseHello(input);
    if (!parsed.ok) throw new PeerError(P2PErrorCode.BAD_MESSAGE, `handshake: ${parsed.message}`);
    return this.check(parsed.value);
  }

  /** Checks a peer's handshake (network, genesis, not this node); throws a PeerError naming why it is refused. */
  private check(hello: Hello): Hello {
    const params = this.options.chain.params;
    if (hello.network !== params.name || hello.genesis !== params.genesisHash) {
      throw new PeerError(
        P2PErrorCode.WRONG_NETWORK,
        `the peer runs network "${hello.network.slice(0, 32)}" with genesis ${hello.genesis}; this node runs "${params.name}" with genesis ${params.genesisHash}`,
      );
    }
    if (hello.nonce === this.options.nonce || (hello.url !== null && this.isSelf(hello.url))) {
      throw new PeerError(P2PErrorCode.SELF, 'that address is this node itself');
    }
    return hello;
  }

  private admit(url: string, hello: Hello, direction: Peer['direction'], source: PeerSource): Peer {
    const existing = this.peers.get(url);
    if (existing === undefined && this.peers.size >= this.options.maxPeers) {
      throw new PeerError(P2PErrorCode.TOO_MANY_PEERS, `already ${this.options.maxPeers} peers`);
    }
    const now = Date.now();
    const stored = this.options.store;
    stored.add(url, source);
    stored.markSeen(url, now);
    const peer: Peer = existing ?? {
      url,
      nonce: hello.nonce,
      direction,
      agent: hello.agent,
      connectedAt: now,
      height: hello.height,
      tip: hello.tip,
      chainwork: workOf(hello.chainwork),
      lastSeen: now,
      failures: 0,
      score: stored.get(url)?.score ?? 0,
    };
    this.updateTip(peer, { hash: hello.tip, height: hello.height, chainwork: hello.chainwork });
    peer.lastSeen = now;
    peer.failures = 0;
    this.backoff.delete(url);
    if (existing === undefined) {
      this.peers.set(url, peer);
      this.options.log('info', `peer connected: ${url} (${direction}, height ${hello.height})`);
      this.options.onConnected(peer);
    }
    return peer;
  }

  /** Outbound handshake; resolves with the peer or rejects with a PeerError. */
  connect(input: string, source: PeerSource = 'config'): Promise<Peer> {
    const address = normalizePeerAddress(input);
    if (!address.ok) return Promise.reject(new PeerError(P2PErrorCode.BAD_MESSAGE, address.message));
    const url = address.url;
    if (this.isSelf(url))
      return Promise.reject(new PeerError(P2PErrorCode.SELF, 'that address is this node itself'));
    if (this.isDiscouraged(url)) {
      return Promise.reject(
        new PeerError(P2PErrorCode.DISCOURAGED, `${url} is discouraged for misbehaviour`),
      );
    }
    const running = this.connecting.get(url);
    if (running !== undefined) return running;
    const attempt = (async () => {
      try {
        const answer = await this.options.transport.handshake(url, this.hello());
        const hello = this.check(answer);
        return this.admit(url, hello, 'outbound', source);
      } catch (error) {
        const failures = (this.backoff.get(url)?.failures ?? 0) + 1;
        // 5 s, 10 s, 20 s … up to 10 minutes before trying a failed address again.
        this.backoff.set(url, {
          failures,
          until: Date.now() + Math.min(600_000, 5000 * 2 ** (failures - 1)),
        });
        if (error instanceof PeerError && error.code === P2PErrorCode.SELF) this.options.store.remove(url);
        throw error;
      } finally {
        this.connecting.delete(url);
      }
    })();
    this.connecting.set(url, attempt);
    return attempt;
  }

  /** Answers an inbound handshake: checks it, admits the peer if it gave its URL, returns our hello. */
  acceptInbound(input: unknown): Hello {
    const hello = this.parse(input);
    if (hello.url !== null) {
      if (this.isDiscouraged(hello.url)) {
        throw new PeerError(P2PErrorCode.DISCOURAGED, 'this peer is discouraged for misbehaviour');
      }
      this.admit(hello.url, hello, 'inbound', 'inbound');
    }
    return this.hello();
  }

  /** Records what a peer told us about its best chain. */
  updateTip(peer: Peer, tip: TipInfo): void {
    const work = workOf(tip.chainwork);
    if (work >= peer.chainwork) {
      peer.chainwork = work;
      peer.height = tip.height;
      peer.tip = tip.hash;
    }
  }

  /** A request to the peer succeeded. */
  succeeded(url: string): void {
    const peer = this.peers.get(url);
    if (peer !== undefined) {
      peer.failures = 0;
      peer.lastSeen = Date.now();
    }
  }

  /** A request to the peer failed (timeout, unreachable): dropped after a few in a row. */
  failed(url: string, error: unknown): void {
    const code = error instanceof PeerError ? error.code : undefined;
    if (code !== undefined && misbehaviourPoints(code) > 0) {
      this.misbehaved(url, code, (error as Error).message);
      return;
    }
    const peer = this.peers.get(url);
    if (peer === undefined) return;
    peer.failures++;
    if (peer.failures >= MAX_FAILURES)
      this.disconnect(url, `${peer.failures} failed requests (${code ?? 'UNKNOWN'})`);
  }

  /**
   * The peer sent invalid data: adds the points of `code`; at DISCOURAGE_SCORE the peer is
   * disconnected and discouraged for the configured time (persisted, so a restart keeps it).
   */
  misbehaved(url: string, code: AnyErrorCode, message: string): void {
    const points = misbehaviourPoints(code);
    if (points === 0) return;
    const store = this.options.store;
    store.add(url, 'inbound');
    const score = (this.peers.get(url)?.score ?? store.get(url)?.score ?? 0) + points;
    this.options.log('warn', `peer ${url} misbehaved: ${code}: ${message.slice(0, 200)} (score ${score})`, {
      peer: url,
      code,
    });
    if (score >= DISCOURAGE_SCORE) {
      store.discourage(url, Date.now() + this.options.discourageMs, `${code}: ${message}`);
      this.disconnect(url, `discouraged: ${code}`);
      return;
    }
    store.setScore(url, score);
    const peer = this.peers.get(url);
    if (peer !== undefined) peer.score = score;
  }

  disconnect(url: string, reason: string): void {
    if (this.peers.delete(url)) this.options.log('info', `peer disconnected: ${url} (${reason})`);
  }

  /** Asks a peer for addresses it knows and stores the new ones (bounded). */
  async exchangeAddresses(peer: Peer): Promise<void> {
    let urls: string[];
    try {
      urls = await this.options.transport.addresses(peer.url);
      this.succeeded(peer.url);
    } catch (error) {
      // A malformed answer is P2P_BAD_MESSAGE: failed() scores it as misbehaviour.
      this.failed(peer.url, error);
      return;
    }
    const store = this.options.store;
    for (const url of urls) {
      if (this.isSelf(url)) continue;
      if (store.count() >= MAX_STORED_PEERS) break;
      store.add(url, 'addr');
    }
  }

  /** Addresses to give to others: connected peers first, then recently seen ones. */
  addresses(): string[] {
    const now = Date.now();
    const out = new Set(this.connected.map((peer) => peer.url));
    for (const row of this.options.store.list()) {
      if (out.size >= LIMITS.addrPerAnswer) break;
      if (row.banned_until !== null && row.banned_until > now) continue;
      if (row.last_seen !== null) out.add(row.url);
    }
    return [...out].slice(0, LIMITS.addrPerAnswer);
  }

  /**
   * Connects to stored peers until half of maxPeers are connected (the other half stays free
   * for nodes that connect to us, as Bitcoin keeps most slots for inbound peers: otherwise
   * address exchange turns the first nodes into a full clique that refuses newcomers),
   * skipping discouraged addresses and those in backoff. Attempts run in the background.
   */
  maintain(): void {
    const now = Date.now();
    let room = Math.ceil(this.options.maxPeers / 2) - this.peers.size - this.connecting.size;
    for (const row of this.options.store.list()) {
      if (room <= 0) return;
      if (this.peers.has(row.url) || this.connecting.has(row.url) || this.isSelf(row.url)) continue;
      if (row.banned_until !== null && row.banned_until > now) continue;
      if ((this.backoff.get(row.url)?.until ?? 0) > now) continue;
      room--;
      this.connect(row.url, row.source).catch((error: unknown) =>
        this.options.log('debug', `cannot connect to ${row.url}: ${(error as Error).message}`),
      );
    }
  }
}
