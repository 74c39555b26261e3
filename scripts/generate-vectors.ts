/**
 * Writes the protocol test vectors test/vectors/{posts,merkle,blocks}.json.
 *
 *   node --import tsx scripts/generate-vectors.ts          write the files
 *   node --import tsx scripts/generate-vectors.ts --check  exit 1 if a committed file differs
 *
 * The vectors do not confirm themselves: every case states by hand, in the tables below, the
 * verdict it expects (`VALID` or an error code), and the files record that statement. When the
 * implementation disagrees with a case, or with the independent references in test/core
 * (jcs-reference.ts for canonical JSON, merkle-reference.ts for RFC 6962), generation fails
 * (exit 1) and lists every disagreement; nothing is written.
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
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Block, headerOf, validateBlockStateless } from '#core/block.ts';
import { bigIntToHex256, fromHex, toHex, utf8 } from '#core/bytes.ts';
import { decodeBits } from '#core/compact.ts';
import { ErrorCode, type Result } from '#core/errors.ts';
import { encodeHeader, headerFieldError, headerHash } from '#core/header.ts';
import { merkleProof, merkleRoot } from '#core/merkle.ts';
import { MAIN, type NetworkParams, REGTEST } from '#core/params.ts';
import {
  canonicalPost,
  type Post,
  parsePost,
  postId,
  signPost,
  type UnsignedPost,
  unsignedPart,
  validatePost,
} from '#core/post.ts';
import { bitsForWork, grindStamp, type Stamp, stampWork } from '#core/stamp.ts';
import { nodeCrypto } from '#node/crypto-node.ts';
import { childBlock, failingNonce, mined, sha256Hex, testKey } from '../test/helpers/core.ts';
import { referenceCanonicalJson } from '../test/helpers/jcs-reference.ts';
import { referenceMerklePath, referenceMerkleRoot } from '../test/helpers/merkle-reference.ts';

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
// Expectations: stated by hand for every case, checked against the implementation.

/** A case's verdict, written in its table: valid, or rejected with this code. */
export const VALID = 'valid';
type Expected = typeof VALID | ErrorCode;

/** Every place where the implementation (or a reference) disagrees with the tables. */
const disagreements: string[] = [];

function disagree(where: string, what: string): void {
  disagreements.push(`${where}: ${what}`);
}

/** Records a disagreement when `result` is not the verdict the case states. */
function checkVerdict(where: string, expected: Expected, result: Result<unknown>): void {
  const actual = result.ok ? VALID : result.code;
  if (actual !== expected) {
    disagree(
      where,
      `expected ${expected}, the implementation says ${actual}${result.ok ? '' : ` (${result.message})`}`,
    );
  }
}

/** The `valid` and `error` fields of a vector, from its stated verdict. */
function verdictFields(expected: Expected): { valid: boolean; error?: ErrorCode } {
  return expected === VALID ? { valid: true } : { valid: false, error: expected };
}

export class VectorDisagreement extends Error {
  constructor(readonly disagreements: readonly string[]) {
    super(
      `the implementation disagrees with ${disagreements.length} stated expectation(s):\n  ${disagreements.join('\n  ')}`,
    );
    this.name = 'VectorDisagreement';
  }
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
  /** Stamped posts that pass the form check: the stamp hash (§12.1) and the credited work. */
  stamp_hash?: string;
  stamp_work?: string;
}

/**
 * The stamp hash from the text of §12.1 with node:crypto alone (an independent reference):
 * SHA-256("YNSTAMP" 0x01 ‖ SHA-256(JCS(post minus signature and stamp)) ‖ bits ‖ nonce).
 */
function referenceStampHash(post: Post & { stamp: Stamp }): string {
  const { signature: _signature, stamp, ...rest } = post;
  const digest = createHash('sha256').update(referenceCanonicalJson(rest), 'utf8').digest();
  const preimage = Buffer.alloc(52);
  preimage.write('YNSTAMP\u0001', 0, 'latin1');
  digest.copy(preimage, 8);
  preimage.writeUInt32BE(stamp.bits, 40);
  preimage.writeUInt32BE(Math.floor(stamp.nonce / 2 ** 32), 44);
  preimage.writeUInt32BE(stamp.nonce >>> 0, 48);
  return createHash('sha256').update(preimage).digest('hex');
}

