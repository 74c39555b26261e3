/**
 * Writes the protocol test vectors test/vectors/{posts,merkle,blocks}.json.
 *
 *   node --import tsx scripts/generate-vectors.ts          write the files
 *   node --import tsx scripts/generate-vectors.ts --check  exit 1 if a committed file differs
 *
 * Everything is deterministic: private keys are SHA-256 of fixed seeds ("yournet test key
 * alice"), timestamps are fixed, nonces are the smallest winning (or, for BLOCK_BAD_POW, failing)
 * ones, and Ed25519 signatures are deterministic. test/core/vectors.test.ts regenerates the files
 * and requires them byte-identical, then checks the library against every vector.
 *
 * Conventions of the files:
 *   posts.json   `canonical` and `id` are given exactly when the post passes the form check
 *                (parsePost): for valid posts and for POST_BAD_SIGNATURE; otherwise null.
 *   merkle.json  leaf i is SHA-256("leaf-<i>"); a proof's tree size is the number of leaves.
 *   blocks.json  `network` names the parameters to validate with (validateBlockStateless).
 *                `header_hex`/`hash` are the encoding and hash of the header fields (null when a
 *                field is missing or out of range); `hash` is the true hash even when the block
 *                claims another; `merkle_root` is the root of the ids of the block's posts (null
 *                when a post fails the form check); `target` is decodeBits(bits) in 64 hex
 *                characters (null when bits are invalid). Each invalid block has exactly one
 *                defect: the other fields are consistent (re-mined, correct merkle root).
 *                Chain-dependent rules are not vectors (see test/core/contextual.test.ts).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Block, headerOf, validateBlockStateless } from '../src/core/block.ts';
import { bigIntToHex256, fromHex, toHex, utf8 } from '../src/core/bytes.ts';
import { decodeBits } from '../src/core/compact.ts';
import { encodeHeader, headerFieldError, headerHash } from '../src/core/header.ts';
import { merkleProof, merkleRoot } from '../src/core/merkle.ts';
import { MAIN, type NetworkParams, REGTEST } from '../src/core/params.ts';
import {
  canonicalPost,
  type Post,
  parsePost,
  postId,
  signPost,
  type UnsignedPost,
  validatePost,
} from '../src/core/post.ts';
import { nodeCrypto } from '../src/node/crypto-node.ts';
import { childBlock, failingNonce, mined, sha256Hex, testKey } from '../test/core/helpers.ts';

const crypto = nodeCrypto;
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const VECTOR_FILES = [
  'test/vectors/posts.json',
  'test/vectors/merkle.json',
  'test/vectors/blocks.json',
];

/** Ed25519 group order L (RFC 8032 §5.1). */
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

const ALICE = testKey('alice');
const BOB = testKey('bob');
/** REGTEST and MAIN genesis time, 2026-11-23T00:00:00Z. */
const T = REGTEST.genesis.timestamp;

// ---------------------------------------------------------------------------------------------
// JSON output: two-space indentation, but any array or object that fits in 100 columns is
// written on one line, and a long array of such items packs several per line (keeps the
// 10,001-post block small).

