import { EventEmitter } from 'node:events';
import {
  type Block,
  type BodyResult,
  type CheckedHeader,
  checkBlockBeforeSignatures,
  checkBlockBody,
  checkBlockHeader,
  checkBlockSignatures,
  type ValidBlock,
} from '../../core/block.ts';
import { decodeBits } from '../../core/compact.ts';
import { type ParentContext, validateBodyContext } from '../../core/contextual.ts';
import type { CryptoPort } from '../../core/crypto.ts';
import { ErrorCode, ok, type Result } from '../../core/errors.ts';
import { MERKLE_SUBTREE_LEAVES, merkleSubtreeLevel } from '../../core/merkle.ts';
import type { NetworkParams } from '../../core/params.ts';
import { blockWork } from '../../core/pow.ts';
import { type AnyErrorCode, NodeErrorCode } from '../errors.ts';
import { type BlockIndexEntry, BlockStatus, type BlockStore } from '../store/blocks.ts';
import { type PostRow, type PostStore, postFromRow } from '../store/posts.ts';
import type { Store } from '../store/store.ts';
import type { VerifiedSignatures } from '../verifier/block-signatures.ts';
import { CheckedBlock, checkBlock } from './checked.ts';
import { acceptHeader } from './header-acceptance.ts';
import { condemnsHash, INVALID_MEMORY_SIZE, InvalidBlockMemory } from './invalid-memory.ts';
import {
  DEFAULT_SIDE_BRANCH_POLICY,
  pruneStaleSideBranches,
  type SideBranchPolicy,
  withinReach,
} from './side-branches.ts';

/** A block joined to the best chain. */
export interface BlockConnectedEvent {
  readonly hash: string;
  readonly height: number;
  readonly postIds: readonly string[];
}

/** The best chain switched branches. */
export interface ReorgEvent {
  readonly forkHeight: number;
  readonly forkHash: string;
  /** Hashes of the blocks taken off the best chain, tip first. */
  readonly disconnected: readonly string[];
  /** Hashes of the blocks put on it, lowest first. */
  readonly connected: readonly string[];
  /** Posts of disconnected blocks that the new branch did not confirm: pending again. */
  readonly returnedToPending: number;
}

export interface ChainEvents {
  block: [BlockConnectedEvent];
  reorg: [ReorgEvent];
}

export type AcceptStatus = 'connected' | 'reorg' | 'side' | 'duplicate';

export type AcceptOutcome =
  | { readonly ok: true; readonly status: AcceptStatus; readonly hash: string; readonly height: number }
  | { readonly ok: false; readonly code: AnyErrorCode; readonly message: string; readonly hash?: string };

