export interface BodyTimeoutBounds {
  readonly min: number;
  readonly max: number;
  readonly factor: number;
}

/** Bounds of the adaptive body-download timeout, ms. */
export const BODY_TIMEOUT: BodyTimeoutBounds = { min: 5000, max: 30_000, factor: 4 };
/** Recent batch times kept (all peers together). */
const WINDOW = 16;

/**
 * How long body downloads take, to time out the peers that hold one much longer than the others
 * do (issue 9, finding 9: a staller answering just under a fixed 30 s held the download lock,
 * and catching up 150 blocks took 57 s instead of 0.8 s). The timeout of a batch is
 * `factor` × the median of the recent batch times of every peer, within [min, max]; before any
 * batch was timed it is `max`. The median of all peers, not the asking peer's own: a staller's
 * own times would only teach the node to wait for it.
 */
export class BodyTimer {
  private readonly recent: number[] = [];

  constructor(private readonly bounds: BodyTimeoutBounds = BODY_TIMEOUT) {}

  /** A batch of bodies arrived after `ms`. */
  record(ms: number): void {
    this.recent.push(ms);
    if (this.recent.length > WINDOW) this.recent.shift();
  }

  /** The timeout of the next batch download, ms. */
  timeoutMs(): number {
    if (this.recent.length === 0) return this.bounds.max;
    const sorted = [...this.recent].sort((a, b) => a - b);
    const median = sorted[Math.floor((sorted.length - 1) / 2)]!; // the lower median: one slow peer of two does not set it
    return Math.min(this.bounds.max, Math.max(this.bounds.min, Math.ceil(this.bounds.factor * median)));
  }
}
