import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BLOCK_VERSION,
  type Block,
  headerOf,
  parseBlock,
  parseHeader,
  validateBlockStateless,
  validateHeaderStateless,
} from '#core/block.ts';
import { decodeBits } from '#core/compact.ts';
import { ErrorCode, type Result } from '#core/errors.ts';
import { headerHash } from '#core/header.ts';
import { MAIN, type NetworkParams, REGTEST } from '#core/params.ts';
import { type Post, postId, postSize, signPost } from '#core/post.ts';
import { nodeCrypto } from '#node/crypto-node.ts';
import { regtestChain } from '../../scripts/generate-vectors.ts';
import { childBlock, clone, failingNonce, mined, PORTS, testKey } from '../helpers/core.ts';

const T = REGTEST.genesis.timestamp;
const [GENESIS, B1, B2, B3] = regtestChain() as [Block, Block, Block, Block];
const HELLO: Post = { author: 'alice', content: 'hello', timestamp: T };
const SIGNED = signPost({ author: 'alice', content: 'signed', timestamp: T }, testKey('alice'), nodeCrypto);

function codeOf(result: Result<unknown>): string | undefined {
  return result.ok ? undefined : result.code;
}

function check(block: unknown, params: NetworkParams = REGTEST): string | undefined {
  const codes = PORTS.map(([, port]) => codeOf(validateBlockStateless(block, params, port)));
  assert.equal(codes[1], codes[0], 'both crypto ports give the same verdict');
  return codes[0];
}

describe('validateBlockStateless: valid blocks', () => {
  it('accepts the regtest chain and returns the parsed block, ids in order and target', () => {
    for (const block of [GENESIS, B1, B2, B3]) {
      for (const [, port] of PORTS) {
        const result = validateBlockStateless(clone(block), REGTEST, port);
        assert.ok(result.ok, result.ok ? '' : result.message);
        assert.deepEqual(result.value.block, block);
        assert.deepEqual(
          result.value.ids,
          block.transactions.map((post) => postId(post, port)),
        );
        assert.equal(result.value.target, REGTEST.powLimit);
      }
    }
  });

  it('accepts each genesis on its own network; the regtest genesis is BLOCK_BAD_BITS on main', () => {
    assert.equal(check(MAIN.genesis, MAIN), undefined);
    assert.equal(check(REGTEST.genesis, REGTEST), undefined);
    assert.equal(check(REGTEST.genesis, MAIN), ErrorCode.BLOCK_BAD_BITS);
  });

  it('accepts fields in any order and integer-valued numbers written as floats', () => {
    const reversed = Object.fromEntries(Object.entries(B2).reverse());
    assert.equal(check(reversed), undefined);
    assert.equal(check(JSON.parse(JSON.stringify(B1).replace('"version":1', '"version":1.0'))), undefined);
  });

  it('accepts exactly 10,000 posts', () => {
    const posts = Array.from({ length: REGTEST.maxBlockPosts }, (_, i) => ({
      author: 'a',
      content: `${i}`,
      timestamp: 0,
    }));
    const block = childBlock(GENESIS, posts, REGTEST);
    const result = validateBlockStateless(block, REGTEST, nodeCrypto);
    assert.ok(result.ok, result.ok ? '' : result.message);
    assert.equal(result.value.ids.length, 10_000);
  });
});