/** Thrown inside a connect transaction so that it rolls back; carries the failing block. */
class ConnectFailure extends Error {
  constructor(
    readonly hash: string,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface AcceptOptions {
  /**
   * Signatures already verified (by the verifier's workers during sync): a signed post whose
   * exact (id, signature) pair is in the set is not verified again. Every other post is.
   */
  readonly verified?: VerifiedSignatures;
  /**
   * The node asked for this block (headers-first sync, on a header chain heavier than its own):
   * stored even when its branch is still far below the tip's work. A {@link CheckedBlock} counts
   * as requested, since only sync builds them.
   */
  readonly requested?: boolean;
}

/**
 * How the chain moves posts in and out of the pending pool, which it does not own: the Mempool
 * implements it (src/node/mempool.ts). Called inside the chain's transaction, so a branch that
 * fails to connect rolls these writes back with its own.
 */
export interface PendingPoolWriter {
  /** Posts a connected block confirmed leave the pool. */
  dropConfirmed(seqs: readonly number[]): void;
  /** Posts of a disconnected block come back to the pool (unless a later connect drops them). */
  takeBack(rows: readonly Pick<PostRow, 'seq' | 'size'>[]): void;
}

export interface ChainOptions {
  readonly store: Store;
  /** The pending pool (the Mempool), asked to drop confirmed posts and take disconnected ones back. */
  readonly pool: PendingPoolWriter;
  readonly params: NetworkParams;
  readonly crypto: CryptoPort;
  /** The validator's clock, in seconds (tests move it). */
  readonly now?: () => number;
  /** Which side branches are stored and when stale ones are pruned (tests shrink it). */
  readonly sideBranches?: Partial<SideBranchPolicy>;
  /** How many invalid block hashes are remembered in memory. */
  readonly invalidMemorySize?: number;
}

/**
 * The block tree and the best chain (docs/ARCHITECTURE.md "Chain"). Every valid block is
 * stored with its cumulative work; the best chain is the valid branch with the most work.
 * Switching branches disconnects down to the fork point and connects the heavier branch in one
 * SQLite transaction: posts of disconnected blocks go back to the pending pool unless the new
 * branch confirms them, so no acknowledged post is ever lost.
 */
export class Chain extends EventEmitter<ChainEvents> {
  readonly params: NetworkParams;
  private readonly blocks: BlockStore;
  private readonly posts: PostStore;
  private readonly store: Store;
  private readonly pool: PendingPoolWriter;
  private readonly crypto: CryptoPort;
  private readonly now: () => number;
  private tipEntry: BlockIndexEntry;
  /** Events held back until the transaction of {@link inOneTransaction} commits. */
  private deferredEvents: (() => void)[] | undefined;
  /** Hashes of blocks found invalid and never stored: a replay is refused from its header. */
  private readonly invalid: InvalidBlockMemory;
  private readonly sidePolicy: SideBranchPolicy;
  /** The tip height at the last side-branch pruning (none yet: the first connect prunes). */
  private prunedAt = -Infinity;
  /** No side block is stored below this height (see {@link pruneStaleSideBranches}); 0: unknown. */
  private sideFloor = 0;
  /**
   * The median-time-past timestamps of the last block asked about (usually the tip), by hash: a
   * block's ancestors are fixed by its hash, so the entry never goes stale, even across a reorg
   * or a rolled-back batch. Saves two queries per block connected while syncing.
   */
  private recentTimes: { readonly hash: string; readonly timestamps: readonly number[] } | undefined;

  constructor(options: ChainOptions) {
    super();
    this.store = options.store;
    this.pool = options.pool;
    this.params = options.params;
    this.crypto = options.crypto;
    this.now = options.now ?? (() => Date.now() / 1000);
    this.blocks = options.store.blocks;
    this.posts = options.store.posts;
    this.invalid = new InvalidBlockMemory(options.invalidMemorySize ?? INVALID_MEMORY_SIZE);
    this.sidePolicy = { ...DEFAULT_SIDE_BRANCH_POLICY, ...options.sideBranches };
    this.tipEntry = this.loadTip();
    // No pruning here: a Chain opened only to read (yournet verify) must not write. The first
    // block connected prunes.
  }

  /** The tip of the best chain. */
  get tip(): BlockIndexEntry {
    return this.tipEntry;
  }

  private loadTip(): BlockIndexEntry {
    const best = this.blocks.bestTip();
    if (best !== undefined) return this.blocks.get(best.hash)!;
    const genesis = this.params.genesis;
    this.store.transaction(() => {
      this.blocks.insert(
        {
          ...genesis,
          height: 0,
          chainwork: blockWork(decodeBits(genesis.bits)!),
          status: BlockStatus.VALID,
          post_count: 0,
          size: 0,
          received_at: 0,
        },
        [],
      );
      this.blocks.setBest(0, genesis.hash);
    });
    return this.blocks.get(genesis.hash)!;
  }

  /** Whether a block (any branch, valid or not) is stored. */
  hasBlock(hash: string): boolean {
    return this.blocks.has(hash);
  }

  /** The index entry of a stored block (any branch). */
  getEntry(hash: string): BlockIndexEntry | undefined {
    // The tip is the parent of nearly every block accepted: no query for it.
    if (hash === this.tipEntry.hash) return this.tipEntry;
    return this.blocks.get(hash);
  }

  /** The hash of the best-chain block at `height`. */
  bestHashAt(height: number): string | undefined {
    return this.blocks.bestHashAt(height);
  }

  /** Best-chain index entries with from ≤ height ≤ to, ascending (headers answers). */
  bestRange(from: number, to: number): BlockIndexEntry[] {
    return this.blocks.bestRange(from, to);
  }

  /** The served form of any stored block (header fields, hash, posts). */
  blockBody(hash: string): Block | undefined {
    return this.blocks.body(hash);
  }

  /** The served form of the best-chain block at `height`. */
  blockAt(height: number): Block | undefined {
    const hash = this.blocks.bestHashAt(height);
    return hash === undefined ? undefined : this.blocks.body(hash);
  }

  /** Timestamps of `parent` and up to medianTimeSpan − 1 of its ancestors, oldest first. */
  parentContext(parent: BlockIndexEntry): ParentContext {
    const cached = this.recentTimes;
    if (cached?.hash === parent.hash) return { parent, recentTimestamps: [...cached.timestamps] };
    const span = this.params.medianTimeSpan;
    let timestamps: number[];
    if (this.blocks.isOnBestChain(parent)) {
      const from = Math.max(0, parent.height - span + 1);
      timestamps = this.blocks.bestTimestamps(from, parent.height);
    } else {
      timestamps = [];
      let cursor: BlockIndexEntry | undefined = parent;
      while (cursor !== undefined && timestamps.length < span) {
        timestamps.unshift(cursor.timestamp);
        cursor = cursor.height === 0 ? undefined : this.blocks.get(cursor.previous_hash);
      }
    }
    this.recentTimes = { hash: parent.hash, timestamps: [...timestamps] };
    return { parent, recentTimestamps: timestamps };
  }

  /** The median-time-past timestamps of `child` from its parent's cached ones, if cached. */
  private rememberTimes(child: { hash: string; previous_hash: string; timestamp: number }): void {
    const cached = this.recentTimes;
    if (cached?.hash !== child.previous_hash) return;
    const timestamps = [...cached.timestamps, child.timestamp].slice(-this.params.medianTimeSpan);
    this.recentTimes = { hash: child.hash, timestamps };
  }

  /** §7.1 steps 1–16 of a block, ahead of its turn (see {@link CheckedBlock}). */
  checkBlock(input: unknown): Result<CheckedBlock> {
    return checkBlock(input, this.params, this.crypto);
  }

  /**
   * §7.1 stateless validation: steps 1–16 (skipped for a {@link CheckedBlock}, which passed
   * them), then the signatures, except those of posts stored with the same signature (verified
   * when stored) and those in `options.verified`.
   */
  validateStateless(input: unknown, options: AcceptOptions = {}): Result<ValidBlock> {
    const checked =
      input instanceof CheckedBlock
        ? ok(input.valid)
        : checkBlockBeforeSignatures(input, this.params, this.crypto);
    if (!checked.ok) return checked;
    return this.checkSignatures(checked.value, options);
  }

  /**
   * Validates and stores a block from anyone (a peer, /add_block, the local miner) and moves
   * the best chain to it if it makes the heaviest valid branch. Never throws on bad input.
   * `input` may be a {@link CheckedBlock} (sync checks bodies ahead of the chain).
   *
   * Cheap checks first (Bitcoin Core's order): the header's form and proof of work; hashes
   * remembered invalid; the header against the tree (known, parent known and valid,
   * difficulty, time); whether a side branch is within reach of the tip; only then the posts
   * (form, size, merkle root), and the signatures last. So a block with an unknown parent, or one
   * replayed after failing, costs no post parsing and no signature check.
   */
  acceptBlock(input: unknown, options: AcceptOptions = {}): AcceptOutcome {
    const prechecked = input instanceof CheckedBlock ? input.valid : undefined;
    let head: CheckedHeader;
    if (prechecked !== undefined) {
      head = { header: prechecked.block, target: prechecked.target };
    } else {
      const checked = checkBlockHeader(input, this.params);
      if (!checked.ok) return { ok: false, code: checked.code, message: checked.message };
      head = checked.value;
    }
    const hash = head.header.hash;
    if (this.invalid.has(hash)) {
      return {
        ok: false,
        code: ErrorCode.BLOCK_KNOWN_INVALID,
        message: `block ${hash} is known to be invalid`,
      };
    }

    const verdict = acceptHeader(head.header, this, this.params, this.now());
    if (!verdict.ok) {
      if (condemnsHash(verdict.code, 'header')) this.invalid.add(hash);
      return { ok: false, code: verdict.code, message: verdict.message };
    }
    if (verdict.known !== undefined) {
      return { ok: true, status: 'duplicate', hash, height: verdict.known.height };
    }
    const parent = verdict.parent!;
    const requested = options.requested === true || prechecked !== undefined;
    if (!requested && parent.hash !== this.tipEntry.hash) {
      const work = parent.chainwork + blockWork(head.target);
      if (!withinReach(work, this.tipEntry, this.sidePolicy)) {
        return {
          ok: false,
          code: NodeErrorCode.SIDE_BRANCH_TOO_LIGHT,
          message: `block ${hash} is on a side branch more than ${this.sidePolicy.reachBlocks} blocks' work below the tip`,
        };
      }
    }

    const body: BodyResult =
      prechecked !== undefined ? ok(prechecked) : checkBlockBody(input, head, this.params, this.crypto);
    if (!body.ok) {
      if (condemnsHash(body.code, 'body', body.committed)) this.invalid.add(hash);
      return { ok: false, code: body.code, message: body.message };
    }
    const signed = this.checkSignatures(body.value, options);
    if (!signed.ok) return { ok: false, code: signed.code, message: signed.message };
    const outcome = this.storeAndActivate(signed.value, parent);
    if (outcome.ok && outcome.status === 'side') this.sideFloor = Math.min(this.sideFloor, outcome.height);
    // A reorganisation leaves the old branch on the side from its fork: look from 0 again.
    if (outcome.ok && outcome.status === 'reorg') this.sideFloor = 0;
    // Stored but failed to connect (marked invalid): somewhere on a side branch.
    if (!outcome.ok && outcome.hash !== undefined) this.sideFloor = 0;
    if (outcome.ok && outcome.status !== 'side') this.pruneSideBranches();
    return outcome;
  }

  /** Step 17, skipping posts stored with the same signature and those in `options.verified`. */
  private checkSignatures(valid: ValidBlock, options: AcceptOptions): Result<ValidBlock> {
    const verified = options.verified;
    return checkBlockSignatures(valid, this.crypto, (id, post) => {
      if (post.signature === undefined) return false; // nothing to verify
      if (verified?.has(id, post.signature)) return true;
      // A stored post was verified when stored; a different signature for the same id is checked again.
      return this.posts.byId(id)?.signature === post.signature;
    });
  }

  /**
   * Deletes stale side branches (see {@link pruneStaleSideBranches}) when the tip has moved up
   * `pruneEvery` heights since the last time; returns how many blocks went.
   */
  pruneSideBranches(force = false): number {
    const height = this.tipEntry.height;
    if (!force && height < this.prunedAt + this.sidePolicy.pruneEvery) return 0;
    this.prunedAt = height;
    const run = this.store.transaction(() =>
      pruneStaleSideBranches(this.blocks, height, this.sidePolicy, this.sideFloor),
    );
    this.sideFloor = run.floor;
    return run.pruned;
  }

  /**
   * Runs `work` (several acceptBlock calls, e.g. one sync batch) in one SQLite transaction: one
   * commit instead of one per block. Each block keeps its own savepoint, checks, outcome and
   * error code, exactly as if accepted alone; the events are emitted after the commit, in the
   * same order. If `work` throws, nothing of it is kept and the tip is restored; so `work`
   * must let an exception from acceptBlock (a storage error, never bad input) propagate.
   */
  inOneTransaction<T>(work: () => T): T {
    if (this.deferredEvents !== undefined) return work();
    const tip = this.tipEntry;
    const deferred: (() => void)[] = [];
    this.deferredEvents = deferred;
    let result: T;
    try {
      result = this.store.transaction(work);
    } catch (error) {
      this.tipEntry = tip;
      this.sideFloor = 0; // a pruning run may have been rolled back with the rest
      throw error;
    } finally {
      this.deferredEvents = undefined;
    }
    for (const emit of deferred) emit();
    return result;
  }

  private storeAndActivate(valid: ValidBlock, parent: BlockIndexEntry): AcceptOutcome {
    const { block, ids, sizes } = valid;
    const events: { connected: BlockConnectedEvent[]; reorgs: ReorgEvent[] } = { connected: [], reorgs: [] };
    const receivedAt = Date.now();
    let failure: ConnectFailure | undefined;
    const previousTip = this.tipEntry;

    const store = () => {
      let size = 0;
      // Posts stored by this call were never confirmed nor pending: no lookups for them.
      const fresh = new Set<number>();
      const seqs = block.transactions.map((post, i) => {
        size += sizes[i]!;
        const stored = this.posts.store(post, ids[i]!, sizes[i]!, receivedAt);
        if (stored.stored) fresh.add(stored.seq);
        return stored.seq;
      });
      const { transactions: _, ...header } = block;
      const entry: BlockIndexEntry = {
        ...header,
        height: block.index,
        chainwork: parent.chainwork + blockWork(decodeBits(block.bits)!),
        status: BlockStatus.VALID,
        post_count: ids.length,
        size,
        received_at: receivedAt,
      };
      // Kept so that every proof of the block reads 64 ids instead of all of them: validation
      // computed it with the merkle root (hashed again only for a block validated without it).
      const subtrees =
        valid.subtrees ?? (ids.length > MERKLE_SUBTREE_LEAVES ? merkleSubtreeLevel(ids) : undefined);
      this.blocks.insert(entry, seqs, subtrees);
      if (parent.hash === previousTip.hash && this.extendTip(block, entry, ids, seqs, fresh, events)) return;
      failure = this.activateBestChain(events);
    };
    // Inside inOneTransaction the batch's transaction makes this block atomic with the others
    // (anything thrown rolls the whole batch back), so no savepoint of its own.
    try {
      if (this.deferredEvents !== undefined) store();
      else this.store.transaction(store);
    } catch (error) {
      this.tipEntry = previousTip;
      throw error;
    }

    const emit = () => {
      for (const reorg of events.reorgs) this.emit('reorg', reorg);
      for (const connected of events.connected) this.emit('block', connected);
    };
    if (this.deferredEvents !== undefined) this.deferredEvents.push(emit);
    else emit();

    if (failure !== undefined && failure.hash === block.hash) {
      return { ok: false, code: failure.code, message: failure.message, hash: block.hash };
    }
    const onBest =
      this.tipEntry.hash === block.hash ||
      this.blocks.isOnBestChain({ hash: block.hash, height: block.index });
    let status: AcceptStatus = 'side';
    if (onBest)
      status = this.tipEntry.hash === block.hash && parent.hash === previousTip.hash ? 'connected' : 'reorg';
    return { ok: true, status, hash: block.hash, height: block.index };
  }

  /**
   * Connects a block that extends the tip. Its chainwork is the tip's plus its own, so it is the
   * heaviest valid block (the tip is never lighter than a valid block) and activateBestChain
   * would connect exactly it, with the same writes and event. Done here directly, without the
   * savepoint that lets a failed branch be undone: in SQLite every savepoint also flushes the
   * full-text index, which made it the largest cost of storing a post. Writes nothing and
   * returns false when §7.3 fails: activateBestChain then rejects and marks it as always.
   */
  private extendTip(
    block: Block,
    entry: BlockIndexEntry,
    ids: readonly string[],
    seqs: readonly number[],
    fresh: ReadonlySet<number>,
    events: { connected: BlockConnectedEvent[] },
  ): boolean {
    const seqById = new Map(ids.map((id, i) => [id, seqs[i]!]));
    const body = validateBodyContext(block, ids, this.params, (id) => {
      const seq = seqById.get(id)!;
      return !fresh.has(seq) && this.posts.isConfirmed(seq);
    });
    if (!body.ok) return false;
    this.posts.confirmBlock(block.hash, block.index); // its posts, stored just before in block order
    const known = seqs.filter((seq) => !fresh.has(seq));
    if (known.length > 0) this.pool.dropConfirmed(known);
    this.blocks.setBest(block.index, block.hash);
    events.connected.push({ hash: block.hash, height: block.index, postIds: ids });
    this.rememberTimes(block);
    this.tipEntry = entry;
    return true;
  }

  /**
   * Moves the best chain to the heaviest valid block, trying the next heaviest when a branch
   * fails to connect (its failing block and descendants are marked invalid). Runs inside the
   * caller's transaction; each attempt is a savepoint.
   */
  private activateBestChain(events: {
    connected: BlockConnectedEvent[];
    reorgs: ReorgEvent[];
  }): ConnectFailure | undefined {
    let firstFailure: ConnectFailure | undefined;
    for (;;) {
      const candidate = this.blocks.heaviestValid();
      if (candidate === undefined || candidate.chainwork <= this.tipEntry.chainwork) return firstFailure;
      const attempt = { connected: [] as BlockConnectedEvent[], reorgs: [] as ReorgEvent[] };
      try {
        this.store.transaction(() => this.switchTo(candidate, attempt));
        events.connected.push(...attempt.connected);
        events.reorgs.push(...attempt.reorgs);
        this.tipEntry = candidate;
      } catch (error) {
        if (!(error instanceof ConnectFailure)) throw error;
        this.blocks.markInvalid(error.hash);
        firstFailure ??= error;
      }
    }
  }

  /** Disconnects the best chain down to the fork with `target`'s branch, then connects that branch. */
  private switchTo(
    target: BlockIndexEntry,
    events: { connected: BlockConnectedEvent[]; reorgs: ReorgEvent[] },
  ): void {
    const branch: BlockIndexEntry[] = [];
    let cursor = target;
    while (!this.blocks.isOnBestChain(cursor)) {
      branch.unshift(cursor);
      cursor = this.blocks.get(cursor.previous_hash)!;
    }
    const fork = cursor;
    const disconnected: string[] = [];
    const returned = new Set<number>();
    for (let height = this.tipEntry.height; height > fork.height; height--) {
      const hash = this.blocks.bestHashAt(height)!;
      const rows = this.blocks.bodyRows(hash);
      for (const row of rows) {
        this.posts.unconfirm(row.seq);
        returned.add(row.seq);
      }
      this.pool.takeBack(rows);
      this.blocks.unsetBest(height);
      disconnected.push(hash);
    }
    for (const entry of branch) {
      const rows = this.blocks.bodyRows(entry.hash);
      const ids = rows.map((row) => row.id);
      const seqById = new Map(rows.map((row) => [row.id, row.seq]));
      const block: Block = { ...entry, index: entry.height, transactions: rows.map(postFromRow) };
      const body = validateBodyContext(block, ids, this.params, (id) =>
        this.posts.isConfirmed(seqById.get(id)!),
      );
      if (!body.ok) throw new ConnectFailure(entry.hash, body.code, body.message);
      rows.forEach((row, position) => {
        this.posts.confirm(row.seq, entry.height, position);
        returned.delete(row.seq);
      });
      this.pool.dropConfirmed(rows.map((row) => row.seq));
      this.blocks.setBest(entry.height, entry.hash);
      events.connected.push({ hash: entry.hash, height: entry.height, postIds: ids });
    }
    if (disconnected.length > 0) {
      events.reorgs.push({
        forkHeight: fork.height,
        forkHash: fork.hash,
        disconnected,
        connected: branch.map((entry) => entry.hash),
        returnedToPending: returned.size,
      });
    }
  }
}
