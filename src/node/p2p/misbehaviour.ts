import type { AnyErrorCode } from '../errors.ts';

/** Score at which a peer is discouraged (Bitcoin Core's DISCOURAGEMENT_THRESHOLD). */
export const DISCOURAGE_SCORE = 100;

/** Invalid data: discouraged at once (Bitcoin Core scores invalid consensus data 100). */
const INVALID = 100;
/** Harmless: may become valid later, we lack context, our own policy refused, or a failure. */
const FREE = 0;

/**
 * Points a peer earns for data rejected with each code (docs/PROTOCOL.md §11.5). A `Record` over
 * the whole union, so a new code does not compile until it is scored here.
 *
 * Invalid consensus data (bad proof of work, merkle root, signature, links, a lighter chain
 * claimed heavier, oversized or malformed messages) is 100. Data that may become valid later (a
 * clock ahead of ours), that we merely lack context for, or that our own policy refuses is free;
 * so are timeouts and unreachable peers (failures, not misbehaviour) and the node's own codes.
 */
export const MISBEHAVIOUR_POINTS: Record<AnyErrorCode, number> = {
  // Post: form, signature and context (src/core/errors.ts)
  POST_NOT_OBJECT: INVALID,
  POST_UNKNOWN_FIELD: INVALID,
  POST_MISSING_FIELD: INVALID,
  POST_BAD_AUTHOR: INVALID,
  POST_AUTHOR_TOO_LONG: INVALID,
  POST_BAD_CONTENT: INVALID,
  POST_CONTENT_TOO_LONG: INVALID,
  POST_BAD_TIMESTAMP: INVALID,
  POST_BAD_PUBKEY: INVALID,
  POST_BAD_REPLY_TO: INVALID,
  POST_BAD_SIGNATURE_ENCODING: INVALID,
  POST_INCOMPLETE_SIGNATURE: INVALID,
  POST_BAD_SIGNATURE: INVALID,
  POST_BAD_STAMP: INVALID,
  POST_BAD_KIND: INVALID,
  POST_BAD_REF: INVALID,
  POST_KIND_UNSIGNED: INVALID,
  POST_BAD_ACTION: INVALID,
  POST_AUTHOR_HANDLE_LIKE: FREE, // our policy
  POST_UNKNOWN_KIND: FREE, // our policy: a newer node may know it
  POST_STAMP_TOO_WEAK: FREE, // our policy: the sender's pool may be emptier than ours
  POST_TIME_TOO_NEW: FREE, // our clock may be behind
  POST_UNSIGNED_REFUSED: FREE, // our policy
  POST_DUPLICATE: FREE,
  POST_ALREADY_CONFIRMED: FREE,
  // Block: form and context
  BLOCK_NOT_OBJECT: INVALID,
  BLOCK_UNKNOWN_FIELD: INVALID,
  BLOCK_MISSING_FIELD: INVALID,
  BLOCK_BAD_FIELD: INVALID,
  BLOCK_BAD_VERSION: INVALID,
  BLOCK_BAD_BITS: INVALID,
  BLOCK_BAD_HASH: INVALID,
  BLOCK_BAD_POW: INVALID,
  BLOCK_BAD_MERKLE_ROOT: INVALID,
  BLOCK_DUPLICATE_POST: INVALID,
  BLOCK_TOO_MANY_POSTS: INVALID,
  BLOCK_TOO_LARGE: INVALID,
  BLOCK_BAD_PREVIOUS: INVALID,
  BLOCK_BAD_INDEX: INVALID,
  BLOCK_BAD_DIFFICULTY: INVALID,
  BLOCK_TIME_TOO_OLD: INVALID,
  BLOCK_TIME_TOO_NEW: FREE, // our clock may be behind
  BLOCK_POST_TIME_TOO_NEW: INVALID,
  BLOCK_POST_ALREADY_CONFIRMED: INVALID,
  BLOCK_POST_STAMP_TOO_WEAK: INVALID,
  BLOCK_BAD_GENESIS: INVALID,
  BLOCK_PARENT_UNKNOWN: FREE, // we lack the context
  BLOCK_PARENT_INVALID: INVALID,
  BLOCK_KNOWN_INVALID: INVALID,
  // The node's own codes
  POOL_FULL: FREE, // our capacity
  STAMP_BUDGET_EXHAUSTED: FREE, // never a peer's answer: the tutorial endpoint's
  BAD_REQUEST: FREE,
  NOT_FOUND: FREE,
  PAYLOAD_TOO_LARGE: FREE,
  PAYLOAD_TOO_COMPLEX: FREE, // a node code, as PAYLOAD_TOO_LARGE; a peer answer over the limits is P2P_TOO_LARGE
  SIDE_BRANCH_TOO_LIGHT: FREE, // an honest peer may relay a stale block
  UNSUPPORTED_MEDIA_TYPE: FREE,
  FORBIDDEN: FREE,
  UNAUTHORIZED: FREE,
  NOTHING_TO_MINE: FREE,
  MINING_FAILED: FREE,
  SHUTTING_DOWN: FREE,
  NOT_IMPLEMENTED: FREE,
  INTERNAL: FREE,
  RATE_LIMITED: FREE, // our budget, not their fault
  CROSS_ORIGIN_FORBIDDEN: FREE,
  MINE_REQUESTS_OFF: FREE,
  // The peer protocol
  P2P_WRONG_NETWORK: FREE,
  P2P_SELF: FREE,
  P2P_DISCOURAGED: FREE,
  P2P_TOO_MANY_PEERS: FREE,
  P2P_RATE_LIMITED: FREE,
  P2P_BAD_MESSAGE: INVALID,
  P2P_TOO_LARGE: INVALID,
  P2P_TIMEOUT: FREE,
  P2P_UNREACHABLE: FREE,
  P2P_REDIRECT: INVALID,
  P2P_BAD_STATUS: FREE,
  P2P_HEADERS_NOT_LINKED: INVALID,
  P2P_LIGHTER_THAN_CLAIMED: INVALID,
  /** Five unasked blocks or posts discourage. */
  P2P_UNREQUESTED: 20,
  P2P_ORPHAN: FREE,
  P2P_NO_SESSION: FREE, // the other side dropped the session: a disconnect, not misbehaviour
  P2P_DUPLICATE: FREE,
  P2P_BAD_HANDSHAKE: FREE, // before the handshake there is no identity to score
  P2P_ADDRESS_REFUSED: FREE, // our outbound policy
  /** Headers without bodies, or body downloads stalled past their adaptive timeout. */
  P2P_STALLING: 50,
  P2P_COMPACT_MISMATCH: FREE, // may be a short-id collision in our own pool: the full block decides
  /** Posts of a compact block not served, or not those its short ids name: as stalling. */
  P2P_COMPACT_UNSERVED: 50,
};

/** Points a peer earns for sending data rejected with `code`. */
export function misbehaviourPoints(code: AnyErrorCode): number {
  return MISBEHAVIOUR_POINTS[code];
}
