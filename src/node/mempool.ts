import type { CryptoPort } from '../core/crypto.ts';
import { ErrorCode } from '../core/errors.ts';
import type { NetworkParams } from '../core/params.ts';
import { badSignature, checkPost, type Post, signatureToVerify, verifyPostSignature } from '../core/post.ts';
import { postWork, stampWork } from '../core/stamp.ts';
import type { PendingPoolWriter } from './chain/chain.ts';
import { NodeError, NodeErrorCode } from './errors.ts';
import { type DensityEntry, DensityIndex } from './pool/density-index.ts';
import { nextBlockDensity, type PoolPolicy, workFor } from './pool/policy.ts';
import { RollingMinimum, type RollingMinimumOptions } from './pool/rolling-minimum.ts';
import { StampTooWeakError } from './pool/stamp-error.ts';
import { socialPolicyError } from './social/policy.ts';
import type { PendingReader, PendingStore } from './store/pending.ts';
import type { PostRow, PostStore } from './store/posts.ts';
import type { Store } from './store/store.ts';

export interface MempoolOptions {
  /** Most posts the pool holds; a full pool refuses new posts (503), never queues unboundedly. */
  readonly maxCount?: number;
  /** Most bytes (canonical JSON of the posts) the pool holds. */
  readonly maxBytes?: number;
  /** Whether unsigned posts (the tutorial's form) are accepted. */
  readonly acceptUnsigned?: boolean;
  readonly now?: () => number;
  /**
   * Checks signatures off the main thread (src/node/verifier/pool.ts). Without it they are
   * checked synchronously with the crypto port, which holds the event loop ~125 µs a post.
   */
  readonly verifier?: SignatureVerifier;
  /** How the rolling minimum density rises and decays (src/node/pool/rolling-minimum.ts). */
  readonly rollingMinimum?: RollingMinimumOptions;
}

/** Pending posts the pool dropped for denser ones (each now reads "status": "evicted"). */
export interface EvictedPosts {
  readonly ids: readonly string[];
}

/** Asynchronous Ed25519 verification with the same answers as CryptoPort.verify. */
export interface SignatureVerifier {
  verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): Promise<boolean>;
}

export interface AcceptedPost {
  readonly id: string;
  readonly post: Post;
  /** False only when a block confirmed the post between its validation and its commit. */
  readonly added: boolean;
}

interface Queued {
  readonly id: string;
  readonly post: Post;
  readonly size: number;
  readonly density: number;
  readonly resolve: (value: AcceptedPost) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * The pending pool, and the only writer of the `pending` table (store/pending.ts). Posts are
 * validated on arrival, then written in group commits: all posts arriving in the same turn of
 * the event loop share one SQLite transaction, and each caller's promise resolves only after
 * that transaction committed, so a post answered 2xx survives a kill -9. De-duplicated by id
 * against the pool and the best chain; bounded by count and bytes. The chain moves posts in
 * and out through {@link PendingPoolWriter} inside its own transactions.
 *
 * Ordered by work density (stamp work per byte, docs/PROTOCOL.md §12.4) in an in-memory index:
 * a full pool evicts the lowest density for a denser post, a rolling minimum refuses posts below
 * it (POST_STAMP_TOO_WEAK), and the block template takes the densest first. The chain's moves
 * happen inside transactions that may roll back, so they only mark seqs dirty; the index is
 * reconciled with the table before its next use.
 */
export class Mempool implements PendingPoolWriter, PendingReader {
  readonly maxCount: number;
  readonly maxBytes: number;
  readonly acceptUnsigned: boolean;
  private readonly now: () => number;
  private readonly verifier: SignatureVerifier | undefined;
  private queue: Queued[] = [];
  private queuedIds = new Set<string>();
  private queuedBytes = 0;
  private flushScheduled = false;
  private totals: { count: number; bytes: number };
  /**
   * Set when the chain moved posts in or out: the totals are read again before their next use
   * (the chain's transaction may still roll back, so they are not counted as they change).
   */
  private totalsStale = false;
  private readonly store: Store;
  private readonly posts: PostStore;
  private readonly pending: PendingStore;
  private listeners: ((accepted: AcceptedPost) => void)[] = [];
  private evictedListeners: ((evicted: EvictedPosts) => void)[] = [];
  private readonly index = new DensityIndex();
  /** {@link policy}'s next-block estimate, for one version of the index and one minimum. */
  private nextBlockCache: { version: number; minDensity: number; value: number } | undefined;
  /** Seqs the chain moved in or out since the index last looked at them. */
  private dirty = new Set<number>();
  private readonly rolling: RollingMinimum;
  /** Posts chosen for eviction by posts queued in this turn: removed from the table at the flush. */
  private victims: DensityEntry[] = [];
  private victimBytes = 0;
  private changes = 0;

