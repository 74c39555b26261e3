import { fromHex, isLowerHex, toHex, utf8, utf8Length } from './bytes.ts';
import { canonicalJson } from './canonical.ts';
import type { CryptoPort } from './crypto.ts';
import { ErrorCode, fail, ok, type Result, type ValidationFailure } from './errors.ts';
import { POST_LIMITS } from './post-limits.ts';
import { actionFormError, isKnownKind, isRefEncoding, KIND_SYNTAX } from './social/kinds.ts';
import { checkStamp, parseStamp, type Stamp } from './stamp.ts';

/** A post, the transaction of YourNet (docs/PROTOCOL.md §2). */
export interface Post {
  author: string;
  content: string;
  /** Seconds since the Unix epoch; fractions allowed. */
  timestamp: number;
  /** Lowercase hex of a 32-byte Ed25519 public key; present exactly when `signature` is. */
  pubkey?: string;
  /** The id of the post this one replies to. */
  reply_to?: string;
  /** Lowercase hex of the 64-byte Ed25519 signature of the 32 raw bytes of the id. */
  signature?: string;
  /** Proof of work over the post (§12); the id and the signature commit to it. */
  stamp?: Stamp;
  /** A social action's kind (§13); only on signed posts. */
  kind?: string;
  /** What the action is about (§13): a post id, a public key, a commitment or a salt. */
  ref?: string;
}

/** A post without its signature: what the id commits to. */
export type UnsignedPost = Omit<Post, 'signature'>;

export { POST_LIMITS } from './post-limits.ts';

/**
 * The encodings of the 8 points of small order (the torsion subgroup), plus the two "negative
 * zero" spellings of the points with x = 0 (y = 1 and y = −1 with the sign bit set). A key among
 * them "signs" anything (§2.3), so the form refuses it (§2.1 step 10). A table compare: core
 * stays pure and fast, with no point decoding.
 */
const WEAK_PUBKEYS = new Set([
  '0100000000000000000000000000000000000000000000000000000000000000',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0000000000000000000000000000000000000000000000000000000000000080',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85',
  '0100000000000000000000000000000000000000000000000000000000000080',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
]);

/**
 * True when the 32-byte little-endian `y` of a key (sign bit cleared) is ≥ p = 2^255 − 19: a
 * non-canonical encoding. In hex that is `ed`…`ff`, then 30 `ff` bytes, then `7f` or `ff`.
 */
function isNonCanonicalY(pubkey: string): boolean {
  const last = pubkey.slice(62);
  if (last !== '7f' && last !== 'ff') return false;
  if (pubkey.slice(2, 62) !== 'ff'.repeat(30)) return false;
  return pubkey.slice(0, 2) >= 'ed';
}

/** True for a public key that is 64 lowercase hex, canonical and not of small order (§2.1 step 10). */
export function isAcceptablePubkey(pubkey: string): boolean {
  return isLowerHex(pubkey, 32) && !WEAK_PUBKEYS.has(pubkey) && !isNonCanonicalY(pubkey);
}

const POST_FIELDS = new Set([
  'author',
  'content',
  'timestamp',
  'pubkey',
  'reply_to',
  'signature',
  'stamp',
  'kind',
  'ref',
]);

// Control characters (Unicode category Cc) and lone surrogates.
const CONTROL = /\p{Cc}/u;
// The protocol rejects these characters on purpose (docs/PROTOCOL.md §2.1).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_EXCEPT_WHITESPACE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /\p{Cs}/u;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function codePointCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/**
 * Checks the form of a post (§2.1) and returns a fresh object holding only its fields.
 * Does not check the signature: see {@link validatePost}.
 */
