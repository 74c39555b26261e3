/**
 * The form's limits of a post (docs/PROTOCOL.md §2.1), in a module of their own so a client can
 * show them (the Composer's byte count) without loading the post code (parsing, ids, signing).
 */
export const POST_LIMITS = {
  /** Unicode code points in `author`. */
  authorMaxChars: 64,
  /** Bytes of the UTF-8 encoding of `content`. */
  contentMaxBytes: 10_000,
  /** Upper bound on `timestamp` (exclusive): keeps every timestamp in plain decimal JCS form. */
  timestampLimit: 1e11,
} as const;