  constructor(
    store: Store,
    private readonly params: NetworkParams,
    private readonly crypto: CryptoPort,
    options: MempoolOptions = {},
  ) {
    this.maxCount = options.maxCount ?? 100_000;
    this.maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
    this.acceptUnsigned = options.acceptUnsigned ?? true;
    this.now = options.now ?? (() => Date.now() / 1000);
    this.verifier = options.verifier;
    this.store = store;
    this.posts = store.posts;
    this.pending = store.pending;
    this.totals = this.pending.totals();
    this.rolling = new RollingMinimum(this.now(), options.rollingMinimum);
    for (let after = 0; ; ) {
      const page = this.pending.page(1000, after);
      if (page.length === 0) break;
      for (const row of page) this.index.add(entryOf(row));
      after = page[page.length - 1]!.seq;
    }
  }

  /** Called after posts were evicted for denser ones (after the commit). */
  onEvicted(listener: (evicted: EvictedPosts) => void): void {
    this.evictedListeners.push(listener);
  }

  /**
   * Counts the changes of the pool's contents (posts in or out, by a commit or a chain move): with
   * the tip, a view built from the pool is current while it is unchanged (the served page's cache).
   */
  get version(): number {
    return this.changes;
  }

  /** Number of pending posts and their bytes. */
  get size(): { count: number; bytes: number } {
    return { ...this.currentTotals() };
  }

  /** Called after each post newly added to the pool has been committed. */
  onAdded(listener: (accepted: AcceptedPost) => void): void {
    this.listeners.push(listener);
  }

  private currentTotals(): { count: number; bytes: number } {
    if (this.totalsStale) {
      this.totalsStale = false;
      this.totals = this.pending.totals();
    }
    return this.totals;
  }

  /** PendingPoolWriter: posts a connected block confirmed leave the pool (chain's transaction). */
  dropConfirmed(seqs: readonly number[]): void {
    for (const seq of seqs) {
      this.pending.remove(seq);
      this.dirty.add(seq);
    }
    if (seqs.length > 0) {
      this.totalsStale = true;
      this.changes++;
    }
  }

  /** PendingPoolWriter: posts of a disconnected block are pending again (chain's transaction). */
  takeBack(rows: readonly Pick<PostRow, 'seq' | 'size'>[]): void {
    for (const row of rows) {
      this.pending.add(row.seq, row.size);
      this.dirty.add(row.seq);
    }
    if (rows.length > 0) {
      this.totalsStale = true;
      this.changes++;
    }
  }

  /** Whether a post with this id is stored at all (pending, confirmed or only on a side branch). */
  knows(id: string): boolean {
    return this.posts.seqOf(id) !== undefined;
  }

  /**
   * Validates a post and adds it to the pool; resolves after the commit. Rejects with a
   * NodeError (400 for invalid posts, 503 when the pool is full).
   */
  submit(input: unknown): Promise<AcceptedPost> {
    const result = this.admit(input);
    result.catch(() => {
      this.rejectedCount++;
    });
    return result;
  }

  /** Posts refused since start (invalid, duplicate, pool full). */
  rejectedCount = 0;

  private admit(input: unknown): Promise<AcceptedPost> {
    // Core's one door for posts: form, id and size, then the signature (here or off-thread).
    const checked = checkPost(input, this.crypto);
    if (!checked.ok) return Promise.reject(new NodeError(checked.code, checked.message));
    const { post, id, size } = checked.value;
    if (this.verifier === undefined) {
      const verified = verifyPostSignature(checked.value, this.crypto);
      if (!verified.ok) return Promise.reject(new NodeError(verified.code, verified.message));
      return this.enqueue(post, id, size);
    }
    // Buffer decodes the hex natively, about twice as fast as core's fromHex.
    const toVerify = signatureToVerify(checked.value, (hex) => Buffer.from(hex, 'hex'));
    if (toVerify === undefined) return this.enqueue(post, id, size);
    return this.verifier.verify(toVerify.signature, toVerify.message, toVerify.publicKey).then((valid) => {
      if (valid) return this.enqueue(post, id, size);
      const failure = badSignature(id);
      return Promise.reject(new NodeError(failure.code, failure.message));
    });
  }

