import { setFlagsFromString } from 'node:v8';

/**
 * V8's old-generation growing factor while the node catches up, as a percentage over the live
 * size (1.5 ×). By default V8 picks the factor itself, up to 4 × when collections are cheap
 * next to the allocation rate; initial sync is that case: each downloaded batch lives across a
 * few awaits, is promoted, and is garbage a second later, so the old generation grew to ~75 MB
 * over a live ~35 MB before each major collection, and that growth set the node's peak memory
 * (issue 13). The flag is read at every collection, so it can be set and cleared while running.
 */
export const CATCH_UP_HEAP_GROWING_PERCENT = 50;

/** Sets V8's heap growing factor while `catchingUp` holds and gives it back to V8 after. */
export class CatchUpHeap {
  private active = false;

  constructor(private readonly setFlags: (flags: string) => void = setFlagsFromString) {}

  /** Follows the node's catching-up state; returns it, so that it can wrap a predicate. */
  follow(catchingUp: boolean): boolean {
    if (catchingUp !== this.active) {
      // 0 is V8's default: the factor chosen from the collector's and the program's speeds.
      this.setFlags(`--heap-growing-percent=${catchingUp ? CATCH_UP_HEAP_GROWING_PERCENT : 0}`);
      this.active = catchingUp;
    }
    return catchingUp;
  }
}
