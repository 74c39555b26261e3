/**
 * Stable error codes of the protocol. They appear in HTTP answers, logs and test vectors;
 * never rename one, only add.
 */
export const ErrorCode = {
  // Post: form (docs/PROTOCOL.md §2)
  POST_NOT_OBJECT: 'POST_NOT_OBJECT',
  POST_UNKNOWN_FIELD: 'POST_UNKNOWN_FIELD',
  POST_MISSING_FIELD: 'POST_MISSING_FIELD',
  POST_BAD_AUTHOR: 'POST_BAD_AUTHOR',
  POST_AUTHOR_TOO_LONG: 'POST_AUTHOR_TOO_LONG',
  POST_BAD_CONTENT: 'POST_BAD_CONTENT',
  POST_CONTENT_TOO_LONG: 'POST_CONTENT_TOO_LONG',
  POST_BAD_TIMESTAMP: 'POST_BAD_TIMESTAMP',
  POST_BAD_PUBKEY: 'POST_BAD_PUBKEY',
  POST_BAD_REPLY_TO: 'POST_BAD_REPLY_TO',
  POST_BAD_SIGNATURE_ENCODING: 'POST_BAD_SIGNATURE_ENCODING',
  POST_INCOMPLETE_SIGNATURE: 'POST_INCOMPLETE_SIGNATURE',
  /** A malformed stamp, or a stamp hash above its target (§12). */
  POST_BAD_STAMP: 'POST_BAD_STAMP',
  /** `kind` is not a string of the kind syntax (§13.1). */
  POST_BAD_KIND: 'POST_BAD_KIND',
  /** `ref` is not 64 lowercase hex, or is given without a kind (§13.1). */
  POST_BAD_REF: 'POST_BAD_REF',
  /** A post with a kind has no signature: every social action is signed (§13.1). */
  POST_KIND_UNSIGNED: 'POST_KIND_UNSIGNED',
  /** A known kind's ref or content breaks its rules, or an action has reply_to (§13.1). */
  POST_BAD_ACTION: 'POST_BAD_ACTION',
  // Post: signature and context
  POST_BAD_SIGNATURE: 'POST_BAD_SIGNATURE',
  POST_TIME_TOO_NEW: 'POST_TIME_TOO_NEW',
  POST_UNSIGNED_REFUSED: 'POST_UNSIGNED_REFUSED',
  POST_DUPLICATE: 'POST_DUPLICATE',
  POST_ALREADY_CONFIRMED: 'POST_ALREADY_CONFIRMED',
  /** Policy: the stamp's work per byte is below the pool's current minimum (§12.4). */
  POST_STAMP_TOO_WEAK: 'POST_STAMP_TOO_WEAK',
  /** Policy: an author beginning with "@" (or a look-alike) would pass for a handle (§13.6). */
  POST_AUTHOR_HANDLE_LIKE: 'POST_AUTHOR_HANDLE_LIKE',
  /** Policy: a kind this node does not know yet; valid in blocks, not relayed (§13.1). */
  POST_UNKNOWN_KIND: 'POST_UNKNOWN_KIND',
  // Block: form (docs/PROTOCOL.md §4)
  BLOCK_NOT_OBJECT: 'BLOCK_NOT_OBJECT',
  BLOCK_UNKNOWN_FIELD: 'BLOCK_UNKNOWN_FIELD',
  BLOCK_MISSING_FIELD: 'BLOCK_MISSING_FIELD',
  BLOCK_BAD_FIELD: 'BLOCK_BAD_FIELD',
  BLOCK_BAD_VERSION: 'BLOCK_BAD_VERSION',
  BLOCK_BAD_BITS: 'BLOCK_BAD_BITS',
  BLOCK_BAD_HASH: 'BLOCK_BAD_HASH',
  BLOCK_BAD_POW: 'BLOCK_BAD_POW',
  BLOCK_BAD_MERKLE_ROOT: 'BLOCK_BAD_MERKLE_ROOT',
  BLOCK_DUPLICATE_POST: 'BLOCK_DUPLICATE_POST',
  BLOCK_TOO_MANY_POSTS: 'BLOCK_TOO_MANY_POSTS',
  BLOCK_TOO_LARGE: 'BLOCK_TOO_LARGE',
  // Block: context (docs/PROTOCOL.md §6)
  BLOCK_BAD_PREVIOUS: 'BLOCK_BAD_PREVIOUS',
  BLOCK_BAD_INDEX: 'BLOCK_BAD_INDEX',
  BLOCK_BAD_DIFFICULTY: 'BLOCK_BAD_DIFFICULTY',
  BLOCK_TIME_TOO_OLD: 'BLOCK_TIME_TOO_OLD',
  BLOCK_TIME_TOO_NEW: 'BLOCK_TIME_TOO_NEW',
  BLOCK_POST_TIME_TOO_NEW: 'BLOCK_POST_TIME_TOO_NEW',
  BLOCK_POST_ALREADY_CONFIRMED: 'BLOCK_POST_ALREADY_CONFIRMED',
  /** A post of the block carries less stamp work than the network's floor (§12.3). */
  BLOCK_POST_STAMP_TOO_WEAK: 'BLOCK_POST_STAMP_TOO_WEAK',
  BLOCK_BAD_GENESIS: 'BLOCK_BAD_GENESIS',
  BLOCK_PARENT_UNKNOWN: 'BLOCK_PARENT_UNKNOWN',
  BLOCK_PARENT_INVALID: 'BLOCK_PARENT_INVALID',
  BLOCK_KNOWN_INVALID: 'BLOCK_KNOWN_INVALID',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Why something was rejected: a stable code and a human sentence. */
export interface ValidationFailure {
  readonly code: ErrorCode;
  readonly message: string;
}

export type Result<T> =
  | { readonly ok: true; readonly value: T }
  | ({ readonly ok: false } & ValidationFailure);

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T = never>(code: ErrorCode, message: string): Result<T> {
  return { ok: false, code, message };
}

/** An exception carrying a protocol error code, for callers that prefer throwing. */
export class ProtocolError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}