function pretty(value: unknown, indent = ''): string {
  const compact = JSON.stringify(value);
  if (value === null || typeof value !== 'object' || compact.length + indent.length <= 100) return compact;
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const items = value.map((v) => pretty(v, inner));
    if (value.length <= 16 || items.some((item) => item.includes('\n'))) {
      return `[\n${items.map((item) => inner + item).join(',\n')}\n${indent}]`;
    }
    // A long array of short items: as many per line as fit in 100 columns.
    const lines: string[] = [];
    let line = '';
    for (const item of items) {
      if (line !== '' && inner.length + line.length + item.length + 2 > 100) {
        lines.push(line);
        line = '';
      }
      line += line === '' ? item : `, ${item}`;
    }
    lines.push(line);
    return `[\n${lines.map((l) => inner + l).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${pretty(v, inner)}`).join(',\n')}\n${indent}}`;
}

function fileText(value: unknown): string {
  return `${pretty(value)}\n`;
}

// ---------------------------------------------------------------------------------------------
// Posts

interface PostVector {
  description: string;
  post: unknown;
  canonical: string | null;
  id: string | null;
  valid: boolean;
  error?: string;
}

function postVector(description: string, post: unknown): PostVector {
  const result = validatePost(post, crypto);
  const parsed = parsePost(post);
  const canonical = parsed.ok ? canonicalPost(parsed.value) : null;
  const id = parsed.ok ? postId(parsed.value, crypto) : null;
  const vector: PostVector = { description, post, canonical, id, valid: result.ok };
  if (!result.ok) vector.error = result.code;
  return vector;
}

function leBytes(value: bigint): Uint8Array {
  const out = new Uint8Array(32);
  let n = value;
  for (let i = 0; i < 32; i++) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return out;
}

function leNumber(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!);
  return n;
}

function signed(post: UnsignedPost, key = ALICE): Post {
  return signPost(post, key, crypto);
}

/** The fields of `post` in a shuffled order (reversed, signature first). */
function shuffled(post: Post): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(post).reverse()) out[key] = post[key as keyof Post];
  return out;
}

const HELLO: Post = { author: 'alice', content: 'Hello, YourNet!', timestamp: T + 60 };
const SIGNED_HELLO = signed({ author: 'alice', content: 'A signed post', timestamp: T + 61 });
const HELLO_ID = postId(HELLO, crypto);

export function postVectors(): PostVector[] {
  const alicePub = toHex(crypto.publicKey(ALICE));
  const base = { author: 'alice', content: 'Hello, YourNet!', timestamp: T + 60 };
  const v: PostVector[] = [];
  const add = (description: string, post: unknown) => v.push(postVector(description, post));

  // Valid.
  add('unsigned post (the tutorial form)', HELLO);
  add('signed post', SIGNED_HELLO);
  add('the signed post with its fields in another order: same canonical form and id', shuffled(SIGNED_HELLO));
  add('unsigned reply', { ...HELLO, content: 'A reply', reply_to: HELLO_ID });
  add(
    'signed reply by another key',
    signed({ author: 'bob', content: 'Signed reply', timestamp: T + 62, reply_to: HELLO_ID }, BOB),
  );
  add('unicode and emoji in author and content', {
    author: 'Zoë 🦊 山田',
    content: 'こんにちは 🌍 — naïve café, Ω ≈ ∑',
    timestamp: T + 63,
  });
  add('signed unicode post', signed({ author: 'Zoë 🦊', content: 'Ünïcödé ✓ 👍🏽', timestamp: T + 64 }));
  add('content with newlines, carriage return and tab', {
    author: 'alice',
    content: 'line 1\nline 2\r\n\tindented\n\nend',
    timestamp: T + 65,
  });
  add('characters JCS escapes or keeps: quote, backslash, slash, DEL-free, U+2028, <', {
    author: 'alice',
    content: 'quote " backslash \\ slash / sep \u2028 para \u2029 </script> &amp;',
    timestamp: T + 66,
  });
  add('fractional timestamp', { ...base, timestamp: T + 67.25 });
  add('fractional timestamp with shortest round-trip form', { ...base, timestamp: 1795392000.1 });
  add('signed post with fractional timestamp', signed({ ...base, timestamp: T + 68.5 }));
  add('timestamp 0', { ...base, timestamp: 0 });
  add('tiny timestamp: JCS writes 1e-7', { ...base, timestamp: 1e-7 });
  add('largest whole timestamp below the limit 1e11', { ...base, timestamp: 99999999999 });
  add('author of exactly 64 code points (emoji count as one)', { ...base, author: '🦊'.repeat(64) });
  add('content of exactly 10000 UTF-8 bytes', { ...base, content: 'é'.repeat(5000) });

  // POST_NOT_OBJECT
  add('not an object: null', null);
  add('not an object: array', [HELLO]);
  add('not an object: string', JSON.stringify(HELLO));
  add('not an object: number', 42);
  // POST_UNKNOWN_FIELD
  add('unknown field "id"', { ...HELLO, id: HELLO_ID });
  add('field names are case-sensitive: "Author"', { Author: 'alice', content: 'x', timestamp: T });
  // POST_MISSING_FIELD
  add('missing author', { content: 'x', timestamp: T });
  add('missing content', { author: 'alice', timestamp: T });
  add('missing timestamp', { author: 'alice', content: 'x' });
  // POST_BAD_AUTHOR
  add('empty author', { ...base, author: '' });
  add('blank author (spaces)', { ...base, author: '   ' });
  add('blank author (no-break space)', { ...base, author: '\u00a0' });
  add('author with a newline', { ...base, author: 'alice\n' });
  add('author with a NUL', { ...base, author: 'al\u0000ice' });
  add('author with a C1 control character', { ...base, author: 'al\u0085ice' });
  add('author with a lone surrogate', { ...base, author: 'al\ud800ice' });
  add('author not a string', { ...base, author: 42 });
  add('author null', { ...base, author: null });
  // POST_AUTHOR_TOO_LONG
  add('author of 65 characters', { ...base, author: 'a'.repeat(65) });
  add('author of 65 emoji', { ...base, author: '🦊'.repeat(65) });
  // POST_BAD_CONTENT
  add('empty content', { ...base, content: '' });
  add('blank content (whitespace only)', { ...base, content: ' \n\t ' });
  add('content with a BEL', { ...base, content: 'ding \u0007' });
  add('content with a DEL', { ...base, content: 'del \u007f' });
  add('content with a lone surrogate', { ...base, content: 'half \udc00 pair' });
  add('content not a string', { ...base, content: ['x'] });
  // POST_CONTENT_TOO_LONG
  add('content of 10001 UTF-8 bytes', { ...base, content: `${'é'.repeat(5000)}a` });
  // POST_BAD_TIMESTAMP
  add('negative timestamp', { ...base, timestamp: -1 });
  add('timestamp as a string', { ...base, timestamp: String(T) });
  add('timestamp 1e11 (too large)', { ...base, timestamp: 1e11 });
  add('timestamp null', { ...base, timestamp: null });
  // POST_BAD_REPLY_TO
  add('reply_to in uppercase hex', { ...base, reply_to: HELLO_ID.toUpperCase() });
  add('reply_to too short', { ...base, reply_to: HELLO_ID.slice(2) });
  add('reply_to not a string', { ...base, reply_to: 7 });
  // POST_BAD_PUBKEY
  add('pubkey in uppercase hex', { ...SIGNED_HELLO, pubkey: SIGNED_HELLO.pubkey!.toUpperCase() });
  add('pubkey of 31 bytes', { ...SIGNED_HELLO, pubkey: SIGNED_HELLO.pubkey!.slice(2) });
  add('pubkey with a non-hex character', { ...SIGNED_HELLO, pubkey: `${SIGNED_HELLO.pubkey!.slice(1)}g` });
  // POST_BAD_SIGNATURE_ENCODING
  add('signature in uppercase hex', { ...SIGNED_HELLO, signature: SIGNED_HELLO.signature!.toUpperCase() });
  add('signature of 63 bytes', { ...SIGNED_HELLO, signature: SIGNED_HELLO.signature!.slice(2) });
  // POST_INCOMPLETE_SIGNATURE
  add('pubkey without signature', { ...base, pubkey: alicePub });
  add('signature without pubkey', { ...base, signature: SIGNED_HELLO.signature });
  // POST_BAD_SIGNATURE
  add('content changed after signing', { ...SIGNED_HELLO, content: 'A signed post!' });
  add('timestamp changed after signing', { ...SIGNED_HELLO, timestamp: SIGNED_HELLO.timestamp + 1 });
  add('reply_to added after signing', { ...SIGNED_HELLO, reply_to: HELLO_ID });
  {
    const claimed: Post = { author: 'alice', content: 'Signed by bob, claims alice', timestamp: T + 70 };
    claimed.pubkey = alicePub;
    const id = postId(claimed, crypto);
    add('signature by another key than pubkey', {
      ...claimed,
      signature: toHex(crypto.sign(fromHex(id), BOB)),
    });
  }
  {
    const unsigned: Post = { author: 'alice', content: 'Signed the hex text', timestamp: T + 71 };
    unsigned.pubkey = alicePub;
    const id = postId(unsigned, crypto);
    add('signature over the id as hex text instead of its 32 raw bytes', {
      ...unsigned,
      signature: toHex(crypto.sign(utf8(id), ALICE)),
    });
  }
  {
    const sig = fromHex(SIGNED_HELLO.signature!);
    const s = leNumber(sig.subarray(32));
    const malleated = toHex(sig.subarray(0, 32)) + toHex(leBytes(s + L));
    add('non-canonical signature: S + L instead of S (S ≥ L)', { ...SIGNED_HELLO, signature: malleated });
  }
  add('all-zero signature', { ...SIGNED_HELLO, signature: '00'.repeat(64) });
  return v;
}

// ---------------------------------------------------------------------------------------------
// Merkle trees

export function merkleVectors() {
  return [0, 1, 2, 3, 5, 8, 13].map((n) => {
    const leaves = Array.from({ length: n }, (_, i) => sha256Hex(`leaf-${i}`));
    return {
      description: `${n} ${n === 1 ? 'leaf' : 'leaves'}`,
      leaves,
      root: merkleRoot(leaves),
      proofs: leaves.map((_, index) => ({ index, path: merkleProof(leaves, index).path })),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Blocks

interface BlockVector {
  description: string;
  network: 'main' | 'regtest';
  block: unknown;
  header_hex: string | null;
  hash: string | null;
  merkle_root: string | null;
  target: string | null;
  valid: boolean;
  error?: string;
}

const HEADER_FIELDS = ['version', 'index', 'previous_hash', 'merkle_root', 'timestamp', 'bits', 'nonce'];

function blockVector(description: string, params: NetworkParams, block: unknown): BlockVector {
  const result = validateBlockStateless(block, params, crypto);
  const input =
    typeof block === 'object' && block !== null && !Array.isArray(block)
      ? (block as Record<string, unknown>)
      : undefined;
  const encodable =
    input !== undefined &&
    HEADER_FIELDS.every((key) => input[key] !== undefined) &&
    headerFieldError(headerOf(input as unknown as Block)) === undefined;
  const header = encodable ? headerOf(input as unknown as Block) : undefined;
  let root: string | null = null;
  if (input !== undefined && Array.isArray(input.transactions)) {
    const parsed = input.transactions.map((post) => parsePost(post));
    if (parsed.every((p) => p.ok))
      root = merkleRoot(parsed.map((p) => postId((p as { value: Post }).value, crypto)));
  }
  const target = input !== undefined && typeof input.bits === 'number' ? decodeBits(input.bits) : undefined;
  const vector: BlockVector = {
    description,
    network: params.name,
    block,
    header_hex: header ? toHex(encodeHeader(header)) : null,
    hash: header ? headerHash(header) : null,
    merkle_root: root,
    target: target === undefined ? null : bigIntToHex256(target),
    valid: result.ok,
  };
  if (!result.ok) vector.error = result.code;
  return vector;
}

/** Recomputes the hash of a block whose header was edited, without mining. */
function rehashed(block: Block): Block {
  return { ...block, hash: headerHash(headerOf(block)) };
}

function without(block: Block, key: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...block };
  delete out[key];
  return out;
}

/** The valid regtest chain the block vectors build on: genesis ← b1 ← b2 ← b3. */
export function regtestChain(): Block[] {
  const genesis = REGTEST.genesis as Block;
  const b1 = childBlock(genesis, [], REGTEST);
  const b2 = childBlock(b1, [SIGNED_HELLO], REGTEST);
  const b3 = childBlock(
    b2,
    [
      signed({ author: 'alice', content: 'Second signed post', timestamp: T + 150 }),
      { author: 'carol', content: 'An unsigned post', timestamp: T + 151.5 },
      signed({ author: 'bob', content: 'Replying to alice', timestamp: T + 152, reply_to: HELLO_ID }, BOB),
    ],
    REGTEST,
  );
  return [genesis, b1, b2, b3];
}

export function blockVectors(): BlockVector[] {
  const [genesis, b1, b2, b3] = regtestChain() as [Block, Block, Block, Block];
  const v: BlockVector[] = [];
  const add = (description: string, params: NetworkParams, block: unknown) =>
    v.push(blockVector(description, params, block));

  // Valid.
  add('main genesis', MAIN, MAIN.genesis);
  add('regtest genesis', REGTEST, genesis);
  add('regtest block 1: no posts', REGTEST, b1);
  add('regtest block 2: one signed post', REGTEST, b2);
  add('regtest block 3: two signed posts (one a reply) and one unsigned post', REGTEST, b3);

  // BLOCK_NOT_OBJECT
  add('not an object: null', REGTEST, null);
  add('not an object: array', REGTEST, [b1]);
  add('not an object: string', REGTEST, b1.hash);
  // BLOCK_UNKNOWN_FIELD
  add('unknown field "miner"', REGTEST, { ...b2, miner: 'alice' });
  add('unknown field "length" (tutorial chain field)', REGTEST, { ...b1, length: 2 });
  // BLOCK_MISSING_FIELD
  add('missing nonce', REGTEST, without(b2, 'nonce'));
  add('missing previous_hash', REGTEST, without(b2, 'previous_hash'));
  add('missing hash', REGTEST, without(b2, 'hash'));
  add('missing transactions', REGTEST, without(b1, 'transactions'));
  // BLOCK_BAD_FIELD
  add('transactions not an array', REGTEST, { ...b1, transactions: {} });
  add('index negative', REGTEST, { ...b1, index: -1 });
  add('index above 2^32 − 1', REGTEST, { ...b1, index: 2 ** 32 });
  add('version as a string', REGTEST, { ...b1, version: '1' });
  add('timestamp with a fraction', REGTEST, { ...b1, timestamp: b1.timestamp + 0.5 });
  add('nonce above 2^53 − 1', REGTEST, { ...b1, nonce: 2 ** 53 });
  add('previous_hash in uppercase hex', REGTEST, { ...b1, previous_hash: b1.previous_hash.toUpperCase() });
  add('merkle_root of 31 bytes', REGTEST, { ...b1, merkle_root: b1.merkle_root.slice(2) });
  add('bits as a hex string', REGTEST, { ...b1, bits: '0x207fffff' });
  add('hash not a string', REGTEST, { ...b1, hash: 1 });
  // BLOCK_BAD_VERSION
  add('version 2', REGTEST, mined({ ...b1, version: 2 }));
  add('version 0', REGTEST, mined({ ...b1, version: 0 }));
  // BLOCK_BAD_BITS
  add(
    'non-canonical bits 0x20007fff (canonical form of that target is 0x1f7fff00)',
    REGTEST,
    rehashed({ ...b1, bits: 0x20007fff }),
  );
  add('bits with the negative flag 0x20ffffff', REGTEST, rehashed({ ...b1, bits: 0x20ffffff }));
  add('bits with a zero mantissa', REGTEST, rehashed({ ...b1, bits: 0x20000000 }));
  add('bits above the regtest limit: 0x21008000 (target 2^255)', REGTEST, mined({ ...b1, bits: 0x21008000 }));
  {
    const mainChild = childBlock(MAIN.genesis as Block, [], MAIN, { bits: REGTEST.powLimitBits });
    add('main: regtest bits 0x207fffff are above the main limit', MAIN, mainChild);
  }
  // BLOCK_BAD_HASH
  add('hash of another block', REGTEST, { ...b2, hash: b1.hash });
  add('hash in uppercase hex', REGTEST, { ...b2, hash: b2.hash.toUpperCase() });
  add('hash empty', REGTEST, { ...b2, hash: '' });
  // BLOCK_BAD_POW
  {
    const nonce = failingNonce(b1);
    add('regtest: hash above the target', REGTEST, rehashed({ ...b1, nonce }));
    const mainChild = childBlock(MAIN.genesis as Block, [], MAIN, { unmined: true });
    const mainNonce = failingNonce(mainChild);
    add('main: hash above the target', MAIN, rehashed({ ...mainChild, nonce: mainNonce }));
  }
  // BLOCK_BAD_MERKLE_ROOT
  add(
    'merkle_root of no posts on a block with one post',
    REGTEST,
    mined({ ...b2, merkle_root: b1.merkle_root }),
  );
  add('posts reordered under the same header', REGTEST, {
    ...b3,
    transactions: [b3.transactions[1], b3.transactions[0], b3.transactions[2]],
  });
  add('a post removed under the same header', REGTEST, { ...b3, transactions: b3.transactions.slice(0, 2) });
  // BLOCK_DUPLICATE_POST
  {
    // Bitcoin's CVE-2012-2459: with odd-node duplication, [p0, p1, p2] and [p0, p1, p2, p2] share a
    // root. Here the last post repeated is BLOCK_DUPLICATE_POST, and the roots differ anyway.
    const posts = b3.transactions;
    add('the merkle root of three posts claimed for those posts plus the last repeated', REGTEST, {
      ...b3,
      transactions: [...posts, posts[2]],
    });
  }
  add('the same post twice', REGTEST, childBlock(b1, [SIGNED_HELLO, SIGNED_HELLO], REGTEST));
  add(
    'the same post twice, its fields in another order',
    REGTEST,
    childBlock(b1, [HELLO, shuffled(HELLO) as unknown as Post], REGTEST),
  );
  // BLOCK_TOO_MANY_POSTS
  {
    const posts: Post[] = Array.from({ length: REGTEST.maxBlockPosts + 1 }, (_, i) => ({
      author: 'a',
      content: String(i),
      timestamp: 0,
    }));
    add(
      `${REGTEST.maxBlockPosts + 1} distinct valid posts, one more than the limit (otherwise valid)`,
      REGTEST,
      childBlock(genesis, posts, REGTEST),
    );
  }
  // Post errors inside a block
  add(
    'a post whose signature does not verify',
    REGTEST,
    childBlock(b1, [HELLO, { ...SIGNED_HELLO, content: 'tampered' }], REGTEST),
  );
  {
    const bad = { author: '', content: 'no author', timestamp: T + 90 } as Post;
    const block = childBlock(b1, [HELLO, bad], REGTEST);
    add('a post with an empty author', REGTEST, block);
  }
  {
    const block = childBlock(b1, [HELLO], REGTEST);
    add('a post that is not an object', REGTEST, { ...block, transactions: [...block.transactions, 'post'] });
  }
  add('a post with an unknown field', REGTEST, childBlock(b1, [{ ...HELLO, likes: 3 } as Post], REGTEST));
  return v;
}

/** The three files, by path relative to the repository root. */
export function generateVectors(): Map<string, string> {
  return new Map([
    ['test/vectors/posts.json', fileText({ vectors: postVectors() })],
    ['test/vectors/merkle.json', fileText({ vectors: merkleVectors() })],
    ['test/vectors/blocks.json', fileText({ vectors: blockVectors() })],
  ]);
}

function main(): void {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const [path, text] of generateVectors()) {
    const file = join(ROOT, path);
    if (check) {
      let current = '';
      try {
        current = readFileSync(file, 'utf8');
      } catch {}
      if (current !== text) {
        console.error(`${path} is out of date`);
        stale++;
      }
    } else {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
      console.log(`wrote ${path}`);
    }
  }
  if (stale > 0) process.exit(1);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
