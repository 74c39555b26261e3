import { decodeBits } from './compact.ts';
import type { CryptoPort } from './crypto.ts';
import { ErrorCode, fail, ok, type Result } from './errors.ts';
import { type BlockHeader, headerFieldError, headerHash } from './header.ts';
import { merkleRootAndSubtrees } from './merkle.ts';
import type { NetworkParams } from './params.ts';
import { identifyPost, type Post, parsePost, type postSize, verifyPostSignature } from './post.ts';
import { meetsTarget } from './pow.ts';
import { checkStamp } from './stamp.ts';

/** A block as nodes exchange and serve it (docs/PROTOCOL.md §4.1): the header fields, its hash and its posts. */
export interface Block extends BlockHeader {
  hash: string;
  transactions: Post[];
}

export const BLOCK_VERSION = 1;

const HEADER_FIELDS = [
  'version',
  'index',
  'previous_hash',
  'merkle_root',
  'timestamp',
  'bits',
  'nonce',
] as const;
const BLOCK_FIELDS = new Set<string>([...HEADER_FIELDS, 'hash', 'transactions']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Form of a header given as JSON fields (§4.1): presence, types and ranges only. */
export function parseHeader(input: unknown, allowHash = true): Result<BlockHeader & { hash?: string }> {
  if (!isPlainObject(input)) return fail(ErrorCode.BLOCK_NOT_OBJECT, 'a block header must be a JSON object');
  for (const key of Object.keys(input)) {
    if (!BLOCK_FIELDS.has(key) || key === 'transactions' || (key === 'hash' && !allowHash)) {
      return fail(ErrorCode.BLOCK_UNKNOWN_FIELD, `unknown header field "${key.slice(0, 40)}"`);
    }
  }
  for (const key of HEADER_FIELDS) {
    if (input[key] === undefined) return fail(ErrorCode.BLOCK_MISSING_FIELD, `missing field "${key}"`);
  }
  const header = {
    version: input.version,
    index: input.index,
    previous_hash: input.previous_hash,
    merkle_root: input.merkle_root,
    timestamp: input.timestamp,
    bits: input.bits,
    nonce: input.nonce,
  } as BlockHeader;
  const bad = headerFieldError(header);
  if (bad !== undefined)
    return fail(ErrorCode.BLOCK_BAD_FIELD, `field "${bad}" is out of range or of the wrong type`);
  if (input.hash !== undefined && typeof input.hash !== 'string') {
    return fail(ErrorCode.BLOCK_BAD_FIELD, 'field "hash" must be a string');
  }
  return ok(input.hash === undefined ? header : { ...header, hash: input.hash as string });
}

/** Header checks that need no chain (§5, §7.1): version, canonical bits within the limit, hash, proof of work. */
export function validateHeaderStateless(
  header: BlockHeader,
  claimedHash: string | undefined,
  params: NetworkParams,
): Result<{ hash: string; target: bigint }> {
  if (header.version !== BLOCK_VERSION) {
    return fail(ErrorCode.BLOCK_BAD_VERSION, `version ${header.version} is not ${BLOCK_VERSION}`);
  }
  const target = decodeBits(header.bits);
  if (target === undefined || target > params.powLimit) {
    return fail(ErrorCode.BLOCK_BAD_BITS, `bits 0x${header.bits.toString(16)} do not encode a valid target`);
  }
  const hash = headerHash(header);
  if (claimedHash !== undefined && claimedHash !== hash) {
    return fail(
      ErrorCode.BLOCK_BAD_HASH,
      `hash ${claimedHash.slice(0, 64)} is not the header's hash ${hash}`,
    );
  }
  if (!meetsTarget(hash, target)) return fail(ErrorCode.BLOCK_BAD_POW, `hash ${hash} is above the target`);
  return ok({ hash, target });
}

/**
 * The envelope of a block (§4.1): an object of known fields with a `hash` and a `transactions`
 * array; splits it into the posts (unchecked) and the header fields.
 */
function splitBlock(
  input: unknown,
): Result<{ transactions: unknown[]; headerPart: Record<string, unknown> }> {
  if (!isPlainObject(input)) return fail(ErrorCode.BLOCK_NOT_OBJECT, 'a block must be a JSON object');
  for (const key of Object.keys(input)) {
    if (!BLOCK_FIELDS.has(key))
      return fail(ErrorCode.BLOCK_UNKNOWN_FIELD, `unknown field "${key.slice(0, 40)}"`);
  }
  if (input.hash === undefined) return fail(ErrorCode.BLOCK_MISSING_FIELD, 'missing field "hash"');
  if (input.transactions === undefined)
    return fail(ErrorCode.BLOCK_MISSING_FIELD, 'missing field "transactions"');
  if (!Array.isArray(input.transactions))
    return fail(ErrorCode.BLOCK_BAD_FIELD, 'transactions must be an array');
  const { transactions, ...headerPart } = input;
  return ok({ transactions, headerPart });
}

/** Form of a whole block (§4.1); posts are checked for form, not signature. */
export function parseBlock(input: unknown): Result<Block> {
  const envelope = splitBlock(input);
  if (!envelope.ok) return envelope;
  const { transactions, headerPart } = envelope.value;
  const header = parseHeader(headerPart);
  if (!header.ok) return header;
  const posts: Post[] = [];
  for (let i = 0; i < transactions.length; i++) {
    const post = parsePost(transactions[i]);
    if (!post.ok) return fail(post.code, `post ${i}: ${post.message}`);
    posts.push(post.value);
  }
  return ok({ ...header.value, hash: header.value.hash as string, transactions: posts });
}

/** A block that passed {@link validateBlockStateless}, with its post ids and target. */
export interface ValidBlock {
  readonly block: Block;
  readonly ids: readonly string[];
  /** {@link postSize} of each post, in block order (what the block's size is made of). */
  readonly sizes: readonly number[];
  readonly target: bigint;
  /** merkleSubtreeLevel of the ids, a by-product of the merkle root (the node keeps it for proofs). */
  readonly subtrees?: Uint8Array;
}

/** Posts whose exact signature the caller already verified: skipped, an optimisation only. */
export type AlreadyVerified = (id: string, post: Post) => boolean;

/**
 * Every check that needs no chain (§7.1), cheapest first so that junk costs little:
 * form, version, bits, hash, proof of work, post count, post form, size, duplicates, merkle
 * root, then signatures.
 */
export function validateBlockStateless(
  input: unknown,
  params: NetworkParams,
  crypto: CryptoPort,
  alreadyVerified?: AlreadyVerified,
): Result<ValidBlock> {
  const checked = checkBlockBeforeSignatures(input, params, crypto);
  if (!checked.ok) return checked;
  return checkBlockSignatures(checked.value, crypto, alreadyVerified);
}

/**
 * §7.1 steps 1–16: everything {@link validateBlockStateless} checks except the signatures
 * (step 17), which {@link checkBlockSignatures} completes. Split so that a node can verify the
 * signatures elsewhere (worker threads) between the two. In §7.1's order, which the vectors'
 * codes follow; a node that wants the header checked before the body (and its own header checks
 * in between) uses {@link checkBlockHeader} then {@link checkBlockBody}, which reject the same
 * blocks, possibly under another of their codes when a block has several faults.
 */
export function checkBlockBeforeSignatures(
  input: unknown,
  params: NetworkParams,
  crypto: CryptoPort,
): Result<ValidBlock> {
  if (
    isPlainObject(input) &&
    Array.isArray(input.transactions) &&
    input.transactions.length > params.maxBlockPosts
  ) {
    return fail(ErrorCode.BLOCK_TOO_MANY_POSTS, `a block holds at most ${params.maxBlockPosts} posts`);
  }
  const parsed = parseBlock(input);
  if (!parsed.ok) return parsed;
  const block = parsed.value;
  const header = validateHeaderStateless(block, block.hash, params);
  if (!header.ok) return header;
  return identifyAndCommit(block, header.value.target, params, crypto);
}

/** §7.1 steps 13–16 on parsed posts: size, duplicates, merkle root; with `committed` on failure. */
function identifyAndCommit(
  block: Block,
  target: bigint,
  params: NetworkParams,
  crypto: CryptoPort,
): BodyResult {
  let bytes = 0;
  const sizes: number[] = [];
  const ids: string[] = [];
  for (const post of block.transactions) {
    // parseBlock ran each post through parsePost: the rest of checkPost is its id and size.
    const { id, size } = identifyPost(post, crypto);
    bytes += size;
    sizes.push(size);
    ids.push(id);
  }
  const { root, subtrees } = merkleRootAndSubtrees(ids);
  const committed = root === block.merkle_root;
  if (bytes > params.maxBlockBytes) {
    return {
      ...fail(ErrorCode.BLOCK_TOO_LARGE, `posts take ${bytes} bytes, more than ${params.maxBlockBytes}`),
      committed,
    } as BodyResult;
  }
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) {
      return { ...fail(ErrorCode.BLOCK_DUPLICATE_POST, `post ${id} appears twice`), committed } as BodyResult;
    }
    seen.add(id);
  }
  if (!committed) {
    return fail(ErrorCode.BLOCK_BAD_MERKLE_ROOT, `merkle_root is not the root of the posts (${root})`);
  }
  const stamps = checkBlockStamps(block.transactions, params, crypto);
  if (!stamps.ok) return stamps;
  return ok({ block, ids, sizes, target, subtrees });
}

