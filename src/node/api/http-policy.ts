import type { AdminPolicy } from './admin.ts';
import type { ChainJsonCache } from './chain-cache.ts';
import type { MineRequestPolicy, MineRequests } from './mine-policy.ts';
import type { RateLimitOptions } from './rate-limits.ts';

/** The operator's HTTP settings (CLI flags `--trust-proxy`, `--mine-requests`, `--rate-limit-scale`). */
export interface HttpOptions {
  /** Behind a reverse proxy: request.ip from X-Forwarded-For, and admin needs the token even from loopback. */
  readonly trustProxy?: boolean;
  /** Who may ask the node to mine now; default `open` (rate-limited per address). */
  readonly mineRequests?: MineRequestPolicy;
  /** Per-address budgets per route class. */
  readonly rateLimit?: RateLimitOptions;
}

/** What the routes consult besides the node itself: built once per server (server.ts). */
export interface HttpPolicy {
  readonly admin: AdminPolicy;
  readonly mine: MineRequests;
  /** The JSON of the best chain's blocks, shared by every /chain answer. */
  readonly chainCache: ChainJsonCache;
}
