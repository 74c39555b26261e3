import type { AnyErrorCode } from '../errors.ts';
import { chainworkHex } from '../store/blocks.ts';
import type { PeerSource } from '../store/peers.ts';
import { addressGroup, checkOutbound, hostOf, isLoopback } from './address.ts';
import { P2PErrorCode, PeerError, RefusedError } from './errors.ts';
import { selectEviction } from './eviction.ts';
import { handshakeTranscript, type NodeIdentity, randomHex32, verifySignature } from './identity.ts';
import {
  type HandshakeAnswer,
  type Hello,
  LIMITS,
  PROTOCOL_VERSION,
  parseConfirm,
  parseHandshakeRequest,
  type TipInfo,
  workOf,
} from './messages.ts';
import { DISCOURAGE_SCORE, misbehaviourPoints } from './misbehaviour.ts';
import type { ChainView, PeerBook } from './ports.ts';
import type { PeerTransport } from './transport.ts';

/**
 * A peer this node holds a session with (either direction). Its identity is the node key it
 * proved in the handshake; its URL is one this node dialed (outbound) or checked by connecting
 * back to it (inbound); its IP is the source address of its handshake (inbound) or the host of
 * its URL (outbound). Nothing here comes from a header or a body field alone.
 */
export interface Peer {
  readonly url: string;
  readonly key: string;
  readonly ip: string;
  /** The token that names the session on every /p2p request, in both directions. */
  readonly session: string;
  readonly nonce: string;
  readonly direction: 'outbound' | 'inbound';
  readonly agent: string;
  readonly connectedAt: number;
  /** Round trip of the handshake (outbound) or of the connect-back check (inbound), ms. */
  readonly latencyMs: number;
  height: number;
  tip: string;
  chainwork: bigint;
  lastSeen: number;
  /**
   * When a request of this node last got an answer from the peer (or the session began): the
   * grace of a link down counts from it, not from the peer's own requests, so a peer that keeps
   * calling while refusing every request of ours cannot hold its slot past the grace.
   */
  lastAnswer: number;
  /** When the peer last sent a block new to this node (0: never); eviction protects these. */
  lastBlockAt: number;
  /** Consecutive failed requests; the peer is dropped after MAX_FAILURES (see `failed`). */
  failures: number;
  /**
   * The link looks down: MAX_FAILURES in a row, the last one unreachable, within the grace. The
   * session is kept (see UNREACHABLE_GRACE_MS) but not its outbound slot, so a node cut off
   * from its peers by a split still finds peers on its own side meanwhile.
   */
  linkDown: boolean;
  score: number;
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
  /** The node key (identity.ts). */
  readonly identity: Pick<NodeIdentity, 'publicKey' | 'sign'>;
  readonly nonce: string;
  readonly selfUrl: () => string | undefined;
  /** Connections this node opens itself (default 8). */
  readonly maxOutbound?: number;
  /** Connections other nodes open to this one (default 16). */
  readonly maxInbound?: number;
  /** Whether loopback, private and link-local peers are allowed (regtest, --allow-private-peers). */
  readonly allowPrivate?: boolean;
  readonly discourageMs: number;
  readonly agent: string;
  readonly log: Log;
  /** Called after each new handshake (to sync with a heavier peer). */
  readonly onConnected: (peer: Peer) => void;
}

/** A handshake between its two steps (the responder's side). */
interface Pending {
  readonly hello: Hello;
  readonly ip: string;
  readonly theirs: { readonly key: string; readonly challenge: string };
  readonly mine: { readonly key: string; readonly challenge: string };
  readonly expires: number;
}

const MAX_FAILURES = 3;
/**
 * A peer whose requests are refused or reset (a link down: a partition, a router restart, a
 * Wi-Fi handover) keeps its session this long, as a TCP connection outlives a short outage:
 * announcements keep being resent every second (gossip.ts), so when the link returns the first
 * resend crosses it, with no new handshake (a 50-node split used to wait 1.5-2.5 s per redial
 * handshake under load). A longer outage disconnects as before and the short redial takes over.
 */