/**
 * What {@link checkBlockBody} answers. On failure, `committed` is true when the posts' ids did
 * match the header's merkle root: the header commits to this fault, so the block's hash is
 * invalid whatever body comes with it. When it is absent or false the body may be a mutation of
 * a valid block's (CVE-2012-2459), which says nothing about the hash. Signatures are not covered
 * by the ids, hence never by the merkle root: a bad signature never condemns a hash.
 */
export type BodyResult = Result<ValidBlock> & { readonly committed?: boolean };

/** A header that passed {@link checkBlockHeader}: its fields, its (checked) hash and its target. */
export interface CheckedHeader {
  readonly header: BlockHeader & { readonly hash: string };
  readonly target: bigint;
}

/**
 * The header part of a block from anyone (§4.1, §5, §7.1's header steps): the block is an
 * object with known fields, `transactions` is an array, the header fields have their form,
 * `hash` is the header's hash, and it meets the target. Never looks into the posts, so junk
 * posts cost nothing until the header (and the node's own header checks) passed.
 */
export function checkBlockHeader(input: unknown, params: NetworkParams): Result<CheckedHeader> {
  const envelope = splitBlock(input);
  if (!envelope.ok) return envelope;
  const parsed = parseHeader(envelope.value.headerPart);
  if (!parsed.ok) return parsed;
  const header = parsed.value as BlockHeader & { hash: string };
  const checked = validateHeaderStateless(header, header.hash, params);
  if (!checked.ok) return checked;
  return ok({ header, target: checked.value.target });
}

