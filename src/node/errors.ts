import type { ErrorCode } from '../core/errors.ts';
import { HTTP_STATUS } from './error-status.ts';
import type { P2PErrorCode } from './p2p/errors.ts';

/** Error codes of the node itself (the protocol's own codes are in src/core/errors.ts). */
export const NodeErrorCode = {
  POOL_FULL: 'POOL_FULL',
  /** /new_transaction: the node's stamping budget for this client (or all) is spent for now. */
  STAMP_BUDGET_EXHAUSTED: 'STAMP_BUDGET_EXHAUSTED',
  BAD_REQUEST: 'BAD_REQUEST',
  NOT_FOUND: 'NOT_FOUND',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  /** A JSON body nested deeper or holding more elements than any valid message (api/bounded-json.ts). */
  PAYLOAD_TOO_COMPLEX: 'PAYLOAD_TOO_COMPLEX',
  /** A side-branch block too far below the tip's work to be stored (chain/side-branches.ts). */
  SIDE_BRANCH_TOO_LIGHT: 'SIDE_BRANCH_TOO_LIGHT',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FORBIDDEN: 'FORBIDDEN',
  UNAUTHORIZED: 'UNAUTHORIZED',
  NOTHING_TO_MINE: 'NOTHING_TO_MINE',
  MINING_FAILED: 'MINING_FAILED',
  SHUTTING_DOWN: 'SHUTTING_DOWN',
  NOT_IMPLEMENTED: 'NOT_IMPLEMENTED',
  INTERNAL: 'INTERNAL',
  /** Too many requests of one route class from one address (api/rate-limits.ts). */
  RATE_LIMITED: 'RATE_LIMITED',
  /** A browser request from another origin asked for an admin action (api/access.ts). */
  CROSS_ORIGIN_FORBIDDEN: 'CROSS_ORIGIN_FORBIDDEN',
  /** The node's mining-request policy is `off` (or `token` and none was given). */
  MINE_REQUESTS_OFF: 'MINE_REQUESTS_OFF',
} as const;

export type NodeErrorCode = (typeof NodeErrorCode)[keyof typeof NodeErrorCode];

/**
 * Every code of the system: the protocol's (core), the node's and the peer protocol's. The
 * tables keyed by it (HTTP status in ./error-status.ts, misbehaviour points in
 * ./p2p/misbehaviour.ts) are `Record<AnyErrorCode, number>`, so a new code does not compile
 * until both say what it means.
 */
export type AnyErrorCode = ErrorCode | NodeErrorCode | P2PErrorCode;

/**
 * A refusal with a stable code and a human message. Its HTTP status is the code's, from the one
 * table in ./error-status.ts: never chosen where it is thrown.
 */
export class NodeError extends Error {
  constructor(
    readonly code: AnyErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'NodeError';
  }

  get status(): number {
    return HTTP_STATUS[this.code];
  }
}
