import type { FastifyInstance } from 'fastify';
import { NETWORKS, type NetworkName, type NetworkParams } from '../core/params.ts';
import { loadAdminToken } from './admin-token.ts';
import type { ApiContext } from './api/context.ts';
import { EventHub } from './api/events.ts';
import type { HttpOptions } from './api/http-policy.ts';
import { buildServer } from './api/server.ts';
import { nodePageKey, registerWebApp } from './api/webapp.ts';
import { CatchUpHeap } from './catch-up-heap.ts';
import { Chain } from './chain/chain.ts';
import { ed25519FastPathError, nodeCrypto } from './crypto-node.ts';
import { Mempool } from './mempool.ts';
import { MiningController } from './miner/controller.ts';
import { MinerPool } from './miner/pool.ts';
import { normalizePeerAddress } from './p2p/address.ts';
import { NodeIdentity } from './p2p/identity.ts';
import { Network, type NetworkConfig } from './p2p/network.ts';
import { SocialQueries } from './social/queries.ts';
import { ChainQueries } from './store/queries.ts';
import { Store } from './store/store.ts';
import { SignatureVerifierPool } from './verifier/pool.ts';

export interface NodeConfig {
  readonly dataDir: string;
  readonly network: NetworkName;
  readonly host: string;
  readonly port: number;
  /** Mine continuously while posts are pending. */
  readonly mine: boolean;
  /** Miner worker threads; default cores − 1 (at least 1). */
  readonly workers?: number;
  readonly peers: readonly string[];
  /** Seed nodes dialed when the node knows no peer; default: the network's seeds (params.ts). */
  readonly seeds?: readonly string[];
  readonly acceptUnsigned: boolean;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'silent';
  readonly maxPendingCount?: number;
  readonly maxPendingBytes?: number;
  /**
   * Test only, regtest only: the consensus stamp floor (params.minStampWork) instead of 0, for
   * flood tests; also from the environment variable YOURNET_REGTEST_STAMP_FLOOR.
   */
  readonly stampFloor?: number;
  readonly synchronous?: 'normal' | 'full';
  readonly version: string;
  /** The URL this node announces to peers; default http://host:port after listening. */
  readonly publicUrl?: string;
  /** Peer-network settings (max peers, discouragement time, sync interval, …). */
  readonly p2p?: NetworkConfig;
  /** HTTP policy: --trust-proxy, --mine-requests, rate-limit budgets (api/policy.ts). */
  readonly http?: HttpOptions;
  /** Routes served by the same server instead of the web app (default: registerWebApp keyed by nodePageKey). */
  readonly extraRoutes?: (app: FastifyInstance, context: ApiContext) => Promise<void> | void;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '']);

