import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type } from 'typebox';
import {
  Block,
  ChainAnswer,
  ChainQuery,
  ERROR_RESPONSES,
  NodeAddress,
  Post,
  PostForm,
  TextAnswer,
} from '../../core/api/schemas.ts';
import { ErrorCode } from '../../core/errors.ts';
import { parsePost } from '../../core/post.ts';
import { nodeCrypto } from '../crypto-node.ts';
import { type AnyErrorCode, NodeError, NodeErrorCode } from '../errors.ts';
import { normalizePeerAddress } from '../p2p/address.ts';
import { P2PErrorCode, PeerError } from '../p2p/errors.ts';
import { stamperFor } from '../pool/tutorial-stamper.ts';
import { postFromRow } from '../store/posts.ts';
import { requireAdmin } from './admin.ts';
import { blockJsonLimits, scanJson } from './bounded-json.ts';
import type { ApiContext } from './context.ts';
import { sendError, sendErrorWithStatus } from './errors.ts';
import type { HttpPolicy } from './http-policy.ts';
import { jsonArrayStream, jsonBytesArrayStream, sendJsonStream } from './json-stream.ts';

const TAG = { tags: ['tutorial'] };
const CHAIN_PAGE = 100;
const MAX_ADD_BLOCK_BYTES = 16 * 1024 * 1024;
/** register_with refusals that are the caller's to fix (400); the rest are the peer's fault (502). */
const REGISTER_REFUSALS = new Set<AnyErrorCode>([
  P2PErrorCode.SELF,
  P2PErrorCode.WRONG_NETWORK,
  P2PErrorCode.BAD_MESSAGE,
  P2PErrorCode.DISCOURAGED,
  P2PErrorCode.ADDRESS_REFUSED,
  P2PErrorCode.BAD_HANDSHAKE,
]);

