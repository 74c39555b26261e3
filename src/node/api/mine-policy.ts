import type { FastifyReply, FastifyRequest } from 'fastify';
import { NodeError, NodeErrorCode } from '../errors.ts';
import { RateLimiter } from '../p2p/rate-limit.ts';
import { type AdminPolicy, isAdmin } from './admin.ts';

/**
 * Who may ask the node to mine a block now (/mine, /api/v1/mine). A mining request is not an
 * admin action (the tutorial's button must work for a visitor): `open` lets anyone, at most one
 * request per address per {@link MINE_REQUEST_INTERVAL_S} s; `token` needs the admin token;
 * `off` refuses everyone but the operator. The operator (loopback, or the token) is never limited.
 */
export type MineRequestPolicy = 'open' | 'token' | 'off';

export const MINE_REQUEST_POLICIES: readonly MineRequestPolicy[] = ['open', 'token', 'off'];

/** Seconds between two mining requests of one non-admin address under `open`. */
export const MINE_REQUEST_INTERVAL_S = 10;

/** Applies the node's mining-request policy to one request; throws the refusal. */
export class MineRequests {
  private readonly limiter = new RateLimiter(1 / MINE_REQUEST_INTERVAL_S, 1);

  constructor(
    readonly policy: MineRequestPolicy,
    private readonly admin: AdminPolicy,
  ) {}

  check(request: FastifyRequest, reply: FastifyReply): void {
    if (isAdmin(request, this.admin)) return;
    if (this.policy === 'token') {
      throw new NodeError(NodeErrorCode.UNAUTHORIZED, 'this node mines on request only with the admin token');
    }
    if (this.policy === 'off') {
      throw new NodeError(NodeErrorCode.MINE_REQUESTS_OFF, 'this node does not take mining requests');
    }
    if (!this.limiter.take(request.ip)) {
      reply.header('retry-after', String(MINE_REQUEST_INTERVAL_S));
      throw new NodeError(
        NodeErrorCode.RATE_LIMITED,
        `one mining request per ${MINE_REQUEST_INTERVAL_S} s from an address; retry later`,
      );
    }
  }
}
