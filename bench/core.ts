/**
 * Core suite: the protocol's hot paths (src/core), each on the calling thread (one core).
 * See bench/README.md for what each number means and where the targets come from.
 */
import { toHex, utf8 } from '#core/bytes.ts';
import type { CryptoPort } from '#core/crypto.ts';
import { nobleCrypto } from '#core/crypto-noble.ts';
import { type BlockHeader, HeaderHasher, headerHash } from '#core/header.ts';
import { merkleRoot } from '#core/merkle.ts';
import { canonicalPost, type Post, parsePost, postId, signPost, validatePost } from '#core/post.ts';
import { nodeCrypto } from '#node/crypto-node.ts';
import {
  type BenchResult,
  durationResult,
  log,
  measureDuration,
  measureRate,
  rateResult,
} from './harness.ts';

/**
 * Distinct pre-signed posts, each by its own key, cycled through by the verification benchmarks.
 * More than src/node/crypto-node.ts caches public keys (4096, least recently used evicted), so
 * cycling through them never hits that cache: this is the cost of a never-seen author.
 */
const DISTINCT_POSTS = 6144;
/** Distinct posts by few authors: many posts per key, as in a busy chain (cache hits). */
const REPEATED_POSTS = 2048;
const REPEATED_AUTHORS = 32;
const MERKLE_LEAVES = 10_000;

function seed(label: string): Uint8Array {
  return nodeCrypto.sha256(utf8(`yournet bench ${label}`));
}

/** `count` distinct signed posts with ~200-byte contents, signed by `authors` keys (round robin). */
function makePosts(count: number, authors: number): Post[] {
  const keys = Array.from({ length: authors }, (_, a) => seed(`key ${a}`));
  const posts: Post[] = [];
  for (let i = 0; i < count; i++) {
    const content =
      `Post number ${i} of the benchmark. ` +
      'A typical short text post with a little punctuation, some numbers (42, 3.14) and ' +
      `a bit of Unicode — café, naïve, 日本語 — to exercise canonical JSON. #${i}`;
    const unsigned = {
      author: `bench-author-${i % authors}`,
      content,
      timestamp: 1_795_392_000 + i * 7.25,
      ...(i % 3 === 0 ? { reply_to: toHex(seed(`parent ${i}`)) } : {}),
    };
    posts.push(signPost(unsigned, keys[i % authors]!, nodeCrypto));
  }
  return posts;
}

function checkAllValid(posts: readonly Post[], crypto: CryptoPort): void {
  for (const post of posts) {
    const result = validatePost(post, crypto);
    if (!result.ok) throw new Error(`bench post does not validate: ${result.code} ${result.message}`);
  }
}

