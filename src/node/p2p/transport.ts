import type { WireHeader } from '../chain/locator.ts';
import type { Hello, Inv } from './messages.ts';

/**
 * How this node talks to a peer. Every method resolves with the peer's answer, still
 * unvalidated (hostile until checked), or rejects with a PeerError (timeout, size cap,
 * redirect, bad status, unreachable). The HTTP implementation is in http-transport.ts;
 * another transport only has to implement this interface.
 */
export interface PeerTransport {
  handshake(peer: string, hello: Hello): Promise<unknown>;
  /** Headers after the last locator hash the peer knows (≤ 2000). */
  headers(peer: string, locator: readonly string[], stop?: string): Promise<unknown>;
  /** Blocks by hash, in the order asked, possibly fewer (byte cap). */
  blocks(peer: string, hashes: readonly string[]): Promise<unknown>;
  posts(peer: string, ids: readonly string[]): Promise<unknown>;
  announce(peer: string, inv: Inv): Promise<void>;
  addresses(peer: string): Promise<unknown>;
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