describe('validateBlockStateless: each check, in the order of PROTOCOL.md §7.1', () => {
  it('1. BLOCK_TOO_MANY_POSTS before anything is parsed', () => {
    const junk = Array(REGTEST.maxBlockPosts + 1).fill(0);
    assert.equal(check({ transactions: junk }), ErrorCode.BLOCK_TOO_MANY_POSTS);
    assert.equal(check({ ...B1, transactions: junk, extra: 1 }), ErrorCode.BLOCK_TOO_MANY_POSTS);
    // Limits come from the parameters.
    const small = { ...REGTEST, maxBlockPosts: 2 };
    assert.equal(check(B3, small), ErrorCode.BLOCK_TOO_MANY_POSTS);
    assert.equal(check(B2, small), undefined);
    // An array at the top level is not a block, however long.
    assert.equal(check(junk), ErrorCode.BLOCK_NOT_OBJECT);
  });

  it('2. BLOCK_NOT_OBJECT', () => {
    for (const input of [null, undefined, 0, 'block', [], [B1], new Date()]) {
      assert.equal(check(input), ErrorCode.BLOCK_NOT_OBJECT, String(input));
    }
    assert.equal(check(Object.assign(Object.create(null), B1)), undefined);
  });

  it('3. BLOCK_UNKNOWN_FIELD before missing fields', () => {
    assert.equal(check({ ...B1, miner: 'x' }), ErrorCode.BLOCK_UNKNOWN_FIELD);
    assert.equal(check({ extra: 1 }), ErrorCode.BLOCK_UNKNOWN_FIELD);
    assert.equal(check({ ...B1, Hash: B1.hash }), ErrorCode.BLOCK_UNKNOWN_FIELD);
  });

  it('4–6. BLOCK_MISSING_FIELD: hash, then transactions (then BLOCK_BAD_FIELD if not an array), then header fields', () => {
    const drop = (block: object, ...keys: string[]) => {
      const out: Record<string, unknown> = { ...block };
      for (const key of keys) delete out[key];
      return out;
    };
    assert.equal(check({}), ErrorCode.BLOCK_MISSING_FIELD);
    for (const key of [
      'version',
      'index',
      'previous_hash',
      'merkle_root',
      'timestamp',
      'bits',
      'nonce',
      'hash',
      'transactions',
    ]) {
      assert.equal(check(drop(B1, key)), ErrorCode.BLOCK_MISSING_FIELD, key);
    }
    assert.equal(check({ ...drop(B1, 'version'), transactions: 'x' }), ErrorCode.BLOCK_BAD_FIELD);
    assert.equal(check({ ...drop(B1, 'hash'), transactions: 'x' }), ErrorCode.BLOCK_MISSING_FIELD);
    const result = validateBlockStateless(drop(B1, 'hash', 'transactions'), REGTEST, nodeCrypto);
    assert.ok(!result.ok && result.message.includes('"hash"'));
    const header = validateBlockStateless(drop(B1, 'nonce', 'index'), REGTEST, nodeCrypto);
    assert.ok(!header.ok && header.message.includes('"index"'));
  });

  it('7–8. BLOCK_BAD_FIELD: types and ranges of §4.1, and a string hash', () => {
    const bad: [string, unknown][] = [
      ['version', -1],
      ['version', 2 ** 32],
      ['index', 1.5],
      ['index', '1'],
      ['previous_hash', B1.previous_hash.toUpperCase()],
      ['merkle_root', null],
      ['timestamp', -1],
      ['timestamp', 2 ** 53],
      ['bits', 0x207fffff + 0.5],
      ['nonce', -1],
      ['nonce', 2 ** 53],
      ['hash', 7],
      ['hash', null],
      ['transactions', { length: 0 }],
    ];
    for (const [key, value] of bad)
      assert.equal(check({ ...B1, [key]: value }), ErrorCode.BLOCK_BAD_FIELD, `${key}=${value}`);
    // The first bad field in header order is named.
    const result = validateBlockStateless({ ...B1, nonce: -1, index: -1 }, REGTEST, nodeCrypto);
    assert.ok(!result.ok && result.message.includes('"index"'));
  });

  it('9. a malformed post gives its own POST_* code, prefixed with its position, before the header checks', () => {
    const block = { ...B2, version: 2, transactions: [HELLO, { ...HELLO, author: '' }] };
    const result = validateBlockStateless(block, REGTEST, nodeCrypto);
    assert.equal(codeOf(result), ErrorCode.POST_BAD_AUTHOR);
    assert.ok(!result.ok && result.message.startsWith('post 1: '));
    assert.equal(check({ ...B1, transactions: [HELLO, 'post'] }), ErrorCode.POST_NOT_OBJECT);
    assert.equal(check({ ...B1, transactions: [{ ...HELLO, extra: 1 }] }), ErrorCode.POST_UNKNOWN_FIELD);
    assert.equal(
      check({ ...B1, transactions: [{ ...SIGNED, signature: 'x' }] }),
      ErrorCode.POST_BAD_SIGNATURE_ENCODING,
    );
  });

  it('10. BLOCK_BAD_VERSION before the bits', () => {
    assert.equal(BLOCK_VERSION, 1);
    assert.equal(check(mined({ ...B1, version: 2 })), ErrorCode.BLOCK_BAD_VERSION);
    assert.equal(check({ ...B1, version: 0, bits: 0 }), ErrorCode.BLOCK_BAD_VERSION);
  });

  it('11. BLOCK_BAD_BITS: invalid, non-canonical or above the network limit, before the hash', () => {
    for (const bits of [0, 0x20800000, 0x20007fff, 0x21008000, 0x2100ffff]) {
      assert.equal(check({ ...B1, bits }), ErrorCode.BLOCK_BAD_BITS, bits.toString(16));
    }
    // At the limit is fine, one step above is not.
    assert.equal(
      check(childBlock(MAIN.genesis as Block, [], MAIN, { bits: MAIN.powLimitBits }), MAIN),
      undefined,
    );
    assert.equal(
      check(childBlock(MAIN.genesis as Block, [], MAIN, { bits: 0x1e100000 }), MAIN),
      ErrorCode.BLOCK_BAD_BITS,
    );
    // A harder target than required is fine statelessly (the required bits are contextual).
    const hard = childBlock(GENESIS, [], REGTEST, { bits: 0x2000ffff });
    assert.equal(check(hard), undefined);
  });

  it('12. BLOCK_BAD_HASH: exact string comparison with the header hash, before the proof of work', () => {
    assert.equal(check({ ...B2, hash: B1.hash }), ErrorCode.BLOCK_BAD_HASH);
    assert.equal(check({ ...B2, hash: B2.hash.toUpperCase() }), ErrorCode.BLOCK_BAD_HASH);
    assert.equal(check({ ...B2, hash: ` ${B2.hash}` }), ErrorCode.BLOCK_BAD_HASH);
    assert.equal(check({ ...B2, timestamp: B2.timestamp + 1 }), ErrorCode.BLOCK_BAD_HASH);
    const failing = { ...B1, nonce: failingNonce(B1) };
    assert.equal(check({ ...failing, hash: B1.hash }), ErrorCode.BLOCK_BAD_HASH);
  });

  it('13. BLOCK_BAD_POW: hash above the target; a hash equal to the target would pass', () => {
    const failing = { ...B1, nonce: failingNonce(B1) };
    assert.equal(check({ ...failing, hash: headerHash(failing) }), ErrorCode.BLOCK_BAD_POW);
    const main = childBlock(MAIN.genesis as Block, [], MAIN, { unmined: true });
    const mainFailing = { ...main, nonce: failingNonce(main) };
    assert.equal(check({ ...mainFailing, hash: headerHash(mainFailing) }, MAIN), ErrorCode.BLOCK_BAD_POW);
    // The PoW check is hash ≤ target: validateHeaderStateless reports the target it used.
    const result = validateHeaderStateless(B1, B1.hash, REGTEST);
    assert.ok(result.ok);
    assert.equal(result.value.target, decodeBits(B1.bits));
    assert.ok(BigInt(`0x${result.value.hash}`) <= result.value.target);
  });

  it('14. BLOCK_TOO_LARGE: the sum of the posts’ canonical sizes, at the real 4,000,000-byte limit', () => {
    const big = (i: number): Post => ({ author: 'a', content: `${i}`.padEnd(10_000, 'x'), timestamp: 0 });
    const fit = Math.floor(REGTEST.maxBlockBytes / postSize(big(0)));
    assert.equal(fit, 398);
    const posts = Array.from({ length: fit }, (_, i) => big(i));
    const total = posts.reduce((sum, post) => sum + postSize(post), 0);
    assert.ok(total <= REGTEST.maxBlockBytes && total + postSize(big(fit)) > REGTEST.maxBlockBytes);
    assert.equal(check(childBlock(GENESIS, posts, REGTEST)), undefined);
    assert.equal(check(childBlock(GENESIS, [...posts, big(fit)], REGTEST)), ErrorCode.BLOCK_TOO_LARGE);
  });

  it('14. BLOCK_TOO_LARGE: exactly at the limit passes, one byte over fails; signatures count', () => {
    const size = postSize(HELLO) + postSize(SIGNED);
    const block = childBlock(B1, [HELLO, SIGNED], REGTEST);
    assert.equal(check(block, { ...REGTEST, maxBlockBytes: size }), undefined);
    assert.equal(check(block, { ...REGTEST, maxBlockBytes: size - 1 }), ErrorCode.BLOCK_TOO_LARGE);
    assert.ok(postSize(SIGNED) > postSize({ ...SIGNED, signature: undefined } as Post) + 128);
  });

  it('15. BLOCK_DUPLICATE_POST: two posts with the same id, checked before the merkle root', () => {
    assert.equal(check(childBlock(B1, [HELLO, HELLO], REGTEST)), ErrorCode.BLOCK_DUPLICATE_POST);
    // Same id: the id ignores the signature, so a second signature of the same post is a duplicate.
    const resigned = { ...SIGNED, signature: `${SIGNED.signature!.slice(0, 126)}00` };
    assert.equal(check(childBlock(B1, [SIGNED, resigned], REGTEST)), ErrorCode.BLOCK_DUPLICATE_POST);
    assert.equal(check({ ...B1, transactions: [HELLO, HELLO] }), ErrorCode.BLOCK_DUPLICATE_POST);
  });

  it('16. BLOCK_BAD_MERKLE_ROOT: the root must commit to the posts and their order', () => {
    assert.equal(
      check({ ...B3, transactions: [...B3.transactions].reverse() }),
      ErrorCode.BLOCK_BAD_MERKLE_ROOT,
    );
    assert.equal(check({ ...B3, transactions: B3.transactions.slice(1) }), ErrorCode.BLOCK_BAD_MERKLE_ROOT);
    assert.equal(check({ ...B1, transactions: [HELLO] }), ErrorCode.BLOCK_BAD_MERKLE_ROOT);
    assert.equal(check(mined({ ...B2, merkle_root: B1.merkle_root })), ErrorCode.BLOCK_BAD_MERKLE_ROOT);
    // A post whose signature is bad but whose id matches is caught later, at step 17.
    const tampered = { ...SIGNED, content: 'tampered' };
    assert.equal(
      check({ ...childBlock(B1, [SIGNED], REGTEST), transactions: [tampered] }),
      ErrorCode.BLOCK_BAD_MERKLE_ROOT,
    );
  });

  it('17. POST_BAD_SIGNATURE, in post order, last', () => {
    const tampered = { ...SIGNED, content: 'tampered' };
    const block = childBlock(B1, [HELLO, tampered], REGTEST);
    const result = validateBlockStateless(block, REGTEST, nodeCrypto);
    assert.equal(codeOf(result), ErrorCode.POST_BAD_SIGNATURE);
    assert.ok(!result.ok && result.message.startsWith('post 1: '));
    assert.equal(check(block), ErrorCode.POST_BAD_SIGNATURE);
  });

  it('alreadyVerified skips only the signature check, and is asked about each post with its id', () => {
    const tampered = { ...SIGNED, content: 'tampered' };
    const block = childBlock(B1, [HELLO, tampered], REGTEST);
    const asked: [string, Post][] = [];
    const skipAll = (id: string, post: Post) => {
      asked.push([id, post]);
      return true;
    };
    const result = validateBlockStateless(block, REGTEST, nodeCrypto, skipAll);
    assert.ok(result.ok);
    assert.deepEqual(
      asked.map(([id]) => id),
      result.value.ids,
    );
    assert.deepEqual(asked[1]![1], tampered);
    assert.equal(
      codeOf(validateBlockStateless(block, REGTEST, nodeCrypto, () => false)),
      ErrorCode.POST_BAD_SIGNATURE,
    );
    // Other checks still apply.
    const badRoot = { ...block, transactions: [tampered, HELLO] };
    assert.equal(
      codeOf(validateBlockStateless(badRoot, REGTEST, nodeCrypto, () => true)),
      ErrorCode.BLOCK_BAD_MERKLE_ROOT,
    );
  });
});

