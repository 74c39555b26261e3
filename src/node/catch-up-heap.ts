import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * V8's old-generation growing factor while the node catches up, as a percentage over the live
 * size (1.5 ×). By default V8 picks the factor itself, up to 4 × when collections are cheap
 * next to the allocation rate; initial sync is that case: each downloaded batch lives across a
 * few awaits, is promoted, and is garbage a second later, so the old generation grew to ~75 MB
 * over a live ~35 MB before each major collection, and that growth set the node's peak memory
 * (issue 13). The flag is read at every collection, so it can be set and cleared while running.
 */
export const CATCH_UP_HEAP_GROWING_PERCENT = 50;

/**
 * While catching up, a full collection at most this often. The growing factor alone still let
 * the old generation reach ~85 MB over ~50 MB live on an idle machine (peak RSS 222–233 MB for
 * the 10,000-block sync); a collection a second (~20 ms of CPU each, +0.3 CPU s in all) kept it
 * at 196–197 MB (bench/README.md, "Initial sync").
 */
export const CATCH_UP_COLLECT_INTERVAL_MS = 1000;

/**
 * V8's full collection, from a context made after `--expose-gc` is set (the flag only adds
 * `gc` to contexts created after it). Undefined when V8 refuses: the sync only uses more memory.
 */
export function exposedCollector(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    return typeof gc === 'function' ? () => gc() : undefined;
  } catch {
    return undefined;
  }
}

/** Bounds V8's heap while `catchingUp` holds (growing factor, periodic full collections) and gives it back to V8 after. */
export class CatchUpHeap {
  private active = false;
  private lastCollect = Number.NEGATIVE_INFINITY;
  private collector: (() => void) | undefined;
  private collectorLooked = false;

  constructor(
    private readonly setFlags: (flags: string) => void = setFlagsFromString,
    private readonly makeCollector: () => (() => void) | undefined = exposedCollector,
  ) {}

  /** Follows the node's catching-up state; returns it, so that it can wrap a predicate. */
  follow(catchingUp: boolean, now = Date.now()): boolean {
    if (catchingUp !== this.active) {
      // 0 is V8's default: the factor chosen from the collector's and the program's speeds.
      this.setFlags(`--heap-growing-percent=${catchingUp ? CATCH_UP_HEAP_GROWING_PERCENT : 0}`);
      this.active = catchingUp;
      this.lastCollect = now; // the first collection one interval in: a short catch-up needs none
    }
    if (catchingUp && now - this.lastCollect >= CATCH_UP_COLLECT_INTERVAL_MS) {
      this.lastCollect = now;
      if (!this.collectorLooked) {
        this.collectorLooked = true;
        this.collector = this.makeCollector();
      }
      this.collector?.();
    }
    return catchingUp;
  }
}
