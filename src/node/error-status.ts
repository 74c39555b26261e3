import type { AnyErrorCode } from './errors.ts';

/**
 * The HTTP status of every error code: the one place where a refusal gets its status (a throw
 * site names only the code). A `Record` over the whole union, so a code added anywhere does not
 * compile until it has a status here. Routes that answer another status for a reason of their own
 * (a gateway reporting a peer's failure, a fastify status passed through) say so where they do it.
 */
export const HTTP_STATUS: Record<AnyErrorCode, number> = {
  // Post: form (src/core/errors.ts, docs/PROTOCOL.md §2)
  POST_NOT_OBJECT: 400,
  POST_UNKNOWN_FIELD: 400,
  POST_MISSING_FIELD: 400,
  POST_BAD_AUTHOR: 400,
  POST_AUTHOR_TOO_LONG: 400,
  POST_BAD_CONTENT: 400,
  POST_CONTENT_TOO_LONG: 400,
  POST_BAD_TIMESTAMP: 400,
  POST_BAD_PUBKEY: 400,
  POST_BAD_REPLY_TO: 400,
  POST_BAD_SIGNATURE_ENCODING: 400,
  POST_INCOMPLETE_SIGNATURE: 400,
  POST_BAD_STAMP: 400,
  POST_BAD_KIND: 400,
  POST_BAD_REF: 400,
  POST_KIND_UNSIGNED: 400,
  POST_BAD_ACTION: 400,
  // Post: signature and context
  POST_BAD_SIGNATURE: 400,
  POST_TIME_TOO_NEW: 400,
  POST_UNSIGNED_REFUSED: 400,
  /** The post is fine but already known: a conflict with the node's state, not a bad request. */
  POST_DUPLICATE: 409,
  POST_ALREADY_CONFIRMED: 409,
  /** Policy: more stamp work is needed now; the body says how much. */
  POST_STAMP_TOO_WEAK: 400,
  POST_AUTHOR_HANDLE_LIKE: 400,
  POST_UNKNOWN_KIND: 400,
  // Block: form and context (docs/PROTOCOL.md §4, §6); /add_block answers every rejection 400
  BLOCK_NOT_OBJECT: 400,
  BLOCK_UNKNOWN_FIELD: 400,
  BLOCK_MISSING_FIELD: 400,
  BLOCK_BAD_FIELD: 400,
  BLOCK_BAD_VERSION: 400,
  BLOCK_BAD_BITS: 400,
  BLOCK_BAD_HASH: 400,
  BLOCK_BAD_POW: 400,
  BLOCK_BAD_MERKLE_ROOT: 400,
  BLOCK_DUPLICATE_POST: 400,
  BLOCK_TOO_MANY_POSTS: 400,
  BLOCK_TOO_LARGE: 400,
  BLOCK_BAD_PREVIOUS: 400,
  BLOCK_BAD_INDEX: 400,
  BLOCK_BAD_DIFFICULTY: 400,
  BLOCK_TIME_TOO_OLD: 400,
  BLOCK_TIME_TOO_NEW: 400,
  BLOCK_POST_TIME_TOO_NEW: 400,
  BLOCK_POST_ALREADY_CONFIRMED: 400,
  BLOCK_POST_STAMP_TOO_WEAK: 400,
  BLOCK_BAD_GENESIS: 400,
  BLOCK_PARENT_UNKNOWN: 400,
  BLOCK_PARENT_INVALID: 400,
  BLOCK_KNOWN_INVALID: 400,
  // The node (src/node/errors.ts)
  /** The pending pool or the event streams are full: retry later. */
  POOL_FULL: 503,
  STAMP_BUDGET_EXHAUSTED: 429,
  BAD_REQUEST: 400,
  NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  PAYLOAD_TOO_COMPLEX: 413,
  /** The block may be valid; this node does not store side branches that far below its tip. */
  SIDE_BRANCH_TOO_LIGHT: 409,
  UNSUPPORTED_MEDIA_TYPE: 415,
  FORBIDDEN: 403,
  UNAUTHORIZED: 401,
  /** Not a failure: `/api/v1/mine` answers it as its result, 200. */
  NOTHING_TO_MINE: 200,
  MINING_FAILED: 503,
  SHUTTING_DOWN: 503,
  NOT_IMPLEMENTED: 501,
  INTERNAL: 500,
  RATE_LIMITED: 429,
  CROSS_ORIGIN_FORBIDDEN: 403,
  MINE_REQUESTS_OFF: 403,
  // The peer protocol (src/node/p2p/errors.ts, docs/PROTOCOL.md §11): refusals the /p2p routes answer
  P2P_WRONG_NETWORK: 400,
  P2P_SELF: 400,
  P2P_DISCOURAGED: 403,
  P2P_TOO_MANY_PEERS: 503,
  P2P_RATE_LIMITED: 429,
  P2P_BAD_MESSAGE: 400,
  // ... and failures of a peer this node talked to: a bad gateway when an answer reports them
  P2P_TOO_LARGE: 502,
  P2P_TIMEOUT: 504,
  P2P_UNREACHABLE: 502,
  P2P_REDIRECT: 502,
  P2P_BAD_STATUS: 502,
  P2P_HEADERS_NOT_LINKED: 502,
  P2P_LIGHTER_THAN_CLAIMED: 502,
  P2P_UNREQUESTED: 502,
  /** Not a refusal (the block is kept as an orphan); never answered over HTTP today. */
  P2P_ORPHAN: 202,
  P2P_NO_SESSION: 401,
  P2P_DUPLICATE: 409,
  P2P_BAD_HANDSHAKE: 400,
  P2P_ADDRESS_REFUSED: 400,
  P2P_STALLING: 502,
  /** Not a refusal (the full block is fetched instead); never answered over HTTP. */
  P2P_COMPACT_MISMATCH: 502,
  P2P_COMPACT_UNSERVED: 502,
};

/** The HTTP status of `code`. */
export function httpStatus(code: AnyErrorCode): number {
  return HTTP_STATUS[code];
}

/** True when `value` is one of the system's codes (a peer's error answer can carry any string). */
export function isAnyErrorCode(value: string): value is AnyErrorCode {
  return Object.hasOwn(HTTP_STATUS, value);
}