describe('parseBlock, parseHeader, validateHeaderStateless, headerOf', () => {
  it('parseBlock returns fresh posts with only their fields and keeps the claimed hash', () => {
    const input = clone(B3);
    const result = parseBlock(input);
    assert.ok(result.ok);
    assert.deepEqual(result.value, B3);
    assert.notEqual(result.value.transactions[0], input.transactions[0]);
    assert.equal(result.value.hash, B3.hash);
  });

  it('parseHeader: header fields, optional hash; never transactions; hash refused when not allowed', () => {
    const header = headerOf(B2);
    assert.deepEqual(parseHeader(header), { ok: true, value: header });
    assert.deepEqual(parseHeader({ ...header, hash: B2.hash }), {
      ok: true,
      value: { ...header, hash: B2.hash },
    });
    assert.equal(codeOf(parseHeader({ ...header, hash: B2.hash }, false)), ErrorCode.BLOCK_UNKNOWN_FIELD);
    assert.equal(codeOf(parseHeader({ ...header, transactions: [] })), ErrorCode.BLOCK_UNKNOWN_FIELD);
    assert.equal(codeOf(parseHeader({ ...header, hash: 1 })), ErrorCode.BLOCK_BAD_FIELD);
    assert.equal(codeOf(parseHeader([header])), ErrorCode.BLOCK_NOT_OBJECT);
    assert.equal(codeOf(parseHeader({ ...header, bits: undefined })), ErrorCode.BLOCK_MISSING_FIELD);
  });

  it('validateHeaderStateless without a claimed hash checks version, bits and proof of work', () => {
    const header = headerOf(B2);
    const result = validateHeaderStateless(header, undefined, REGTEST);
    assert.ok(result.ok);
    assert.equal(result.value.hash, B2.hash);
    assert.equal(
      codeOf(validateHeaderStateless({ ...header, version: 3 }, undefined, REGTEST)),
      ErrorCode.BLOCK_BAD_VERSION,
    );
    assert.equal(codeOf(validateHeaderStateless(header, undefined, MAIN)), ErrorCode.BLOCK_BAD_BITS);
    const failing = { ...header, nonce: failingNonce(header) };
    assert.equal(codeOf(validateHeaderStateless(failing, undefined, REGTEST)), ErrorCode.BLOCK_BAD_POW);
  });

  it('headerOf keeps the seven header fields only', () => {
    assert.deepEqual(Object.keys(headerOf(B3)), [
      'version',
      'index',
      'previous_hash',
      'merkle_root',
      'timestamp',
      'bits',
      'nonce',
    ]);
    assert.equal(headerHash(headerOf(B3)), B3.hash);
  });
});
