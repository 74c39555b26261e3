import type { NetworkParams } from '../../core/params.ts';
import type { Chain } from '../chain/chain.ts';
import type { Mempool } from '../mempool.ts';
import type { MiningController } from '../miner/controller.ts';
import type { MinerPool } from '../miner/pool.ts';
import type { Network } from '../p2p/network.ts';
import type { SocialQueries } from '../social/queries.ts';
import type { PeerStore } from '../store/peers.ts';
import type { ChainQueries } from '../store/queries.ts';
import type { StoreReader } from '../store/store.ts';
import type { EventHub } from './events.ts';

/** What the HTTP API needs from the node: the composition root (src/node/node.ts) provides it. */
export interface ApiContext {
  readonly params: NetworkParams;
  readonly chain: Chain;
  readonly mempool: Mempool;
  readonly queries: ChainQueries;
  /** The social index's read side (docs/PROTOCOL.md §13). */
  readonly social: SocialQueries;
  /** Read-only stores, for serving blocks and posts to peers (never through the chain). */
  readonly store: StoreReader;
  readonly miner: MiningController;
  readonly minerPool: MinerPool;
  readonly peers: PeerStore;
  /** The peer network: handshakes, gossip, sync (src/node/p2p). */
  readonly network: Network;
  readonly events: EventHub;
  /** Token that authorises admin actions from non-loopback clients. */
  readonly adminToken: string;
  readonly version: string;
  readonly startedAt: number;
  /** Counters for /metrics. */
  readonly counters: { postsAccepted: number; blocksMined: number; blocksRejected: number };
}
