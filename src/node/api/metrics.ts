import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { ApiContext } from './context.ts';

/** Buckets of the request-latency histogram, in seconds: a page read takes milliseconds, mining minutes. */
const LATENCY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60];

type Read = (ctx: ApiContext) => number;

/** The node's own metrics, read from its state at each scrape (names are public: dashboards, bench/). */
const GAUGES: readonly [name: string, help: string, read: Read][] = [
  ['yournet_chain_height', 'Height of the best chain tip', (ctx) => ctx.chain.tip.height],
  ['yournet_pending_posts', 'Posts in the pending pool', (ctx) => ctx.mempool.size.count],
  ['yournet_pending_bytes', 'Bytes of the posts in the pending pool', (ctx) => ctx.mempool.size.bytes],
  // Connected peers by direction, and the addresses known (the table discovery draws from).
  ['yournet_peers_inbound', 'Connected inbound peers', (ctx) => ctx.network.peerCounts().inbound],
  ['yournet_peers_outbound', 'Connected outbound peers', (ctx) => ctx.network.peerCounts().outbound],
  ['yournet_peer_addresses', 'Known peer addresses', (ctx) => ctx.network.peerCounts().known],
  ['yournet_miner_hashrate', 'Hashes per second of all miner workers', (ctx) => ctx.minerPool.hashRate()],
  ['yournet_event_streams', 'Open server-sent event streams', (ctx) => ctx.events.clientCount],
];

const COUNTERS: readonly [name: string, help: string, read: Read][] = [
  ['yournet_miner_hashes_total', 'Hashes computed since start', (ctx) => ctx.minerPool.totalHashes],
  ['yournet_posts_accepted_total', 'Posts accepted into the pool', (ctx) => ctx.counters.postsAccepted],
  ['yournet_posts_rejected_total', 'Posts refused', (ctx) => ctx.mempool.rejectedCount],
  ['yournet_blocks_mined_total', 'Blocks mined by this node', (ctx) => ctx.counters.blocksMined],
  ['yournet_blocks_rejected_total', 'Blocks refused', (ctx) => ctx.counters.blocksRejected],
];

/**
 * The metrics registry of one node: its own gauges and counters, prom-client's process and
 * Node.js metrics (CPU, memory, event-loop lag, GC) and the latency of HTTP requests. One
 * registry per node, never prom-client's global one, so that several nodes in one process
 * (the tests) keep their figures apart.
 */
export function nodeMetrics(ctx: ApiContext): { registry: Registry; requestSeconds: Histogram<string> } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  for (const [name, help, read] of GAUGES) {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read(ctx));
      },
    });
  }
  for (const [name, help, read] of COUNTERS) {
    // The totals are kept by the node's parts; the counter reports them as they are at scrape time.
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(read(ctx));
      },
    });
  }
  const requestSeconds = new Histogram({
    name: 'yournet_http_request_duration_seconds',
    help: 'Time from receiving an HTTP request to sending its answer',
    labelNames: ['method', 'route', 'status_code'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  return { registry, requestSeconds };
}

/**
 * GET /metrics in the Prometheus text exposition format (version 0.0.4), and the hook that
 * times every answered request (the event stream, which never ends, is not timed).
 */
export function registerMetrics(app: FastifyInstance, ctx: ApiContext): void {
  const { registry, requestSeconds } = nodeMetrics(ctx);
  // A callback hook, not an async one: no promise per request on the hot path.
  app.addHook('onResponse', (request, reply, done) => {
    requestSeconds.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status_code: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
    done();
  });
  app.get(
    '/metrics',
    { schema: { tags: ['ops'], summary: 'Prometheus metrics (text exposition format 0.0.4)' } },
    async (_request, reply) => {
      const body = await registry.metrics();
      return reply.type(registry.contentType).send(body);
    },
  );
}
