import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { REGTEST } from '#core/params.ts';
import { MAX_HEADERS_PER_ANSWER, MAX_LOCATOR_HASHES } from '#node/p2p/locator.ts';
import {
  claimedHash,
  LIMITS,
  type Parsed,
  parseAddrAnswer,
  parseBlockPostsAnswer,
  parseBlockPostsRequest,
  parseBlocksAnswer,
  parseBlocksRequest,
  parseCompactAnswer,
  parseHeadersAnswer,
  parseHeadersRequest,
  parseHello,
  parseIds,
  parseInv,
  parsePendingAnswer,
  parsePendingCursor,
  parsePostsAnswer,
  parseTip,
} from '#node/p2p/messages.ts';

const hash = fc.stringMatching(/^[0-9a-f]{64}$/);
const h = (n: number) => n.toString(16).padStart(64, '0');

/** Every parser of peer input, each as a function of one hostile value. */
const PARSERS: Record<string, (value: unknown) => Parsed<unknown>> = {
  parseHello,
  parseTip,
  parseInv,
  parseHeadersRequest,
  parseBlocksRequest,
  parseIds,
  parseHeadersAnswer,
  parseBlocksAnswer: (value) => parseBlocksAnswer(value, 10),
  parsePostsAnswer: (value) => parsePostsAnswer(value, 10),
  parseAddrAnswer,
  parseCompactAnswer: (value) => parseCompactAnswer(value, h(1), 10),
  parseBlockPostsRequest: (value) => parseBlockPostsRequest(value, 10),
  parseBlockPostsAnswer: (value) => parseBlockPostsAnswer(value, 10),
  parsePendingCursor,
  parsePendingAnswer,
};

/** Anything JSON.parse can produce, including `__proto__` and `constructor` keys. */
const hostileJson = fc.oneof(
  fc.jsonValue(),
  fc.jsonValue().map((value) => JSON.parse(`{"__proto__": ${JSON.stringify(value)}}`) as unknown),
  fc
    .dictionary(
      fc.constantFrom('__proto__', 'constructor', 'headers', 'blocks', 'posts', 'peers', 'hash'),
      fc.jsonValue(),
    )
    .map((value) => JSON.parse(JSON.stringify(value)) as unknown),
);

function isParsed(result: Parsed<unknown>): boolean {
  return result.ok ? 'value' in result : typeof result.message === 'string' && result.message.length > 0;
}

describe('peer messages against hostile input', () => {
  for (const [name, parse] of Object.entries(PARSERS)) {
    it(`${name} returns a typed result and never throws, whatever the JSON`, () => {
      fc.assert(fc.property(hostileJson, (value) => isParsed(parse(value))));
    });
    it(`${name} also survives values JSON never produces`, () => {
      fc.assert(
        fc.property(fc.anything({ withBigInt: true, withMap: true, withSet: true }), (value) =>
          isParsed(parse(value)),
        ),
      );
    });
  }

  it('a __proto__ key is data, never a prototype', () => {
    const parsed = parseInv(JSON.parse(`{"__proto__": {"posts": ["${h(1)}"]}, "blocks": []}`));
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.value.posts, [], 'posts of the prototype are not read');
    assert.equal(parseHeadersAnswer(JSON.parse('{"__proto__": {"headers": []}}')).ok, false);
  });

  it('answers of the right form keep their items, in order', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { maxLength: 50 }), (items) => {
        const headers = parseHeadersAnswer({ headers: items });
        const blocks = parseBlocksAnswer({ blocks: items }, items.length);
        const posts = parsePostsAnswer({ posts: items }, items.length);
        return (
          headers.ok &&
          blocks.ok &&
          posts.ok &&
          headers.value === items &&
          blocks.value.length === items.length &&
          posts.value.length === items.length
        );
      }),
    );
  });

  it('answers are bounded: more headers than an answer holds, more blocks or posts than asked', () => {
    assert.equal(parseHeadersAnswer({ headers: Array(MAX_HEADERS_PER_ANSWER).fill(0) }).ok, true);
    assert.deepEqual(parseHeadersAnswer({ headers: Array(MAX_HEADERS_PER_ANSWER + 1).fill(0) }), {
      ok: false,
      message: 'expected {headers: [≤ 2000 headers]}',
    });
    fc.assert(
      fc.property(fc.nat(20), fc.integer({ min: 1, max: 20 }), (asked, extra) => {
        const list = Array(asked + extra).fill({});
        return !parseBlocksAnswer({ blocks: list }, asked).ok && !parsePostsAnswer({ posts: list }, asked).ok;
      }),
    );
    assert.equal(parseAddrAnswer({ peers: Array(LIMITS.addrPerAnswer + 1).fill('http://a') }).ok, false);
  });

  it('wrong types are refused: the list missing, a string, an object, null', () => {
    for (const value of [undefined, null, 7, 'x', [], {}, { headers: 'x' }, { headers: { length: 1 } }]) {
      assert.equal(parseHeadersAnswer(value).ok, false, JSON.stringify(value));
    }
    for (const value of [{ blocks: null }, { blocks: {} }, [{}]])
      assert.equal(parseBlocksAnswer(value, 5).ok, false);
  });

  it('addresses are normalised; those that are not peer URLs are dropped, not held against the peer', () => {
    const parsed = parseAddrAnswer({ peers: ['HTTP://A.example:80/', 'ftp://b', 7, null, 'http://c:8001'] });
    assert.deepEqual(parsed, { ok: true, value: ['http://a.example', 'http://c:8001'] });
  });

  it('the hash a block claims is read only from a plain object', () => {
    assert.equal(claimedHash({ hash: h(3) }), h(3));
    for (const value of [
      null,
      7,
      'x',
      [h(3)],
      { hash: 3 },
      JSON.parse(`{"__proto__": {"hash": "${h(3)}"}}`),
    ]) {
      assert.equal(claimedHash(value), undefined);
    }
  });

  it('requests: locators and hash lists are bounded and must be lowercase hex', () => {
    fc.assert(
      fc.property(fc.array(hash, { maxLength: MAX_LOCATOR_HASHES }), (locator) => {
        const parsed = parseHeadersRequest({ locator });
        return parsed.ok && parsed.value.locator.length === locator.length && parsed.value.stop === undefined;
      }),
    );
    assert.equal(parseHeadersRequest({ locator: Array(MAX_LOCATOR_HASHES + 1).fill(h(1)) }).ok, false);
    assert.equal(parseHeadersRequest({ locator: [h(1)], stop: 'AB'.repeat(32) }).ok, false);
    assert.equal(parseBlocksRequest({ hashes: Array(LIMITS.blocksPerRequest + 1).fill(h(1)) }).ok, false);
    assert.deepEqual(parseIds(''), { ok: true, value: [] });
    assert.equal(
      parseIds(
        Array(LIMITS.postsPerRequest + 1)
          .fill(h(1))
          .join(','),
      ).ok,
      false,
    );
  });

  it('a handshake round-trips, with its agent cut to 64 characters', () => {
    fc.assert(
      fc.property(
        hash,
        fc.stringMatching(/^[0-9a-f]{16,64}$/),
        fc.nat(),
        fc.stringMatching(/^[0-9a-f]{1,64}$/),
        fc.string({ maxLength: 200 }),
        (tip, nonce, height, chainwork, agent) => {
          const hello = {
            protocol: 1,
            network: 'regtest',
            genesis: REGTEST.genesisHash,
            nonce,
            url: null,
            height,
            tip,
            chainwork,
            agent,
            key: tip,
          };
          const parsed = parseHello(hello);
          return parsed.ok && parsed.value.agent === agent.slice(0, 64) && parsed.value.tip === tip;
        },
      ),
    );
  });
});

