import { toHex, utf8 } from './bytes.ts';
import { canonicalJson } from './canonical.ts';
import { decodeBits, encodeBits } from './compact.ts';
import type { CryptoPort } from './crypto.ts';
import { ErrorCode, fail, ok, type Result } from './errors.ts';
import { type GrindOptions, grindWith } from './grind.ts';
import type { Post } from './post.ts';
import { blockWork, targetWords, wordsMeetTarget } from './pow.ts';
import { compress, readBlockWords, SHA256_IV, writeDigest } from './sha256-fixed.ts';

/**
 * Post stamps (docs/PROTOCOL.md §12): a little proof of work a post carries so that posting costs
 * work instead of money (hashcash, Nostr's NIP-13).
 *
 *   stamp hash = SHA-256( "YNSTAMP" 0x01 ‖ D ‖ bits ‖ nonce )          52 bytes, one block
 *   D          = SHA-256( UTF-8( JCS(post minus "signature" minus "stamp") ) )
 *
 * bits is a uint32 and nonce a uint64, big-endian. 52 bytes pad to one 64-byte SHA-256 block, so
 * an attempt costs one compression whatever the post's size; D is computed once per post. D
 * commits to author, content, timestamp, reply_to and pubkey: a stamp cannot be moved to another
 * post or another key. The tag keeps a stamp hash from ever being a header or merkle hash.
 */
export interface Stamp {
  /** Compact target, as a header's bits (§4.3). */
  bits: number;
  /** 0 ≤ nonce < 2^53, so that JSON carries it exactly. */
  nonce: number;
}

/** Bytes of the stamp preimage: tag (8), D (32), bits (4), nonce (8). */
export const STAMP_PREIMAGE_SIZE = 52;
/** "YNSTAMP" and the stamp encoding version 1. */
const TAG_WORDS = [0x594e5354, 0x414d5001] as const;

const TWO_256 = 1n << 256n;

/**
 * Work credited to a stamp with these bits: 2^256 / (target + 1), the expected number of attempts,
 * never the luck of the hash. Undefined for bits that do not decode canonically.
 */
export function stampWork(bits: number): bigint | undefined {
  const target = decodeBits(bits);
  return target === undefined ? undefined : blockWork(target);
}

/** Work a post is credited: its stamp's, or 0 for a post without one (or with undecodable bits). */
export function postWork(post: Post): bigint {
  return post.stamp === undefined ? 0n : (stampWork(post.stamp.bits) ?? 0n);
}

/**
 * The easiest compact bits whose credited work is at least `work` (≥ 1): what a client grinds
 * for to meet a required work. Rounds the target down so the encoding never credits less.
 */
export function bitsForWork(work: bigint): number {
  if (work <= 1n) return encodeBits(TWO_256 - 1n);
  // work(target) = floor(2^256 / (target + 1)) ≥ work  ⇔  target + 1 ≤ 2^256 / work; the compact
  // encoding truncates the target down, which only adds work.
  const target = TWO_256 / work - 1n;
  return encodeBits(target < 1n ? 1n : target);
}

/** Form of a `stamp` member (§2.1 step 12a): exactly `{bits, nonce}`, canonical bits, nonce in range. */
export function parseStamp(input: unknown): Result<Stamp> {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return fail(ErrorCode.POST_BAD_STAMP, 'stamp must be an object {bits, nonce}');
  const record = input as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length !== 2 || !('bits' in record) || !('nonce' in record))
    return fail(ErrorCode.POST_BAD_STAMP, 'stamp must have exactly the members bits and nonce');
  const { bits, nonce } = record;
  if (typeof bits !== 'number' || decodeBits(bits) === undefined)
    return fail(ErrorCode.POST_BAD_STAMP, 'stamp bits must be canonical compact bits of a target');
  if (typeof nonce !== 'number' || !Number.isSafeInteger(nonce) || nonce < 0)
    return fail(ErrorCode.POST_BAD_STAMP, 'stamp nonce must be an integer, 0 ≤ nonce < 2^53');
  return ok({ bits, nonce });
}