function postBenchmarks(): BenchResult[] {
  log('[core] signing posts');
  const distinct = makePosts(DISTINCT_POSTS, DISTINCT_POSTS);
  const repeated = makePosts(REPEATED_POSTS, REPEATED_AUTHORS);
  checkAllValid(distinct, nodeCrypto);
  checkAllValid(repeated, nodeCrypto);
  const n = DISTINCT_POSTS;
  const results: BenchResult[] = [];

  log('[core] validatePost(nodeCrypto), one key per post');
  results.push(
    rateResult(
      'validatePost nodeCrypto, distinct authors',
      measureRate((i) => (validatePost(distinct[i % n], nodeCrypto).ok ? 1 : 0)),
      'posts/s',
      { op: '>=', value: 10_000 },
      { posts: n, authors: n, what: 'form check + canonical JSON + SHA-256 id + Ed25519 verify' },
    ),
  );
  log('[core] validatePost(nodeCrypto), repeated authors');
  results.push(
    rateResult(
      'validatePost nodeCrypto, repeated authors',
      measureRate((i) => (validatePost(repeated[i % REPEATED_POSTS], nodeCrypto).ok ? 1 : 0)),
      'posts/s',
      undefined,
      { posts: REPEATED_POSTS, authors: REPEATED_AUTHORS },
    ),
  );

  // Where the time goes: the pieces of validatePost on their own.
  log('[core] parts of validatePost');
  results.push(
    rateResult(
      'parsePost',
      measureRate((i) => (parsePost(distinct[i % n]).ok ? 1 : 0)),
      'posts/s',
    ),
  );
  results.push(
    rateResult(
      'canonicalPost',
      measureRate((i) => canonicalPost(distinct[i % n]!).length),
      'posts/s',
    ),
  );
  results.push(
    rateResult(
      'postId nodeCrypto (canonical JSON + UTF-8 + SHA-256)',
      measureRate((i) => postId(distinct[i % n]!, nodeCrypto).charCodeAt(0)),
      'posts/s',
    ),
  );
  const raw = distinct.map((post) => ({
    signature: Buffer.from(post.signature!, 'hex'),
    id: Buffer.from(postId(post, nodeCrypto), 'hex'),
    pubkey: Buffer.from(post.pubkey!, 'hex'),
  }));
  results.push(
    rateResult(
      'nodeCrypto.verify (raw bytes, distinct keys)',
      measureRate((i) => {
        const r = raw[i % n]!;
        return nodeCrypto.verify(r.signature, r.id, r.pubkey) ? 1 : 0;
      }),
      'verifies/s',
      undefined,
      { note: 'Ed25519 verify alone, DER/KeyObject wrapping included; the ceiling for validatePost' },
    ),
  );

  log('[core] nobleCrypto verification (pure JS, slower: fewer samples)');
  const slow = { warmupSeconds: 1, samples: 5, sampleSeconds: 0.4 };
  results.push(
    rateResult(
      'nobleCrypto.verify (raw bytes, distinct keys)',
      measureRate((i) => {
        const r = raw[i % n]!;
        return nobleCrypto.verify(r.signature, r.id, r.pubkey) ? 1 : 0;
      }, slow),
      'verifies/s',
    ),
  );
  results.push(
    rateResult(
      'validatePost nobleCrypto, distinct authors',
      measureRate((i) => (validatePost(distinct[i % n], nobleCrypto).ok ? 1 : 0), slow),
      'posts/s',
    ),
  );
  return results;
}

function merkleBenchmarks(): BenchResult[] {
  log(`[core] merkle root of ${MERKLE_LEAVES} ids`);
  const ids = Array.from({ length: MERKLE_LEAVES }, (_, i) => toHex(seed(`id ${i}`)));
  return [
    durationResult(
      `merkleRoot of ${MERKLE_LEAVES} ids`,
      measureDuration(() => merkleRoot(ids), 21, 5),
      { op: '<=', value: 20 },
      { leaves: MERKLE_LEAVES, statistic: 'median' },
    ),
    durationResult(
      'merkleRoot of 1000 ids',
      measureDuration(() => merkleRoot(ids.slice(0, 1000)), 51, 10),
    ),
  ];
}

function headerBenchmarks(): BenchResult[] {
  const header: BlockHeader = {
    version: 1,
    index: 123_456,
    previous_hash: toHex(seed('previous')),
    merkle_root: toHex(seed('merkle')),
    timestamp: 1_795_392_000,
    bits: 0x1e0fffff,
    nonce: 0,
  };
  log('[core] header hashing');
  const oneShot = measureRate((i) => {
    header.nonce = i;
    return headerHash(header).charCodeAt(0);
  });
  const hasher = new HeaderHasher(header);
  const midstate = measureRate((i) => hasher.hashWith(i)[0]!);
  return [
    rateResult('HeaderHasher.hashWith (midstate, miner path)', midstate, 'hashes/s', {
      op: '>=',
      value: 400_000,
    }),
    rateResult('headerHash (encode + two compressions + hex)', oneShot, 'hashes/s', undefined, {
      note: 'validation path: one call per received header',
    }),
  ];
}

export async function run(): Promise<BenchResult[]> {
  return [...postBenchmarks(), ...merkleBenchmarks(), ...headerBenchmarks()];
}