function postVector(expected: Expected, description: string, post: unknown): PostVector {
  const where = `posts.json "${description}"`;
  checkVerdict(where, expected, validatePost(post, crypto));
  const parsed = parsePost(post);
  const canonical = parsed.ok ? canonicalPost(parsed.value) : null;
  const id = parsed.ok ? postId(parsed.value, crypto) : null;
  if (parsed.ok) {
    const reference = referenceCanonicalJson(unsignedPart(parsed.value));
    if (canonical !== reference)
      disagree(where, `canonical form ${canonical}, the reference gives ${reference}`);
    if (id !== toHex(crypto.sha256(utf8(reference))))
      disagree(where, 'the id is not SHA-256 of the reference canonical form');
  }
  const vector: PostVector = { description, post, canonical, id, ...verdictFields(expected) };
  if (parsed.ok && parsed.value.stamp !== undefined) {
    const stamped = parsed.value as Post & { stamp: Stamp };
    vector.stamp_hash = referenceStampHash(stamped);
    vector.stamp_work = String(stampWork(stamped.stamp.bits));
  }
  return vector;
}

/** The post with the smallest winning nonce for a stamp of at least `work`. */
function stampedWith(post: Post, work: bigint): Post {
  const found = grindStamp(post, bitsForWork(work), crypto);
  if (!found.found) throw new Error('no stamp found');
  return { ...post, stamp: found.stamp };
}