/** D: SHA-256 of the canonical JSON of the post without `signature` and without `stamp`. */
export function stampDigest(post: Post, crypto: CryptoPort): Uint8Array {
  const { signature: _signature, stamp: _stamp, ...rest } = post;
  return crypto.sha256(utf8(canonicalJson(rest)));
}

/** The one-block stamp hash with a fixed digest D; each nonce costs one compression. */
export class StampHasher {
  private readonly block = new Uint32Array(16);
  private readonly state = new Uint32Array(8);

  constructor(digest: Uint8Array, bits: number) {
    const padded = new Uint8Array(64);
    padded.set(digest, 8);
    readBlockWords(padded, 0, this.block);
    this.block[0] = TAG_WORDS[0];
    this.block[1] = TAG_WORDS[1];
    this.block[10] = bits >>> 0;
    this.block[13] = 0x80000000;
    this.block[15] = STAMP_PREIMAGE_SIZE * 8;
  }

  /** Hashes with `nonce`; the digest words stay valid until the next call. */
  hashWith(nonce: number): Uint32Array {
    this.block[11] = Math.floor(nonce / 2 ** 32);
    this.block[12] = nonce >>> 0;
    this.state.set(SHA256_IV);
    compress(this.state, this.block);
    return this.state;
  }

  /** The hex hash of the last {@link hashWith} call. */
  digestHex(): string {
    const out = new Uint8Array(32);
    writeDigest(this.state, out);
    return toHex(out);
  }
}

/** The stamp hash of a post carrying a stamp, lowercase hex. */
export function stampHash(post: Post & { stamp: Stamp }, crypto: CryptoPort): string {
  const hasher = new StampHasher(stampDigest(post, crypto), post.stamp.bits);
  hasher.hashWith(post.stamp.nonce);
  return hasher.digestHex();
}

/**
 * The stamp check of a post that passed the form check: ok with its credited work (0 without a
 * stamp), or POST_BAD_STAMP when the stamp hash is above its target.
 */
export function checkStamp(post: Post, crypto: CryptoPort): Result<bigint> {
  const stamp = post.stamp;
  if (stamp === undefined) return ok(0n);
  const target = decodeBits(stamp.bits);
  if (target === undefined) return fail(ErrorCode.POST_BAD_STAMP, 'stamp bits do not encode a target');
  const hasher = new StampHasher(stampDigest(post, crypto), stamp.bits);
  if (!wordsMeetTarget(hasher.hashWith(stamp.nonce), targetWords(target)))
    return fail(ErrorCode.POST_BAD_STAMP, `stamp hash ${hasher.digestHex()} is above its target`);
  return ok(blockWork(target));
}

/** The nonce range, progress and cancellation of a stamp search (the same as a block's). */
export type StampGrindOptions = GrindOptions;

export type StampGrindOutcome =
  | { readonly found: true; readonly stamp: Stamp; readonly hash: string }
  | { readonly found: false; readonly stopped: boolean };

/**
 * Searches nonces [start, start + count) for a stamp of `bits` on `post` (its own stamp and
 * signature ignored). Pure and synchronous: callers split the range across workers. `digest` may
 * be passed when the caller already computed D, so that each worker does not redo it.
 */
export function grindStamp(
  post: Post,
  bits: number,
  crypto: CryptoPort,
  options: StampGrindOptions = {},
  digest: Uint8Array = stampDigest(post, crypto),
): StampGrindOutcome {
  const target = decodeBits(bits);
  if (target === undefined) throw new RangeError(`bits 0x${bits.toString(16)} do not encode a target`);
  const outcome = grindWith(new StampHasher(digest, bits), target, options);
  return outcome.found ? { found: true, stamp: { bits, nonce: outcome.nonce }, hash: outcome.hash } : outcome;
}

/** Expected attempts for `bits`, as a float: for time estimates ("≈ 0.8 s on this device"). */
export function expectedAttempts(bits: number): number {
  const work = stampWork(bits);
  return work === undefined ? Number.POSITIVE_INFINITY : Number(work);
}
