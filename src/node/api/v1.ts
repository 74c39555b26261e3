import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import {
  BlockDetail,
  BlockPage,
  BlocksQuery,
  ERROR_RESPONSES,
  FeedQuery,
  IdParams,
  MineResult,
  NodeStatus,
  PendingPage,
  PendingQuery,
  PostBody,
  PostDetail,
  PostPage,
  SubmitAnswer,
} from '../../core/api/schemas.ts';
import { bigIntToHex256 } from '../../core/bytes.ts';
import { NodeError, NodeErrorCode } from '../errors.ts';
import type { ApiContext } from './context.ts';
import { EVENTS_DESCRIPTION, STREAM_HEADERS } from './events.ts';
import type { HttpPolicy } from './http-policy.ts';
import { policySummary, registerPolicyRoute } from './policy.ts';

const TAG = { tags: ['v1'] };

/** Node status, for GET /api/v1/status and the web app's header. */
export function nodeStatus(ctx: ApiContext): NodeStatus {
  const tip = ctx.chain.tip;
  return {
    network: ctx.params.name,
    version: ctx.version,
    genesis: ctx.params.genesisHash,
    height: tip.height,
    tip: tip.hash,
    tip_timestamp: tip.timestamp,
    chainwork: bigIntToHex256(tip.chainwork),
    bits: tip.bits,
    pending: ctx.mempool.size,
    stamps: policySummary(ctx),
    peers: ctx.network.peers.connected.map((peer) => peer.url),
    connections: ctx.network.peerCounts(),
    mining: {
      active: ctx.miner.mining,
      continuous: ctx.miner.isContinuous,
      workers: ctx.minerPool.workerCount,
      hashrate: Math.round(ctx.minerPool.hashRate()),
    },
    uptime: Math.round((Date.now() - ctx.startedAt) / 1000),
  };
}

/** The documented, versioned API; every answer has its schema in src/core/api/schemas.ts. */
export function registerV1Routes(fastify: FastifyInstance, ctx: ApiContext, policy: HttpPolicy): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  registerPolicyRoute(fastify, ctx, policy);

  app.get(
    '/api/v1/status',
    {
      schema: {
        ...TAG,
        summary: 'Network, tip, pool, peers and mining state',
        response: { 200: NodeStatus, ...ERROR_RESPONSES },
      },
    },
    async () => nodeStatus(ctx),
  );

  app.get(
    '/api/v1/blocks',
    {
      schema: {
        ...TAG,
        summary: 'Best-chain blocks, newest first, paged',
        querystring: BlocksQuery,
        response: { 200: BlockPage, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { limit = 20, before } = request.query;
      return ctx.queries.blocks({ limit, ...(before !== undefined ? { beforeHeight: before } : {}) });
    },
  );

  app.get(
    '/api/v1/blocks/:id',
    {
      schema: {
        ...TAG,
        summary: 'One block by height (best chain) or by hash (any branch), with its posts',
        params: IdParams,
        response: { 200: BlockDetail, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { id } = request.params;
      const block = ctx.queries.block(id);
      if (block === undefined) throw new NodeError(NodeErrorCode.NOT_FOUND, `no block ${id}`);
      return block;
    },
  );

  app.post(
    '/api/v1/posts',
    {
      schema: {
        ...TAG,
        summary: 'Submit a post (signed or unsigned)',
        body: PostBody,
        response: { 201: SubmitAnswer, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      // The body is checked by src/core, not by the schema (see server.ts): it stays `unknown` here.
      const accepted = await ctx.mempool.submit(request.body);
      return reply.code(201).send({ id: accepted.id, status: accepted.added ? 'pending' : 'confirmed' });
    },
  );

  app.get(
    '/api/v1/posts',
    {
      schema: {
        ...TAG,
        summary: 'The feed: newest first, paged, with filters and full-text search',
        querystring: FeedQuery,
        response: { 200: PostPage, ...ERROR_RESPONSES },
      },
    },
    async (request) => ctx.queries.posts({ ...request.query, limit: request.query.limit ?? 50 }),
  );

  app.get(
    '/api/v1/posts/:id',
    {
      schema: {
        ...TAG,
        summary: 'One post: pending or confirmed, its block, confirmations and merkle inclusion proof',
        params: IdParams,
        response: { 200: PostDetail, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { id } = request.params;
      const post = /^[0-9a-f]{64}$/.test(id) ? ctx.queries.post(id) : undefined;
      if (post === undefined) throw new NodeError(NodeErrorCode.NOT_FOUND, `no post ${id}`);
      return post;
    },
  );

  app.get(
    '/api/v1/pending',
    {
      schema: {
        ...TAG,
        summary: 'Pending posts in arrival order, paged',
        querystring: PendingQuery,
        response: { 200: PendingPage, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { limit = 100, after = 0 } = request.query;
      const items = ctx.queries.pending(limit, after);
      return { items, total: ctx.mempool.size.count };
    },
  );

  app.post(
    '/api/v1/mine',
    {
      schema: {
        ...TAG,
        summary:
          'Mine one block of pending posts now; answers when it is mined (the mining-request policy: --mine-requests)',
        response: { 200: MineResult, 201: MineResult, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      policy.mine.check(request, reply);
      const result = await ctx.miner.mineOne();
      if (result.mined) return reply.code(201).send(result);
      if (result.reason === 'NOTHING_TO_MINE') return reply.code(200).send(result);
      throw new NodeError(NodeErrorCode.MINING_FAILED, result.message);
    },
  );

  app.get(
    '/api/v1/events',
    {
      schema: {
        ...TAG,
        summary: 'Server-sent events: post, block, reorg',
        description: EVENTS_DESCRIPTION,
        response: { ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      // HEAD: the stream's head at once, no stream and no slot held.
      if (request.method === 'HEAD')
        return reply
          .code(200)
          .headers(STREAM_HEADERS)
          .send('' as never);
      const refusal = ctx.events.attach(request, reply);
      if (refusal === 'full') {
        throw new NodeError(NodeErrorCode.POOL_FULL, 'too many event streams are open; retry later');
      }
      if (refusal === 'address-full') {
        throw new NodeError(NodeErrorCode.RATE_LIMITED, 'too many event streams from this address');
      }
    },
  );
}