export function parsePost(input: unknown): Result<Post> {
  if (!isPlainObject(input)) return fail(ErrorCode.POST_NOT_OBJECT, 'a post must be a JSON object');
  for (const key of Object.keys(input)) {
    if (!POST_FIELDS.has(key))
      return fail(ErrorCode.POST_UNKNOWN_FIELD, `unknown field "${key.slice(0, 40)}"`);
  }
  for (const key of ['author', 'content', 'timestamp'] as const) {
    if (input[key] === undefined) return fail(ErrorCode.POST_MISSING_FIELD, `missing field "${key}"`);
  }
  const { author, content, timestamp, pubkey, reply_to, signature, stamp, kind, ref } = input;

  if (
    typeof author !== 'string' ||
    author.trim() === '' ||
    CONTROL.test(author) ||
    LONE_SURROGATE.test(author)
  ) {
    return fail(ErrorCode.POST_BAD_AUTHOR, 'author must be a non-blank string without control characters');
  }
  if (codePointCount(author) > POST_LIMITS.authorMaxChars) {
    return fail(
      ErrorCode.POST_AUTHOR_TOO_LONG,
      `author is longer than ${POST_LIMITS.authorMaxChars} characters`,
    );
  }
  if (
    typeof content !== 'string' ||
    content.trim() === '' ||
    CONTROL_EXCEPT_WHITESPACE.test(content) ||
    LONE_SURROGATE.test(content)
  ) {
    return fail(
      ErrorCode.POST_BAD_CONTENT,
      'content must be a non-blank string without control characters other than tab and newlines',
    );
  }
  if (utf8Length(content) > POST_LIMITS.contentMaxBytes) {
    return fail(
      ErrorCode.POST_CONTENT_TOO_LONG,
      `content is larger than ${POST_LIMITS.contentMaxBytes} bytes`,
    );
  }
  if (
    typeof timestamp !== 'number' ||
    !Number.isFinite(timestamp) ||
    timestamp < 0 ||
    Object.is(timestamp, -0) ||
    timestamp >= POST_LIMITS.timestampLimit
  ) {
    return fail(
      ErrorCode.POST_BAD_TIMESTAMP,
      'timestamp must be a number of seconds since 1970, 0 ≤ t < 1e11',
    );
  }
  if (reply_to !== undefined && !isLowerHex(reply_to, 32)) {
    return fail(ErrorCode.POST_BAD_REPLY_TO, 'reply_to must be a post id: 64 lowercase hex characters');
  }
  if (pubkey !== undefined && !isLowerHex(pubkey, 32)) {
    return fail(ErrorCode.POST_BAD_PUBKEY, 'pubkey must be 64 lowercase hex characters');
  }
  if (pubkey !== undefined && !isAcceptablePubkey(pubkey)) {
    return fail(ErrorCode.POST_BAD_PUBKEY, 'pubkey is of small order or not canonically encoded');
  }
  if (signature !== undefined && !isLowerHex(signature, 64)) {
    return fail(ErrorCode.POST_BAD_SIGNATURE_ENCODING, 'signature must be 128 lowercase hex characters');
  }
  if ((pubkey === undefined) !== (signature === undefined)) {
    return fail(
      ErrorCode.POST_INCOMPLETE_SIGNATURE,
      'pubkey and signature must be given together or not at all',
    );
  }

  // Step 13 (§12): the stamp's form; its hash is checked by checkPost.
  const parsedStamp = stamp === undefined ? undefined : parseStamp(stamp);
  if (parsedStamp !== undefined && !parsedStamp.ok) return parsedStamp;

  // Steps 12c–12f (§13.1): a social action's kind and ref.
  const action = checkActionFields(kind, ref, content, signature !== undefined, reply_to !== undefined);
  if (action !== undefined) return action;

  const post: Post = { author, content, timestamp };
  if (pubkey !== undefined) post.pubkey = pubkey;
  if (reply_to !== undefined) post.reply_to = reply_to;
  if (signature !== undefined) post.signature = signature;
  if (parsedStamp !== undefined) post.stamp = parsedStamp.value;
  if (kind !== undefined) post.kind = kind as string;
  if (ref !== undefined) post.ref = ref as string;
  return ok(post);
}

/**
 * The form of `kind` and `ref` (§13.1): a kind's syntax, ref's encoding, only signed posts act,
 * no reply_to on an action, and the per-kind rules of known kinds. Undefined when they pass.
 */
function checkActionFields(
  kind: unknown,
  ref: unknown,
  content: string,
  signed: boolean,
  replies: boolean,
): Result<never> | undefined {
  if (kind !== undefined && (typeof kind !== 'string' || !KIND_SYNTAX.test(kind)))
    return fail(
      ErrorCode.POST_BAD_KIND,
      'kind must be 1–32 characters of a–z, 0–9 and _, starting with a letter',
    );
  if (ref !== undefined && !isRefEncoding(ref))
    return fail(ErrorCode.POST_BAD_REF, 'ref must be 64 lowercase hex characters');
  if (kind === undefined) {
    if (ref !== undefined) return fail(ErrorCode.POST_BAD_REF, 'ref is only allowed with a kind');
    return undefined;
  }
  if (!signed)
    return fail(ErrorCode.POST_KIND_UNSIGNED, 'a social action (a post with a kind) must be signed');
  if (replies) return fail(ErrorCode.POST_BAD_ACTION, 'a social action cannot be a reply (no reply_to)');
  if (!isKnownKind(kind)) return undefined;
  const reason = actionFormError(kind, ref as string | undefined, content, isAcceptablePubkey);
  return reason === undefined ? undefined : fail(ErrorCode.POST_BAD_ACTION, reason);
}

/** The post without `signature`, as the id commits to it. */
export function unsignedPart(post: Post): UnsignedPost {
  const { signature: _signature, ...unsigned } = post;
  return unsigned;
}

/** RFC 8785 canonical JSON of the post without `signature`: the exact string whose hash is the id (§2.2). */
export function canonicalPost(post: Post): string {
  return canonicalJson(unsignedPart(post));
}

/**
 * What a signature adds to a post's canonical JSON: `,"signature":"`, 128 hex digits and `"`.
 * JCS sorts the members, but where this one lands does not change how many bytes it adds, and
 * the form check allows only 128 lowercase hex digits (nothing escaped). So a post's size comes
 * from the same canonical encoding as its id, without canonicalising the post a second time.
 */
