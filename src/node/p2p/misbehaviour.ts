import { ErrorCode } from '../../core/errors.ts';
import { P2PErrorCode } from './errors.ts';

/** Score at which a peer is discouraged (Bitcoin Core's DISCOURAGEMENT_THRESHOLD). */
export const DISCOURAGE_SCORE = 100;

/**
 * Rejections that say nothing bad about the sender: data that may become valid later (a clock
 * ahead of ours), that we merely lack context for, or that our own policy refuses.
 */
const HARMLESS = new Set<string>([
  ErrorCode.BLOCK_TIME_TOO_NEW,
  ErrorCode.BLOCK_PARENT_UNKNOWN,
  ErrorCode.POST_TIME_TOO_NEW,
  ErrorCode.POST_UNSIGNED_REFUSED,
  ErrorCode.POST_DUPLICATE,
  ErrorCode.POST_ALREADY_CONFIRMED,
  'POOL_FULL',
]);

/**
 * Points a peer earns for sending data rejected with `code` (docs/PROTOCOL.md §11.5). Invalid
 * consensus data (bad proof of work, merkle root, signature, links, a lighter chain claimed
 * heavier, oversized or malformed messages) is 100: discouraged at once. Timeouts and
 * unreachable peers are failures, not misbehaviour.
 */
export function misbehaviourPoints(code: string): number {
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
