import { CACHE_KIB, type Db } from './database.ts';
import { FTS_BATCH, type SearchIndex } from './search-index.ts';

/**
 * Background work of a node's store, on one unref'd timer of the main thread (SQLite work must
 * stay on the connection's thread), kept out of the group commits that answer posts:
 *
 * - the full-text index's backlog, in batches of FTS_BATCH posts (store/search-index.ts), at most
 *   `indexBudgetMs` per tick so the event loop keeps answering;
 * - WAL checkpoints. SQLite's automatic checkpoint runs inside whichever commit crosses
 *   `wal_autocheckpoint` pages, stalling that commit (and every post waiting on it) for
 *   20–180 ms. Here a PASSIVE checkpoint runs every `checkpointMs` between commits instead (20–70
 *   ms each second at 5,000 posts/s: still a pause of the event loop, but once per period and
 *   never inside a commit); the
 *   automatic one stays as a backstop at WAL_BACKSTOP_PAGES, so the WAL stays bounded even if
 *   the timer starves, and `journal_size_limit` truncates a WAL that grew past it.
 *
 * Durability is unchanged: a commit is durable in the WAL (synchronous=NORMAL: survives a
 * process crash) whether or not it was checkpointed; a checkpoint only moves pages into the
 * database file.
 */

export interface MaintenanceOptions {
  /** Period of the timer. */
  readonly tickMs?: number;
  /** Most time one tick spends indexing (at least one batch runs when there is a backlog). */
  readonly indexBudgetMs?: number;
  /** Period of the PASSIVE WAL checkpoint. */
  readonly checkpointMs?: number;
  /**
   * True while the node catches up far behind its peers (initial block download): the tick then
   * leaves the full-text backlog and the timer checkpoints alone. Sync writes whole batches of
   * blocks, so indexing a few hundred posts every tick and checkpointing pages that the next
   * batch rewrites anyway only cost CPU; the backlog is indexed in larger batches once the
   * node is near the tip (a search catches it up first in any case), the WAL is copied once, and
   * the automatic checkpoint at WAL_BACKSTOP_PAGES still bounds it meanwhile. SQLite's page
   * cache shrinks to CATCH_UP_CACHE_KIB meanwhile.
   */
  readonly catchingUp?: () => boolean;
}

/**
 * The automatic checkpoint's threshold while maintenance runs: 32,768 pages (128 MB of 4 KB
 * pages). A post adds ~3.3 WAL frames (its row and three random index pages, in group commits of
 * ~16), so 5,000 posts/s write ~17,000 frames between two timer checkpoints: the backstop must
 * sit well above that, or it fires inside commits again.
 */
export const WAL_BACKSTOP_PAGES = 32_768;
/**
 * A timer checkpoint waits at least this many times as long as the previous one took, so that
 * checkpoints hold at most ~5% of the main thread. Under a heavy write load (initial sync writes
 * ~10 MB of WAL a second, random index pages rewritten by every batch) one each second took
 * ~150 ms and was the sync's largest cost; spaced out, each page rewritten in between is
 * copied once. The backstop below still bounds the WAL.
 */
export const CHECKPOINT_SPACING = 20;
/**
 * SQLite's page cache while the node catches up, KiB (CACHE_KIB otherwise). Sync appends the
 * chain and reads back little but the indexes it inserts into: in a replay of 10,000 blocks the
 * connect path took the same CPU with 8 MB as with 32 MB, and the 24 MB left free come off the
 * node's peak memory, which initial sync sets (issue 13).
 */
export const CATCH_UP_CACHE_KIB = 8_000;
/** SQLite's default wal_autocheckpoint, restored when maintenance stops. */
const DEFAULT_AUTOCHECKPOINT_PAGES = 1_000;
/** A WAL larger than this is truncated to it after a checkpoint (bytes). */
const JOURNAL_SIZE_LIMIT = 64 * 1024 * 1024;

export interface CheckpointResult {
  /** Frames in the WAL, and how many of them are now in the database file. */
  readonly walFrames: number;
  readonly checkpointed: number;
  /** True when a reader or writer kept the checkpoint from finishing (PASSIVE never waits). */
  readonly busy: boolean;
}

/**
 * Started and stopped explicitly by whoever runs a node (Store.startMaintenance from the
 * composition root, src/node/node.ts); short-lived users of a data dir (`yournet verify`, tests,
 * benchmark loaders) simply do not start it and keep SQLite's automatic checkpoints.
 */
