import rateLimit, { type FastifyRateLimitStore } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { NodeError, NodeErrorCode } from '../errors.ts';

/** The route classes with a budget of their own (see {@link routeClass}). */
export type RouteClass = 'post' | 'read' | 'chain' | 'p2p' | 'admin' | 'register' | 'mine';

/** The window every budget is counted over. */
export const RATE_WINDOW_MS = 10_000;

/**
 * Requests per source address per {@link RATE_WINDOW_MS}, by route class. A person (or the web
 * app) never comes near these; a flood does within a second or two. Peers on one host share an
 * address, hence the room for /p2p. `--rate-limit-scale` multiplies them all.
 */
export const DEFAULT_BUDGETS: Readonly<Record<RouteClass, number>> = {
  post: 2_000,
  read: 3_000,
  /** Whole-chain and whole-pool answers: the costliest reads. */
  chain: 300,
  p2p: 2_000,
  /** register_with and other admin actions. */
  admin: 30,
  /** The tutorial's register_node: each one may make the node connect somewhere. */
  register: 30,
  /** Mining requests; non-admins also meet the mining-request policy (mine-policy.ts). */
  mine: 100,
};

const CLASS_OF_ROUTE: Readonly<Record<string, RouteClass>> = {
  'POST /new_transaction': 'post',
  'POST /api/v1/posts': 'post',
  'POST /add_block': 'post',
  'GET /chain': 'chain',
  'GET /pending_tx': 'chain',
  'GET /mine': 'mine',
  'POST /api/v1/mine': 'mine',
  'POST /register_with': 'admin',
  'POST /register_node': 'register',
  // The operator's view of the peer layer is a read like /api/v1/status, not peer traffic.
  'GET /p2p/status': 'read',
};

/** The class of a route, from its method and URL pattern; anything unlisted is a read. */
export function routeClass(method: string, url: string): RouteClass {
  const listed = CLASS_OF_ROUTE[`${method} ${url}`];
  if (listed !== undefined) return listed;
  if (url.startsWith('/p2p/')) return 'p2p';
  return 'read';
}

/**
 * Routes a browser page of another origin may not use (403, and no CORS): admin actions,
 * register_node (it makes the node connect somewhere) and the peer protocol (nodes send no
 * Origin). Posting, reading and mining requests stay open to them.
 */
export function refusedToOtherOrigins(method: string, url: string): boolean {
  const cls = routeClass(method, url);
  return cls === 'admin' || cls === 'register' || cls === 'p2p';
}

/**
 * Fixed-window counters keyed by address + class, shared by every route of a class (the plugin
 * makes one store per route; `child` hands back this one so a class has one budget). Bounded:
 * past `maxKeys` the oldest key is dropped.
 */
class ClassWindowStore implements FastifyRateLimitStore {
  private readonly windows = new Map<string, { count: number; start: number }>();
  private readonly maxKeys = 50_000;

  incr(
    key: string,
    callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
    timeWindow: number,
  ): void {
    const now = Date.now();
    let window = this.windows.get(key);
    if (window === undefined || now - window.start >= timeWindow) {
      this.windows.delete(key);
      if (this.windows.size >= this.maxKeys) this.windows.delete(this.windows.keys().next().value as string);
      window = { count: 0, start: now };
      this.windows.set(key, window);
    }
    window.count++;
    callback(null, { current: window.count, ttl: timeWindow - (now - window.start) });
  }

  child(): FastifyRateLimitStore {
    return this;
  }
}

export interface RateLimitOptions {
  /** Multiplies every budget (tests and benches raise them); default 1. */
  readonly scale?: number;
  /** Budgets replacing the defaults, per class, before scaling. */
  readonly budgets?: Partial<Record<RouteClass, number>>;
}

/** The budget of each class after overrides and scaling. */
export function budgets(options: RateLimitOptions = {}): Record<RouteClass, number> {
  const scale = options.scale ?? 1;
  const out = { ...DEFAULT_BUDGETS, ...options.budgets };
  for (const key of Object.keys(out) as RouteClass[]) out[key] = Math.max(1, Math.round(out[key] * scale));
  return out;
}

/**
 * Per-address rate limits on every route through @fastify/rate-limit: the key is the request's
 * address (`request.ip`: the socket's, or X-Forwarded-For's only with --trust-proxy; IPv6 by /64),
 * never a header the caller picks. Counted in `onRequest`, before the body is read. A refusal
 * is 429 `RATE_LIMITED` with `Retry-After` (seconds). Must be registered before the routes.
 */
export async function registerRateLimits(
  app: FastifyInstance,
  options: RateLimitOptions = {},
): Promise<void> {
  const limits = budgets(options);
  // Runs before the plugin's own onRoute hook (added below): gives each route its class's budget.
  app.addHook('onRoute', (route: RouteOptions) => {
    if (route.config && (route.config as { rateLimit?: unknown }).rateLimit === false) return;
    for (const method of [route.method].flat()) {
      if (method === 'HEAD' || method === 'OPTIONS') continue;
      const cls = routeClass(method, route.url);
      route.config = { ...route.config, rateLimit: { max: limits[cls], groupId: cls } };
      return;
    }
  });
  await app.register(rateLimit, {
    global: true,
    max: limits.read,
    timeWindow: RATE_WINDOW_MS,
    hook: 'onRequest',
    store: ClassWindowStore,
    errorResponseBuilder: (_request: FastifyRequest, context) =>
      new NodeError(
        NodeErrorCode.RATE_LIMITED,
        `too many requests from this address; retry in ${context.after}`,
      ),
  });
}