/** Reads a plain object body or throws a 400. Bodies are validated here, not by the schema (see server.ts). */
function objectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new NodeError(NodeErrorCode.BAD_REQUEST, 'the body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

/**
 * Streams `{"length": N, "chain": [...], "peers": [...]}`, the tutorial's GET /chain answer. The
 * blocks' JSON comes from the shared cache (chain-cache.ts): concurrent answers serialise each
 * block once, and each piece is one short turn of the event loop.
 */
function sendChain(
  reply: FastifyReply,
  ctx: ApiContext,
  policy: HttpPolicy,
  start: number,
  limit: number | undefined,
) {
  const length = ctx.chain.tip.height + 1;
  const end = limit === undefined ? length : Math.min(length, start + limit);
  const peers = JSON.stringify(ctx.peers.list().map((peer) => peer.url));
  const cache = policy.chainCache;
  function* pages(): Generator<Buffer[]> {
    for (let height = start; height < end; ) {
      const texts = cache.page(height, Math.min(CHAIN_PAGE, end - height));
      if (texts.length === 0) return; // the chain got shorter (a reorg) while streaming
      height += texts.length;
      yield texts;
    }
  }
  return sendJsonStream(
    reply,
    jsonBytesArrayStream(`{"length":${length},"chain":[`, pages, `],"peers":${peers}}`),
  );
}

/**
 * The endpoints of the tutorial's Flask node, wire-compatible with its clients and curl
 * commands (docs/ARCHITECTURE.md "HTTP API"). Success answers keep the tutorial's texts;
 * errors are JSON `{error, message}` with 4xx codes instead of its 404/500s.
 */
export function registerTutorialRoutes(fastify: FastifyInstance, ctx: ApiContext, policy: HttpPolicy): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.post(
    '/new_transaction',
    {
      schema: {
        ...TAG,
        summary: 'Submit an unsigned post; the node sets its timestamp',
        body: PostForm,
        response: { 201: TextAnswer, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const body = objectBody(request.body);
      for (const key of Object.keys(body)) {
        if (key !== 'author' && key !== 'content') {
          throw new NodeError(ErrorCode.POST_UNKNOWN_FIELD, `unknown field "${key.slice(0, 40)}"`);
        }
      }
      for (const key of ['author', 'content']) {
        if (body[key] === undefined || body[key] === '' || body[key] === null) {
          throw new NodeError(ErrorCode.POST_MISSING_FIELD, `Invalid transaction data: "${key}" is required`);
        }
      }
      // The node stamps the tutorial's post at the pool's minimum, within the client's CPU budget.
      const form = parsePost({ author: body.author, content: body.content, timestamp: Date.now() / 1000 });
      if (!form.ok) throw new NodeError(form.code, form.message);
      await ctx.mempool.submit(await stamperFor(ctx.mempool, nodeCrypto).stamp(form.value, request.ip));
      return reply.code(201).type('text/plain; charset=utf-8').send('Success');
    },
  );

  app.get(
    '/chain',
    {
      schema: {
        ...TAG,
        summary: 'The best chain: {length, chain, peers}; `start`/`limit` page it (streamed either way)',
        querystring: ChainQuery,
        response: { 200: ChainAnswer, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { start = 0, limit } = request.query;
      return sendChain(reply, ctx, policy, start, limit);
    },
  );

  app.get(
    '/mine',
    {
      schema: {
        ...TAG,
        summary: 'Mine one block of pending posts now (the mining-request policy: --mine-requests)',
        response: { 200: TextAnswer, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      policy.mine.check(request, reply);
      const result = await ctx.miner.mineOne();
      reply.type('text/plain; charset=utf-8');
      if (result.mined) return `Block #${result.height} is mined.`;
      if (result.reason === 'NOTHING_TO_MINE') return 'No transactions to mine';
      return sendError(reply, NodeErrorCode.MINING_FAILED, result.message);
    },
  );

  app.get(
    '/pending_tx',
    {
      schema: {
        ...TAG,
        summary: 'The pending posts, in arrival order (streamed)',
        response: { 200: Type.Array(Post), ...ERROR_RESPONSES },
      },
    },
    async (_request, reply) => {
      const mempool = ctx.mempool;
      function* pages(): Generator<unknown[]> {
        let after = 0;
        for (;;) {
          const rows = mempool.list(1000, after);
          if (rows.length === 0) return;
          after = rows[rows.length - 1]!.seq;
          yield rows.map(postFromRow);
        }
      }
      return sendJsonStream(reply, jsonArrayStream('[', pages, ']'));
    },
  );

  // In a plugin of its own: its JSON parser scans a block body's structure before parsing it.
  fastify.register(async (scope) => {
    const limits = blockJsonLimits(ctx.chain.params);
    const parseJson = scope.getDefaultJsonParser('error', 'error');
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser(
      'application/json',
      { parseAs: 'string', bodyLimit: MAX_ADD_BLOCK_BYTES },
      (request, body, done) => {
        const text = body as string;
        const scan = scanJson(text, limits);
        if (scan.ok) return parseJson(request, text, done);
        ctx.counters.blocksRejected++;
        done(new NodeError(scan.code, `The block was discarded by the node: ${scan.code}: ${scan.message}`));
      },
    );
    const blocks = scope.withTypeProvider<TypeBoxTypeProvider>();
    blocks.post(
      '/add_block',
      {
        bodyLimit: MAX_ADD_BLOCK_BYTES,
        schema: {
          ...TAG,
          summary: 'Submit a mined block (header fields, hash, transactions)',
          body: Block,
          response: { 200: TextAnswer, 201: TextAnswer, 202: TextAnswer, ...ERROR_RESPONSES },
        },
      },
      async (request, reply) => {
        const outcome = ctx.chain.acceptBlock(request.body);
        if (!outcome.ok) {
          ctx.counters.blocksRejected++;
          return sendError(
            reply,
            outcome.code,
            `The block was discarded by the node: ${outcome.code}: ${outcome.message}`,
          );
        }
        reply.type('text/plain; charset=utf-8');
        if (outcome.status === 'duplicate') return reply.code(200).send('Block already in the chain');
        if (outcome.status === 'side') return reply.code(202).send('Block stored on a side branch');
        return reply.code(201).send('Block added to the chain');
      },
    );
  });

  app.post(
    '/register_node',
    {
      schema: {
        ...TAG,
        summary:
          'Register a peer (it is connected to in the background); answers the chain and peers like GET /chain',
        body: NodeAddress,
        response: { 200: ChainAnswer, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const address = normalizePeerAddress(objectBody(request.body).node_address);
      if (!address.ok) throw new NodeError(NodeErrorCode.BAD_REQUEST, address.message);
      if (ctx.network.peers.isSelf(address.url)) {
        return sendError(reply, P2PErrorCode.SELF, 'that address is this node itself');
      }
      ctx.network.registerNode(address.url);
      return sendChain(reply, ctx, policy, 0, undefined);
    },
  );

  app.post(
    '/register_with',
    {
      schema: {
        ...TAG,
        summary:
          'Handshake with another node (both learn each other), then sync from it: its chain is adopted only if it has more work and validates (admin)',
        body: NodeAddress,
        response: { 200: TextAnswer, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      requireAdmin(request, policy.admin);
      const address = normalizePeerAddress(objectBody(request.body).node_address);
      if (!address.ok) throw new NodeError(NodeErrorCode.BAD_REQUEST, address.message);
      try {
        await ctx.network.registerWith(address.url);
      } catch (error) {
        if (!(error instanceof PeerError)) throw error;
        // A gateway's statuses, not the code's own: the peer refused us (400) or failed (502).
        const status = REGISTER_REFUSALS.has(error.code) ? 400 : 502;
        return sendErrorWithStatus(reply, status, error.code, `Registration failed: ${error.message}`);
      }
      return reply.code(200).type('text/plain; charset=utf-8').send('Registration successful');
    },
  );
}
