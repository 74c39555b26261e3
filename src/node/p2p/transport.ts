import type { WireHeader } from './locator.ts';
import type { CompactBlock, Hello, Inv, PendingPage, TipInfo, Unchecked } from './messages.ts';

/**
 * How this node talks to a peer. Every method resolves with the peer's answer parsed and
 * bounded by messages.ts (the items of headers, blocks and posts are left for core to check),
 * or rejects with a PeerError (timeout, size cap, redirect, bad status, unreachable, an
 * answer of the wrong form). The HTTP implementation is in http-transport.ts; another
 * transport (a test's fake) only has to implement this interface.
 */
export interface PeerTransport {
  /**
   * Both steps of the handshake (docs/PROTOCOL.md §11.1): the peer's hello with its key proven by
   * a signature over this node's fresh nonce, and the session token; its network and nonce are
   * checked by the caller. A full peer's refusal is a RefusedError carrying its addresses.
   */
  handshake(peer: string, hello: Hello): Promise<Handshake>;
  /** The node key that proves itself at `peer` by signing a fresh nonce (the connect-back check). */
  identify(peer: string, network: string): Promise<string>;
  /** Headers after the last locator hash the peer knows (≤ 2000). */
  headers(peer: string, locator: readonly string[], stop?: string): Promise<readonly Unchecked[]>;
  /**
   * Blocks by hash, in the order asked, possibly fewer (byte cap); never more than asked.
   * `timeoutMs` replaces the transport's body-download timeout for this request (adaptive sync).
   */
  blocks(peer: string, hashes: readonly string[], timeoutMs?: number): Promise<readonly Unchecked[]>;
  /** Posts by id; never more than asked. */
  posts(peer: string, ids: readonly string[]): Promise<readonly Unchecked[]>;
  announce(peer: string, inv: Inv): Promise<void>;
  /** A keep-alive on the session; the peer's best tip. */
  ping(peer: string): Promise<TipInfo>;
  /** Peer addresses the peer knows (≤ 100), normalised. */
  addresses(peer: string): Promise<string[]>;
  /**
   * Compact relay (docs/PROTOCOL.md §11.8), optional: a transport or a peer without it makes
   * the caller fall back to `blocks`. A block's header and the short ids of its posts.
   */
  compactBlock?(peer: string, hash: string): Promise<CompactBlock>;
  /**
   * High-bandwidth relay (§11.8): pushes a new block's compact form unasked, so the receiver
   * skips the inv and the compact request (one one-way latency per hop). An older peer answers
   * 404 (P2P's NOT_FOUND), and is then sent inv only.
   */
  pushCompact?(peer: string, compact: CompactBlock): Promise<void>;
  /** The posts of a stored block at the positions asked (≤ its post count), in that order. */
  blockPosts?(peer: string, hash: string, indexes: readonly number[]): Promise<readonly Unchecked[]>;
  /** One page of the peer's pending post ids after `after` (a cursor the peer gave). */
  pendingIds?(peer: string, after: number): Promise<PendingPage>;
}

/** A completed outbound handshake. */
export interface Handshake {
  readonly hello: Hello;
  /** The token that names this session on every later /p2p request, in both directions. */
  readonly session: string;
  /** Whether the responder gave this node an inbound slot (false when it had no URL to check). */
  readonly admitted: boolean;
}

/** Traffic of one message kind (the /p2p path without its prefix: `blocks`, `compact`, `inv`...). */
export interface KindStats {
  messages: number;
  bytesSent: number;
  bytesReceived: number;
}

/**
 * Bytes and messages sent and received by this node's peer protocol, in both roles: requests
 * made and their answers, requests served and their answers. `byKind` splits the bytes by
 * message kind, so a relay's cost per block can be read from /p2p/status.
 */
export class NetStats {
  bytesSent = 0;
  bytesReceived = 0;
  requestsSent = 0;
  requestsFailed = 0;
  /** Failed requests by error code and message kind (`P2P_TIMEOUT inv`): what a slow relay waited on. */
  readonly failures: Record<string, number> = {};
  requestsServed = 0;
  readonly byKind: Record<string, KindStats> = {};
  /** Compact relay and pending sync (docs/PROTOCOL.md §11.8). */
  readonly relay = {
    /** Blocks rebuilt from a compact form and handed to the intake. */
    compactBlocks: 0,
    /** Their posts found in this node's store, and those fetched by position. */
    postsFromPool: 0,
    postsFetched: 0,
    /** Compact attempts that fell back to the full block. */
    fallbacks: 0,
    /** Compact blocks left alone: their branch had less work than the tip (§11.8). */
    lighterSkipped: 0,
    /** Compact blocks pushed to peers (high-bandwidth relay), and pushes received. */
    pushesSent: 0,
    pushesReceived: 0,
    /** Of the pushes sent, those sent before the block was fully validated here (§11.8). */
    pushesEarly: 0,
    /** Post fetches that failed at one announcer and were asked of another (§11.5). */
    postRetries: 0,
    /** Pending ids read from peers on (re)connect, and the posts they lacked here that were asked for. */
    pendingIdsRead: 0,
    pendingPostsAsked: 0,
  };

  /** Counts one failed request of `path` with `code`. */
  failed(path: string, code: string): void {
    this.requestsFailed++;
    const key = `${code} ${kindOf(path)}`;
    this.failures[key] = (this.failures[key] ?? 0) + 1;
  }

  /** Counts `sent` and `received` bytes of one message of `path` (a /p2p path, query ignored). */
  count(path: string, sent: number, received: number): void {
    this.bytesSent += sent;
    this.bytesReceived += received;
    const kind = kindOf(path);
    let entry = this.byKind[kind];
    if (entry === undefined) {
      entry = { messages: 0, bytesSent: 0, bytesReceived: 0 };
      this.byKind[kind] = entry;
    }
    entry.bytesSent += sent;
    entry.bytesReceived += received;
    if (sent > 0) entry.messages++;
  }
}

/** The message kind of a /p2p path: `/p2p/handshake/confirm?x` → `handshake/confirm`. */
function kindOf(path: string): string {
  const bare = path.split('?', 1)[0]!;
  return (bare.startsWith('/p2p/') ? bare.slice(5) : bare).slice(0, 32) || 'other';
}

export type { WireHeader };
