/**
 * The deterministic data of the query benchmarks (bench/node-queries.ts, bench/million.ts):
 * signed posts and the mined regtest blocks that carry them. The same generator feeds both ways
 * of filling a store (Chain.acceptBlock, or bench/bulk-fill.ts's set-based SQL), so the two
 * stores can be compared row for row (test/node/store/queries-bulk-fill.test.ts).
 */
import type { Block } from '#core/block.ts';
import { utf8 } from '#core/bytes.ts';
import { decodeBits } from '#core/compact.ts';
import { requiredBits } from '#core/contextual.ts';
import { grindNonce } from '#core/grind.ts';
import { merkleRoot } from '#core/merkle.ts';
import { REGTEST } from '#core/params.ts';
import { type Post, postId, postSize, signPost } from '#core/post.ts';
import { nodeCrypto } from '#node/crypto-node.ts';
import { signingCrypto } from './signing.ts';

/** The size and shape of a query store. */
export interface StoreShape {
  readonly confirmed: number;
  /** Posts per block (whole blocks; the 4,000,000-byte block limit caps it near 9,000). */
  readonly perBlock: number;
  readonly pending: number;
  /** Distinct signing keys. */
  readonly authors: number;
  /**
   * Realistic data (the million suite): authors on a long tail (a few write much, most little),
   * threads with up to thousands of replies, a vocabulary of thousands of words. Otherwise
   * post i is by author i mod authors and replies pick any earlier post (the `node` suite).
   */
  readonly longTail?: boolean;
  /** How the store is filled: through Chain.acceptBlock (default) or bench/bulk-fill.ts. */
  readonly fill?: 'accept' | 'bulk';
}

/** In about half of the posts: the "common word" of the full-text benchmark. */
export const COMMON_WORD = 'blockchain';
/** In one post in 5,000: the "rare word". */
export const RARE_WORD = 'zanzibar';

const WORDS = (
  'the of and to in is that it for on with as was by at from this have not are but had his they ' +
  'you were her which she there been one all would their we him when who will more no if out so ' +
  'said what up its about into than them can only other new some could time these two may then do ' +
  'first any my now such like our over man me even most made after also did many before must ' +
  'through back years where much your way well down should because each just those people how too ' +
  'little state good very make world still own see men work long get here between both life being ' +
  'under never day same another know while last might us great old year off come since against go ' +
  'came right used take three network post content share node miner block peer chain hash proof'
).split(' ');

/** A deterministic pseudo-random generator (xorshift32), so every run loads the same data. */
export function rng(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x1_0000_0000;
  };
}

/** Author `author-<a>`'s private key (seed). */
export function authorKey(a: number): Uint8Array {
  return nodeCrypto.sha256(utf8(`yournet queries bench key ${a}`));
}

/** 20,000 pronounceable made-up words (deterministic), the long tail of the vocabulary. */
const TAIL_WORDS = (() => {
  const random = rng(0x7a11);
  const onsets = 'b c d f g h k l m n p r s t v w z br cl dr fl gr pl st tr'.split(' ');
  const vowels = 'a e i o u ai ea io'.split(' ');
  const words = new Set<string>();
  while (words.size < 20_000) {
    let word = '';
    const syllables = 2 + Math.floor(random() * 3);
    for (let s = 0; s < syllables; s++) {
      word += onsets[Math.floor(random() * onsets.length)]! + vowels[Math.floor(random() * vowels.length)]!;
    }
    if (word !== RARE_WORD && word !== COMMON_WORD) words.add(word);
  }
  return [...words];
})();

/** Post `i` with its id and size. */
export interface GeneratedPost {
  readonly post: Post;
  readonly id: string;
  readonly size: number;
}

/** A mined block and the ids and sizes of its posts, in order. */
export interface GeneratedBlock {
  readonly block: Block;
  readonly ids: readonly string[];
  readonly sizes: readonly number[];
}

/**
 * The posts of a shape, in arrival order: ~20 words, a reply to an earlier post one time in
 * four; signed. Deterministic for a given shape.
 */
export class PostGenerator {
  private readonly random = rng(0x5eed);
  private readonly keys: Uint8Array[];
  private readonly ids: string[] = [];
  private next = 0;

  constructor(private readonly shape: StoreShape) {
    this.keys = Array.from({ length: shape.authors }, (_, a) => authorKey(a));
  }

  /** The author number of post `i`. */
  private author(i: number): number {
    if (!this.shape.longTail) return i % this.keys.length;
    // P(author < x) = (x / authors)^(1/3): the first 1% of the authors write a fifth of the posts.
    return Math.min(this.keys.length - 1, Math.floor(this.keys.length * this.random() ** 3));
  }

  /** The post a reply answers (an index into the earlier posts). */
  private parent(): number {
    const n = this.ids.length;
    if (!this.shape.longTail) return Math.floor(this.random() * n);
    // Two in five replies join the oldest conversations (the first posts gather thousands of
    // replies); the others answer something recent.
    if (this.random() < 0.4) return Math.floor(n * this.random() ** 4);
    return n - 1 - Math.floor(Math.min(n, 20_000) * this.random() ** 2);
  }

  private word(): string {
    if (this.shape.longTail && this.random() < 0.3) {
      return TAIL_WORDS[Math.floor(TAIL_WORDS.length * this.random() ** 2)]!;
    }
    return WORDS[Math.floor(this.random() * WORDS.length)]!;
  }

  take(): GeneratedPost {
    const i = this.next++;
    const random = this.random;
    const words: string[] = [];
    const count = 10 + Math.floor(random() * 20);
    for (let w = 0; w < count; w++) words.push(this.word());
    if (random() < 0.5) words.splice(Math.floor(random() * words.length), 0, COMMON_WORD);
    if (i % 5_000 === 17) words.push(RARE_WORD);
    const author = this.author(i);
    const reply = this.ids.length > 0 && random() < 0.25;
    const unsigned = {
      author: `author-${author}`,
      content: `${words.join(' ')} #${i}`,
      // Well before the genesis: valid in any block (posts may not be dated after their block).
      timestamp: REGTEST.genesis.timestamp - 86_400 * 30 + i * 0.5,
      ...(reply ? { reply_to: this.ids[this.parent()]! } : {}),
    };
    const post = signPost(unsigned, this.keys[author]!, signingCrypto);
    const id = postId(post, nodeCrypto);
    this.ids.push(id);
    return { post, id, size: postSize(post) };
  }
}

/** The header fields of a block's parent that its child depends on. */
export interface ParentHeader {
  readonly hash: string;
  readonly index: number;
  readonly timestamp: number;
  readonly version: number;
  readonly previous_hash: string;
  readonly merkle_root: string;
  readonly bits: number;
  readonly nonce: number;
}

/**
 * Mines a regtest block of `posts` on `parent`, one second after it (always above the median
 * time past of strictly increasing timestamps, and far from the validator's clock).
 */
export function mineBlock(parent: ParentHeader, posts: readonly GeneratedPost[]): GeneratedBlock {
  const ids = posts.map((p) => p.id);
  const bits = requiredBits(REGTEST, parent);
  const header = {
    version: 1,
    index: parent.index + 1,
    previous_hash: parent.hash,
    merkle_root: merkleRoot(ids),
    timestamp: parent.timestamp + 1,
    bits,
    nonce: 0,
  };
  const solved = grindNonce(header, decodeBits(bits)!, { count: 10_000_000 });
  if (!solved.found) throw new Error('no nonce found');
  return {
    block: { ...header, nonce: solved.nonce, hash: solved.hash, transactions: posts.map((p) => p.post) },
    ids,
    sizes: posts.map((p) => p.size),
  };
}