describe('compact relay and pending sync messages (§11.8)', () => {
  const short = 'ab'.repeat(8);

  it('a compact answer names the block asked, holds at most the posts of a block, and only 16-hex short ids', () => {
    const header = { hash: h(1) };
    assert.ok(parseCompactAnswer({ header, ids: [short, short] }, h(1), 2).ok);
    assert.equal(parseCompactAnswer({ header, ids: [] }, h(2), 2).ok, false, 'another block');
    assert.equal(parseCompactAnswer({ header, ids: [short, short, short] }, h(1), 2).ok, false);
    for (const bad of ['AB'.repeat(8), 'ab'.repeat(9), 'ab'.repeat(7), 7, null]) {
      assert.equal(parseCompactAnswer({ header, ids: [bad] }, h(1), 2).ok, false, String(bad));
    }
    assert.equal(parseCompactAnswer({ header: [h(1)], ids: [] }, h(1), 2).ok, false);
  });

  it('a blocktxn request asks 1 to maxPosts strictly ascending positions within a block', () => {
    assert.deepEqual(parseBlockPostsRequest({ hash: h(1), indexes: [0, 3, 9] }, 10), {
      ok: true,
      value: { hash: h(1), indexes: [0, 3, 9] },
    });
    for (const indexes of [
      [],
      [1, 1],
      [3, 2],
      [10],
      [-1],
      [1.5],
      ['1'],
      Array.from({ length: 11 }, (_, i) => i),
    ]) {
      assert.equal(parseBlockPostsRequest({ hash: h(1), indexes }, 10).ok, false, JSON.stringify(indexes));
    }
    assert.equal(parseBlockPostsRequest({ hash: 'x', indexes: [0] }, 10).ok, false);
    assert.equal(parseBlockPostsAnswer({ posts: [{}, {}] }, 1).ok, false, 'more posts than asked');
  });

  it('a pending page holds at most 1,000 ids and a cursor that is a whole number or null', () => {
    assert.deepEqual(parsePendingAnswer({ ids: [h(1)], next: null }), {
      ok: true,
      value: { ids: [h(1)], next: null },
    });
    assert.ok(parsePendingAnswer({ ids: [], next: 5 }).ok);
    assert.equal(
      parsePendingAnswer({ ids: Array(LIMITS.pendingPerPage + 1).fill(h(1)), next: null }).ok,
      false,
    );
    for (const next of [-1, 1.5, '5', undefined]) {
      assert.equal(parsePendingAnswer({ ids: [], next }).ok, false, String(next));
    }
    assert.deepEqual(parsePendingCursor(undefined), { ok: true, value: 0 });
    assert.deepEqual(parsePendingCursor('42'), { ok: true, value: 42 });
    for (const bad of ['-1', '1e3', ' 1', '9'.repeat(16), 'x'])
      assert.equal(parsePendingCursor(bad).ok, false, bad);
  });
});
