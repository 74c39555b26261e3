import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { httpStatus } from '../error-status.ts';
import { type AnyErrorCode, NodeErrorCode } from '../errors.ts';
import { isLoopback } from './address.ts';
import { P2PErrorCode, PeerError, RefusedError } from './errors.ts';
import { sessionOf } from './http-transport.ts';
import { isHex32 } from './identity.ts';
import { headersAfter } from './locator.ts';
import {
  LIMITS,
  parseBlockPostsRequest,
  parseBlocksRequest,
  parseCompactPush,
  parseHeadersRequest,
  parseIds,
  parseInv,
  parsePendingCursor,
} from './messages.ts';
import type { Network } from './network.ts';
import type { Peer } from './peer-manager.ts';

const TAG = { tags: ['p2p'] };

/** The route a request matched (its message kind in the traffic counters). */
function routeOf(request: FastifyRequest): string {
  return request.routeOptions.url ?? 'other';
}

/** A refusal: the API's error body `{error, message}` with the status of its code (error-status.ts). */
function refuse(reply: FastifyReply, code: AnyErrorCode, message: string, status = httpStatus(code)) {
  return reply.code(status).type('application/json; charset=utf-8').send({ error: code, message });
}

/** A PeerError as a refusal; a full node's refusal also carries the addresses of other peers. */
function refuseWith(reply: FastifyReply, error: PeerError) {
  const body: Record<string, unknown> = { error: error.code, message: error.message };
  if (error instanceof RefusedError) body.peers = error.addresses;
  return reply.code(httpStatus(error.code)).type('application/json; charset=utf-8').send(body);
}

/**
 * The serving side of the peer protocol (docs/PROTOCOL.md §11), mounted by the API server.
 * Every body is validated by messages.ts before use. The sender is the peer its session token
 * names (`Authorization: YourNet-Session <token>`), never a header or body field it writes
 * itself; every caller is rate-limited by its proven node key, else its source IP; discouraged
 * source IPs are refused. Answers are JSON; refusals are `{error, message}` with 4xx codes.
 */
