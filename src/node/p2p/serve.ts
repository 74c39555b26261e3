import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { httpStatus } from '../error-status.ts';
import type { AnyErrorCode } from '../errors.ts';
import { normalizePeerAddress } from './address.ts';
import { P2PErrorCode, PeerError } from './errors.ts';
import { PEER_HEADER } from './http-transport.ts';
import { headersAfter } from './locator.ts';
import { LIMITS, parseBlocksRequest, parseHeadersRequest, parseIds, parseInv } from './messages.ts';
import type { Network } from './network.ts';

const TAG = { tags: ['p2p'] };

/** The sender's URL from `X-YourNet-Peer`, normalised, if present and well-formed. */
function peerOf(request: FastifyRequest): string | undefined {
  const header = request.headers[PEER_HEADER];
  if (typeof header !== 'string') return undefined;
  const normal = normalizePeerAddress(header);
  return normal.ok ? normal.url : undefined;
}

/** A refusal: the API's error body `{error, message}` with the status of its code (error-status.ts). */
function refuse(reply: FastifyReply, code: AnyErrorCode, message: string, status = httpStatus(code)) {
  return reply.code(status).type('application/json; charset=utf-8').send({ error: code, message });
}

/**
 * The serving side of the peer protocol (docs/PROTOCOL.md §11), mounted by the API server.
 * Every body is validated by messages.ts before use; every caller is rate-limited (by its
 * announced URL, else its IP); discouraged peers are refused. Answers are JSON; refusals are
 * `{error, message}` with 4xx codes.
 */
export function registerPeerRoutes(
  app: FastifyInstance,
  net: Network,
  options: { readonly isOperator?: (request: FastifyRequest) => boolean } = {},
): void {
  const chain = net.chain;

  /** Rate limit and discouragement; returns false after answering a refusal. */
  function admit(request: FastifyRequest, reply: FastifyReply): boolean {
    const peer = peerOf(request);
    if (!net.limiter.take(peer ?? request.ip)) {
      refuse(reply, P2PErrorCode.RATE_LIMITED, 'too many requests; slow down');
      return false;
    }
    if (peer !== undefined && net.peers.isDiscouraged(peer)) {
      refuse(reply, P2PErrorCode.DISCOURAGED, 'this peer is discouraged for misbehaviour');
      return false;
    }
    net.stats.requestsServed++;
    return true;
  }

  /** Sends a JSON string and counts its bytes as sent. */
  function sendJson(reply: FastifyReply, json: string, status = 200) {
    net.stats.bytesSent += Buffer.byteLength(json);
    return reply.code(status).type('application/json; charset=utf-8').send(json);
  }

  app.post(
    '/p2p/handshake',
    {
      logLevel: 'warn',
      schema: { ...TAG, summary: 'Handshake: network, genesis, nonce, URL and best chain of both sides' },
    },
    async (request, reply) => {
      if (!admit(request, reply)) return reply;
      try {
        return sendJson(reply, JSON.stringify(net.peers.acceptInbound(request.body)));
      } catch (error) {
        if (!(error instanceof PeerError)) throw error;
        return refuse(reply, error.code, error.message);
      }
    },
  );

  app.post(
    '/p2p/headers',
    {
      logLevel: 'warn',
      schema: { ...TAG, summary: 'Up to 2000 best-chain headers after the last locator hash known here' },
    },
    async (request, reply) => {
      if (!admit(request, reply)) return reply;
      const parsed = parseHeadersRequest(request.body);
      if (!parsed.ok) return refuse(reply, P2PErrorCode.BAD_MESSAGE, parsed.message);
      const headers = headersAfter(chain, parsed.value.locator, parsed.value.stop);
      return sendJson(reply, JSON.stringify({ headers }));
    },
  );

  app.post(
    '/p2p/blocks',
    {
      logLevel: 'warn',
      schema: {
        ...TAG,
        summary: 'Blocks by hash, in the order asked, stopping past 8 MB (one block always)',
      },
    },
    async (request, reply) => {
      if (!admit(request, reply)) return reply;
      const parsed = parseBlocksRequest(request.body);
      if (!parsed.ok) return refuse(reply, P2PErrorCode.BAD_MESSAGE, parsed.message);
      const parts: string[] = [];
      let bytes = 0;
      for (const hash of parsed.value) {
        const block = chain.blockBody(hash);
        if (block === undefined) break; // answered in order: stop at the first one not stored
        const json = JSON.stringify(block);
        if (parts.length > 0 && bytes + json.length > LIMITS.blocksAnswerBytes) break;
        parts.push(json);
        bytes += json.length;
      }
      return sendJson(reply, `{"blocks":[${parts.join(',')}]}`);
    },
  );

  app.get(
    '/p2p/posts',
    {
      logLevel: 'warn',
      schema: {
        ...TAG,
        summary: 'Pending or confirmed posts by id (at most 100 ids, comma-separated)',
        querystring: Type.Object({ ids: Type.String() }),
      },
    },
    async (request, reply) => {
      if (!admit(request, reply)) return reply;
      const parsed = parseIds((request.query as { ids?: unknown }).ids);
      if (!parsed.ok) return refuse(reply, P2PErrorCode.BAD_MESSAGE, parsed.message);
      const posts = [];
      for (const id of parsed.value) {
        const post = net.posts.relayablePost(id);
        if (post !== undefined) posts.push(post);
      }
      return sendJson(reply, JSON.stringify({ posts }));
    },
  );

  app.post(
    '/p2p/inv',
    {
      logLevel: 'warn',
      schema: {
        ...TAG,
        summary: 'Announcement of new post ids and block hashes; the receiver fetches what it lacks',
      },
    },
    async (request, reply) => {
      if (!admit(request, reply)) return reply;
      const from = peerOf(request);
      const peer = from === undefined ? undefined : net.peers.get(from);
      if (peer === undefined) {
        // 403, not the code's 400: the announcement may be well-formed, the sender is not admitted.
        return refuse(
          reply,
          P2PErrorCode.BAD_MESSAGE,
          'announce after a handshake, with X-YourNet-Peer',
          403,
        );
      }
      const parsed = parseInv(request.body);
      if (!parsed.ok) {
        net.peers.misbehaved(peer.url, P2PErrorCode.BAD_MESSAGE, `inv: ${parsed.message}`);
        return refuse(reply, P2PErrorCode.BAD_MESSAGE, parsed.message);
      }
      net.gossip.receive(peer, parsed.value);
      return sendJson(reply, '{}', 202);
    },
  );

  app.get(
    '/p2p/addr',
    { logLevel: 'warn', schema: { ...TAG, summary: 'Up to 100 peer addresses this node knows' } },
    async (request, reply) => {
      if (!admit(request, reply)) return reply;
      return sendJson(reply, JSON.stringify({ peers: net.peers.addresses() }));
    },
  );

  app.get(
    '/p2p/status',
    {
      logLevel: 'warn',
      schema: {
        ...TAG,
        summary: 'Peers (connected and stored, with scores and discouragement), sync state, traffic',
      },
    },
    async (request) => {
      const status = net.status();
      if (options.isOperator?.(request) ?? true) return status;
      // Peer URLs, scores and bans are the operator's; others see counts.
      const { connected, known, ...summary } = status;
      return { ...summary, connected: connected.length, known: known.length };
    },
  );
}
