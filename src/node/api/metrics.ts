import type { FastifyInstance } from 'fastify';
import type { ApiContext } from './context.ts';

/** GET /metrics in the Prometheus text exposition format (version 0.0.4). */
export function registerMetrics(app: FastifyInstance, ctx: ApiContext): void {
  app.get(
    '/metrics',
    { schema: { tags: ['ops'], summary: 'Prometheus metrics' } },
    async (_request, reply) => {
      const pending = ctx.mempool.size;
      const memory = process.memoryUsage();
      const lines: [string, string, string, number][] = [
        ['yournet_chain_height', 'gauge', 'Height of the best chain tip', ctx.chain.tip.height],
        ['yournet_pending_posts', 'gauge', 'Posts in the pending pool', pending.count],
        ['yournet_pending_bytes', 'gauge', 'Bytes of the posts in the pending pool', pending.bytes],
        ['yournet_peers', 'gauge', 'Known peers', ctx.peers.count()],
        [
          'yournet_miner_hashrate',
          'gauge',
          'Hashes per second of all miner workers',
          ctx.minerPool.hashRate(),
        ],
        ['yournet_miner_hashes_total', 'counter', 'Hashes computed since start', ctx.minerPool.totalHashes],
        [
          'yournet_posts_accepted_total',
          'counter',
          'Posts accepted into the pool',
          ctx.counters.postsAccepted,
        ],
        ['yournet_posts_rejected_total', 'counter', 'Posts refused', ctx.mempool.rejectedCount],
        ['yournet_blocks_mined_total', 'counter', 'Blocks mined by this node', ctx.counters.blocksMined],
        ['yournet_blocks_rejected_total', 'counter', 'Blocks refused', ctx.counters.blocksRejected],
        ['yournet_event_streams', 'gauge', 'Open server-sent event streams', ctx.events.clientCount],
        ['process_resident_memory_bytes', 'gauge', 'Resident memory', memory.rss],
      ];
      const body = lines
        .map(
          ([name, type, help, value]) => `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${name} ${value}\n`,
        )
        .join('');
      return reply.type('text/plain; version=0.0.4; charset=utf-8').send(body);
    },
  );
}