export function registerPeerRoutes(
  fastify: FastifyInstance,
  net: Network,
  options: { readonly isOperator?: (request: FastifyRequest) => boolean } = {},
): void {
  // Schema-typed requests (querystring, body) as the API's own routes: no casts.
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const chain = net.chain;

  /** The peer of the request's session, if it holds a live one. */
  function sessionPeer(request: FastifyRequest): Peer | undefined {
    return net.peers.bySession(sessionOf(request.headers.authorization));
  }

  /** Rate limit and discouragement; returns false after answering a refusal. */
  function admit(request: FastifyRequest, reply: FastifyReply): boolean {
    const peer = sessionPeer(request);
    if (!net.limiter.take(peer !== undefined ? `key:${peer.key}` : `ip:${request.ip}`)) {
      // The bucket refills continuously: one second is enough for the next request.
      reply.header('retry-after', '1');
      refuse(reply, P2PErrorCode.RATE_LIMITED, 'too many requests; slow down');
      return false;
    }
    if (peer === undefined && !isLoopback(request.ip) && net.peers.isRefused({ ip: request.ip })) {
      refuse(reply, P2PErrorCode.DISCOURAGED, 'this address is discouraged for misbehaviour');
      return false;
    }
    net.stats.requestsServed++;
    // The request line and body as received (headers are not counted on either side).
    const length = Number(request.headers['content-length'] ?? 0);
    net.stats.count(routeOf(request), 0, request.url.length + (Number.isFinite(length) ? length : 0));
    return true;
  }

  /** Sends a JSON string and counts its bytes as sent, under the route's message kind. */
  function sendJson(reply: FastifyReply, json: string, status = 200) {
    net.stats.count(routeOf(reply.request), Buffer.byteLength(json), 0);
    return reply.code(status).type('application/json; charset=utf-8').send(json);
  }

  /** The peer of the request's live session, or a 401 `P2P_NO_SESSION` answered. */
  function livePeer(request: FastifyRequest, reply: FastifyReply): Peer | undefined {
    const peer = sessionPeer(request);
    if (peer === undefined) refuse(reply, P2PErrorCode.NO_SESSION, 'no live session: handshake first');
    else peer.lastSeen = Date.now();
    return peer;
  }

  app.post(
    '/p2p/handshake',
    {
      logLevel: 'warn',
      schema: {
        ...TAG,
        summary:
          "Handshake step 1: both hellos (network, genesis, node key, URL, best chain), nonces, the responder's signature and a session token",
      },
    },
    async (request, reply) => {
      if (!admit(request, reply)) return reply;
      try {
        return sendJson(reply, JSON.stringify(net.peers.beginInbound(request.body, request.ip)));
      } catch (error) {
        if (!(error instanceof PeerError)) throw error;
        return refuseWith(reply, error);
      }
    },
  );

  app.post(
    '/p2p/handshake/confirm',
    {
      logLevel: 'warn',
      schema: {
        ...TAG,
        summary:
          "Handshake step 2: the initiator signs the responder's nonce; its URL is checked by connecting back; it takes an inbound slot",
      },
    },
    async (request, reply) => {
      if (!admit(request, reply)) return reply;
      try {
        const answer = await net.peers.confirmInbound(sessionOf(request.headers.authorization), request.body);
        return sendJson(reply, JSON.stringify(answer));
      } catch (error) {
        if (!(error instanceof PeerError)) throw error;
        return refuseWith(reply, error);
      }
    },
  );

  app.get(
    '/p2p/identify',
    {
      logLevel: 'warn',
      schema: {
        ...TAG,
        summary: "Proves this node's key at its URL: a signature over the caller's nonce (no slot needed)",
        querystring: Type.Object({ challenge: Type.String() }),
      },
    },
    async (request, reply) => {
      if (!admit(request, reply)) return reply;
      const challenge = request.query.challenge;
      if (!isHex32(challenge)) {
        return refuse(reply, P2PErrorCode.BAD_MESSAGE, 'challenge must be 32 bytes of lowercase hex');
      }
      return sendJson(reply, JSON.stringify(net.identify(challenge)));
    },
  );

  app.post(
    '/p2p/ping',
    { logLevel: 'warn', schema: { ...TAG, summary: 'Keep-alive on a session: answers the best tip' } },
    async (request, reply) => {
      if (!admit(request, reply)) return reply;
      const peer = sessionPeer(request);
      if (peer === undefined)
        return refuse(reply, P2PErrorCode.NO_SESSION, 'no live session: handshake first');
      peer.lastSeen = Date.now();
      return sendJson(reply, JSON.stringify({ tip: net.peers.tipInfo() }));
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
      const parsed = parseIds(request.query.ids);
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
      const peer = sessionPeer(request);
      if (peer === undefined) {
        return refuse(reply, P2PErrorCode.NO_SESSION, 'announce on a live session: handshake first');
      }
      peer.lastSeen = Date.now();
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
    '/p2p/compact',
    {
      logLevel: 'warn',
      schema: {
        ...TAG,
        summary: 'A stored block as its header and the short ids of its posts (compact relay, §11.8)',
        querystring: Type.Object({ hash: Type.String() }),
      },
    },
    async (request, reply) => {
      if (!admit(request, reply) || livePeer(request, reply) === undefined) return reply;
      const hash = request.query.hash;
      if (!isHex32(hash)) return refuse(reply, P2PErrorCode.BAD_MESSAGE, 'hash must be a block hash');
      const compact = net.relay.compactOf(hash);
      if (compact === undefined) return refuse(reply, NodeErrorCode.NOT_FOUND, 'no such block stored here');
      return sendJson(reply, JSON.stringify(compact));
    },
  );

  app.post(
    '/p2p/cmpctblock',
    {
      logLevel: 'warn',
      schema: {
        ...TAG,
        summary: 'A new block pushed as its header and short ids (high-bandwidth compact relay, §11.8)',
      },
    },
    async (request, reply) => {
      if (!admit(request, reply)) return reply;
      const peer = livePeer(request, reply);
      if (peer === undefined) return reply;
      const parsed = parseCompactPush(request.body, chain.params.maxBlockPosts);
      if (!parsed.ok) {
        net.peers.misbehaved(peer.url, P2PErrorCode.BAD_MESSAGE, `cmpctblock: ${parsed.message}`);
        return refuse(reply, P2PErrorCode.BAD_MESSAGE, parsed.message);
      }
      net.gossip.receiveCompact(peer, parsed.value);
      return sendJson(reply, '{}', 202);
    },
  );

  app.post(
    '/p2p/blocktxn',
    {
      logLevel: 'warn',
      schema: {
        ...TAG,
        summary: 'The posts of a stored block at the positions asked, in that order (compact relay, §11.8)',
      },
    },
    async (request, reply) => {
      if (!admit(request, reply) || livePeer(request, reply) === undefined) return reply;
      const parsed = parseBlockPostsRequest(request.body, chain.params.maxBlockPosts);
      if (!parsed.ok) return refuse(reply, P2PErrorCode.BAD_MESSAGE, parsed.message);
      const posts = net.relay.postsAt(parsed.value.hash, parsed.value.indexes);
      if (posts === undefined) {
        return refuse(
          reply,
          NodeErrorCode.NOT_FOUND,
          'no such block stored here, or a position past its end',
        );
      }
      return sendJson(reply, JSON.stringify({ posts }));
    },
  );

  app.get(
    '/p2p/pending',
    {
      logLevel: 'warn',
      schema: {
        ...TAG,
        summary: 'One page of pending post ids in arrival order (mempool sync, §11.8)',
        querystring: Type.Object({ after: Type.Optional(Type.String()) }),
      },
    },
    async (request, reply) => {
      if (!admit(request, reply) || livePeer(request, reply) === undefined) return reply;
      const after = parsePendingCursor(request.query.after);
      if (!after.ok) return refuse(reply, P2PErrorCode.BAD_MESSAGE, after.message);
      const rows = net.pending.page(LIMITS.pendingPerPage, after.value);
      const next = rows.length === LIMITS.pendingPerPage ? rows[rows.length - 1]!.seq : null;
      return sendJson(reply, JSON.stringify({ ids: rows.map((row) => row.id), next }));
    },
  );

  app.get(
    '/p2p/addr',
    {
      logLevel: 'warn',
      schema: { ...TAG, summary: 'Up to 100 peer addresses this node has connected to (no slot needed)' },
    },
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
