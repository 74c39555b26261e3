/** The retry schedule while the node cannot be reached: 2 s, doubling, at most 10 s. Pure. */

export const RETRY_MIN_MS = 2_000;
export const RETRY_MAX_MS = 10_000;

export class Backoff {
  private delay = RETRY_MIN_MS;

  /** The wait before the next retry; each call doubles the one after, up to the maximum. */
  next(): number {
    const delay = this.delay;
    this.delay = Math.min(RETRY_MAX_MS, this.delay * 2);
    return delay;
  }

  /** The node answered: the next outage starts again from the shortest wait. */
  reset(): void {
    this.delay = RETRY_MIN_MS;
  }
}
