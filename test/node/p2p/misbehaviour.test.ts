import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode } from '#core/errors.ts';
import { type AnyErrorCode, NodeErrorCode } from '#node/errors.ts';
import { P2PErrorCode } from '#node/p2p/errors.ts';
import { DISCOURAGE_SCORE, MISBEHAVIOUR_POINTS, misbehaviourPoints } from '#node/p2p/misbehaviour.ts';

/**
 * A verbatim copy of `misbehaviourPoints` as it was before the table (prefix tests and
 * if-chains), kept only to prove that the table scores every code exactly as it did.
 */
function oldMisbehaviourPoints(code: string): number {
  const HARMLESS = new Set<string>([
    ErrorCode.BLOCK_TIME_TOO_NEW,
    ErrorCode.BLOCK_PARENT_UNKNOWN,
    ErrorCode.POST_TIME_TOO_NEW,
    ErrorCode.POST_UNSIGNED_REFUSED,
    ErrorCode.POST_DUPLICATE,
    ErrorCode.POST_ALREADY_CONFIRMED,
    // Added with stamps (issue 10): below our rolling minimum is our policy, not misbehaviour.
    ErrorCode.POST_STAMP_TOO_WEAK,
    'POOL_FULL',
  ]);
  if (HARMLESS.has(code)) return 0;
  if (code === P2PErrorCode.TIMEOUT || code === P2PErrorCode.UNREACHABLE || code === P2PErrorCode.BAD_STATUS)
    return 0;
  if (code === P2PErrorCode.RATE_LIMITED || code === P2PErrorCode.TOO_MANY_PEERS) return 0;
  if (code.startsWith('BLOCK_') || code.startsWith('POST_')) return 100;
  if (
    code === P2PErrorCode.TOO_LARGE ||
    code === P2PErrorCode.BAD_MESSAGE ||
    code === P2PErrorCode.HEADERS_NOT_LINKED ||
    code === P2PErrorCode.LIGHTER_THAN_CLAIMED ||
    code === P2PErrorCode.REDIRECT
  )
    return 100;
  if (code === P2PErrorCode.UNREQUESTED) return 20;
  return 0;
}

const ALL_CODES: AnyErrorCode[] = [
  ...Object.values(ErrorCode),
  ...Object.values(NodeErrorCode),
  ...Object.values(P2PErrorCode),
];

/**
 * Codes added with node keys and sessions (issue 9), compact relay (issue 13) and social actions
 * (issue 11), scored on
 * purpose, not as the old function.
 */
const SCORED_SINCE: Partial<Record<AnyErrorCode, number>> = {
  [P2PErrorCode.STALLING]: 50,
  [P2PErrorCode.COMPACT_UNSERVED]: 50,
  // Social actions (issue 11): our relay policy, not misbehaviour (old blocks may hold them).
  [ErrorCode.POST_AUTHOR_HANDLE_LIKE]: 0,
  [ErrorCode.POST_UNKNOWN_KIND]: 0,
};

describe('misbehaviour table', () => {
  it('scores every code exactly as the old prefix-and-if-chain function did', () => {
    for (const code of ALL_CODES) {
      assert.equal(misbehaviourPoints(code), SCORED_SINCE[code] ?? oldMisbehaviourPoints(code), code);
    }
  });

  it('holds every code and nothing else', () => {
    assert.deepEqual(Object.keys(MISBEHAVIOUR_POINTS).sort(), [...ALL_CODES].sort());
  });

  it('the orphan outcome (formerly the literal "ORPHAN") costs nothing, as before', () => {
    assert.equal(oldMisbehaviourPoints('ORPHAN'), 0);
    assert.equal(misbehaviourPoints(P2PErrorCode.ORPHAN), 0);
  });

  it('pins a few values', () => {
    assert.equal(DISCOURAGE_SCORE, 100);
    assert.equal(misbehaviourPoints(ErrorCode.BLOCK_BAD_POW), DISCOURAGE_SCORE);
    assert.equal(misbehaviourPoints(ErrorCode.POST_BAD_SIGNATURE), DISCOURAGE_SCORE);
    assert.equal(misbehaviourPoints(ErrorCode.BLOCK_TIME_TOO_NEW), 0);
    assert.equal(misbehaviourPoints(ErrorCode.POST_DUPLICATE), 0);
    assert.equal(misbehaviourPoints(NodeErrorCode.POOL_FULL), 0);
    assert.equal(misbehaviourPoints(P2PErrorCode.LIGHTER_THAN_CLAIMED), DISCOURAGE_SCORE);
    assert.equal(misbehaviourPoints(P2PErrorCode.TIMEOUT), 0);
    assert.equal(misbehaviourPoints(P2PErrorCode.UNREQUESTED), 20);
  });

  it('every value is a whole number of points from 0 to the discouragement score', () => {
    for (const code of ALL_CODES) {
      const points = misbehaviourPoints(code);
      assert.ok(Number.isInteger(points) && points >= 0 && points <= DISCOURAGE_SCORE, `${code}: ${points}`);
    }
  });
});
