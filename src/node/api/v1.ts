import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { bigIntToHex256 } from '../../core/bytes.ts';
import { NodeError, NodeErrorCode } from '../errors.ts';
import { requireAdmin } from './admin.ts';
import type { ApiContext } from './context.ts';

const TAG = { tags: ['v1'] };
const Hex64 = Type.String({ pattern: '^[0-9a-f]{64}$' });

const PostBody = Type.Object(
  {
    author: Type.String({ description: 'display name: 1–64 characters, no control characters' }),
    content: Type.String({ description: 'the text: at most 10,000 bytes of UTF-8' }),
    timestamp: Type.Number({ description: 'seconds since 1970 (fractions allowed)' }),
    pubkey: Type.Optional({ ...Hex64, description: 'Ed25519 public key, 32 bytes in hex' }),
    reply_to: Type.Optional({ ...Hex64, description: 'id of the post replied to' }),
    signature: Type.Optional(
      Type.String({
        pattern: '^[0-9a-f]{128}$',
        description: 'Ed25519 signature of the 32 id bytes, in hex',
      }),
    ),
  },
  { additionalProperties: false, description: 'A post in the protocol form (docs/PROTOCOL.md §2)' },
);

const FeedQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  before: Type.Optional(Type.Integer({ minimum: 1, description: 'cursor: the `next` of the previous page' })),
  author: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  pubkey: Type.Optional(Hex64),
  reply_to: Type.Optional(Hex64),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'full-text search' })),
});

const BlocksQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 20 })),
  before: Type.Optional(Type.Integer({ minimum: 0, description: 'cursor: only blocks below this height' })),
});

const PendingQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  after: Type.Optional(Type.Integer({ minimum: 0, description: 'cursor: arrival sequence number' })),
});

/** Node status, for GET /api/v1/status and the web app's header. */
export function nodeStatus(ctx: ApiContext) {
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
    peers: ctx.peers.list().map((peer) => peer.url),
    mining: {
      active: ctx.miner.mining,
      continuous: ctx.miner.isContinuous,
      workers: ctx.minerPool.workerCount,
      hashrate: Math.round(ctx.minerPool.hashRate()),
    },
    uptime: Math.round((Date.now() - ctx.startedAt) / 1000),
  };
}

/** The documented, versioned API. */
export function registerV1Routes(app: FastifyInstance, ctx: ApiContext): void {
  app.get(
    '/api/v1/status',
    { schema: { ...TAG, summary: 'Network, tip, pool, peers and mining state' } },
    async () => nodeStatus(ctx),
  );

  app.get(
    '/api/v1/blocks',
    { schema: { ...TAG, summary: 'Best-chain blocks, newest first, paged', querystring: BlocksQuery } },
    async (request) => {
      const { limit = 20, before } = request.query as { limit?: number; before?: number };
      return ctx.queries.blocks({ limit, ...(before !== undefined ? { beforeHeight: before } : {}) });
    },
  );

  app.get(
    '/api/v1/blocks/:id',
    {
      schema: {
        ...TAG,
        summary: 'One block by height (best chain) or by hash (any branch), with its posts',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const block = ctx.queries.block(id);
      if (block === undefined) throw new NodeError(NodeErrorCode.NOT_FOUND, `no block ${id}`);
      return block;
    },
  );

  app.post(
    '/api/v1/posts',
    { schema: { ...TAG, summary: 'Submit a post (signed or unsigned)', body: PostBody } },
    async (request, reply) => {
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
      },
    },
    async (request) => {
      const query = request.query as {
        limit?: number;
        before?: number;
        author?: string;
        pubkey?: string;
        reply_to?: string;
        q?: string;
      };
      return ctx.queries.posts({ ...query, limit: query.limit ?? 50 });
    },
  );

  app.get(
    '/api/v1/posts/:id',
    {
      schema: {
        ...TAG,
        summary: 'One post: pending or confirmed, its block, confirmations and merkle inclusion proof',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const post = /^[0-9a-f]{64}$/.test(id) ? ctx.queries.post(id) : undefined;
      if (post === undefined) throw new NodeError(NodeErrorCode.NOT_FOUND, `no post ${id}`);
      return post;
    },
  );

  app.get(
    '/api/v1/pending',
    { schema: { ...TAG, summary: 'Pending posts in arrival order, paged', querystring: PendingQuery } },
    async (request) => {
      const { limit = 100, after = 0 } = request.query as { limit?: number; after?: number };
      const items = ctx.queries.pending(limit, after);
      return { items, total: ctx.mempool.size.count };
    },
  );

  app.post(
    '/api/v1/mine',
    { schema: { ...TAG, summary: 'Mine one block of pending posts now; answers when it is mined (admin)' } },
    async (request, reply) => {
      requireAdmin(request, ctx.adminToken);
      const result = await ctx.miner.mineOne();
      if (result.mined) return reply.code(201).send(result);
      if (result.reason === 'NOTHING_TO_MINE') return reply.code(200).send(result);
      throw new NodeError(NodeErrorCode.MINING_FAILED, result.message);
    },
  );

  app.get(
    '/api/v1/events',
    { schema: { ...TAG, summary: 'Server-sent events: post, block, reorg' } },
    async (request, reply) => {
      if (!ctx.events.attach(request, reply)) {
        throw new NodeError(NodeErrorCode.POOL_FULL, 'too many event streams are open; retry later');
      }
    },
  );
}
