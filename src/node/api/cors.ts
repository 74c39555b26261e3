import type { FastifyInstance } from 'fastify';

const ALLOW_METHODS = 'GET, HEAD, POST, OPTIONS';
const ALLOW_HEADERS = 'content-type, authorization, accept, last-event-id';

/**
 * Cross-origin access for the standalone web app (`yournet app` on port 5000 calling a node on
 * 8000 from the browser): every answer, the event stream included, allows any origin without
 * credentials (the node's data is public and the app sends no cookies); preflight requests are
 * answered 204 before routing. The header is set on the raw response so that the event stream,
 * which writes its own head, carries it too. Admin actions keep their own check (loopback or the
 * admin token), which CORS does not change.
 */
export function registerCors(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    if (request.headers.origin === undefined) return;
    reply.raw.setHeader('access-control-allow-origin', '*');
    if (request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined) {
      reply.raw.setHeader('access-control-allow-methods', ALLOW_METHODS);
      reply.raw.setHeader('access-control-allow-headers', ALLOW_HEADERS);
      reply.raw.setHeader('access-control-max-age', '600');
      return reply.code(204).send();
    }
  });
}
