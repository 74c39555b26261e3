import type { FastifyInstance } from 'fastify';
import { registerPeerRoutes } from '../p2p/serve.ts';
import type { ApiContext } from './context.ts';

/**
 * The peer protocol's routes now live with the peer layer (src/node/p2p/serve.ts); this shim
 * keeps server.ts's import until it mounts `registerPeerRoutes(app, ctx.network)` itself.
 */
export function registerP2PRoutes(app: FastifyInstance, ctx: ApiContext): void {
  registerPeerRoutes(app, ctx.network);
}
