import cors, { type FastifyCorsOptions } from '@fastify/cors';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { NodeError, NodeErrorCode } from '../errors.ts';
import { refusedToOtherOrigins } from './rate-limits.ts';

const OPTIONS: FastifyCorsOptions = {
  credentials: false,
  methods: ['GET', 'HEAD', 'POST', 'OPTIONS'],
  allowedHeaders: ['content-type', 'authorization', 'accept', 'last-event-id'],
  maxAge: 600,
};

/** The path of a request, without its query. */
function pathOf(request: FastifyRequest): string {
  const query = request.url.indexOf('?');
  return query === -1 ? request.url : request.url.slice(0, query);
}

/**
 * Cross-origin access for the standalone web app (`yournet app` on port 5000 calling a node on
 * 8000 from the browser), through @fastify/cors: a request that names an Origin gets
 * `Access-Control-Allow-Origin: *` without credentials (the node's data is public and the app
 * sends no cookies); preflights are answered 204 before routing. Routes that pages of other
 * origins may not use (admin actions, register_node, the peer protocol: see
 * `refusedToOtherOrigins`) get no CORS headers at all, so their preflights fail in the browser;
 * the server refuses such requests anyway (server.ts). The event stream copies these headers into
 * the head it writes itself (events.ts).
 */
export function registerCors(app: FastifyInstance) {
  // @fastify/cors answers an OPTIONS with an Origin but no Access-Control-Request-Method with a
  // plain-text 400; every refusal of this node is JSON, so this one is refused first, the same way.
  app.addHook('onRequest', async (request) => {
    if (
      request.method === 'OPTIONS' &&
      request.headers.origin !== undefined &&
      request.headers['access-control-request-method'] === undefined
    ) {
      throw new NodeError(
        NodeErrorCode.BAD_REQUEST,
        'a CORS preflight (OPTIONS with an Origin) needs Access-Control-Request-Method',
      );
    }
  });
  return app.register(cors, {
    hook: 'onRequest',
    delegator: (request, callback) => {
      const method = request.headers['access-control-request-method'] ?? request.method;
      const refused =
        request.headers.origin === undefined ||
        refusedToOtherOrigins(String(method).toUpperCase(), pathOf(request));
      // Same-origin requests (no Origin header) get no CORS headers at all.
      callback(null, { ...OPTIONS, origin: refused ? false : '*' });
    },
  });
}