export class StoreMaintenance {
  private readonly tickMs: number;
  private readonly indexBudgetMs: number;
  private readonly checkpointMs: number;
  private readonly wal: boolean;
  private readonly catchingUp: () => boolean;
  private timer: NodeJS.Timeout | undefined;
  private lastCheckpoint = Date.now();
  /** How long the last checkpoint took, ms: the next waits CHECKPOINT_SPACING times as long. */
  private lastCheckpointMs = 0;
  /**
   * The connection's total_changes() when the last checkpoint finished (not busy), or -1: an idle
   * node skips the checkpoint (every node of a 50-node test paid ~1 % of a core for nothing).
   */
  private changesAtCheckpoint = -1;
  private readonly totalChanges;
  /** Whether the page cache is the catch-up one (CATCH_UP_CACHE_KIB). */
  private smallCache = false;

  constructor(
    private readonly db: Db,
    /** The database's one full-text index (the Store's), whose backlog the timer indexes. */
    readonly searchIndex: SearchIndex,
    options: MaintenanceOptions = {},
  ) {
    this.tickMs = options.tickMs ?? 200;
    this.indexBudgetMs = options.indexBudgetMs ?? 25;
    this.checkpointMs = options.checkpointMs ?? 1_000;
    this.catchingUp = options.catchingUp ?? (() => false);
    this.totalChanges = db.prepare('SELECT total_changes()').pluck();
    this.wal = (db.pragma('journal_mode', { simple: true }) as string) === 'wal';
  }

  get running(): boolean {
    return this.timer !== undefined;
  }

  start(): void {
    if (this.timer !== undefined) return;
    if (this.wal) {
      this.db.pragma(`wal_autocheckpoint = ${WAL_BACKSTOP_PAGES}`);
      this.db.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT}`);
    }
    this.lastCheckpoint = Date.now();
    this.timer = setInterval(() => this.tick(), this.tickMs);
    this.timer.unref();
  }

  /** Stops the timer and gives checkpoints back to SQLite; the backlog stays for the next search or start. */
  stop(): void {
    if (this.timer === undefined) return;
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.db.open) this.setSmallCache(false);
    if (this.wal && this.db.open) this.db.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
  }

  /** One round: index part of the backlog, and checkpoint when due. */
  tick(now = Date.now()): void {
    if (!this.db.open) {
      this.stop();
      return;
    }
    // Between group commits only: never inside a transaction someone else opened.
    if (this.db.inTransaction) return;
    const catchingUp = this.catchingUp();
    this.setSmallCache(catchingUp);
    if (catchingUp) return;
    this.indexBacklog();
    const due = Math.max(this.checkpointMs, CHECKPOINT_SPACING * this.lastCheckpointMs);
    if (this.wal && now - this.lastCheckpoint >= due) {
      // Every write goes through this one connection, so its change count says whether the
      // WAL can hold anything the last complete checkpoint did not copy.
      const changes = this.totalChanges.get() as number;
      if (changes === this.changesAtCheckpoint) {
        this.lastCheckpoint = Date.now();
        return;
      }
      const started = performance.now();
      const result = this.checkpoint();
      this.lastCheckpointMs = performance.now() - started;
      this.lastCheckpoint = Date.now();
      this.changesAtCheckpoint = result.busy ? -1 : changes;
    }
  }

  /** Shrinks the page cache (SQLite frees the pages over the new size at once) or restores it. */
  private setSmallCache(small: boolean): void {
    if (small === this.smallCache) return;
    this.db.pragma(`cache_size = -${small ? CATCH_UP_CACHE_KIB : CACHE_KIB}`);
    this.smallCache = small;
  }

  /** Indexes batches of the full-text backlog for up to indexBudgetMs; returns the posts indexed. */
  indexBacklog(): number {
    const start = performance.now();
    let total = 0;
    do {
      const indexed = this.searchIndex.indexBatch(FTS_BATCH);
      total += indexed;
      if (indexed < FTS_BATCH) break;
    } while (performance.now() - start < this.indexBudgetMs);
    return total;
  }

  /** A PASSIVE checkpoint: copies what it can from the WAL to the database file without waiting. */
  checkpoint(): CheckpointResult {
    const [row] = this.db.pragma('wal_checkpoint(PASSIVE)') as {
      busy: number;
      log: number;
      checkpointed: number;
    }[];
    return { busy: row?.busy === 1, walFrames: row?.log ?? 0, checkpointed: row?.checkpointed ?? 0 };
  }
}
