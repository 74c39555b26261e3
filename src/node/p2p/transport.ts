import type { WireHeader } from './locator.ts';
import type { Hello, Inv, Unchecked } from './messages.ts';

/**
 * How this node talks to a peer. Every method resolves with the peer's answer parsed and
 * bounded by messages.ts (the items of headers, blocks and posts are left for core to check),
 * or rejects with a PeerError (timeout, size cap, redirect, bad status, unreachable, an
 * answer of the wrong form). The HTTP implementation is in http-transport.ts; another
 * transport (a test's fake) only has to implement this interface.
 */
export interface PeerTransport {
  /** The peer's handshake, of the right form (its network and nonce are checked by the caller). */
  handshake(peer: string, hello: Hello): Promise<Hello>;
  /** Headers after the last locator hash the peer knows (≤ 2000). */
  headers(peer: string, locator: readonly string[], stop?: string): Promise<readonly Unchecked[]>;
  /** Blocks by hash, in the order asked, possibly fewer (byte cap); never more than asked. */
  blocks(peer: string, hashes: readonly string[]): Promise<readonly Unchecked[]>;
  /** Posts by id; never more than asked. */
  posts(peer: string, ids: readonly string[]): Promise<readonly Unchecked[]>;
  announce(peer: string, inv: Inv): Promise<void>;
  /** Peer addresses the peer knows (≤ 100), normalised. */
  addresses(peer: string): Promise<string[]>;
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
