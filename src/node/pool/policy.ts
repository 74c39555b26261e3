import type { DensityIndex } from './density-index.ts';

/**
 * What a post of N bytes needs to enter the pool and to make the next block (GET /api/v1/policy,
 * docs/PROTOCOL.md §12.4). Work is in expected hashes; a density is work per byte.
 */
export interface PoolPolicy {
  /** The rolling minimum density now. */
  readonly minDensity: number;
  /** Estimated density of the last post that fits the next block, densest first. */
  readonly nextBlockDensity: number;
  /** The network's consensus floor per post (params.minStampWork). */
  readonly floorWork: number;
}

/** Work a post of `bytes` needs for a density `density`, never below the consensus floor. */
export function workFor(density: number, bytes: number, floorWork: number): number {
  return Math.max(floorWork, Math.ceil(density * bytes));
}

/**
 * The density a post needs to be in the next block: the density of the marginal post of a block
 * filled densest first (just above it, so it would displace it), or the pool minimum when the pool
 * holds less than a block.
 */
export function nextBlockDensity(
  index: DensityIndex,
  maxPosts: number,
  maxBytes: number,
  minDensity: number,
): number {
  let count = 0;
  let bytes = 0;
  for (const entry of index.descending()) {
    count++;
    bytes += entry.size;
    if (count >= maxPosts || bytes >= maxBytes) return Math.max(minDensity, entry.density * 1.1);
  }
  return minDensity;
}