/** The smallest nonce ≥ `from` whose stamp hash for `bits` is not (or is) ≤ `bound`. */
function nonceWhere(post: Post, bits: number, test: (hash: bigint) => boolean, from = 0): number {
  for (let nonce = from; nonce < from + 10_000_000; nonce++) {
    if (test(BigInt(`0x${referenceStampHash({ ...post, stamp: { bits, nonce } })}`))) return nonce;
  }
  throw new Error('no such nonce');
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

/** One row of the post table: the input and the verdict it must get. */
export interface PostCase {
  readonly expected: Expected;
  readonly description: string;
  readonly post: unknown;
}

/** The post table. Each verdict is written by hand, never computed. */
export function postCases(): PostCase[] {
  const alicePub = toHex(crypto.publicKey(ALICE));
  const base = { author: 'alice', content: 'Hello, YourNet!', timestamp: T + 60 };
  const v: PostCase[] = [];
  const add = (expected: Expected, description: string, post: unknown) =>
    v.push({ expected, description, post });

  // Valid.
  add(VALID, 'unsigned post (the tutorial form)', HELLO);
  add(VALID, 'signed post', SIGNED_HELLO);
  add(
    VALID,
    'the signed post with its fields in another order: same canonical form and id',
    shuffled(SIGNED_HELLO),
  );
  add(VALID, 'unsigned reply', { ...HELLO, content: 'A reply', reply_to: HELLO_ID });
  add(
    VALID,
    'signed reply by another key',
    signed({ author: 'bob', content: 'Signed reply', timestamp: T + 62, reply_to: HELLO_ID }, BOB),
  );
  add(VALID, 'unicode and emoji in author and content', {
    author: 'Zoë 🦊 山田',
    content: 'こんにちは 🌍 — naïve café, Ω ≈ ∑',
    timestamp: T + 63,
  });
  add(
    VALID,
    'signed unicode post',
    signed({ author: 'Zoë 🦊', content: 'Ünïcödé ✓ 👍🏽', timestamp: T + 64 }),
  );
  add(VALID, 'content with newlines, carriage return and tab', {
    author: 'alice',
    content: 'line 1\nline 2\r\n\tindented\n\nend',
    timestamp: T + 65,
  });
  add(VALID, 'characters JCS escapes or keeps: quote, backslash, slash, DEL-free, U+2028, <', {
    author: 'alice',
    content: 'quote " backslash \\ slash / sep \u2028 para \u2029 </script> &amp;',
    timestamp: T + 66,
  });
  add(VALID, 'fractional timestamp', { ...base, timestamp: T + 67.25 });
  add(VALID, 'fractional timestamp with shortest round-trip form', { ...base, timestamp: 1795392000.1 });
  add(VALID, 'signed post with fractional timestamp', signed({ ...base, timestamp: T + 68.5 }));
  add(VALID, 'timestamp 0', { ...base, timestamp: 0 });
  add(VALID, 'tiny timestamp: JCS writes 1e-7', { ...base, timestamp: 1e-7 });
  add(VALID, 'largest whole timestamp below the limit 1e11', { ...base, timestamp: 99999999999 });
  add(VALID, 'author of exactly 64 code points (emoji count as one)', { ...base, author: '🦊'.repeat(64) });
  add(VALID, 'content of exactly 10000 UTF-8 bytes', { ...base, content: 'é'.repeat(5000) });

  // POST_NOT_OBJECT
  add(ErrorCode.POST_NOT_OBJECT, 'not an object: null', null);
  add(ErrorCode.POST_NOT_OBJECT, 'not an object: array', [HELLO]);
  add(ErrorCode.POST_NOT_OBJECT, 'not an object: string', JSON.stringify(HELLO));
  add(ErrorCode.POST_NOT_OBJECT, 'not an object: number', 42);
  // POST_UNKNOWN_FIELD
  add(ErrorCode.POST_UNKNOWN_FIELD, 'unknown field "id"', { ...HELLO, id: HELLO_ID });
  add(ErrorCode.POST_UNKNOWN_FIELD, 'field names are case-sensitive: "Author"', {
    Author: 'alice',
    content: 'x',
    timestamp: T,
  });
  // POST_MISSING_FIELD
  add(ErrorCode.POST_MISSING_FIELD, 'missing author', { content: 'x', timestamp: T });
  add(ErrorCode.POST_MISSING_FIELD, 'missing content', { author: 'alice', timestamp: T });
  add(ErrorCode.POST_MISSING_FIELD, 'missing timestamp', { author: 'alice', content: 'x' });
  // POST_BAD_AUTHOR
  add(ErrorCode.POST_BAD_AUTHOR, 'empty author', { ...base, author: '' });
  add(ErrorCode.POST_BAD_AUTHOR, 'blank author (spaces)', { ...base, author: '   ' });
  add(ErrorCode.POST_BAD_AUTHOR, 'blank author (no-break space)', { ...base, author: '\u00a0' });
  add(ErrorCode.POST_BAD_AUTHOR, 'author with a newline', { ...base, author: 'alice\n' });
  add(ErrorCode.POST_BAD_AUTHOR, 'author with a NUL', { ...base, author: 'al\u0000ice' });
  add(ErrorCode.POST_BAD_AUTHOR, 'author with a C1 control character', { ...base, author: 'al\u0085ice' });
  add(ErrorCode.POST_BAD_AUTHOR, 'author with a lone surrogate', { ...base, author: 'al\ud800ice' });
  add(ErrorCode.POST_BAD_AUTHOR, 'author not a string', { ...base, author: 42 });
  add(ErrorCode.POST_BAD_AUTHOR, 'author null', { ...base, author: null });
  // POST_AUTHOR_TOO_LONG
  add(ErrorCode.POST_AUTHOR_TOO_LONG, 'author of 65 characters', { ...base, author: 'a'.repeat(65) });
  add(ErrorCode.POST_AUTHOR_TOO_LONG, 'author of 65 emoji', { ...base, author: '🦊'.repeat(65) });
  // POST_BAD_CONTENT
  add(ErrorCode.POST_BAD_CONTENT, 'empty content', { ...base, content: '' });
  add(ErrorCode.POST_BAD_CONTENT, 'blank content (whitespace only)', { ...base, content: ' \n\t ' });
  add(ErrorCode.POST_BAD_CONTENT, 'content with a BEL', { ...base, content: 'ding \u0007' });
  add(ErrorCode.POST_BAD_CONTENT, 'content with a DEL', { ...base, content: 'del \u007f' });
  add(ErrorCode.POST_BAD_CONTENT, 'content with a lone surrogate', { ...base, content: 'half \udc00 pair' });
  add(ErrorCode.POST_BAD_CONTENT, 'content not a string', { ...base, content: ['x'] });
  // POST_CONTENT_TOO_LONG
  add(ErrorCode.POST_CONTENT_TOO_LONG, 'content of 10001 UTF-8 bytes', {
    ...base,
    content: `${'é'.repeat(5000)}a`,
  });
  // POST_BAD_TIMESTAMP
  add(ErrorCode.POST_BAD_TIMESTAMP, 'negative timestamp', { ...base, timestamp: -1 });
  add(ErrorCode.POST_BAD_TIMESTAMP, 'timestamp as a string', { ...base, timestamp: String(T) });
  add(ErrorCode.POST_BAD_TIMESTAMP, 'timestamp 1e11 (too large)', { ...base, timestamp: 1e11 });
  add(ErrorCode.POST_BAD_TIMESTAMP, 'timestamp null', { ...base, timestamp: null });
  // POST_BAD_REPLY_TO
  add(ErrorCode.POST_BAD_REPLY_TO, 'reply_to in uppercase hex', {
    ...base,
    reply_to: HELLO_ID.toUpperCase(),
  });
  add(ErrorCode.POST_BAD_REPLY_TO, 'reply_to too short', { ...base, reply_to: HELLO_ID.slice(2) });
  add(ErrorCode.POST_BAD_REPLY_TO, 'reply_to not a string', { ...base, reply_to: 7 });
  // POST_BAD_PUBKEY
  add(ErrorCode.POST_BAD_PUBKEY, 'pubkey in uppercase hex', {
    ...SIGNED_HELLO,
    pubkey: SIGNED_HELLO.pubkey!.toUpperCase(),
  });
  add(ErrorCode.POST_BAD_PUBKEY, 'pubkey of 31 bytes', {
    ...SIGNED_HELLO,
    pubkey: SIGNED_HELLO.pubkey!.slice(2),
  });
  add(ErrorCode.POST_BAD_PUBKEY, 'pubkey with a non-hex character', {
    ...SIGNED_HELLO,
    pubkey: `${SIGNED_HELLO.pubkey!.slice(1)}g`,
  });
  // POST_BAD_SIGNATURE_ENCODING
  add(ErrorCode.POST_BAD_SIGNATURE_ENCODING, 'signature in uppercase hex', {
    ...SIGNED_HELLO,
    signature: SIGNED_HELLO.signature!.toUpperCase(),
  });
  add(ErrorCode.POST_BAD_SIGNATURE_ENCODING, 'signature of 63 bytes', {
    ...SIGNED_HELLO,
    signature: SIGNED_HELLO.signature!.slice(2),
  });
  // POST_INCOMPLETE_SIGNATURE
  add(ErrorCode.POST_INCOMPLETE_SIGNATURE, 'pubkey without signature', { ...base, pubkey: alicePub });
  add(ErrorCode.POST_INCOMPLETE_SIGNATURE, 'signature without pubkey', {
    ...base,
    signature: SIGNED_HELLO.signature,
  });
  // POST_BAD_SIGNATURE
  add(ErrorCode.POST_BAD_SIGNATURE, 'content changed after signing', {
    ...SIGNED_HELLO,
    content: 'A signed post!',
  });
  add(ErrorCode.POST_BAD_SIGNATURE, 'timestamp changed after signing', {
    ...SIGNED_HELLO,
    timestamp: SIGNED_HELLO.timestamp + 1,
  });
  add(ErrorCode.POST_BAD_SIGNATURE, 'reply_to added after signing', { ...SIGNED_HELLO, reply_to: HELLO_ID });
  {
    const claimed: Post = { author: 'alice', content: 'Signed by bob, claims alice', timestamp: T + 70 };
    claimed.pubkey = alicePub;
    const id = postId(claimed, crypto);
    add(ErrorCode.POST_BAD_SIGNATURE, 'signature by another key than pubkey', {
      ...claimed,
      signature: toHex(crypto.sign(fromHex(id), BOB)),
    });
  }
  {
    const unsigned: Post = { author: 'alice', content: 'Signed the hex text', timestamp: T + 71 };
    unsigned.pubkey = alicePub;
    const id = postId(unsigned, crypto);
    add(ErrorCode.POST_BAD_SIGNATURE, 'signature over the id as hex text instead of its 32 raw bytes', {
      ...unsigned,
      signature: toHex(crypto.sign(utf8(id), ALICE)),
    });
  }
  {
    const sig = fromHex(SIGNED_HELLO.signature!);
    const s = leNumber(sig.subarray(32));
    const malleated = toHex(sig.subarray(0, 32)) + toHex(leBytes(s + L));
    add(ErrorCode.POST_BAD_SIGNATURE, 'non-canonical signature: S + L instead of S (S ≥ L)', {
      ...SIGNED_HELLO,
      signature: malleated,
    });
  }
  add(ErrorCode.POST_BAD_SIGNATURE, 'all-zero signature', { ...SIGNED_HELLO, signature: '00'.repeat(64) });

  // Stamps (§12). Nonces are the smallest that give the stated verdict.
  const STAMPED = stampedWith({ ...HELLO, content: 'A stamped post' }, 256n);
  add(VALID, 'stamped unsigned post: 2^8 work (bits 0x2000ffff)', STAMPED);
  {
    const withKey = { ...HELLO, content: 'A stamped signed post', pubkey: alicePub };
    add(VALID, 'stamped signed post: key set, stamped, then signed', signed(stampedWith(withKey, 4096n)));
  }
  {
    const bits = STAMPED.stamp!.bits;
    const target = decodeBits(bits)!;
    const nonce = nonceWhere(STAMPED, bits, (hash) => hash > target);
    add(ErrorCode.POST_BAD_STAMP, 'a stamp whose hash is above its target', {
      ...STAMPED,
      stamp: { bits, nonce },
    });
  }
  {
    // Work 2 (target ≈ 2^255); the hash is below 2^-16 of the target, and still credits 2.
    const bits = 0x207fffff;
    const lucky = decodeBits(bits)! >> 16n;
    const nonce = nonceWhere(HELLO, bits, (hash) => hash <= lucky);
    add(VALID, 'a lucky stamp: hash 2^16 times below a weak target, credited only the target (work 2)', {
      ...HELLO,
      stamp: { bits, nonce },
    });
  }
  {
    const changed = { ...STAMPED, content: 'A stamped post!' };
    if (
      BigInt(`0x${referenceStampHash(changed as Post & { stamp: Stamp })}`) > decodeBits(changed.stamp!.bits)!
    )
      add(
        ErrorCode.POST_BAD_STAMP,
        'the stamped post with its content changed: the stamp no longer matches',
        changed,
      );
  }
  add(ErrorCode.POST_BAD_STAMP, 'a stamp with non-canonical bits', {
    ...HELLO,
    stamp: { bits: 0x03000000, nonce: 0 },
  });
  add(ErrorCode.POST_BAD_STAMP, 'a stamp with a negative nonce', {
    ...HELLO,
    stamp: { bits: 0x207fffff, nonce: -1 },
  });
  add(ErrorCode.POST_BAD_STAMP, 'a stamp with an extra member', {
    ...STAMPED,
    stamp: { ...STAMPED.stamp, work: 1 },
  });
  // POST_BAD_PUBKEY: keys of small order (they "verify" forged signatures) and non-canonical keys.
  const forged = { author: 'alice', content: 'Forged by anyone', timestamp: T + 72 };
  const identitySignature = `01${'00'.repeat(63)}`;
  add(ErrorCode.POST_BAD_PUBKEY, 'pubkey of small order: the neutral point, with the signature it accepts', {
    ...forged,
    pubkey: `01${'00'.repeat(31)}`,
    signature: identitySignature,
  });
  add(ErrorCode.POST_BAD_PUBKEY, 'pubkey of small order: the point of order 2 (y = p − 1)', {
    ...forged,
    pubkey: `ec${'ff'.repeat(30)}7f`,
    signature: identitySignature,
  });
  add(ErrorCode.POST_BAD_PUBKEY, 'pubkey of small order: a point of order 4 (y = 0)', {
    ...forged,
    pubkey: '00'.repeat(32),
    signature: identitySignature,
  });
  add(ErrorCode.POST_BAD_PUBKEY, 'pubkey of small order: a point of order 8', {
    ...forged,
    pubkey: 'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
    signature: identitySignature,
  });
  add(ErrorCode.POST_BAD_PUBKEY, 'pubkey not canonical: y = p + 1 (the neutral point spelled y ≥ p)', {
    ...forged,
    pubkey: `ee${'ff'.repeat(30)}7f`,
    signature: identitySignature,
  });
  add(ErrorCode.POST_BAD_PUBKEY, 'pubkey not canonical: x = 0 with the sign bit set', {
    ...forged,
    pubkey: `01${'00'.repeat(30)}80`,
    signature: identitySignature,
  });
  return v;
}

// ---------------------------------------------------------------------------------------------
// Merkle trees

export function merkleVectors() {
  return [0, 1, 2, 3, 5, 8, 13].map((n) => {
    const leaves = Array.from({ length: n }, (_, i) => sha256Hex(`leaf-${i}`));
    const vector = {
      description: `${n} ${n === 1 ? 'leaf' : 'leaves'}`,
      leaves,
      root: merkleRoot(leaves),
      proofs: leaves.map((_, index) => ({ index, path: merkleProof(leaves, index).path })),
    };
    const where = `merkle.json "${vector.description}"`;
    if (vector.root !== referenceMerkleRoot(leaves)) disagree(where, "the root is not RFC 6962's");
    for (const { index, path } of vector.proofs) {
      if (path.join() !== referenceMerklePath(leaves, index).join())
        disagree(where, `the path of leaf ${index} is not RFC 6962's`);
    }
    return vector;
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

function blockVector(
  expected: Expected,
  description: string,
  params: NetworkParams,
  block: unknown,
): BlockVector {
  const where = `blocks.json "${description}"`;
  checkVerdict(where, expected, validateBlockStateless(block, params, crypto));
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
    if (parsed.every((p) => p.ok)) {
      const ids = parsed.map((p) => postId((p as { value: Post }).value, crypto));
      root = merkleRoot(ids);
      if (root !== referenceMerkleRoot(ids)) disagree(where, `merkle root ${root} is not RFC 6962's`);
    }
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
    ...verdictFields(expected),
  };
  if (header !== undefined && vector.hash !== toHex(crypto.sha256(encodeHeader(header)))) {
    disagree(where, 'headerHash is not SHA-256 of the header encoding');
  }
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

/** One row of the block table: the input, the network to validate it on, the verdict it must get. */
export interface BlockCase {
  readonly expected: Expected;
  readonly description: string;
  readonly params: NetworkParams;
  readonly block: unknown;
}

/** The block table. Each verdict is written by hand, never computed. */
export function blockCases(): BlockCase[] {
  const [genesis, b1, b2, b3] = regtestChain() as [Block, Block, Block, Block];
  const v: BlockCase[] = [];
  const add = (expected: Expected, description: string, params: NetworkParams, block: unknown) =>
    v.push({ expected, description, params, block });

  // Valid.
  add(VALID, 'main genesis', MAIN, MAIN.genesis);
  add(VALID, 'regtest genesis', REGTEST, genesis);
  add(VALID, 'regtest block 1: no posts', REGTEST, b1);
  add(VALID, 'regtest block 2: one signed post', REGTEST, b2);
  add(VALID, 'regtest block 3: two signed posts (one a reply) and one unsigned post', REGTEST, b3);

  // BLOCK_NOT_OBJECT
  add(ErrorCode.BLOCK_NOT_OBJECT, 'not an object: null', REGTEST, null);
  add(ErrorCode.BLOCK_NOT_OBJECT, 'not an object: array', REGTEST, [b1]);
  add(ErrorCode.BLOCK_NOT_OBJECT, 'not an object: string', REGTEST, b1.hash);
  // BLOCK_UNKNOWN_FIELD
  add(ErrorCode.BLOCK_UNKNOWN_FIELD, 'unknown field "miner"', REGTEST, { ...b2, miner: 'alice' });
  add(ErrorCode.BLOCK_UNKNOWN_FIELD, 'unknown field "length" (tutorial chain field)', REGTEST, {
    ...b1,
    length: 2,
  });
  // BLOCK_MISSING_FIELD
  add(ErrorCode.BLOCK_MISSING_FIELD, 'missing nonce', REGTEST, without(b2, 'nonce'));
  add(ErrorCode.BLOCK_MISSING_FIELD, 'missing previous_hash', REGTEST, without(b2, 'previous_hash'));
  add(ErrorCode.BLOCK_MISSING_FIELD, 'missing hash', REGTEST, without(b2, 'hash'));
  add(ErrorCode.BLOCK_MISSING_FIELD, 'missing transactions', REGTEST, without(b1, 'transactions'));
  // BLOCK_BAD_FIELD
  add(ErrorCode.BLOCK_BAD_FIELD, 'transactions not an array', REGTEST, { ...b1, transactions: {} });
  add(ErrorCode.BLOCK_BAD_FIELD, 'index negative', REGTEST, { ...b1, index: -1 });
  add(ErrorCode.BLOCK_BAD_FIELD, 'index above 2^32 − 1', REGTEST, { ...b1, index: 2 ** 32 });
  add(ErrorCode.BLOCK_BAD_FIELD, 'version as a string', REGTEST, { ...b1, version: '1' });
  add(ErrorCode.BLOCK_BAD_FIELD, 'timestamp with a fraction', REGTEST, {
    ...b1,
    timestamp: b1.timestamp + 0.5,
  });
  add(ErrorCode.BLOCK_BAD_FIELD, 'nonce above 2^53 − 1', REGTEST, { ...b1, nonce: 2 ** 53 });
  add(ErrorCode.BLOCK_BAD_FIELD, 'previous_hash in uppercase hex', REGTEST, {
    ...b1,
    previous_hash: b1.previous_hash.toUpperCase(),
  });
  add(ErrorCode.BLOCK_BAD_FIELD, 'merkle_root of 31 bytes', REGTEST, {
    ...b1,
    merkle_root: b1.merkle_root.slice(2),
  });
  add(ErrorCode.BLOCK_BAD_FIELD, 'bits as a hex string', REGTEST, { ...b1, bits: '0x207fffff' });
  add(ErrorCode.BLOCK_BAD_FIELD, 'hash not a string', REGTEST, { ...b1, hash: 1 });
  // BLOCK_BAD_VERSION
  add(ErrorCode.BLOCK_BAD_VERSION, 'version 2', REGTEST, mined({ ...b1, version: 2 }));
  add(ErrorCode.BLOCK_BAD_VERSION, 'version 0', REGTEST, mined({ ...b1, version: 0 }));
  // BLOCK_BAD_BITS
  add(
    ErrorCode.BLOCK_BAD_BITS,
    'non-canonical bits 0x20007fff (canonical form of that target is 0x1f7fff00)',
    REGTEST,
    rehashed({ ...b1, bits: 0x20007fff }),
  );
  add(
    ErrorCode.BLOCK_BAD_BITS,
    'bits with the negative flag 0x20ffffff',
    REGTEST,
    rehashed({ ...b1, bits: 0x20ffffff }),
  );
  add(ErrorCode.BLOCK_BAD_BITS, 'bits with a zero mantissa', REGTEST, rehashed({ ...b1, bits: 0x20000000 }));
  add(
    ErrorCode.BLOCK_BAD_BITS,
    'bits above the regtest limit: 0x21008000 (target 2^255)',
    REGTEST,
    mined({ ...b1, bits: 0x21008000 }),
  );
  {
    const mainChild = childBlock(MAIN.genesis as Block, [], MAIN, { bits: REGTEST.powLimitBits });
    add(ErrorCode.BLOCK_BAD_BITS, 'main: regtest bits 0x207fffff are above the main limit', MAIN, mainChild);
  }
  // BLOCK_BAD_HASH
  add(ErrorCode.BLOCK_BAD_HASH, 'hash of another block', REGTEST, { ...b2, hash: b1.hash });
  add(ErrorCode.BLOCK_BAD_HASH, 'hash in uppercase hex', REGTEST, { ...b2, hash: b2.hash.toUpperCase() });
  add(ErrorCode.BLOCK_BAD_HASH, 'hash empty', REGTEST, { ...b2, hash: '' });
  // BLOCK_BAD_POW
  {
    const nonce = failingNonce(b1);
    add(ErrorCode.BLOCK_BAD_POW, 'regtest: hash above the target', REGTEST, rehashed({ ...b1, nonce }));
    const mainChild = childBlock(MAIN.genesis as Block, [], MAIN, { unmined: true });
    const mainNonce = failingNonce(mainChild);
    add(
      ErrorCode.BLOCK_BAD_POW,
      'main: hash above the target',
      MAIN,
      rehashed({ ...mainChild, nonce: mainNonce }),
    );
  }
  // BLOCK_BAD_MERKLE_ROOT
  add(
    ErrorCode.BLOCK_BAD_MERKLE_ROOT,
    'merkle_root of no posts on a block with one post',
    REGTEST,
    mined({ ...b2, merkle_root: b1.merkle_root }),
  );
  add(ErrorCode.BLOCK_BAD_MERKLE_ROOT, 'posts reordered under the same header', REGTEST, {
    ...b3,
    transactions: [b3.transactions[1], b3.transactions[0], b3.transactions[2]],
  });
  add(ErrorCode.BLOCK_BAD_MERKLE_ROOT, 'a post removed under the same header', REGTEST, {
    ...b3,
    transactions: b3.transactions.slice(0, 2),
  });
  // BLOCK_DUPLICATE_POST
  {
    // Bitcoin's CVE-2012-2459: with odd-node duplication, [p0, p1, p2] and [p0, p1, p2, p2] share a
    // root. Here the last post repeated is BLOCK_DUPLICATE_POST, and the roots differ anyway.
    const posts = b3.transactions;
    add(
      ErrorCode.BLOCK_DUPLICATE_POST,
      'the merkle root of three posts claimed for those posts plus the last repeated',
      REGTEST,
      {
        ...b3,
        transactions: [...posts, posts[2]],
      },
    );
  }
  add(
    ErrorCode.BLOCK_DUPLICATE_POST,
    'the same post twice',
    REGTEST,
    childBlock(b1, [SIGNED_HELLO, SIGNED_HELLO], REGTEST),
  );
  add(
    ErrorCode.BLOCK_DUPLICATE_POST,
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
      ErrorCode.BLOCK_TOO_MANY_POSTS,
      `${REGTEST.maxBlockPosts + 1} distinct valid posts, one more than the limit (otherwise valid)`,
      REGTEST,
      childBlock(genesis, posts, REGTEST),
    );
  }
  // Post errors inside a block
  add(
    ErrorCode.POST_BAD_SIGNATURE,
    'a post whose signature does not verify',
    REGTEST,
    childBlock(b1, [HELLO, { ...SIGNED_HELLO, content: 'tampered' }], REGTEST),
  );
  {
    const bad = { author: '', content: 'no author', timestamp: T + 90 } as Post;
    const block = childBlock(b1, [HELLO, bad], REGTEST);
    add(ErrorCode.POST_BAD_AUTHOR, 'a post with an empty author', REGTEST, block);
  }
  {
    const block = childBlock(b1, [HELLO], REGTEST);
    add(ErrorCode.POST_NOT_OBJECT, 'a post that is not an object', REGTEST, {
      ...block,
      transactions: [...block.transactions, 'post'],
    });
  }
  add(
    ErrorCode.POST_UNKNOWN_FIELD,
    'a post with an unknown field',
    REGTEST,
    childBlock(b1, [{ ...HELLO, likes: 3 } as Post], REGTEST),
  );

  // Stamps (§12.3): main's floor is 2^12.
  {
    const floor = BigInt(MAIN.minStampWork);
    const atFloor = stampedWith({ ...HELLO, content: 'stamped at the main floor' }, floor);
    add(
      VALID,
      'main block 1: one post stamped at the floor (2^12)',
      MAIN,
      childBlock(MAIN.genesis, [atFloor], MAIN),
    );
    add(
      ErrorCode.BLOCK_POST_STAMP_TOO_WEAK,
      'main block 1: a post without a stamp (work 0), below the floor',
      MAIN,
      childBlock(MAIN.genesis, [atFloor, HELLO], MAIN),
    );
    const bits = atFloor.stamp!.bits;
    const target = decodeBits(bits)!;
    const bad = { ...atFloor, stamp: { bits, nonce: nonceWhere(atFloor, bits, (hash) => hash > target) } };
    // On regtest (floor 0): a stamp's hash is checked whatever the floor (and mining main is slow).
    add(
      ErrorCode.POST_BAD_STAMP,
      'regtest block 2: a stamp above its target',
      REGTEST,
      childBlock(b1, [bad], REGTEST),
    );
  }
  return v;
}

/**
 * The three files, by path relative to the repository root, from the tables (the tests pass
 * altered tables). Throws {@link VectorDisagreement} when the implementation or a reference
 * disagrees with any stated expectation.
 */
export function generateVectors(
  tables: { posts: readonly PostCase[]; blocks: readonly BlockCase[] } = {
    posts: postCases(),
    blocks: blockCases(),
  },
): Map<string, string> {
  disagreements.length = 0;
  const posts = tables.posts.map((c) => postVector(c.expected, c.description, c.post));
  const blocks = tables.blocks.map((c) => blockVector(c.expected, c.description, c.params, c.block));
  const files = new Map([
    ['test/vectors/posts.json', fileText({ vectors: posts })],
    ['test/vectors/merkle.json', fileText({ vectors: merkleVectors() })],
    ['test/vectors/blocks.json', fileText({ vectors: blocks })],
  ]);
  if (disagreements.length > 0) throw new VectorDisagreement([...disagreements]);
  return files;
}

function main(): void {
  const check = process.argv.includes('--check');
  let files: Map<string, string>;
  try {
    files = generateVectors();
  } catch (error) {
    if (!(error instanceof VectorDisagreement)) throw error;
    console.error(`generate-vectors: ${error.message}`);
    process.exit(1);
  }
  let stale = 0;
  for (const [path, text] of files) {
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