export const UNREACHABLE_GRACE_MS = 60_000;
/** Stored addresses kept at most; never-connected ones are evicted first. */
export const MAX_STORED_PEERS = 1000;
/** Handshakes between their two steps, at most, and how long one may wait for its second step. */
const MAX_PENDING = 64;
const PENDING_MS = 15_000;
/** Reconnection backoff after a failure or a disconnect: 2 s, 4 s, 8 s … up to 5 minutes. */
const BACKOFF_BASE_MS = 2000;
const BACKOFF_MAX_MS = 300_000;
/**
 * An outbound peer lost within this window (a partition, a restart) is redialled on a short
 * backoff (0.5 s, then every 1 s), so sessions come back within about a second of a heal (a
 * refused dial costs little).
 */
export const RECENT_WINDOW_MS = 5 * 60_000;
const RECENT_BACKOFF_BASE_MS = 500;
export const RECENT_BACKOFF_MAX_MS = 1000;
/** Outbound slots beyond maxOutbound, only for redialling peers lost recently (slots refilled meanwhile). */
export const RECONNECT_SLOTS = 2;
/** Recently lost addresses remembered at most. */
const RECENT_KEPT = 64;

/**
 * The reconnection delay (before jitter) after the `failures`-th failure or disconnect of an
 * address; `recent`: a peer this node held an outbound session with within RECENT_WINDOW_MS.
 */
export function backoffDelay(failures: number, recent: boolean): number {
  if (recent) return Math.min(RECENT_BACKOFF_MAX_MS, RECENT_BACKOFF_BASE_MS * 2 ** (failures - 1));
  return Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (failures - 1));
}

/** Shuffles in place (Fisher–Yates): every node picks different addresses from the same list. */
function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/**
 * Peers (docs/PROTOCOL.md §11): two-step handshakes that prove node keys, sessions, separate
 * outbound (chosen by this node) and inbound (evicting when full) slots, misbehaviour scores
 * and discouragement bound to the node key, the URL and the source IP, bounded address
 * storage, address exchange, and reconnection with backoff.
 */
export class PeerManager {
  private readonly peers = new Map<string, Peer>();
  private readonly sessions = new Map<string, Peer>();
  private readonly pending = new Map<string, Pending>();
  private readonly connecting = new Map<string, Promise<Peer>>();
  /** Next time (ms) an address may be tried again, after a failure or a disconnect. */
  private readonly backoff = new Map<string, { until: number; failures: number }>();
  /** Outbound peers the operator asked for beyond the limit (`force`): never trimmed. */
  private readonly forced = new Set<string>();
  /** A link-down peer answered again since the last maintenance: trim the surplus then. */
  private linkReturned = false;
  /** Outbound peers lost (disconnected) recently, and when: redialled on the short backoff. */
  private readonly lost = new Map<string, number>();
  readonly maxOutbound: number;
  readonly maxInbound: number;
  readonly allowPrivate: boolean;

  constructor(private readonly options: PeerManagerOptions) {
    this.maxOutbound = options.maxOutbound ?? 8;
    this.maxInbound = options.maxInbound ?? 16;
    this.allowPrivate = options.allowPrivate ?? options.chain.params.name === 'regtest';
  }

  get connected(): Peer[] {
    return [...this.peers.values()];
  }

  get(url: string): Peer | undefined {
    return this.peers.get(url);
  }

  /** The peer a request's session token names, if the session is live. */
  bySession(token: string | undefined): Peer | undefined {
    return token === undefined ? undefined : this.sessions.get(token);
  }

  /** Outbound peers holding a slot: those whose link is not down (see Peer.linkDown). */
  private outboundInUse(): number {
    let used = 0;
    for (const peer of this.peers.values()) if (peer.direction === 'outbound' && !peer.linkDown) used++;
    return used;
  }

