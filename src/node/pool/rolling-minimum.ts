/**
 * The pool's rolling minimum density (docs/PROTOCOL.md §12.4), after Bitcoin's rolling minimum
 * fee: an eviction raises it just above the density evicted, so that the next post must beat
 * what the pool just dropped; it then decays by half every `halfLife` seconds, four times faster
 * while the pool is under half full, and drops to 0 once negligible. While the pool is at least
 * `fullAt` full, it is never below the lowest density in the pool (a post below it would be the
 * first evicted).
 */
export interface RollingMinimumOptions {
  /** Seconds for the bumped minimum to halve; default 60 (one block). */
  readonly halfLife?: number;
  /** Factor above an evicted density; default 1.1. */
  readonly bump?: number;
  /** Occupancy (0–1) from which the lowest density in the pool counts; default 0.9. */
  readonly fullAt?: number;
}

export class RollingMinimum {
  private value = 0;
  private updatedAt: number;
  private readonly halfLife: number;
  private readonly bump: number;
  readonly fullAt: number;

  constructor(now: number, options: RollingMinimumOptions = {}) {
    this.updatedAt = now;
    this.halfLife = options.halfLife ?? 60;
    this.bump = options.bump ?? 1.1;
    this.fullAt = options.fullAt ?? 0.9;
  }

  /** An eviction of a post of `density` at `now` (seconds). */
  evicted(density: number, now: number, occupancy: number): void {
    this.decay(now, occupancy);
    this.value = Math.max(this.value, density * this.bump);
  }

  /**
   * The minimum density at `now`, given the pool's occupancy (0–1, the larger of count and bytes)
   * and the lowest density it holds.
   */
  current(now: number, occupancy: number, lowestDensity: number): number {
    this.decay(now, occupancy);
    return occupancy >= this.fullAt ? Math.max(this.value, lowestDensity) : this.value;
  }

  private decay(now: number, occupancy: number): void {
    const elapsed = now - this.updatedAt;
    this.updatedAt = now;
    if (elapsed <= 0 || this.value === 0) return;
    const halfLife = occupancy < 0.5 ? this.halfLife / 4 : this.halfLife;
    this.value *= 2 ** (-elapsed / halfLife);
    // Below a thousandth of a hash per byte nothing is asked of anyone.
    if (this.value < 1e-3) this.value = 0;
  }
}
