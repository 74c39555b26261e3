import { decodeBits } from '../../core/compact.ts';
import { blockWork } from '../../core/pow.ts';
import type { BlockIndexEntry, BlockStore } from '../store/blocks.ts';

/**
 * A side-branch block is stored only when its branch's work is at least the tip's minus this
 * many of the tip's blocks (Bitcoin Core stores an unrequested block only with as much work as
 * its tip). Six covers every ordinary race and short reorg relayed block by block; deeper
 * reorgs come through headers-first sync, whose blocks are requested and exempt.
 */
export const SIDE_REACH_BLOCKS = 6;

/** Side-branch blocks whose whole subtree lies this many blocks below the tip are pruned. */
export const SIDE_PRUNE_DEPTH = 100;

/** Pruning runs when a block connects and the tip rose this many heights since the last run (the first connect after start runs it). */
export const SIDE_PRUNE_EVERY = 16;

export interface SideBranchPolicy {
  readonly reachBlocks: number;
  readonly pruneDepth: number;
  readonly pruneEvery: number;
}

export const DEFAULT_SIDE_BRANCH_POLICY: SideBranchPolicy = {
  reachBlocks: SIDE_REACH_BLOCKS,
  pruneDepth: SIDE_PRUNE_DEPTH,
  pruneEvery: SIDE_PRUNE_EVERY,
};

/** Whether a block whose branch would have `branchWork` is within reach of `tip`. */
export function withinReach(branchWork: bigint, tip: BlockIndexEntry, policy: SideBranchPolicy): boolean {
  const tipBlockWork = blockWork(decodeBits(tip.bits)!);
  return branchWork >= tip.chainwork - BigInt(policy.reachBlocks) * tipBlockWork;
}

/**
 * Deletes stale side-branch blocks: those off the best chain whose whole subtree lies below
 * `tipHeight − pruneDepth` (a block with a younger descendant stays, so no stored block ever
 * loses its parent). Their index entries, post links and the posts nothing else holds go; a
 * pruned block sent again is judged afresh (and refused as too light). Runs inside the
 * caller's transaction.
 *
 * Only heights from `floor` up are read: the caller keeps `floor` at or below the lowest side
 * block that may exist (the returned `floor` after a run, lowered when a side block is stored or
 * the best chain reorganises), so a run costs the heights the tip rose, not the whole index.
 */
export function pruneStaleSideBranches(
  blocks: BlockStore,
  tipHeight: number,
  policy: SideBranchPolicy,
  floor = 0,
): { pruned: number; floor: number } {
  const cutoff = tipHeight - policy.pruneDepth;
  if (cutoff <= floor) return { pruned: 0, floor };
  const candidates = blocks.sideBlocksIn(floor, cutoff);
  const prunable = new Set(candidates.map((entry) => entry.hash));
  // Highest first: a block is prunable when every child is.
  candidates.sort((a, b) => b.height - a.height);
  for (const entry of candidates) {
    if (blocks.childHashes(entry.hash).some((child) => !prunable.has(child))) prunable.delete(entry.hash);
  }
  let lowestKept = cutoff;
  for (const entry of candidates) {
    if (prunable.has(entry.hash)) blocks.deleteBlock(entry.hash);
    else lowestKept = Math.min(lowestKept, entry.height);
  }
  return { pruned: prunable.size, floor: lowestKept };
}
