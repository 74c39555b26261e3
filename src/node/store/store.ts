import { BlockStore } from './blocks.ts';
import { type Db, type OpenOptions, openDatabase } from './database.ts';
import { type MaintenanceOptions, StoreMaintenance } from './maintenance.ts';
import { PeerStore } from './peers.ts';
import { PendingStore } from './pending.ts';
import { PostStore } from './posts.ts';
import { SearchIndex } from './search-index.ts';

export type { OpenOptions } from './database.ts';
export { DataDirError } from './database.ts';

/** What readers of blocks need (p2p serving, locators, queries): no writes. */
export type BlockReader = Pick<
  BlockStore,
  'get' | 'has' | 'body' | 'bodyRows' | 'bestHashAt' | 'bestTip' | 'isOnBestChain' | 'bestRange'
>;

/** What readers of posts need (p2p serving, gossip): no writes. */
export type PostReader = Pick<
  PostStore,
  'byId' | 'bySeq' | 'seqOf' | 'state' | 'status' | 'isPending' | 'isConfirmed' | 'isHeld'
>;

/** The read side of a Store, for the API and p2p serving. */
export interface StoreReader {
  readonly blocks: BlockReader;
  readonly posts: PostReader;
}

/**
 * The node's storage (as Lodestar's IBeaconDb): the one owner of the SQLite database and of the
 * stores over it. Each store exists once per database, among them exactly one SearchIndex.
 * Who writes what: the Chain writes blocks, posts and confirmations; the Mempool writes the
 * pending table (and posts it admits); the peer manager writes peers. Background maintenance
 * runs only when the composition root starts it.
 */
export class Store implements StoreReader {
  readonly blocks: BlockStore;
  readonly posts: PostStore;
  /** The pending table: hand it to the Mempool only (store/pending.ts). */
  readonly pending: PendingStore;
  readonly peers: PeerStore;
  /** The full-text index; searches catch it up, maintenance indexes its backlog in between. */
  readonly searchIndex: SearchIndex;
  private maintenance: StoreMaintenance | undefined;

  private constructor(private readonly db: Db) {
    this.blocks = new BlockStore(db);
    this.posts = new PostStore(db);
    this.pending = new PendingStore(db);
    this.peers = new PeerStore(db);
    this.searchIndex = new SearchIndex(db);
  }

  /**
   * Opens (creating if needed) a data directory's database, migrates it and checks its network
   * (store/database.ts). Throws DataDirError for a directory of another network or a newer schema.
   */
  static open(options: OpenOptions): Store {
    const db = openDatabase(options);
    try {
      return new Store(db);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /** The connection, for the statements of the read queries (store/queries) and maintenance. */
  get database(): Db {
    return this.db;
  }

  get isOpen(): boolean {
    return this.db.open;
  }

  /**
   * Runs `work` in one SQLite transaction (a savepoint when one is open already): everything or
   * nothing of it is kept. Synchronous, like every store call.
   */
  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  /** Starts the background work (FTS backlog, WAL checkpoints); a running node calls it once. */
  startMaintenance(options: MaintenanceOptions = {}): StoreMaintenance {
    this.maintenance ??= new StoreMaintenance(this.db, this.searchIndex, options);
    this.maintenance.start();
    return this.maintenance;
  }

  /** Stops the background work, if it runs (before close, or to hand checkpoints back to SQLite). */
  stopMaintenance(): void {
    this.maintenance?.stop();
    this.maintenance = undefined;
  }

  /** The running maintenance, if started. */
  get maintenanceRunning(): boolean {
    return this.maintenance?.running ?? false;
  }

  /** Stops maintenance and closes the database; later calls do nothing. */
  close(): void {
    this.stopMaintenance();
    if (this.db.open) this.db.close();
  }
}
