/**
 * Deterministic building blocks shared by the core tests and scripts/generate-vectors.ts:
 * fixed keys, a miner for easy targets, and block construction. No randomness anywhere.
 */
import { BLOCK_VERSION, type Block, headerOf } from '#core/block.ts';
import { toHex, utf8 } from '#core/bytes.ts';
import { decodeBits } from '#core/compact.ts';
import type { CryptoPort } from '#core/crypto.ts';
import { nobleCrypto } from '#core/crypto-noble.ts';
import { grindNonce } from '#core/grind.ts';
import { type BlockHeader, HeaderHasher, headerHash } from '#core/header.ts';
import { merkleRoot } from '#core/merkle.ts';
import type { NetworkParams } from '#core/params.ts';
import { type Post, postId } from '#core/post.ts';
import { targetWords, wordsMeetTarget } from '#core/pow.ts';
import { nodeCrypto } from '#node/crypto-node.ts';

/** Both implementations of the crypto port: every test that depends on crypto runs on each. */
export const PORTS: ReadonlyArray<readonly [string, CryptoPort]> = [
  ['nodeCrypto', nodeCrypto],
  ['nobleCrypto', nobleCrypto],
];

/** A fixed Ed25519 private key seed: SHA-256 of "yournet test key <name>". */
export function testKey(name: string): Uint8Array {
  return nodeCrypto.sha256(utf8(`yournet test key ${name}`));
}

/** Lowercase hex SHA-256 of the UTF-8 of `text`. */
export function sha256Hex(text: string): string {
  return toHex(nodeCrypto.sha256(utf8(text)));
}

/** The smallest nonce ≥ `from` whose header hash meets the header's own target. */
export function mineNonce(header: BlockHeader, from = 0): number {
  const target = decodeBits(header.bits);
  if (target === undefined) throw new RangeError('cannot mine a header with invalid bits');
  const outcome = grindNonce(header, target, { start: from });
  if (!outcome.found) throw new RangeError('no winning nonce below 2^53');
  return outcome.nonce;
}

/** The smallest nonce ≥ `from` whose header hash is ABOVE the header's target (fails proof of work). */
export function failingNonce(header: BlockHeader, from = 0): number {
  const target = decodeBits(header.bits);
  if (target === undefined) throw new RangeError('cannot mine a header with invalid bits');
  const words = targetWords(target);
  const hasher = new HeaderHasher(header);
  for (let nonce = from; ; nonce++) {
    if (!wordsMeetTarget(hasher.hashWith(nonce), words)) return nonce;
  }
}

/** Sets `nonce` to a winning one and `hash` to the header hash. */
export function mined<B extends BlockHeader & { hash: string }>(block: B): B {
  const nonce = mineNonce(block);
  const out = { ...block, nonce };
  out.hash = headerHash(headerOf(out));
  return out;
}

export interface ChildOptions {
  timestamp?: number;
  bits?: number;
  version?: number;
  /** Override the merkle root instead of computing it from the posts. */
  merkleRoot?: string;
  /** Leave the nonce at 0 and do not mine. */
  unmined?: boolean;
}

/**
 * A child of `parent` on `params` carrying `posts` (given in served form), mined on its own
 * target, with the merkle root of the posts' ids and a timestamp one target spacing later.
 */
export function childBlock(
  parent: Block,
  posts: readonly Post[],
  params: NetworkParams,
  options: ChildOptions = {},
): Block {
  const ids = posts.map((post) => postId(post, nodeCrypto));
  const block: Block = {
    version: options.version ?? BLOCK_VERSION,
    index: parent.index + 1,
    previous_hash: parent.hash,
    merkle_root: options.merkleRoot ?? merkleRoot(ids),
    timestamp: options.timestamp ?? parent.timestamp + params.targetSpacing,
    bits: options.bits ?? params.powLimitBits,
    nonce: 0,
    hash: '',
    transactions: [...posts],
  };
  if (options.unmined) return { ...block, hash: headerHash(headerOf(block)) };
  return mined(block);
}

/** Deep copy of JSON data. */
export function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
