import type { FastifyInstance } from 'fastify';
import { registerPeerRoutes } from '../p2p/serve.ts';
import { isAdmin } from './admin.ts';
import type { ApiContext } from './context.ts';
import type { HttpPolicy } from './http-policy.ts';

/**
 * The peer protocol's routes live with the peer layer (src/node/p2p/serve.ts); the API tells
 * them who the operator is, so /p2p/status shows peer details only to the operator.
 */
export function registerP2PRoutes(app: FastifyInstance, ctx: ApiContext, policy: HttpPolicy): void {
  registerPeerRoutes(app, ctx.network, { isOperator: (request) => isAdmin(request, policy.admin) });
}
