import type { AnyErrorCode } from '../errors.ts';

/**
 * Error codes of the peer protocol (docs/PROTOCOL.md §11). Protocol validation failures keep
 * their own codes from src/core/errors.ts; these name what is specific to talking to peers.
 */
export const P2PErrorCode = {
  /** The peer runs another network or genesis. */
  WRONG_NETWORK: 'P2P_WRONG_NETWORK',
  /** The address is this node itself (same URL or same handshake nonce). */
  SELF: 'P2P_SELF',
  /** The peer is discouraged for misbehaviour until a time. */
  DISCOURAGED: 'P2P_DISCOURAGED',
  TOO_MANY_PEERS: 'P2P_TOO_MANY_PEERS',
  RATE_LIMITED: 'P2P_RATE_LIMITED',
  /** A message that is not of the form the protocol describes. */
  BAD_MESSAGE: 'P2P_BAD_MESSAGE',
  /** An answer larger than the cap of its kind. */
  TOO_LARGE: 'P2P_TOO_LARGE',
  TIMEOUT: 'P2P_TIMEOUT',
  UNREACHABLE: 'P2P_UNREACHABLE',
  /** Redirects are never followed. */
  REDIRECT: 'P2P_REDIRECT',
  /** A non-2xx answer. */
  BAD_STATUS: 'P2P_BAD_STATUS',
  /** Headers that do not connect to the locator or to each other. */
  HEADERS_NOT_LINKED: 'P2P_HEADERS_NOT_LINKED',
  /** A peer claimed more chainwork than the headers it then served. */
  LIGHTER_THAN_CLAIMED: 'P2P_LIGHTER_THAN_CLAIMED',
  /** A block or post the node did not ask for. */
  UNREQUESTED: 'P2P_UNREQUESTED',
  /** Not a refusal: a block whose parent is unknown, kept in the orphan pool (never on the wire). */
  ORPHAN: 'P2P_ORPHAN',
  /** A /p2p request without a live session (never handshaken, evicted, or expired). */
  NO_SESSION: 'P2P_NO_SESSION',
  /** A second session with a node key already connected. */
  DUPLICATE: 'P2P_DUPLICATE',
  /** A handshake whose signature does not prove the key it claims. */
  BAD_HANDSHAKE: 'P2P_BAD_HANDSHAKE',
  /** An address the outbound policy refuses (private, loopback, link-local, or not a base URL). */
  ADDRESS_REFUSED: 'P2P_ADDRESS_REFUSED',
  /** A peer that announced blocks it then did not serve, or stalled body downloads. */
  STALLING: 'P2P_STALLING',
  /**
   * Not a refusal: a compact block rebuilt from the pool whose merkle root differs from its
   * header's (a short-id collision here, or a lying peer): the full block is fetched instead.
   */
  COMPACT_MISMATCH: 'P2P_COMPACT_MISMATCH',
  /** A peer that relayed a compact block and then did not serve its posts at the positions asked. */
  COMPACT_UNSERVED: 'P2P_COMPACT_UNSERVED',
} as const;

export type P2PErrorCode = (typeof P2PErrorCode)[keyof typeof P2PErrorCode];

/**
 * A failed exchange with a peer: a stable code and a sentence. A peer's own error answer keeps
 * its code only when it is one of ours (src/node/error-status.ts `isAnyErrorCode`).
 */
export class PeerError extends Error {
  constructor(
    readonly code: AnyErrorCode,
    message: string,
    /** True when the sender was already scored for it (not to be scored twice). */
    readonly scored = false,
  ) {
    super(message);
    this.name = 'PeerError';
  }
}

/** A refused handshake that still helps: the refusing node's addresses of other peers (issue 14). */
export class RefusedError extends PeerError {
  constructor(
    code: AnyErrorCode,
    message: string,
    readonly addresses: readonly string[],
  ) {
    super(code, message);
  }
}