const SIGNATURE_MEMBER_BYTES = ',"signature":""'.length + 128;

/** The id rule (§2.2): lowercase hex SHA-256 of the UTF-8 of {@link canonicalPost}. */
function idFromCanonical(canonical: Uint8Array, crypto: CryptoPort): string {
  return toHex(crypto.sha256(canonical));
}

/** The size rule: bytes of the canonical JSON of the whole post, signature included. */
function sizeFromCanonical(canonicalBytes: number, post: Post): number {
  return canonicalBytes + (post.signature === undefined ? 0 : SIGNATURE_MEMBER_BYTES);
}

/** The post id: lowercase hex SHA-256 of the UTF-8 of {@link canonicalPost} (§2.2). */
export function postId(post: Post, crypto: CryptoPort): string {
  return idFromCanonical(utf8(canonicalPost(post)), crypto);
}

/**
 * Bytes of the canonical JSON of the whole post, signature included: what counts toward block
 * size. For a post that passed the form check ({@link parsePost}).
 */
export function postSize(post: Post): number {
  return sizeFromCanonical(utf8Length(canonicalPost(post)), post);
}

/** Signs a post (§2.3): sets `pubkey` from the key, then signs the 32 raw bytes of the id. */
export function signPost(post: UnsignedPost, privateKey: Uint8Array, crypto: CryptoPort): Post {
  const withKey: Post = { ...post, pubkey: toHex(crypto.publicKey(privateKey)) };
  delete withKey.signature;
  const id = postId(withKey, crypto);
  return { ...withKey, signature: toHex(crypto.sign(fromHex(id), privateKey)) };
}

/** A post that passed the form check, with its id and size from one canonical encoding. */
export interface CheckedPost {
  readonly post: Post;
  readonly id: string;
  /** {@link postSize} of the post. */
  readonly size: number;
}

/** A post that passed {@link validatePost}: form and signature. */
export type ValidPost = CheckedPost;

/** Id and size of a post that passed {@link parsePost}, canonicalised once (§2.2). */
export function identifyPost(post: Post, crypto: CryptoPort): CheckedPost {
  const canonical = utf8(canonicalPost(post));
  return {
    post,
    id: idFromCanonical(canonical, crypto),
    size: sizeFromCanonical(canonical.length, post),
  };
}

/**
 * The door every post goes through (§2.1–2.2): form check, then id and size from one
 * canonical encoding. The signature is the second step: {@link verifyPostSignature}, or
 * {@link signatureToVerify} for a caller that verifies elsewhere (worker threads).
 */
export function checkPost(input: unknown, crypto: CryptoPort): Result<CheckedPost> {
  const parsed = parsePost(input);
  if (!parsed.ok) return parsed;
  // The stamp hash (§12): one more hash, before the id, so a bad stamp costs no signature check.
  const stamped = checkStamp(parsed.value, crypto);
  if (!stamped.ok) return stamped;
  return ok(identifyPost(parsed.value, crypto));
}

/** An Ed25519 verification to run: a signed post's signature over the 32 raw bytes of its id (§2.3). */
export interface SignatureToVerify {
  readonly signature: Uint8Array;
  readonly message: Uint8Array;
  readonly publicKey: Uint8Array;
}

/**
 * The verification a checked post needs, or undefined when it is unsigned. `decodeHex` may be a
 * native decoder (Node's Buffer), faster than {@link fromHex}: the form check allowed only
 * lowercase hex of the right lengths.
 */
export function signatureToVerify(
  checked: CheckedPost,
  decodeHex: (hex: string) => Uint8Array = fromHex,
): SignatureToVerify | undefined {
  const { signature, pubkey } = checked.post;
  if (signature === undefined || pubkey === undefined) return undefined;
  return { signature: decodeHex(signature), message: decodeHex(checked.id), publicKey: decodeHex(pubkey) };
}

/** The failure of a post whose signature does not verify (for callers that verify elsewhere). */
export function badSignature(id: string): { readonly ok: false } & ValidationFailure {
  return {
    ok: false,
    code: ErrorCode.POST_BAD_SIGNATURE,
    message: `signature does not verify for post ${id}`,
  };
}

/** The signature step on the calling thread: ok for an unsigned post or a signature that verifies. */
export function verifyPostSignature(checked: CheckedPost, crypto: CryptoPort): Result<CheckedPost> {
  const toVerify = signatureToVerify(checked);
  if (toVerify === undefined) return ok(checked);
  if (crypto.verify(toVerify.signature, toVerify.message, toVerify.publicKey)) return ok(checked);
  return badSignature(checked.id);
}

/** {@link checkPost} then {@link verifyPostSignature}: form, id, size and signature (§2.1–2.3). */
export function validatePost(input: unknown, crypto: CryptoPort): Result<ValidPost> {
  const checked = checkPost(input, crypto);
  if (!checked.ok) return checked;
  return verifyPostSignature(checked.value, crypto);
}

/** True when the post carries a signature (verified or not: see {@link validatePost}). */
export function isSigned(post: Post): boolean {
  return post.signature !== undefined;
}
