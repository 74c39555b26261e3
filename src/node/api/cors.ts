import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';

/**
 * Cross-origin access for the standalone web app (`yournet app` on port 5000 calling a node on
 * 8000 from the browser), through @fastify/cors: a request that names an Origin gets
 * `Access-Control-Allow-Origin: *` without credentials (the node's data is public and the app
 * sends no cookies); preflights are answered 204 before routing. The event stream copies these
 * headers into the head it writes itself (events.ts). Admin actions keep their own check
 * (loopback or the admin token), which CORS does not change.
 */
export function registerCors(app: FastifyInstance) {
  return app.register(cors, {
    // Same-origin requests (no Origin header) get no CORS headers at all.
    origin: (origin, callback) => callback(null, origin === undefined ? false : '*'),
    credentials: false,
    methods: ['GET', 'HEAD', 'POST', 'OPTIONS'],
    allowedHeaders: ['content-type', 'authorization', 'accept', 'last-event-id'],
    maxAge: 600,
    hook: 'onRequest',
  });
}