/**
 * The body of a block whose header passed {@link checkBlockHeader} (same object): post count,
 * post form, size, duplicates, merkle root (§7.1 steps 8–16), without the signatures.
 */
export function checkBlockBody(
  input: unknown,
  checked: CheckedHeader,
  params: NetworkParams,
  crypto: CryptoPort,
): BodyResult {
  const transactions = (input as { transactions: unknown[] }).transactions;
  if (transactions.length > params.maxBlockPosts) {
    return fail(ErrorCode.BLOCK_TOO_MANY_POSTS, `a block holds at most ${params.maxBlockPosts} posts`);
  }
  const posts: Post[] = [];
  for (let i = 0; i < transactions.length; i++) {
    const post = parsePost(transactions[i]);
    if (!post.ok) return fail(post.code, `post ${i}: ${post.message}`);
    posts.push(post.value);
  }
  const block: Block = { ...checked.header, transactions: posts };
  return identifyAndCommit(block, checked.target, params, crypto);
}

/**
 * §12.3, after the merkle root and before the signatures: every post's stamp hash meets its
 * target (POST_BAD_STAMP) and its credited work meets the network's floor.
 */
export function checkBlockStamps(
  posts: readonly Post[],
  params: NetworkParams,
  crypto: CryptoPort,
): Result<true> {
  const floor = BigInt(params.minStampWork);
  for (let i = 0; i < posts.length; i++) {
    const post = posts[i]!;
    // Without a stamp the work is 0: nothing to hash, and a floor of 0 passes.
    if (post.stamp === undefined && floor === 0n) continue;
    const work = checkStamp(post, crypto);
    if (!work.ok) return fail(work.code, `post ${i}: ${work.message}`);
    if (work.value < floor) {
      return fail(
        ErrorCode.BLOCK_POST_STAMP_TOO_WEAK,
        `post ${i}: stamp work ${work.value} is below the floor ${floor}`,
      );
    }
  }
  return ok(true);
}

/**
 * §7.1 step 17 on a block that passed {@link checkBlockBeforeSignatures}: every signed post's
 * signature verifies, in order. The posts' form and ids are already checked and computed, so
 * this is exactly {@link verifyPostSignature}'s check without parsing and hashing again.
 */
export function checkBlockSignatures(
  valid: ValidBlock,
  crypto: CryptoPort,
  alreadyVerified?: AlreadyVerified,
): Result<ValidBlock> {
  const posts = valid.block.transactions;
  for (let i = 0; i < posts.length; i++) {
    const post = posts[i]!;
    const id = valid.ids[i]!;
    if (alreadyVerified?.(id, post)) continue;
    const verified = verifyPostSignature({ post, id, size: valid.sizes[i]! }, crypto);
    if (!verified.ok) return fail(verified.code, `post ${i}: ${verified.message}`);
  }
  return ok(valid);
}

/** The header fields of a block (drops hash and posts). */
export function headerOf(block: BlockHeader): BlockHeader {
  const { version, index, previous_hash, merkle_root, timestamp, bits, nonce } = block;
  return { version, index, previous_hash, merkle_root, timestamp, bits, nonce };
}
