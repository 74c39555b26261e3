import { isIP } from 'node:net';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { MINE_REQUEST_POLICIES } from '../../node/api/mine-policy.ts';
import { YourNetNode } from '../../node/node.ts';
import { collect, port, positive } from '../options.ts';
import { packageVersion } from '../version.ts';

/** A finite number > 0 (the rate-limit scale). */
function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number > 0');
  return n;
}

/** A literal IPv4 or IPv6 address (the source of outbound peer connections). */
function ipAddress(value: string): string {
  if (isIP(value) === 0) {
    throw new InvalidArgumentError('expected an IPv4 or IPv6 address of this host, e.g. 127.0.1.5');
  }
  return value;
}

/** `yournet node`: runs a node until SIGINT/SIGTERM. */
export function registerNodeCommand(program: Command): void {
  program
    .command('node')
    .description('run a YourNet node')
    .option('--port <port>', 'HTTP port', port, 8000)
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--data <dir>', 'data directory', './data')
    .addOption(new Option('--network <name>', 'network').choices(['main', 'regtest']).default('main'))
    .option('--mine', 'mine continuously while posts are pending', false)
    .option('--workers <n>', 'miner worker threads (default: every core, at the lowest priority)', positive)
    .option('--peer <url>', 'a peer to connect to (repeatable)', collect, [])
    .option('--public-url <url>', 'the URL peers reach this node at (default: http://host:port)')
    .option(
      '--outbound-address <ip>',
      'local IP that outbound peer connections leave from (default: the system picks)',
      ipAddress,
    )
    .option('--seed <url>', "a seed node, replacing the network's seed list (repeatable)", collect)
    .option('--max-inbound <n>', 'most peers connected to this node (full slots evict)', positive, 16)
    .option('--max-outbound <n>', 'most peers this node connects to', positive, 8)
    .addOption(new Option('--max-peers <n>', 'deprecated: --max-inbound').argParser(positive).hideHelp())
    .option(
      '--allow-private-peers',
      'allow loopback, private and link-local peers (always on regtest)',
      false,
    )
    .option('--sync-interval <seconds>', 'seconds between periodic syncs and reconnections', positive, 30)
    .option('--no-unsigned', 'refuse unsigned posts')
    .option('--max-pending <n>', 'most posts in the pending pool', positive)
    .addOption(
      new Option('--sync <mode>', 'SQLite durability: normal survives a crash, full also power loss')
        .choices(['normal', 'full'])
        .default('normal'),
    )
    // HTTP policy (api/policy.ts): proxy trust, mining requests, per-address rate limits
    .option(
      '--trust-proxy',
      'behind a reverse proxy: client address from X-Forwarded-For; admin needs the token',
      false,
    )
    .addOption(
      new Option(
        '--mine-requests <policy>',
        'who may ask the node to mine now: open (1 per address per 10 s), token, off',
      )
        .choices(MINE_REQUEST_POLICIES)
        .default('open'),
    )
    .option(
      '--rate-limit-scale <x>',
      'multiply every per-address rate limit (e.g. 10 for benches)',
      positiveNumber,
      1,
    )
    .addOption(
      new Option('--log-level <level>', 'log level')
        .choices(['fatal', 'error', 'warn', 'info', 'debug', 'silent'])
        .default('info'),
    )
    .action(async (options) => {
      const node = await YourNetNode.start({
        dataDir: options.data,
        network: options.network,
        host: options.host,
        port: options.port,
        mine: options.mine,
        ...(options.workers !== undefined ? { workers: options.workers } : {}),
        peers: options.peer,
        ...(options.seed !== undefined ? { seeds: options.seed } : {}),
        ...(options.publicUrl !== undefined ? { publicUrl: options.publicUrl } : {}),
        p2p: {
          maxInbound: options.maxPeers ?? options.maxInbound,
          maxOutbound: options.maxOutbound,
          allowPrivatePeers: options.allowPrivatePeers,
          syncIntervalMs: options.syncInterval * 1000,
          ...(options.outboundAddress !== undefined ? { outboundAddress: options.outboundAddress } : {}),
        },
        acceptUnsigned: options.unsigned,
        ...(options.maxPending !== undefined ? { maxPendingCount: options.maxPending } : {}),
        synchronous: options.sync,
        logLevel: options.logLevel,
        http: {
          trustProxy: options.trustProxy,
          mineRequests: options.mineRequests,
          rateLimit: { scale: options.rateLimitScale },
        },
        version: packageVersion(),
      });
      let signals = 0;
      const shutdown = (signal: string) => {
        signals++;
        if (signals > 1) process.exit(130);
        node.server.log.info(`${signal}: shutting down`);
        node.stop().then(
          () => process.exit(0),
          (error: unknown) => {
            console.error(error);
            process.exit(1);
          },
        );
      };
      process.on('SIGINT', () => shutdown('SIGINT'));
      process.on('SIGTERM', () => shutdown('SIGTERM'));
    });
}