/** The URL peers reach this node at, from --host and the port actually bound (port 0 included). */
function announcedUrl(host: string, server: FastifyInstance): string {
  const bound = server.server.address();
  const port = typeof bound === 'object' && bound !== null ? bound.port : 0;
  const name = WILDCARD_HOSTS.has(host) ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${name}:${port}`;
}

/** The composition root: wires storage, chain, pool, miner and API into one running node. */
export class YourNetNode {
  private stopping: Promise<void> | undefined;

  private constructor(
    readonly config: NodeConfig,
    readonly params: NetworkParams,
    readonly store: Store,
    readonly context: ApiContext,
    readonly server: FastifyInstance,
    readonly url: string,
    private readonly verifier: SignatureVerifierPool,
    private readonly heap: CatchUpHeap,
  ) {}

  static async start(config: NodeConfig): Promise<YourNetNode> {
    const params = withStampFloor(NETWORKS[config.network], config.stampFloor);
    const store = Store.open({
      dataDir: config.dataDir,
      params,
      ...(config.synchronous ? { synchronous: config.synchronous } : {}),
    });
    // Full-text backlog and WAL checkpoints between commits, until stop() (store/maintenance.ts).
    let catchingUp = (): boolean => false; // the network's sync, once it exists (below)
    // The maintenance tick polls it: V8's heap growth is bounded while the node catches up.
    const heap = new CatchUpHeap();
    store.startMaintenance({ catchingUp: () => heap.follow(catchingUp()) });
    const verifier = new SignatureVerifierPool(nodeCrypto);
    // The pool owns the pending table; the chain moves posts in and out through it.
    const mempool = new Mempool(store, params, nodeCrypto, {
      verifier,
      acceptUnsigned: config.acceptUnsigned,
      ...(config.maxPendingCount !== undefined ? { maxCount: config.maxPendingCount } : {}),
      ...(config.maxPendingBytes !== undefined ? { maxBytes: config.maxPendingBytes } : {}),
    });
    const chain = new Chain({ store, pool: mempool, params, crypto: nodeCrypto });
    const peers = store.peers;
    for (const peer of config.peers) {
      const address = normalizePeerAddress(peer);
      if (!address.ok) throw new Error(`--peer ${peer}: ${address.message}`);
      peers.add(address.url, 'config');
    }
    // Seeds are dialed only by a node that knows no peer yet (their load stays small).
    if (peers.count() === 0) {
      for (const seed of config.seeds ?? params.seeds) {
        const address = normalizePeerAddress(seed);
        if (!address.ok) throw new Error(`--seed ${seed}: ${address.message}`);
        peers.add(address.url, 'seed');
      }
    }
    const network = new Network(
      { chain, mempool, posts: store.posts, store: peers, crypto: nodeCrypto, verifier },
      { agent: `yournet/${config.version}`, identity: NodeIdentity.load(config.dataDir), ...config.p2p },
    );
    catchingUp = () => network.sync.catchingUp;
    const events = new EventHub();
    const counters = { postsAccepted: 0, blocksMined: 0, blocksRejected: 0 };
    const minerPool = new MinerPool(config.workers !== undefined ? { workers: config.workers } : {});
    const miner = new MiningController(chain, mempool, minerPool, {
      continuous: config.mine,
      onMined: (_block, outcome) => {
        if (outcome.ok) counters.blocksMined++;
      },
    });
    const context: ApiContext = {
      params,
      chain,
      mempool,
      queries: new ChainQueries({ store, params, tip: () => chain.tip, pending: mempool }),
      social: new SocialQueries({
        db: store.database,
        network: params.name,
        crypto: nodeCrypto,
        tipHeight: () => chain.tip.height,
      }),
      store,
      miner,
      minerPool,
      peers,
      network,
      events,
      adminToken: loadAdminToken(config.dataDir),
      version: config.version,
      startedAt: Date.now(),
      counters,
    };

    // Live events are forwarded by the API itself (api/events.ts forwardNodeEvents), as typed views.
    mempool.onAdded(() => {
      counters.postsAccepted++;
    });

    const server = await buildServer(context, {
      logger: { level: config.logLevel },
      logRequests: config.logLevel === 'debug',
      ...(config.http !== undefined ? { http: config.http } : {}),
      extra: async (app) => {
        if (config.extraRoutes) await config.extraRoutes(app, context);
        else await registerWebApp(app, { pageKey: nodePageKey(context) });
      },
    });
    let address: string;
    try {
      address = await server.listen({ host: config.host, port: config.port });
    } catch (error) {
      await minerPool.close();
      await verifier.close();
      store.close();
      throw error;
    }
    const node = new YourNetNode(config, params, store, context, server, address, verifier, heap);
    network.setLogger((level, message, fields) => server.log[level](fields ?? {}, message));
    network.setSelfUrl(config.publicUrl ?? announcedUrl(config.host, server));
    if (config.publicUrl === undefined && WILDCARD_HOSTS.has(config.host)) {
      server.log.warn(
        `bound to ${config.host}: peers are told ${network.url}; set --public-url to the address they can reach`,
      );
    }
    server.log.info(
      {
        network: params.name,
        height: chain.tip.height,
        tip: chain.tip.hash,
        dataDir: config.dataDir,
        workers: minerPool.workerCount,
      },
      `YourNet node listening on ${address}`,
    );
    if (!LOOPBACK_HOSTS.has(config.host) || config.http?.trustProxy) {
      // Never the token itself: logs are shipped and shared.
      server.log.warn(
        `admin actions from ${config.http?.trustProxy ? 'any client (behind a proxy)' : 'other machines'} need "Authorization: Bearer <token>", the token in ${config.dataDir}/admin-token`,
      );
    }
    // Which proof-of-work search the miner threads run, so an operator sees a missing addon.
    void minerPool.ready().then((searching) => {
      if (searching === undefined) return;
      if (searching.fallback === undefined)
        server.log.info(`mining with the ${searching.backend} nonce search`);
      else server.log.warn(`mining with the JavaScript nonce search: ${searching.fallback}`);
    });
    if (ed25519FastPathError !== undefined)
      server.log.warn(`Ed25519 verified by OpenSSL alone, libsodium did not load: ${ed25519FastPathError}`);
    if (config.mine) miner.setContinuous(true);
    network.start();
    return node;
  }

  /** Stops mining, closes the server and the database; durability never depended on this. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.context.network.stop();
      await this.context.miner.stop();
      this.context.events.close();
      await this.server.close();
      await this.context.minerPool.close();
      await this.verifier.close();
      this.store.stopMaintenance();
      this.heap.follow(false);
      this.store.close();
    })();
    return this.stopping;
  }
}

/** Regtest with a raised stamp floor (NodeConfig.stampFloor or YOURNET_REGTEST_STAMP_FLOOR). */
function withStampFloor(params: NetworkParams, configured: number | undefined): NetworkParams {
  const fromEnv = Number(process.env.YOURNET_REGTEST_STAMP_FLOOR ?? Number.NaN);
  const floor = configured ?? (Number.isSafeInteger(fromEnv) && fromEnv > 0 ? fromEnv : undefined);
  return floor === undefined || params.name !== 'regtest' ? params : { ...params, minStampWork: floor };
}
