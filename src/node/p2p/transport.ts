import type { WireHeader } from './locator.ts';
import type { Hello, Inv, TipInfo, Unchecked } from './messages.ts';

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
}

/** A completed outbound handshake. */
export interface Handshake {
  readonly hello: Hello;
  /** The token that names this session on every later /p2p request, in both directions. */
  readonly session: string;
  /** Whether the responder gave this node an inbound slot (false when it had no URL to check). */
  readonly admitted: boolean;
}

/** Bytes and messages sent and received by this node's peer protocol. */
export class NetStats {
  bytesSent = 0;
  bytesReceived = 0;
  requestsSent = 0;
  requestsFailed = 0;
  requestsServed = 0;
}

export type { WireHeader };