  /** Connected peers by direction. */
  counts(): { inbound: number; outbound: number } {
    let inbound = 0;
    for (const peer of this.peers.values()) if (peer.direction === 'inbound') inbound++;
    return { inbound, outbound: this.peers.size - inbound };
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
      key: this.options.identity.publicKey,
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

  /** Whether a node key or a source IP is discouraged (loopback IPs never are: local nodes share them). */
  isRefused(who: { readonly key?: string; readonly ip?: string; readonly url?: string | null }): boolean {
    const store = this.options.store;
    if (who.url != null && store.isDiscouraged(who.url)) return true;
    if (who.key !== undefined && store.isBanned('key', who.key)) return true;
    return who.ip !== undefined && !isLoopback(who.ip) && store.isBanned('ip', who.ip);
  }

  /** Checks a peer's hello (network, genesis, not this node); throws a PeerError naming why it is refused. */
  private check(hello: Hello): Hello {
    const params = this.options.chain.params;
    if (hello.network !== params.name || hello.genesis !== params.genesisHash) {
      throw new PeerError(
        P2PErrorCode.WRONG_NETWORK,
        `the peer runs network "${hello.network.slice(0, 32)}" with genesis ${hello.genesis}; this node runs "${params.name}" with genesis ${params.genesisHash}`,
      );
    }
    if (
      hello.nonce === this.options.nonce ||
      hello.key === this.options.identity.publicKey ||
      (hello.url !== null && this.isSelf(hello.url))
    ) {
      throw new PeerError(P2PErrorCode.SELF, 'that address is this node itself');
    }
    return hello;
  }

  private byKey(key: string): Peer | undefined {
    for (const peer of this.peers.values()) if (peer.key === key) return peer;
    return undefined;
  }

  private admit(
    url: string,
    hello: Hello,
    link: { direction: Peer['direction']; ip: string; session: string; latencyMs: number },
    source: PeerSource,
  ): Peer {
    const now = Date.now();
    this.remember(url, source);
    this.options.store.markSeen(url, now);
    const peer: Peer = {
      url,
      key: hello.key,
      ip: link.ip,
      session: link.session,
      nonce: hello.nonce,
      direction: link.direction,
      agent: hello.agent,
      connectedAt: now,
      latencyMs: link.latencyMs,
      height: hello.height,
      tip: hello.tip,
      chainwork: workOf(hello.chainwork),
      lastSeen: now,
      lastAnswer: now,
      lastBlockAt: 0,
      failures: 0,
      linkDown: false,
      score: 0,
    };
    this.peers.set(url, peer);
    this.sessions.set(link.session, peer);
    this.backoff.delete(url);
    this.lost.delete(url);
    this.options.log('info', `peer connected: ${url} (${link.direction}, height ${hello.height})`);
    this.options.onConnected(peer);
    return peer;
  }

  /**
   * Outbound handshake; resolves with the peer or rejects with a PeerError. Only this node
   * chooses its outbound peers: `force` (an operator's /register_with) may pass the slot limit.
   */
  connect(input: string, source: PeerSource = 'config', force = false): Promise<Peer> {
    const address = checkOutbound(input, this.allowPrivate);
    if (!address.ok) return Promise.reject(new PeerError(P2PErrorCode.ADDRESS_REFUSED, address.message));
    const url = address.url;
    if (this.isSelf(url))
      return Promise.reject(new PeerError(P2PErrorCode.SELF, 'that address is this node itself'));
    if (this.isDiscouraged(url)) {
      return Promise.reject(
        new PeerError(P2PErrorCode.DISCOURAGED, `${url} is discouraged for misbehaviour`),
      );
    }
    const existing = this.peers.get(url);
    if (existing !== undefined) return Promise.resolve(existing);
    const running = this.connecting.get(url);
    if (running !== undefined) return running;
    const limit = this.maxOutbound + (this.isRecentlyLost(url) ? RECONNECT_SLOTS : 0);
    if (!force && this.outboundInUse() + this.connecting.size >= limit) {
      return Promise.reject(new PeerError(P2PErrorCode.TOO_MANY_PEERS, 'the outbound slots are full'));
    }
    const attempt = (async () => {
      try {
        const started = Date.now();
        const shaken = await this.options.transport.handshake(url, this.hello());
        const hello = this.check(shaken.hello);
        if (this.isRefused({ key: hello.key, ip: hostOf(url) })) {
          throw new PeerError(P2PErrorCode.DISCOURAGED, `${url} answers with a discouraged node key`);
        }
        const existing = this.byKey(hello.key);
        if (existing?.linkDown) this.drop(existing.url, 'replaced by a new session (its link was down)');
        else if (existing !== undefined) {
          throw new PeerError(P2PErrorCode.DUPLICATE, 'already connected to that node key');
        }
        const link = { direction: 'outbound' as const, ip: hostOf(url), session: shaken.session };
        const peer = this.admit(url, hello, { ...link, latencyMs: Date.now() - started }, source);
        if (force) this.forced.add(url);
        return peer;
      } catch (error) {
        // Only an unreachable peer (a partition) keeps the short backoff; a refusal does not.
        const code = error instanceof PeerError ? error.code : undefined;
        if (code !== P2PErrorCode.UNREACHABLE && code !== P2PErrorCode.TIMEOUT) this.lost.delete(url);
        this.backOff(url);
        if (error instanceof PeerError && error.code === P2PErrorCode.SELF) this.options.store.remove(url);
        if (error instanceof RefusedError) this.learn(error.addresses, 'addr');
        throw error;
      } finally {
        this.connecting.delete(url);
      }
    })();
    this.connecting.set(url, attempt);
    return attempt;
  }

  private backOff(url: string): void {
    const failures = (this.backoff.get(url)?.failures ?? 0) + 1;
    const recent = this.isRecentlyLost(url);
    // Jitter, so the nodes a peer dropped at once do not all come back at once.
    const delay = backoffDelay(failures, recent) * (0.75 + Math.random() / 2);
    this.backoff.set(url, { failures, until: Date.now() + delay });
    // A recently lost peer is redialled when its backoff ends, not at the next maintenance round.
    if (recent) setTimeout(() => this.maintain(), delay + 10).unref();
  }

  /** Whether `url` is an outbound peer this node lost within RECENT_WINDOW_MS. */
  private isRecentlyLost(url: string): boolean {
    const at = this.lost.get(url);
    if (at === undefined) return false;
    if (Date.now() - at <= RECENT_WINDOW_MS) return true;
    this.lost.delete(url);
    return false;
  }

  /** Whether an inbound slot is free or can be freed by eviction (without evicting). */
  private inboundRoom(): boolean {
    return this.counts().inbound < this.maxInbound || this.evictionTarget() !== undefined;
  }

  private evictionTarget(): Peer | undefined {
    const inbound = this.connected.filter((peer) => peer.direction === 'inbound');
    const id = selectEviction(
      inbound.map((peer) => ({
        id: peer.url,
        group: addressGroup(peer.ip),
        latencyMs: peer.latencyMs,
        lastBlockAt: peer.lastBlockAt,
        connectedAt: peer.connectedAt,
      })),
    );
    return id === undefined ? undefined : this.peers.get(id);
  }

  private refuseFull(): never {
    throw new RefusedError(
      P2PErrorCode.TOO_MANY_PEERS,
      `all ${this.maxInbound} inbound slots are taken by protected peers; try the addresses given`,
      this.addresses(),
    );
  }

  /**
   * Step 1 of an inbound handshake from source address `ip`: checks the hello, signs both
   * nonces and answers with a session token, usable only after step 2. A full node refuses
   * with the addresses of other peers it knows.
   */
  beginInbound(input: unknown, ip: string): HandshakeAnswer {
    const parsed = parseHandshakeRequest(input);
    if (!parsed.ok) throw new PeerError(P2PErrorCode.BAD_MESSAGE, `handshake: ${parsed.message}`);
    const hello = this.check(parsed.value);
    if (this.isRefused({ key: hello.key, ip, url: hello.url })) {
      throw new PeerError(P2PErrorCode.DISCOURAGED, 'this peer is discouraged for misbehaviour');
    }
    // A peer that dials in again (it restarted) replaces its old inbound session at step 2, and
    // an outbound one whose link is down (it restarted while this node could not reach it).
    const known = this.byKey(hello.key);
    if (known?.direction === 'outbound' && !known.linkDown) {
      throw new PeerError(P2PErrorCode.DUPLICATE, 'already connected to that node key');
    }
    if (hello.url !== null && !this.inboundRoom()) this.refuseFull();
    const now = Date.now();
    for (const [token, entry] of this.pending) if (entry.expires <= now) this.pending.delete(token);
    if (this.pending.size >= MAX_PENDING) this.pending.delete(this.pending.keys().next().value as string);
    const mine = { key: this.options.identity.publicKey, challenge: randomHex32() };
    const theirs = { key: hello.key, challenge: parsed.value.challenge };
    const session = randomHex32();
    this.pending.set(session, { hello, ip, mine, theirs, expires: now + PENDING_MS });
    const signature = this.options.identity.sign(
      handshakeTranscript('responder', hello.network, theirs, mine),
    );
    return { ...this.hello(), challenge: mine.challenge, signature, session };
  }

  /**
   * Step 2 of an inbound handshake: the initiator's signature over this node's nonce proves its
   * key. Its claimed URL is admitted (and later stored or passed on) only once connecting back
   * to it proves the same key answers there. Then it takes an inbound slot, evicting if full.
   */
  async confirmInbound(session: string | undefined, input: unknown): Promise<{ admitted: boolean }> {
    const entry = session === undefined ? undefined : this.pending.get(session);
    if (session === undefined || entry === undefined || entry.expires <= Date.now()) {
      throw new PeerError(
        P2PErrorCode.NO_SESSION,
        'no handshake waits for its second step under that session',
      );
    }
    this.pending.delete(session);
    const parsed = parseConfirm(input);
    if (!parsed.ok) throw new PeerError(P2PErrorCode.BAD_MESSAGE, `confirm: ${parsed.message}`);
    const signed = handshakeTranscript('initiator', entry.hello.network, entry.theirs, entry.mine);
    if (!verifySignature(entry.theirs.key, signed, parsed.value.signature)) {
      throw new PeerError(
        P2PErrorCode.BAD_HANDSHAKE,
        'the signature does not prove the key of the handshake',
      );
    }
    const url = entry.hello.url;
    // Without a URL this node cannot reach the peer: it may still pull headers, blocks and addresses.
    if (url === null || checkOutbound(url, this.allowPrivate).ok === false) return { admitted: false };
    const started = Date.now();
    let key: string;
    try {
      key = await this.options.transport.identify(url, this.options.chain.params.name);
    } catch {
      key = '';
    }
    if (key !== entry.hello.key) {
      throw new PeerError(
        P2PErrorCode.BAD_HANDSHAKE,
        'the URL given does not answer with the key of the handshake',
      );
    }
    const previous = this.byKey(key) ?? this.peers.get(url);
    if (previous?.direction === 'outbound' && !previous.linkDown) {
      throw new PeerError(P2PErrorCode.DUPLICATE, 'already connected to that node key or URL');
    }
    if (previous !== undefined) this.drop(previous.url, 'replaced by a new session');
    if (this.counts().inbound >= this.maxInbound) {
      const victim = this.evictionTarget();
      if (victim === undefined) this.refuseFull();
      this.disconnect(victim.url, 'evicted for a new inbound peer');
    }
    const link = { direction: 'inbound' as const, ip: entry.ip, session, latencyMs: Date.now() - started };
    this.admit(url, entry.hello, link, 'inbound');
    return { admitted: true };
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

  /** The peer sent a block new to this node (eviction protects it). */
  sentBlock(url: string): void {
    const peer = this.peers.get(url);
    if (peer !== undefined) peer.lastBlockAt = Date.now();
  }

  /** A request to the peer succeeded. */
  succeeded(url: string): void {
    const peer = this.peers.get(url);
    if (peer !== undefined) {
      peer.failures = 0;
      if (peer.linkDown) this.linkReturned = true;
      peer.linkDown = false;
      peer.lastSeen = Date.now();
      peer.lastAnswer = peer.lastSeen;
    }
  }

  /**
   * A request to the peer failed: dropped after MAX_FAILURES in a row; when the last one was
   * unreachable (refused, reset), only once none of this node's requests has been answered for
   * UNREACHABLE_GRACE_MS.
   */
  failed(url: string, error: unknown): void {
    const code = error instanceof PeerError ? error.code : undefined;
    if (code !== undefined && misbehaviourPoints(code) > 0) {
      this.misbehaved(url, code, (error as Error).message);
      return;
    }
    const peer = this.peers.get(url);
    if (peer === undefined) return;
    // The other side dropped the session (evicted us, restarted): a disconnect, at once.
    if (code === P2PErrorCode.NO_SESSION) {
      this.disconnect(url, 'the peer no longer knows the session');
      return;
    }
    peer.failures++;
    const silentMs = Date.now() - peer.lastAnswer;
    if (code === P2PErrorCode.UNREACHABLE && silentMs < UNREACHABLE_GRACE_MS) {
      if (peer.failures >= MAX_FAILURES && !peer.linkDown) {
        peer.linkDown = true;
        this.maintain(); // its slot is free for a reachable peer meanwhile
      }
      return;
    }
    if (peer.failures >= MAX_FAILURES)
      // Unreachable (refused, reset: a partition) gets the short redial; timeouts (a slow,
      // overloaded peer) do not, so load does not turn into reconnection churn.
      this.disconnect(
        url,
        `${peer.failures} failed requests (${code ?? 'UNKNOWN'})`,
        code === P2PErrorCode.UNREACHABLE,
      );
  }

  /**
   * The connected peer at `url` sent invalid data: adds the points of `code`; at
   * DISCOURAGE_SCORE the peer is disconnected and its node key, URL and source IP are
   * discouraged for the configured time (persisted, so a restart keeps it). Only a connected
   * peer, whose key and address this node proved, is ever scored.
   */
  misbehaved(url: string, code: AnyErrorCode, message: string): void {
    const points = misbehaviourPoints(code);
    const peer = this.peers.get(url);
    if (points === 0 || peer === undefined) return;
    const store = this.options.store;
    peer.score += points;
    this.options.log(
      'warn',
      `peer ${url} misbehaved: ${code}: ${message.slice(0, 200)} (score ${peer.score})`,
      {
        peer: url,
        code,
      },
    );
    if (peer.score >= DISCOURAGE_SCORE) {
      const until = Date.now() + this.options.discourageMs;
      const reason = `${code}: ${message}`;
      store.discourage(url, until, reason);
      store.ban('key', peer.key, until, reason);
      if (!isLoopback(peer.ip)) store.ban('ip', peer.ip, until, reason);
      this.disconnect(url, `discouraged: ${code}`);
      return;
    }
    store.setScore(url, peer.score);
  }

  /**
   * Ends the session and backs the address off; `unreachable`: the peer stopped answering (a
   * partition, a restart), so an outbound one is redialled on the short backoff (§11.7). A peer
   * that dropped our session (it evicted us) or misbehaved is not: redialling it fast would
   * only evict another of its peers.
   */
  disconnect(url: string, reason: string, unreachable = false): void {
    const peer = this.peers.get(url);
    if (!this.drop(url, reason)) return;
    if (unreachable && peer?.direction === 'outbound') {
      this.lost.delete(url);
      this.lost.set(url, Date.now());
      if (this.lost.size > RECENT_KEPT) this.lost.delete(this.lost.keys().next().value as string);
    }
    // Backoff after any disconnect, so a peer that is dropped is not redialled at once.
    this.backOff(url);
  }

  /**
   * After a heal, peers whose link came back and the ones dialled meanwhile may hold more than
   * the outbound slots and the reconnect slots: the youngest of them are let go (not those the
   * operator asked for beyond the limit).
   */
  private trimOutbound(): void {
    if (!this.linkReturned) return;
    this.linkReturned = false;
    const healthy = this.connected
      .filter((peer) => peer.direction === 'outbound' && !peer.linkDown && !this.forced.has(peer.url))
      .sort((a, b) => a.connectedAt - b.connectedAt);
    for (const peer of healthy.slice(this.maxOutbound + RECONNECT_SLOTS)) {
      this.drop(peer.url, 'over the outbound slots once a link came back');
    }
  }

  /** Ends the session of the peer at `url`; whether there was one. */
  private drop(url: string, reason: string): boolean {
    const peer = this.peers.get(url);
    if (peer === undefined) return false;
    this.peers.delete(url);
    this.forced.delete(url);
    this.sessions.delete(peer.session);
    this.options.log('info', `peer disconnected: ${url} (${reason})`);
    return true;
  }

  /** Stores an address, evicting a never-connected one when the table is full; false if not stored. */
  remember(url: string, source: PeerSource): boolean {
    const store = this.options.store;
    if (store.get(url) !== undefined) return true;
    if (store.count() >= MAX_STORED_PEERS && !store.evictNeverConnected()) return false;
    return store.add(url, source);
  }

  /** Stores addresses learned from a peer or a refusal: canonical, allowed by the policy, not this node. */
  learn(urls: readonly string[], source: PeerSource): void {
    for (const url of urls.slice(0, LIMITS.addrPerAnswer)) {
      const address = checkOutbound(url, this.allowPrivate);
      if (!address.ok || this.isSelf(address.url)) continue;
      this.remember(address.url, source);
    }
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
    this.learn(urls, 'addr');
  }

  /**
   * Addresses to give to others: connected peers, then others this node once connected to (so
   * proven), in random order; never an address only claimed or only learned.
   */
  addresses(): string[] {
    const now = Date.now();
    const out = new Set(shuffle(this.connected.map((peer) => peer.url)));
    const seen = this.options.store
      .list()
      .filter((row) => row.last_seen !== null && !(row.banned_until !== null && row.banned_until > now));
    for (const row of shuffle(seen)) {
      if (out.size >= LIMITS.addrPerAnswer) break;
      out.add(row.url);
    }
    return [...out].slice(0, LIMITS.addrPerAnswer);
  }

  /** Stored addresses this node may dial now: not connected, connecting, self, discouraged or backing off. */
  private dialable(): { url: string; source: PeerSource; seen: boolean }[] {
    const now = Date.now();
    return this.options.store
      .list()
      .filter(
        (row) =>
          !this.peers.has(row.url) &&
          !this.connecting.has(row.url) &&
          !this.isSelf(row.url) &&
          !(row.banned_until !== null && row.banned_until > now) &&
          (this.backoff.get(row.url)?.until ?? 0) <= now,
      )
      .map((row) => ({ url: row.url, source: row.source, seen: row.last_seen !== null }));
  }

  /**
   * Fills the outbound slots from stored addresses, picked at random (every node picking the
   * same first rows is how the first nodes of a network fill up and refuse everyone else).
   * Attempts run in the background; failures back off.
   */
  maintain(): void {
    this.trimOutbound();
    let used = this.outboundInUse() + this.connecting.size;
    const dialable = shuffle(this.dialable());
    const lost = dialable.filter((row) => this.isRecentlyLost(row.url));
    for (const row of dialable) {
      if (used >= this.maxOutbound) break;
      if (lost.includes(row)) continue;
      this.dial(row.url, row.source);
      used++;
    }
    // Recently lost peers (a healed partition) after, in the reconnect slots if the rest filled.
    for (const row of lost) {
      if (used >= this.maxOutbound + RECONNECT_SLOTS) break;
      this.dial(row.url, row.source);
      used++;
    }
  }

  private dial(url: string, source: PeerSource): void {
    this.connect(url, source).catch((error: unknown) =>
      this.options.log('debug', `cannot connect to ${url}: ${(error as Error).message}`),
    );
  }

  /**
   * A feeler (Bitcoin's): checks one never-connected address without taking a slot, so that
   * addresses that work are told apart from the rest (and may be passed on), and dead ones
   * are backed off.
   */
  async feeler(): Promise<void> {
    const fresh = this.dialable().filter((row) => !row.seen);
    const row = fresh[Math.floor(Math.random() * fresh.length)];
    if (row === undefined) return;
    try {
      const key = await this.options.transport.identify(row.url, this.options.chain.params.name);
      if (key === this.options.identity.publicKey) this.options.store.remove(row.url);
      else if (!this.isRefused({ key })) this.options.store.markSeen(row.url);
    } catch {
      this.backOff(row.url);
    }
  }

  /**
   * Keep-alive: pings peers not heard from for `idleMs`, so a session the other side dropped
   * (it evicted us, it restarted) is noticed and the slot refilled.
   */
  async keepAlive(idleMs: number): Promise<void> {
    const now = Date.now();
    await Promise.all(
      this.connected
        .filter((peer) => now - peer.lastSeen >= idleMs)
        .map(async (peer) => {
          try {
            this.updateTip(peer, await this.options.transport.ping(peer.url));
            this.succeeded(peer.url);
          } catch (error) {
            this.failed(peer.url, error);
          }
        }),
    );
  }
}
