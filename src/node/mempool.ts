import type { CryptoPort } from '../core/crypto.ts';
import { ErrorCode } from '../core/errors.ts';
import type { NetworkParams } from '../core/params.ts';
import { badSignature, checkPost, type Post, signatureToVerify, verifyPostSignature } from '../core/post.ts';
import type { PendingPoolWriter } from './chain/chain.ts';
import { NodeError, NodeErrorCode } from './errors.ts';
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
    for (const seq of seqs) this.pending.remove(seq);
    if (seqs.length > 0) this.totalsStale = true;
  }

  /** PendingPoolWriter: posts of a disconnected block are pending again (chain's transaction). */
  takeBack(rows: readonly Pick<PostRow, 'seq' | 'size'>[]): void {
    for (const row of rows) this.pending.add(row.seq, row.size);
    if (rows.length > 0) this.totalsStale = true;
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
    const totals = this.currentTotals();
    if (
      totals.count + this.queue.length + 1 > this.maxCount ||
      totals.bytes + this.queuedBytes + size > this.maxBytes
    ) {
      return Promise.reject(
        new NodeError(NodeErrorCode.POOL_FULL, 'the pending pool is full; try again after the next block'),
      );
    }
    return new Promise<AcceptedPost>((resolve, reject) => {
      this.queue.push({ id, post, size, resolve, reject });
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
    this.queue = [];
    this.queuedIds = new Set();
    this.queuedBytes = 0;
    this.flushScheduled = false;
    const added: AcceptedPost[] = [];
    const results: AcceptedPost[] = [];
    let addedBytes = 0;
    const { posts, pending } = this;
    const receivedAt = Date.now();
    try {
      this.store.transaction(() => {
        for (const item of batch) {
          const { seq, stored } = posts.store(item.post, item.id, item.size, receivedAt);
          // A row stored just now is neither pending nor confirmed. An existing one may have been
          // confirmed meanwhile (a block arrived between validation and commit): nothing to add.
          const isNew = (stored || !posts.isConfirmed(seq)) && pending.add(seq, item.size);
          const accepted = { id: item.id, post: item.post, added: isNew };
          results.push(accepted);
          if (isNew) {
            added.push(accepted);
            addedBytes += item.size;
          }
        }
      });
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    // Stale totals read after the commit already count this batch.
    if (this.totalsStale) this.currentTotals();
    else this.totals = { count: this.totals.count + added.length, bytes: this.totals.bytes + addedBytes };
    batch.forEach((item, i) => {
      item.resolve(results[i]!);
    });
    for (const accepted of added) for (const listener of this.listeners) listener(accepted);
  }

  /** Pending posts in arrival order, after the seq `afterSeq`: the one read path of the pool. */
  list(limit: number, afterSeq = 0): PostRow[] {
    return this.pending.page(limit, afterSeq);
  }
}
