import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import {
  ERROR_RESPONSES,
  PolicyQuery,
  StampPolicy,
  type StampPolicySummary,
} from '../../core/api/schemas.ts';
import { bitsForWork } from '../../core/stamp.ts';
import { workFor } from '../pool/policy.ts';
import { isAdmin } from './admin.ts';
import type { ApiContext } from './context.ts';
import type { HttpPolicy } from './http-policy.ts';

/** A typical signed post with a stamp: the size GET /api/v1/policy prices without `bytes`. */
const DEFAULT_BYTES = 300;

/** The pool's prices now, per byte: the summary in GET /api/v1/status. */
export function policySummary(ctx: ApiContext): StampPolicySummary {
  const policy = ctx.mempool.policy();
  return {
    min_density: policy.minDensity,
    next_block_density: policy.nextBlockDensity,
    floor_work: policy.floorWork,
  };
}

/** What a post of `bytes` needs now: to enter the pool, and (an estimate) to be in the next block. */
export function stampPolicy(ctx: ApiContext, bytes: number): StampPolicy {
  const summary = policySummary(ctx);
  const required = workFor(summary.min_density, bytes, summary.floor_work);
  const nextBlock = workFor(summary.next_block_density, bytes, summary.floor_work);
  return {
    ...summary,
    bytes,
    required_work: required,
    required_bits: bitsForWork(BigInt(Math.max(1, required))),
    next_block_work: nextBlock,
    next_block_bits: bitsForWork(BigInt(Math.max(1, nextBlock))),
  };
}

/** GET /api/v1/policy?bytes=N (docs/PROTOCOL.md §12.4). */
export function registerPolicyRoute(fastify: FastifyInstance, ctx: ApiContext, http?: HttpPolicy): void {
  fastify.withTypeProvider<TypeBoxTypeProvider>().get(
    '/api/v1/policy',
    {
      schema: {
        tags: ['v1'],
        summary: 'The stamp work a post of N bytes needs now, and to be in the next block',
        querystring: PolicyQuery,
        response: { 200: StampPolicy, ...ERROR_RESPONSES },
      },
    },
    async (request) => ({
      ...stampPolicy(ctx, request.query.bytes ?? DEFAULT_BYTES),
      // Who may ask for a block (--mine-requests), so that the app shows "Request to mine" only
      // when it can work: `operator` is true for loopback or a valid admin token.
      ...(http
        ? { mine_requests: { policy: http.mine.policy, operator: isAdmin(request, http.admin) } }
        : {}),
    }),
  );
}
