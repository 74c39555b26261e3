import swagger from '@fastify/swagger';
import { Ajv } from 'ajv';
import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from 'fastify';
import {
  BlockEvent,
  EvictedEvent,
  NotificationEvent,
  PostEvent,
  ReorgEvent,
} from '../../core/api/schemas.ts';
import { NodeErrorCode } from '../errors.ts';
import { refuseCrossOrigin } from './admin.ts';
import { ChainJsonCache } from './chain-cache.ts';
import type { ApiContext } from './context.ts';
import { registerCors } from './cors.ts';
import { errorHandler, sendError } from './errors.ts';
import { forwardNodeEvents } from './events.ts';
import type { HttpOptions, HttpPolicy } from './http-policy.ts';
import { registerMetrics } from './metrics.ts';
import { MineRequests } from './mine-policy.ts';
import { registerP2PRoutes } from './p2p.ts';
import { budgets, refusedToOtherOrigins, registerRateLimits } from './rate-limits.ts';
import { registerSocialRoutes } from './social.ts';
import { registerTutorialRoutes } from './tutorial.ts';
import { registerV1Routes } from './v1.ts';
import { sendAppNotFound } from './webapp.ts';

/** Default body limit; /add_block raises its own for whole blocks. A 10 kB post stays far below. */
const BODY_LIMIT = 256 * 1024;

export interface ServerOptions {
  readonly logger?: FastifyServerOptions['logger'];
  /** Log every request (two lines each); off by default so a busy node's log stays readable. */
  readonly logRequests?: boolean;
  /** Extra routes (the web app) registered after the API. */
  readonly extra?: (app: FastifyInstance) => Promise<void> | void;
  /** Proxy trust, rate limits, mining requests. */
  readonly http?: HttpOptions;
}

/**
 * Query strings and path parameters are validated by their JSON schemas with type coercion
 * (`?limit=20` is a string on the wire). Bodies are NOT coerced or stripped: a post's bytes
 * define its id, so handlers validate bodies with src/core, which answers the protocol's
 * precise error codes; the body schemas document the format in OpenAPI.
 */
function validatorCompiler() {
  const ajv = new Ajv({
    coerceTypes: true,
    useDefaults: true,
    removeAdditional: false,
    allErrors: false,
    strict: false,
  });
  return ({ schema, httpPart }: { schema: object; httpPart?: string }) => {
    if (httpPart === 'body') return () => true;
    return ajv.compile(schema);
  };
}

/** The node's HTTP server: the tutorial's endpoints, /api/v1, /metrics and OpenAPI at /api/docs. */
export async function buildServer(ctx: ApiContext, options: ServerOptions = {}): Promise<FastifyInstance> {
  const http = options.http ?? {};
  const admin = { adminToken: ctx.adminToken, trustProxy: http.trustProxy ?? false };
  const policy: HttpPolicy = {
    admin,
    mine: new MineRequests(http.mineRequests ?? 'open', admin),
    chainCache: new ChainJsonCache({
      bestHashAt: (height) => ctx.chain.bestHashAt(height),
      chainPage: (start, limit) => ctx.queries.chainPage(start, limit),
    }),
  };
  const app = Fastify({
    // Only behind a proxy: otherwise X-Forwarded-For is a header anyone can write.
    trustProxy: admin.trustProxy,
    logger: options.logger ?? false,
    // The logController form: the top-level disableRequestLogging is deprecated (FSTDEP023).
    logController: new LogController({ disableRequestLogging: !options.logRequests }),
    bodyLimit: BODY_LIMIT,
    return503OnClosing: true,
    forceCloseConnections: true,
    connectionTimeout: 60_000,
    requestTimeout: 120_000,
    // Above the peers' 30 s mempool-sync tick and idle ping: undici keeps a connection as long
    // as the server's Keep-Alive hint says, so a peer link stays warm and a block does not pay a
    // new TCP (and latency) handshake after a quiet spell. Below connectionTimeout (60 s), which
    // would otherwise close an idle socket the client still believes open.
    keepAliveTimeout: 50_000,
  });
  app.setValidatorCompiler(validatorCompiler());
  app.setErrorHandler(errorHandler);
  // Every answer, errors and the event stream included, is what its Content-Type says.
  app.addHook('onSend', (_request, reply, payload, done) => {
    reply.header('x-content-type-options', 'nosniff');
    done(null, payload);
  });
  await registerCors(app);
  await registerRateLimits(app, http.rateLimit);
  // Unknown paths are reads too: a flood of 404s meets the same budget.
  app.setNotFoundHandler(
    { preHandler: app.rateLimit({ max: budgets(http.rateLimit).read }) },
    async (request, reply) => {
      // A browser's page load gets the app's own "page not found"; API clients get JSON.
      if (await sendAppNotFound(app, request, reply)) return reply;
      return sendError(
        reply,
        NodeErrorCode.NOT_FOUND,
        `no route ${request.method} ${request.url.slice(0, 200)}`,
      );
    },
  );
  // Pages of other origins may post and read; admin actions, register_node and /p2p are not theirs.
  app.addHook('onRequest', (request, _reply, done) => {
    const url = request.routeOptions.url;
    try {
      if (url !== undefined && refusedToOtherOrigins(request.method, url)) {
        refuseCrossOrigin(request, `${request.method} ${url}`);
      }
    } catch (error) {
      done(error as Error);
      return;
    }
    done();
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'YourNet node API',
        version: ctx.version,
        description:
          "The tutorial's endpoints (tag `tutorial`) and the versioned API (tag `v1`). Errors are JSON `{error, message}`.",
      },
      tags: [
        { name: 'tutorial', description: "The tutorial node's endpoints, wire-compatible" },
        { name: 'v1', description: 'The versioned API' },
        {
          name: 'social',
          description: 'People, follows, timelines, notifications, names (docs/PROTOCOL.md §13)',
        },
        { name: 'ops', description: 'Operations' },
        { name: 'p2p', description: 'The peer protocol between nodes (docs/PROTOCOL.md §11)' },
      ],
      // The payloads of the server-sent events (GET /api/v1/events), which no route answer carries.
      // (Plain JSON Schema objects: the OpenAPI typings know no TypeBox kinds such as Unsafe.)
      components: {
        schemas: { PostEvent, BlockEvent, ReorgEvent, EvictedEvent, NotificationEvent } as Record<
          string,
          object
        >,
      },
    },
  });

  registerMetrics(app, ctx);
  registerTutorialRoutes(app, ctx, policy);
  registerV1Routes(app, ctx, policy);
  registerSocialRoutes(app, ctx);
  registerP2PRoutes(app, ctx, policy);
  forwardNodeEvents(ctx.events, ctx);
  app.get('/api/docs', { schema: { hide: true } }, async () => app.swagger());
  app.get('/api/docs/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await options.extra?.(app);
  return app;
}
