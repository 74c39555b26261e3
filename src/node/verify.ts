import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { validateBlockStateless } from '../core/block.ts';
import { type ParentContext, validateBodyContext, validateHeaderContext } from '../core/contextual.ts';
import { NETWORKS, type NetworkName } from '../core/params.ts';
import { Chain } from './chain/chain.ts';
import { nodeCrypto } from './crypto-node.ts';
import { Mempool } from './mempool.ts';
import { Store } from './store/store.ts';

export interface VerifyReport {
  readonly network: NetworkName;
  readonly height: number;
  readonly checked: number;
  readonly posts: number;
  readonly firstBad?: {
    readonly height: number;
    readonly hash: string;
    readonly code: string;
    readonly message: string;
  };
}

/** Reads which network a data directory belongs to, without changing it. */
export function dataDirNetwork(dataDir: string): NetworkName {
  const file = join(dataDir, 'yournet.sqlite');
  if (!existsSync(file)) throw new Error(`no YourNet data in ${dataDir}`);
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'network'").get();
    if (row === undefined || !(row.value in NETWORKS)) throw new Error(`${file} is not a YourNet database`);
    return row.value as NetworkName;
  } finally {
    db.close();
  }
}

/**
 * Re-validates the whole best chain of a data directory from the genesis, every rule
 * included (signatures are verified again), and reports the first bad block.
 */
export function verifyDataDir(
  dataDir: string,
  onProgress?: (height: number, tip: number) => void,
): VerifyReport {
  const network = dataDirNetwork(dataDir);
  const params = NETWORKS[network];
  // No maintenance: a short-lived reader keeps SQLite's automatic checkpoints.
  const store = Store.open({ dataDir, params });
  try {
    const pool = new Mempool(store, params, nodeCrypto);
    const chain = new Chain({ store, pool, params, crypto: nodeCrypto });
    const tip = chain.tip.height;
    const genesis = chain.blockAt(0);
    if (genesis?.hash !== params.genesisHash) {
      return {
        network,
        height: tip,
        checked: 0,
        posts: 0,
        firstBad: {
          height: 0,
          hash: genesis?.hash ?? '',
          code: 'BLOCK_BAD_GENESIS',
          message: 'genesis differs from the pinned one',
        },
      };
    }
    const confirmed = new Set<string>();
    const timestamps: number[] = [params.genesis.timestamp];
    let parent = { ...params.genesis };
    let posts = 0;
    const now = Date.now() / 1000;
    for (let height = 1; height <= tip; height++) {
      const block = chain.blockAt(height);
      const bad = (code: string, message: string): VerifyReport => ({
        network,
        height: tip,
        checked: height - 1,
        posts,
        firstBad: { height, hash: block?.hash ?? '', code, message },
      });
      if (block === undefined) return bad('MISSING_BLOCK', `no block stored at height ${height}`);
      const stateless = validateBlockStateless(block, params, nodeCrypto);
      if (!stateless.ok) return bad(stateless.code, stateless.message);
      const context: ParentContext = { parent, recentTimestamps: timestamps.slice(-params.medianTimeSpan) };
      const header = validateHeaderContext(block, context, params, now);
      if (!header.ok) return bad(header.code, header.message);
      const body = validateBodyContext(block, stateless.value.ids, params, (id) => confirmed.has(id));
      if (!body.ok) return bad(body.code, body.message);
      for (const id of stateless.value.ids) confirmed.add(id);
      posts += block.transactions.length;
      timestamps.push(block.timestamp);
      if (timestamps.length > params.medianTimeSpan) timestamps.shift();
      parent = block;
      if (height % 1000 === 0) onProgress?.(height, tip);
    }
    return { network, height: tip, checked: tip, posts };
  } finally {
    store.close();
  }
}