  /** Policy, de-duplication and capacity checks of a valid post; queues it for the next group commit. */
  private enqueue(post: Post, id: string, size: number): Promise<AcceptedPost> {
    if (post.signature === undefined && !this.acceptUnsigned) {
      return Promise.reject(
        new NodeError(ErrorCode.POST_UNSIGNED_REFUSED, 'this node accepts only signed posts'),
      );
    }
    const social = socialPolicyError(post);
    if (social !== undefined) return Promise.reject(social);
    if (post.timestamp > this.now() + this.params.maxFutureBlockTime) {
      return Promise.reject(
        new NodeError(ErrorCode.POST_TIME_TOO_NEW, 'the post is dated more than 2 hours in the future'),
      );
    }
    const existing = this.queuedIds.has(id) ? undefined : this.posts.state(id);
    if (this.queuedIds.has(id) || existing?.pending) {
      return Promise.reject(new NodeError(ErrorCode.POST_DUPLICATE, `post ${id} is already pending`));
    }
    if (existing?.confirmed) {
      return Promise.reject(
        new NodeError(ErrorCode.POST_ALREADY_CONFIRMED, `post ${id} is already confirmed`),
      );
    }
    const density = this.admitDensity(post, size);
    if (density instanceof NodeError) return Promise.reject(density);
    return new Promise<AcceptedPost>((resolve, reject) => {
      this.queue.push({ id, post, size, density, resolve, reject });
      this.queuedIds.add(id);
      this.queuedBytes += size;
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** One transaction for everything queued since the last flush (group commit). */
  private flush(): void {
    const batch = this.queue;
    const victims = this.victims;
    this.queue = [];
    this.queuedIds = new Set();
    this.queuedBytes = 0;
    this.victims = [];
    this.victimBytes = 0;
    this.flushScheduled = false;
    const evicted: string[] = [];
    let evictedBytes = 0;
    const added: AcceptedPost[] = [];
    const results: AcceptedPost[] = [];
    let addedBytes = 0;
    const { posts, pending } = this;
    const receivedAt = Date.now();
    const entries: DensityEntry[] = [];
    try {
      this.store.transaction(() => {
        for (const victim of victims) {
          if (!pending.remove(victim.seq)) continue;
          posts.setEvicted(victim.seq, receivedAt);
          evicted.push(victim.id);
          evictedBytes += victim.size;
        }
        for (const item of batch) {
          const { seq, stored } = posts.store(item.post, item.id, item.size, receivedAt);
          // A row stored just now is neither pending nor confirmed. An existing one may have been
          // confirmed meanwhile (a block arrived between validation and commit): nothing to add.
          const isNew = (stored || !posts.isConfirmed(seq)) && pending.add(seq, item.size);
          // Pending again after an eviction: no longer "evicted".
          if (isNew && !stored) posts.setEvicted(seq, null);
          const accepted = { id: item.id, post: item.post, added: isNew };
          results.push(accepted);
          if (isNew) {
            added.push(accepted);
            addedBytes += item.size;
            entries.push({ seq, id: item.id, density: item.density, size: item.size });
          }
        }
      });
    } catch (error) {
      // The victims left the index but not the table: look at them again.
      for (const victim of victims) this.dirty.add(victim.seq);
      for (const item of batch) item.reject(error);
      return;
    }
    this.changes++;
    for (const entry of entries) this.index.add(entry);
    // Stale totals read after the commit already count this batch.
    if (this.totalsStale) this.currentTotals();
    else
      this.totals = {
        count: this.totals.count + added.length - evicted.length,
        bytes: this.totals.bytes + addedBytes - evictedBytes,
      };
    batch.forEach((item, i) => {
      item.resolve(results[i]!);
    });
    for (const accepted of added) for (const listener of this.listeners) listener(accepted);
    if (evicted.length > 0) for (const listener of this.evictedListeners) listener({ ids: evicted });
  }

  /**
   * The density policy for a valid post (§12.4): the consensus floor, the rolling minimum, then
   * room, made by evicting strictly less dense posts when the pool is full. Returns the post's
   * density, or the refusal. Chosen victims leave the index now and the table at the flush.
   */
  private admitDensity(post: Post, size: number): number | NodeError {
    this.reconcile();
    const work = postWork(post);
    const density = Number(work) / size;
    const floor = this.params.minStampWork;
    const min = this.minDensity();
    if (work < BigInt(floor) || density < min) return this.tooWeak(min, size, 'below the pool minimum');
    const totals = this.currentTotals();
    let overCount = totals.count - this.victims.length + this.queue.length + 1 - this.maxCount;
    let overBytes = totals.bytes - this.victimBytes + this.queuedBytes + size - this.maxBytes;
    if (overCount <= 0 && overBytes <= 0) return density;
    const chosen: DensityEntry[] = [];
    for (const entry of this.index.ascending()) {
      if (overCount <= 0 && overBytes <= 0) break;
      if (entry.density >= density) break;
      chosen.push(entry);
      overCount--;
      overBytes -= entry.size;
    }
    if (overCount > 0 || overBytes > 0) {
      if (chosen.length === 0 && this.index.count === 0)
        return new NodeError(
          NodeErrorCode.POOL_FULL,
          'the pending pool is full; try again after the next block',
        );
      // Room needs strictly more than the lowest density the pool holds.
      const lowest = this.index.lowest()?.density ?? min;
      return this.tooWeak(Math.max(min, lowest * 1.1), size, 'the pool is full of denser posts', lowest);
    }
    const now = this.now();
    const occupancy = this.occupancy();
    for (const victim of chosen) {
      this.index.remove(victim.seq);
      this.victims.push(victim);
      this.victimBytes += victim.size;
      this.rolling.evicted(victim.density, now, occupancy);
    }
    return density;
  }

  private tooWeak(density: number, size: number, why: string, beat = -1): StampTooWeakError {
    const beatWork = beat < 0 ? 0 : Math.floor(beat * size) + 1;
    const required = Math.max(beatWork, workFor(density, size, this.params.minStampWork));
    return new StampTooWeakError(
      required,
      size,
      `stamp work too low (${why}): a post of ${size} bytes needs a stamp of at least ${required} hashes now`,
    );
  }

  /** Pool occupancy, 0–1: the larger of its count and byte fractions. */
  private occupancy(): number {
    const totals = this.currentTotals();
    return Math.max(totals.count / this.maxCount, totals.bytes / this.maxBytes);
  }

  /** The rolling minimum density now (work per byte). */
  minDensity(): number {
    this.reconcile();
    return this.rolling.current(this.now(), this.occupancy(), this.index.lowest()?.density ?? 0);
  }

  /** What GET /api/v1/policy answers: the minimum, the next-block estimate, the floor. */
  policy(): PoolPolicy {
    const minDensity = this.minDensity();
    // The next-block estimate walks up to a block's worth of entries: computed once per change
    // of the pool (or of the minimum), not on every status or policy request.
    const cached = this.nextBlockCache;
    if (cached === undefined || cached.version !== this.index.version || cached.minDensity !== minDensity) {
      const value = nextBlockDensity(
        this.index,
        this.params.maxBlockPosts,
        this.params.maxBlockBytes,
        minDensity,
      );
      this.nextBlockCache = { version: this.index.version, minDensity, value };
    }
    return { minDensity, nextBlockDensity: this.nextBlockCache!.value, floorWork: this.params.minStampWork };
  }

  /** Stamp work a post of `bytes` needs to enter the pool now. */
  requiredWork(bytes: number): number {
    return workFor(this.minDensity(), bytes, this.params.minStampWork);
  }

  /**
   * Brings the index in line with the table for the seqs the chain moved, then evicts the least
   * dense posts if a reorg overfilled the pool (it keeps the densest).
   */
  private reconcile(): void {
    if (this.dirty.size === 0) return;
    const dirty = this.dirty;
    this.dirty = new Set();
    for (const seq of dirty) {
      if (!this.posts.isPending(seq)) {
        this.index.remove(seq);
        continue;
      }
      if (this.index.has(seq)) continue;
      const row = this.posts.bySeq(seq);
      if (row !== undefined) this.index.add(entryOf(row));
    }
    this.evictOverflow();
  }

  private evictOverflow(): void {
    const totals = this.currentTotals();
    let overCount = totals.count - this.maxCount;
    let overBytes = totals.bytes - this.maxBytes;
    if (overCount <= 0 && overBytes <= 0) return;
    const chosen: DensityEntry[] = [];
    for (const entry of this.index.ascending()) {
      if (overCount <= 0 && overBytes <= 0) break;
      chosen.push(entry);
      overCount--;
      overBytes -= entry.size;
    }
    const at = Date.now();
    this.store.transaction(() => {
      for (const victim of chosen) {
        this.pending.remove(victim.seq);
        this.posts.setEvicted(victim.seq, at);
      }
    });
    const now = this.now();
    for (const victim of chosen) {
      this.index.remove(victim.seq);
      this.rolling.evicted(victim.density, now, 1);
    }
    this.totalsStale = true;
    this.changes++;
    const ids = chosen.map((victim) => victim.id);
    for (const listener of this.evictedListeners) listener({ ids });
  }

  /** Pending posts from the densest down, oldest first among equals (the block template's order). */
  *densest(): Generator<PostRow> {
    this.reconcile();
    for (const entry of this.index.descending()) {
      const row = this.posts.bySeq(entry.seq);
      if (row !== undefined) yield row;
    }
  }

  /** Pending posts in arrival order, after the seq `afterSeq`. */
  list(limit: number, afterSeq = 0): PostRow[] {
    return this.pending.page(limit, afterSeq);
  }
}

/** The index entry of a stored pending post: its stamp work per byte. */
function entryOf(row: PostRow): DensityEntry {
  const work = row.stamp_bits === null ? 0n : (stampWork(row.stamp_bits) ?? 0n);
  return { seq: row.seq, id: row.id, density: Number(work) / row.size, size: row.size };
}
