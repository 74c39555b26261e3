import type { Block, ValidBlock } from '../../core/block.ts';
import type { ParentContext } from '../../core/contextual.ts';
import type { Result } from '../../core/errors.ts';
import type { NetworkParams } from '../../core/params.ts';
import type { Post } from '../../core/post.ts';
import type { AcceptOptions, AcceptOutcome, BlockConnectedEvent, ReorgEvent } from '../chain/chain.ts';
import type { CheckedBlock } from '../chain/checked.ts';
import type { AcceptedPost } from '../mempool.ts';
import type { BlockIndexEntry } from '../store/blocks.ts';
import type { BanKind, PeerRow, PeerSource } from '../store/peers.ts';

/**
 * What the peer layer needs of the rest of the node, and nothing more (issue 8: "the chain
 * keeps its stores private"). network.ts builds these from the Chain, the Mempool and the
 * PeerStore; every other p2p module sees only these interfaces, so a unit test can hand it
 * a few lines of fake instead of a database.
 */

/** The block chain as the peer layer sees it: the best chain, the block index and the one door. */
export interface ChainView {
  readonly params: NetworkParams;
  /** The best tip (height, hash, chainwork). */
  readonly tip: BlockIndexEntry;
  hasBlock(hash: string): boolean;
  getEntry(hash: string): BlockIndexEntry | undefined;
  /** The best-chain hash at `height`, if the chain is that high. */
  bestHashAt(height: number): string | undefined;
  /** Best-chain entries with from ≤ height ≤ to, ascending (the serving side of headers). */
  bestRange(from: number, to: number): BlockIndexEntry[];
  /** A stored block as it travels (header, hash and posts), if its body is stored. */
  blockBody(hash: string): Block | undefined;
  parentContext(parent: BlockIndexEntry): ParentContext;
  /** §7.1 steps 1–16 (no chain needed): what sync runs ahead of the chain. */
  checkBlock(input: unknown): Result<CheckedBlock>;
  validateStateless(input: unknown, options?: AcceptOptions): Result<ValidBlock>;
  acceptBlock(input: unknown, options?: AcceptOptions): AcceptOutcome;
  inOneTransaction<T>(work: () => T): T;
  on(event: 'block', listener: (event: BlockConnectedEvent) => void): unknown;
  on(event: 'reorg', listener: (event: ReorgEvent) => void): unknown;
}

/** Posts by id, as gossip and the serving side need them. */
export interface PostLookup {
  /**
   * Whether the node holds the post (pending, confirmed, or evicted by its pool): no need to
   * fetch it again. A post stored only with a side-branch block is not held (§11.8).
   */
  holdsPost(id: string): boolean;
  /** The post if it is relayable (pending or confirmed on the best chain). */
  relayablePost(id: string): Post | undefined;
  /** The post in any stored state (evicted and side-branch posts too): what compact relay rebuilds from. */
  storedPost(id: string): Post | undefined;
}

/** The pending pool: the one door for posts from peers, and the hook that announces them. */
export interface PendingPool {
  submit(input: unknown): Promise<AcceptedPost>;
  onAdded(listener: (accepted: AcceptedPost) => void): void;
  /** Pending post ids in arrival order after the seq `afterSeq` (GET /p2p/pending). */
  page(limit: number, afterSeq: number): readonly { readonly seq: number; readonly id: string }[];
}

/** The stored peer addresses, scores and discouragements (the PeerStore methods used). */
export interface PeerBook {
  add(url: string, source?: PeerSource): boolean;
  get(url: string): PeerRow | undefined;
  list(): PeerRow[];
  count(): number;
  markSeen(url: string, at?: number): void;
  setScore(url: string, score: number): void;
  discourage(url: string, until: number, reason: string): void;
  isDiscouraged(url: string, now?: number): boolean;
  remove(url: string): void;
  evictNeverConnected(now?: number): boolean;
  ban(kind: BanKind, value: string, until: number, reason: string): void;
  isBanned(kind: BanKind, value: string, now?: number): boolean;
}
