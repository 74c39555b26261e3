import { REGTEST } from '#core/params.ts';
import { NodeIdentity } from '#node/p2p/identity.ts';
import { PeerManager } from '#node/p2p/peer-manager.ts';
import type { PeerTransport } from '#node/p2p/transport.ts';
import type { BlockIndexEntry } from '#node/store/blocks.ts';
import { MemoryPeerBook } from './fake-transport.ts';

/** A regtest chain view at its genesis, for a peer layer that needs no chain of its own. */
export const GENESIS_TIP = { hash: REGTEST.genesisHash, height: 0, chainwork: 2n } as BlockIndexEntry;

/** A peer manager on the regtest genesis over `transport`, with an in-memory book and quiet logs. */
export function genesisPeerManager(transport: PeerTransport): PeerManager {
  return new PeerManager({
    chain: { params: REGTEST, tip: GENESIS_TIP },
    store: new MemoryPeerBook(),
    transport,
    nonce: 'ab'.repeat(16),
    selfUrl: () => undefined,
    identity: NodeIdentity.ephemeral(),
    maxOutbound: 8,
    discourageMs: 60_000,
    agent: 'test',
    log: () => undefined,
    onConnected: () => undefined,
  });
}
