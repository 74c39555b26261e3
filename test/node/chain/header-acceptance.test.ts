import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ParentContext } from '#core/contextual.ts';
import { ErrorCode } from '#core/errors.ts';
import { REGTEST } from '#core/params.ts';
import { acceptHeader, type HashedHeader } from '#node/chain/header-acceptance.ts';
import { extend, makePost, mineOn, testChain } from '../../helpers/chain.ts';

/** The header fields and hash of a block. */
function headerOf(block: { transactions: unknown }): HashedHeader {
  const { transactions: _, ...header } = block as HashedHeader & { transactions: unknown };
  return header;
}

describe('acceptHeader: one door for block acceptance and headers-first sync', () => {
  it('with a stored parent: accepts a valid header and returns the parent it looked up', () => {
    const { chain, clock } = testChain();
    const block = mineOn(chain, chain.tip, []);
    const verdict = acceptHeader(headerOf(block), chain, REGTEST, clock.now());
    assert.deepEqual(verdict, { ok: true, parent: chain.tip });
  });

  it('refuses an unknown parent, an invalid parent, a known-invalid header and a second genesis', () => {
    const { chain, clock } = testChain();
    const now = clock.now();
    const orphan = mineOn(chain, { ...chain.tip, hash: 'ab'.repeat(32) }, []);
    const unknown = acceptHeader(headerOf(orphan), chain, REGTEST, now);
    assert.equal(!unknown.ok && unknown.code, ErrorCode.BLOCK_PARENT_UNKNOWN);

    // A block confirming a post its chain confirmed already is stored, then marked invalid.
    const post = makePost();
    const first = extend(chain, chain.tip, [post]);
    const invalid = mineOn(chain, first, [post]);
    assert.equal(chain.acceptBlock(invalid).ok, false);
    const knownInvalid = acceptHeader(headerOf(invalid), chain, REGTEST, now);
    assert.equal(!knownInvalid.ok && knownInvalid.code, ErrorCode.BLOCK_KNOWN_INVALID);
    const child = mineOn(chain, chain.getEntry(invalid.hash)!, []);
    const onInvalid = acceptHeader(headerOf(child), chain, REGTEST, now);
    assert.equal(!onInvalid.ok && onInvalid.code, ErrorCode.BLOCK_PARENT_INVALID);
    // The chain answers with the same codes: it goes through the same door.
    const accepted = chain.acceptBlock(child);
    assert.equal(!accepted.ok && accepted.code, ErrorCode.BLOCK_PARENT_INVALID);

    const genesis = mineOn(chain, { ...chain.tip, height: -1, hash: '00'.repeat(32) }, []);
    const second = acceptHeader(headerOf(genesis), chain, REGTEST, now);
    assert.equal(!second.ok && second.code, ErrorCode.BLOCK_BAD_GENESIS);
  });

  it('a known valid header needs no further check', () => {
    const { chain, clock } = testChain();
    const entry = extend(chain, chain.tip);
    const verdict = acceptHeader(entry, chain, REGTEST, clock.now() + 10 * 86_400);
    assert.deepEqual(verdict, { ok: true, known: entry });
  });

  it('checks the context: a header too far in the future is refused on both paths', () => {
    const { chain, clock } = testChain();
    const tooNew = mineOn(chain, chain.tip, [], 3 * 3600 + (clock.seconds - REGTEST.genesis.timestamp));
    const stored = acceptHeader(headerOf(tooNew), chain, REGTEST, clock.now());
    assert.equal(!stored.ok && stored.code, ErrorCode.BLOCK_TIME_TOO_NEW);
    const inMemory = acceptHeader(
      headerOf(tooNew),
      chain,
      REGTEST,
      clock.now(),
      chain.parentContext(chain.tip),
    );
    assert.equal(!inMemory.ok && inMemory.code, ErrorCode.BLOCK_TIME_TOO_NEW);
  });

  it('with a parent only in memory (sync): checks a run of headers none of which is stored', () => {
    const { chain, clock } = testChain();
    const now = clock.now();
    // A second chain mines the run: its blocks are unknown to `chain`.
    const other = testChain();
    const b1 = extend(other.chain, other.chain.tip);
    const b2 = mineOn(other.chain, b1, []);
    assert.equal(chain.hasBlock(b1.hash), false);

    const first = acceptHeader(b1, chain, REGTEST, now);
    assert.deepEqual(first, { ok: true, parent: chain.tip });
    // b2's parent b1 is not stored: looked up in the store, it is unknown ...
    const lookedUp = acceptHeader(headerOf(b2), chain, REGTEST, now);
    assert.equal(!lookedUp.ok && lookedUp.code, ErrorCode.BLOCK_PARENT_UNKNOWN);
    // ... given in memory, as sync holds it, it is checked against it.
    const context: ParentContext = {
      parent: b1,
      recentTimestamps: [...chain.parentContext(chain.tip).recentTimestamps, b1.timestamp],
    };
    assert.deepEqual(acceptHeader(headerOf(b2), chain, REGTEST, now, context), { ok: true });
    // A run whose next header goes back before median time past fails with its own code.
    const early = { ...headerOf(b2), timestamp: REGTEST.genesis.timestamp - 1 };
    const refused = acceptHeader(early, chain, REGTEST, now, context);
    assert.equal(!refused.ok && refused.code, ErrorCode.BLOCK_TIME_TOO_OLD);
  });
});
